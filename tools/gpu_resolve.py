"""Resolve the GPU training requirements (tools/gpu/requirements.txt) for Linux x86_64 / CPython 3.11 with
pip's resolver, without installing or downloading wheels, and report the versions or the conflict.

    poetry poe check-gpu-requirements [--python-version 3.11] [--report FILE]

Uses pip >= 25.3 (its `--dry-run` no longer downloads the chosen wheels) with `fast-deps` (wheel metadata
read by HTTP range requests, where the index serves no separate metadata files): no CUDA wheel is
downloaded. The environment's own pip is older, so that pip is fetched once as a ~2 MB wheel and run from
it. Needs the package index; ignores local pip configuration and find-links (a local CPU torch would hide
the CUDA resolution).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "tools" / "gpu" / "requirements.txt"
# glibc 2.28 (manylinux_2_28) runs wheels tagged for it and for every older manylinux.
PLATFORMS = [
    "manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_24_x86_64",
    "manylinux_2_17_x86_64", "manylinux2014_x86_64",
]  # fmt: skip
WATCHED = ("torch", "transformers", "trl", "datasets", "peft", "unsloth", "unsloth-zoo", "xformers",
           "bitsandbytes", "torchvision", "triton", "accelerate")  # fmt: skip


def _isolated_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # no pip.conf (constraints, find-links of this machine)
    return env


def fetch_pip(folder: Path) -> Path:
    """A pip >= 25.3 wheel in `folder` (runnable as `python <wheel>/pip`)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--isolated", "--no-deps", "--only-binary=:all:",
         "--quiet", "pip>=25.3", "-d", str(folder)],
        check=True, env=_isolated_env(), capture_output=True, text=True,
    )  # fmt: skip
    return next(folder.glob("pip-*.whl"))


def resolve(python_version: str, work: Path) -> tuple[int, dict | None, str]:
    """(pip's exit code, its JSON report or None, its output)."""
    pip_wheel = fetch_pip(work)
    report = work / "report.json"
    command = [
        sys.executable, str(pip_wheel / "pip"), "install", "--isolated", "--dry-run", "--ignore-installed",
        "--report", str(report), "--python-version", python_version, "--implementation", "cp",
        "--only-binary=:all:", "--target", str(work / "target"), "--cache-dir", str(work / "cache"),
        "--use-feature=fast-deps", "--progress-bar", "off", "-r", str(REQUIREMENTS),
        *[arg for platform in PLATFORMS for arg in ("--platform", platform)],
    ]  # fmt: skip
    result = subprocess.run(command, env=_isolated_env(), capture_output=True, text=True)
    data = json.loads(report.read_text()) if result.returncode == 0 and report.is_file() else None
    return result.returncode, data, result.stdout + result.stderr


def versions(report: dict) -> dict[str, str]:
    return {
        item["metadata"]["name"].lower().replace("_", "-"): item["metadata"]["version"]
        for item in report["install"]
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python-version", default="3.11")
    parser.add_argument("--report", type=Path, help="also write pip's JSON report here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="llm-twin-gpu-resolve-") as tmp:
        work = Path(tmp)
        code, report, output = resolve(args.python_version, work)
        downloaded_mb = sum(f.stat().st_size for f in (work / "cache").rglob("*") if f.is_file()) / 1e6
    if report is None:
        conflict = [line for line in output.splitlines() if "ERROR" in line or "conflict" in line.lower()]
        print("GPU requirements do NOT resolve for Linux x86_64 / CPython " + args.python_version + ":")
        print("\n".join(conflict[-30:]) or output[-3000:])
        return 1
    if args.report:
        args.report.write_text(json.dumps(report, indent=1))
    found = versions(report)
    cuda = sorted(name for name in found if name.startswith("nvidia-"))
    print(f"GPU requirements resolve for Linux x86_64 / CPython {args.python_version}: {len(found)} packages")
    print("  " + " ".join(f"{name}=={found[name]}" for name in WATCHED if name in found))
    print(
        f"  CUDA libraries: {len(cuda)} nvidia-* packages (not downloaded); pip cache {downloaded_mb:.1f} MB"
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
