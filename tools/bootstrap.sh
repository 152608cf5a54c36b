#!/usr/bin/env bash
# tools/bootstrap.sh [poetry args...]
#
# The one setup entry point for newcomers and CI:
#   tools/bootstrap.sh                 set up (or check) everything, then stop
#   tools/bootstrap.sh poe run-etl     ... then run `poetry poe run-etl`
#   tools/bootstrap.sh poe test        ... then run the tests
#
# What it does (each step is skipped when already done, so a second run takes seconds):
#  1. Poetry (pinned), the Poe the Poet plugin and poetry-plugin-export, installed with pip into their own
#     venv outside the clone ($LLM_TWIN_POETRY_HOME, default ~/.local/share/llm-twin/poetry); `poetry` is
#     linked into ~/.local/bin.
#  2. The project environment: a venv cached outside the clone, keyed by the poetry.lock hash
#     ($LLM_TWIN_VENV_CACHE, default ~/.cache/llm-twin/venvs/<key>), linked as .venv in the clone (Poetry
#     uses an existing .venv). A fresh clone on a machine that ran this before reuses it at once.
#  3. The locked dependency set, installed with `poetry install` where Poetry can read the package
#     registry's JSON API (a normal machine), otherwise from `poetry export` of the same lock with pip.
#     Where pip's find-links holds a CPU build of the locked torch, that build is used and the CUDA-only
#     packages (nvidia-*, triton, cuda-*) are skipped.
#  4. A check that torch, zenml, sentence_transformers, qdrant_client and litemongo import; it fails loudly.
#
# Settings (environment variables, all optional):
#   LLM_TWIN_PYTHON            Python 3.11 interpreter to use (default: python3.11, then python3)
#   LLM_TWIN_INSTALLER         auto | poetry | pip (default auto: poetry if it can reach the registry's JSON API)
#   LLM_TWIN_POETRY_INSTALL_TIMEOUT  seconds before a hanging `poetry install` falls back to pip (default 2400)
#   LLM_TWIN_POETRY_HOME, LLM_TWIN_VENV_CACHE, LLM_TWIN_BIN_DIR   locations (see above)
#   LLM_TWIN_KEEP_VENVS        how many cached project venvs to keep (default 3)
set -euo pipefail

POETRY_VERSION="2.5.1"
POE_VERSION="0.49.0"
EXPORT_PLUGIN_VERSION="1.10.1"
STAMP_SCHEMA="1"   # bump to force every cached project venv to be rebuilt

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
CACHE_HOME="${XDG_CACHE_HOME:-$HOME/.cache}"
POETRY_HOME_DIR="${LLM_TWIN_POETRY_HOME:-$DATA_HOME/llm-twin/poetry}"
VENV_CACHE="${LLM_TWIN_VENV_CACHE:-$CACHE_HOME/llm-twin/venvs}"
BIN_DIR="${LLM_TWIN_BIN_DIR:-$HOME/.local/bin}"
INSTALLER="${LLM_TWIN_INSTALLER:-auto}"
POETRY_INSTALL_TIMEOUT="${LLM_TWIN_POETRY_INSTALL_TIMEOUT:-2400}"
KEEP_VENVS="${LLM_TWIN_KEEP_VENVS:-3}"

T_START=$(date +%s)
VERIFIED=""
log() { printf '[bootstrap %3ss] %s\n' "$(($(date +%s) - T_START))" "$*" >&2; }
die() { printf '[bootstrap] ERROR: %s\n' "$*" >&2; exit 1; }

# Portable helpers (macOS has neither sha256sum nor timeout by default).
sha256() { if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi; }
with_timeout() {  # with_timeout SECONDS CMD...: run CMD, killed after SECONDS where `timeout` exists
    local seconds="$1"
    shift
    if command -v timeout >/dev/null 2>&1; then timeout "$seconds" "$@"; else "$@"; fi
}

