"""Re-generate poetry.lock where Poetry cannot read the package registry's JSON API.

Usage (from the repository root):
    poetry poe lock                   # add new dependencies, keep the locked versions of the rest
    poetry poe lock --regenerate      # re-resolve everything to the newest allowed versions
    python tools/lock.py [--regenerate] [--index-url URL]

On a normal machine a plain `poetry lock` does the same job. On machines whose network only reaches the
registry's *simple* index (Poetry's default PyPI source reads the per-release JSON API, which answers 404
there), this tool:

1. copies pyproject.toml (and poetry.lock, if any) into a temporary folder and adds a temporary
   `[[tool.poetry.source]]` of type "legacy" (simple index) whose URL is read at run time from pip's own
   configuration (no registry host is written in the repository);
2. runs `poetry lock` there;
3. removes the `[package.source]` entries that source adds, so the lock refers to the default source again;
4. recomputes `content-hash` from the unmodified pyproject.toml with Poetry's own code;
5. refuses a lock that would install two versions of one package on Linux x86_64 (see pyproject.toml);
6. writes poetry.lock and runs `poetry check --lock`.

It needs Poetry's Python (tools/bootstrap.sh installs one); run from any Python, it re-executes itself with
the interpreter of the `poetry` found on PATH or in the bootstrap's folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_NAME = "lock-index"
REEXEC_GUARD = "LLM_TWIN_LOCK_REEXEC"


def _poetry_python_candidates() -> list[Path]:
    candidates: list[Path] = []
    home = os.environ.get("LLM_TWIN_POETRY_HOME")
    if home:
        candidates.append(Path(home) / "bin" / "python")
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    candidates.append(data_home / "llm-twin" / "poetry" / "bin" / "python")
    exe = shutil.which("poetry")
    if exe:
        try:
            first_line = Path(exe).resolve().read_text(errors="replace").splitlines()[0]
        except (OSError, IndexError):
            first_line = ""
        if first_line.startswith("#!"):
            interpreter = first_line[2:].strip().split()[0]
            candidates.insert(0, Path(interpreter))
    return candidates


def _ensure_poetry_importable() -> None:
    try:
        import poetry.factory  # noqa: F401
    except ImportError:
        if os.environ.get(REEXEC_GUARD):
            sys.exit("tools/lock.py: Poetry's Python was found but cannot import poetry.")
        for python in _poetry_python_candidates():
            if python.is_file() and os.access(python, os.X_OK):
                os.environ[REEXEC_GUARD] = "1"
                os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])
        sys.exit(
            "tools/lock.py: Poetry is not installed. Run tools/bootstrap.sh first "
            "(it installs Poetry into ~/.local/share/llm-twin/poetry)."
        )


def _index_url_from_pip() -> str:
    """The simple-index URL pip uses by default, read from pip itself (never written in the repo)."""
    env_url = os.environ.get("PIP_INDEX_URL")
    if env_url:
        return env_url
    try:
        out = subprocess.run(
            [sys.executable, "-m", "pip", "config", "get", "global.index-url"],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except OSError:
        pass
    from pip._internal.models.index import PyPI

    return PyPI.simple_url


def _poetry_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("POETRY_NO_INTERACTION", "1")
    # A desktop keyring can block a headless `poetry lock` for minutes.
    env.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    # Any environment Poetry makes for the temporary copy goes into (and away with) the temporary folder.
    env["POETRY_VIRTUALENVS_IN_PROJECT"] = "true"
    return env


def _add_temporary_source(pyproject_text: str, url: str) -> str:
    import tomlkit

    doc = tomlkit.parse(pyproject_text)
    tool = doc.setdefault("tool", tomlkit.table())
    poetry = tool.setdefault("poetry", tomlkit.table())
    sources = poetry.get("source")
    if sources is None:
        sources = tomlkit.aot()
        poetry["source"] = sources
    for src in sources:
        if str(src.get("priority", "")) in ("primary", "default"):
            sys.exit(
                "tools/lock.py: pyproject.toml already declares a primary source; "
                "run a plain `poetry lock` instead."
            )
    entry = tomlkit.table()
    entry["name"] = SOURCE_NAME
    entry["url"] = url
    entry["priority"] = "primary"
    sources.append(entry)
    return tomlkit.dumps(doc)


def _point_lock_at(lock_text: str, url: str | None) -> str:
    """url given: tag default-source packages with the temporary source; None: remove those tags."""
    import tomlkit

    doc = tomlkit.parse(lock_text)
    for package in doc.get("package", []):
        source = package.get("source")
        if url is not None and source is None:
            tag = tomlkit.table()
            tag["type"] = "legacy"
            tag["url"] = url
            tag["reference"] = SOURCE_NAME
            package["source"] = tag
        elif url is None and source is not None and str(source.get("reference")) == SOURCE_NAME:
            del package["source"]
    return tomlkit.dumps(doc)


def _linux_duplicates(lock_text: str) -> list[str]:
    """Packages locked in two versions that would both be installed on Linux x86_64, Python 3.11."""
    import tomlkit
    from poetry.core.version.markers import parse_marker

    env = {
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "os_name": "posix",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "x86_64",
        "platform_release": "",
        "platform_version": "",
        "python_version": "3.11",
        "python_full_version": "3.11.7",
        "implementation_version": "3.11.7",
        "extra": set(),
    }
    seen: dict[str, list[str]] = {}
    for package in tomlkit.parse(lock_text).get("package", []):
        markers = package.get("markers")
        if isinstance(markers, dict):  # per-group markers
            applies = any(parse_marker(str(m)).validate(env) for m in markers.values())
        else:
            applies = parse_marker(str(markers)).validate(env) if markers else True
        if applies:
            seen.setdefault(str(package["name"]), []).append(str(package["version"]))
    return [f"{name}: {', '.join(versions)}" for name, versions in seen.items() if len(versions) > 1]


def main() -> int:
    _ensure_poetry_importable()
    import tomlkit
    from poetry.factory import Factory

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true", help="ignore the existing lock")
    parser.add_argument("--index-url", help="simple index to resolve against (default: pip's)")
    parser.add_argument(
        "--allow-duplicates", action="store_true", help="write the lock even if it has Linux duplicates"
    )
    args = parser.parse_args()

    url = args.index_url or _index_url_from_pip()
    pyproject = ROOT / "pyproject.toml"
    lock = ROOT / "poetry.lock"
    env = _poetry_env()

    with tempfile.TemporaryDirectory(prefix="llm-twin-lock-") as tmp:
        work = Path(tmp)
        (work / "pyproject.toml").write_text(_add_temporary_source(pyproject.read_text(), url))
        readme = ROOT / "README.md"
        (work / "README.md").write_text(readme.read_text() if readme.exists() else "")
        if lock.exists() and not args.regenerate:
            (work / "poetry.lock").write_text(_point_lock_at(lock.read_text(), url))
        cmd = [sys.executable, "-m", "poetry", "lock", "--no-interaction"]
        if args.regenerate:
            cmd.append("--regenerate")
        print(f"tools/lock.py: resolving through a temporary simple-index source ({' '.join(cmd[2:])})")
        result = subprocess.run(cmd, cwd=work, env=env, check=False)
        if result.returncode != 0:
            print("tools/lock.py: poetry lock failed; poetry.lock was not changed.", file=sys.stderr)
            return result.returncode
        new_lock = _point_lock_at((work / "poetry.lock").read_text(), None)

    doc = tomlkit.parse(new_lock)
    doc["metadata"]["content-hash"] = Factory().create_poetry(ROOT).locker._get_content_hash()
    new_lock = tomlkit.dumps(doc)
    if SOURCE_NAME in new_lock:
        print("tools/lock.py: the temporary source is still referenced in the lock.", file=sys.stderr)
        return 1

    duplicates = _linux_duplicates(new_lock)
    if duplicates:
        print(
            "tools/lock.py: the lock would install two versions of a package on Linux:\n  "
            + "\n  ".join(duplicates)
            + "\nPin the package in pyproject.toml to the version torch (or its other dependant) asks for,"
            " or pass --allow-duplicates.",
            file=sys.stderr,
        )
        if not args.allow_duplicates:
            return 1

    changed = not lock.exists() or lock.read_text() != new_lock
    lock.write_text(new_lock)
    print(f"tools/lock.py: poetry.lock {'updated' if changed else 'unchanged'}.")
    check = subprocess.run([sys.executable, "-m", "poetry", "check", "--lock"], cwd=ROOT, env=env)
    return check.returncode


if __name__ == "__main__":
    sys.exit(main())