# pip's noise about configured-but-missing local index folders says nothing about this project.
# Always called as `quiet_pip ... || die ...`, so errexit does not stop at the pipeline.
quiet_pip() {
    "$@" 2>&1 | grep -v -e 'is ignored: it is neither a file nor a directory'
    return "${PIPESTATUS[0]}"
}

# ---------------------------------------------------------------------------------------------------------
# Python 3.11
# ---------------------------------------------------------------------------------------------------------
find_python() {
    local candidate
    for candidate in ${LLM_TWIN_PYTHON:-} python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}
PYTHON="$(find_python)" || die "Python 3.11 not found (this project needs >=3.11,<3.12). Install it (pyenv install 3.11) or set LLM_TWIN_PYTHON."
PY_VERSION="$("$PYTHON" -c 'import platform; print(platform.python_version())')"

# ---------------------------------------------------------------------------------------------------------
# 1. Poetry + plugins in their own venv
# ---------------------------------------------------------------------------------------------------------
TOOLS_SPEC="poetry==${POETRY_VERSION} poethepoet==${POE_VERSION} poetry-plugin-export==${EXPORT_PLUGIN_VERSION}"
POETRY="$POETRY_HOME_DIR/bin/poetry"
if [[ -x "$POETRY" && "$(cat "$POETRY_HOME_DIR/.llm-twin-tools" 2>/dev/null)" == "$TOOLS_SPEC" ]] &&
    "$POETRY" --version >/dev/null 2>&1; then
    log "Poetry $POETRY_VERSION ready ($POETRY_HOME_DIR)"
else
    log "installing Poetry $POETRY_VERSION + poethepoet $POE_VERSION + poetry-plugin-export into $POETRY_HOME_DIR"
    rm -rf "$POETRY_HOME_DIR"
    mkdir -p "$(dirname "$POETRY_HOME_DIR")"
    "$PYTHON" -m venv "$POETRY_HOME_DIR"
    # shellcheck disable=SC2086
    quiet_pip "$POETRY_HOME_DIR/bin/python" -m pip install -q --progress-bar off $TOOLS_SPEC ||
        die "pip could not install Poetry ($TOOLS_SPEC)."
    "$POETRY" --version >/dev/null || die "Poetry was installed but does not run."
    echo "$TOOLS_SPEC" >"$POETRY_HOME_DIR/.llm-twin-tools"
fi

mkdir -p "$BIN_DIR"
LINK="$BIN_DIR/poetry"
if [[ -L "$LINK" || ! -e "$LINK" ]]; then
    ln -sfn "$POETRY" "$LINK"
elif [[ "$(readlink -f "$LINK")" != "$(readlink -f "$POETRY")" ]]; then
    log "note: $LINK is another Poetry; left as it is (this project's is $POETRY)"
fi
case ":$PATH:" in
*":$BIN_DIR:"*) ;;
*) log "hint: add $BIN_DIR to PATH to run plain 'poetry poe <task>':  export PATH=\"$BIN_DIR:\$PATH\"" ;;
esac
export LLM_TWIN_POETRY_HOME="$POETRY_HOME_DIR"     # tools/lock.py finds Poetry's Python through it
export POETRY_VIRTUALENVS_IN_PROJECT=true          # use the .venv link, whatever the user's Poetry config
export POETRY_VIRTUALENVS_PREFER_ACTIVE_PYTHON=false

# ---------------------------------------------------------------------------------------------------------
# 2. Project venv, cached outside the clone
# ---------------------------------------------------------------------------------------------------------
cd "$ROOT"
[[ -f poetry.lock ]] || die "poetry.lock is missing; run 'poetry poe lock' (tools/lock.py) to create it."
if ! "$POETRY" check --lock --no-interaction >/dev/null; then
    if [[ "${1:-} ${2:-}" == "poe lock" ]]; then
        log "poetry.lock is out of date; running: poetry $* (then run tools/bootstrap.sh again)"
        exec "$POETRY" "$@"
    fi
    die "poetry.lock does not match pyproject.toml (see above): run 'tools/bootstrap.sh poe lock' and commit both files."
fi

LOCK_INFO="$("$PYTHON" - <<'EOF'
import glob, os, platform, subprocess, sys, tomllib
lock = tomllib.load(open("poetry.lock", "rb"))
torch = next((p["version"] for p in lock.get("package", []) if p["name"] == "torch"), "")
wheel = ""
if torch and sys.platform == "linux":
    dirs = os.environ.get("PIP_FIND_LINKS", "").split()
    try:
        out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
    except OSError:
        out = ""
    for line in out.splitlines():
        key, _, value = line.partition("=")
        if key.endswith(".find-links"):
            dirs += value.strip().strip("'\"").split()
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    for d in dirs:
        d = d.removeprefix("file://")
        hits = sorted(glob.glob(os.path.join(d, f"torch-{torch}+cpu-{tag}-{tag}-*{platform.machine()}.whl")))
        if hits:
            wheel = hits[-1]
            break
print(torch)
print(wheel)
EOF
)" || die "could not read poetry.lock"
{ read -r TORCH_VERSION; read -r CPU_TORCH_WHEEL || true; } <<<"$LOCK_INFO"
FLAVOR="default"
[[ -n "$CPU_TORCH_WHEEL" ]] && FLAVOR="cpu-torch"

KEY="$( { cat poetry.lock; echo "$STAMP_SCHEMA $PY_VERSION $(uname -m) $FLAVOR"; } | sha256 | cut -c1-16)"
VENV="$VENV_CACHE/py${PY_VERSION}-${KEY}"
STAMP="$VENV/.llm-twin-stamp"
mkdir -p "$VENV_CACHE"

# One bootstrap at a time per venv (two clones on one machine may share it).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$VENV_CACHE/.lock-$KEY"
    flock 9
fi

link_venv() {
    if [[ -L .venv ]]; then
        [[ "$(readlink .venv)" == "$VENV" ]] || ln -sfn "$VENV" .venv
    elif [[ -e .venv ]]; then
        local aside
        aside=".venv.bak-$(date +%Y%m%d%H%M%S)"
        log "moving the existing .venv aside to $aside (bootstrap links .venv to its cached env)"
        mv .venv "$aside"
        ln -s "$VENV" .venv
    else
        ln -s "$VENV" .venv
    fi
}

can_poetry_read_registry() {
    # Poetry's default source reads the registry's per-release JSON API; on some networks only the simple
    # index answers. The URL is pip's own (no host name is written in this repository).
    "$PYTHON" - <<'EOF' >/dev/null 2>&1
import sys, urllib.request
from pip._internal.models.index import PyPI
try:
    with urllib.request.urlopen(f"{PyPI.pypi_url}/pip/json", timeout=15) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception:
    sys.exit(1)
EOF
}

install_with_pip() {
    local req="$VENV/.llm-twin-requirements.txt"
    log "exporting poetry.lock (main + dev groups) to requirements"
    "$POETRY" export --with dev --without-hashes --format requirements.txt --output "$req.all" ||
        die "poetry export failed: is poetry.lock up to date with pyproject.toml? Run 'poetry poe lock'."
    if [[ "$FLAVOR" == "cpu-torch" ]]; then
        log "using the local CPU build of torch $TORCH_VERSION ($CPU_TORCH_WHEEL); skipping CUDA-only packages"
        grep -v -E '^(nvidia-|triton==|cuda-)' "$req.all" |
            sed -E "s#^torch==[^ ;]+#${CPU_TORCH_WHEEL//#/\\#}#" >"$req"
    else
        cp "$req.all" "$req"
    fi
    log "pip install of $(grep -c -v -E '^\s*(#|$)' "$req") locked packages (no resolution: the lock is the resolution)"
    quiet_pip "$VENV/bin/python" -m pip install --no-deps --progress-bar off -q -r "$req" ||
        die "pip install of the locked set failed (see above)."
    log "pip check"
    quiet_pip "$VENV/bin/python" -m pip check || die "the installed set is inconsistent (pip check, above)."
}

install_with_poetry() {
    log "poetry install (timeout ${POETRY_INSTALL_TIMEOUT}s)"
    with_timeout "$POETRY_INSTALL_TIMEOUT" "$POETRY" install --no-interaction --with dev
}

verify_env() {
    local cfg
    cfg="$(mktemp -d)"
    # Importing zenml must not touch the user's ZenML config or send analytics from here.
    if ! ZENML_ANALYTICS_OPT_IN=false ZENML_CONFIG_PATH="$cfg" HF_HUB_OFFLINE=1 with_timeout 600 \
        "$VENV/bin/python" -c '
import torch, zenml, sentence_transformers, qdrant_client, litemongo
assert float(torch.ones(2).sum()) == 2.0
print(f"torch {torch.__version__}, zenml {zenml.__version__}, sentence-transformers {sentence_transformers.__version__}")
' >"$cfg/out" 2>&1; then
        cat "$cfg/out" >&2
        rm -rf "$cfg"
        return 1
    fi
    log "environment OK: $(tail -n1 "$cfg/out")"
    rm -rf "$cfg"
}

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$KEY" && -x "$VENV/bin/python" ]]; then
    log "project env up to date ($VENV)"
    link_venv
    touch "$VENV"
    # A caller that has just verified this env (e.g. .ci/run) may skip the import check.
    [[ "${LLM_TWIN_SKIP_VERIFY:-}" == "1" ]] && VERIFIED=1
else
    log "building the project env in $VENV (python $PY_VERSION, torch: $FLAVOR)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    link_venv
    mode="$INSTALLER"
    if [[ "$mode" == "auto" ]]; then
        if can_poetry_read_registry; then mode="poetry"; else
            mode="pip"
            log "Poetry cannot read the package registry's JSON API here; installing the same lock with pip"
        fi
    fi
    # A CPU torch from pip's find-links only reaches the env through pip.
    if [[ "$mode" == "poetry" && "$FLAVOR" == "cpu-torch" && "$INSTALLER" == "auto" ]]; then
        mode="pip"
    fi
    case "$mode" in
    poetry)
        if install_with_poetry && verify_env; then
            VERIFIED=1
        else
            log "poetry install failed or left a broken env; rebuilding with pip from the same lock"
            rm -rf "$VENV"
            "$PYTHON" -m venv "$VENV"
            install_with_pip
        fi
        ;;
    pip) install_with_pip ;;
    *) die "LLM_TWIN_INSTALLER must be auto, poetry or pip (got '$INSTALLER')" ;;
    esac
fi

# ---------------------------------------------------------------------------------------------------------
# 4. Verify (always: a cached env can be broken by hand)
# ---------------------------------------------------------------------------------------------------------
if [[ -z "$VERIFIED" ]] && ! verify_env; then
    rm -f "$STAMP"
    die "the project environment at $VENV does not import torch/zenml/sentence_transformers/qdrant_client/litemongo (see above). Re-run tools/bootstrap.sh to rebuild it."
fi
echo "$KEY" >"$STAMP"

# Keep the newest $KEEP_VENVS cached envs (the current one always stays).
# shellcheck disable=SC2012
ls -1dt "$VENV_CACHE"/py* 2>/dev/null | tail -n "+$((KEEP_VENVS + 1))" | while read -r old; do
    [[ "$old" == "$VENV" ]] && continue
    log "removing an old cached env: $old"
    rm -rf "$old"
    rm -f "$VENV_CACHE/.lock-${old##*-}"
done

log "ready. Next: 'poetry poe' lists the tasks (poetry is $POETRY)"

if [[ $# -gt 0 ]]; then
    log "running: poetry $*"
    exec "$POETRY" "$@"
fi
