#!/usr/bin/env bash
# Download the GPU environment's wheels for an offline CUDA machine that already has torch, transformers,
# peft and accelerate (e.g. a lent H100/H200 box): run here, carry DIR over, then tools/gpu/install_wheels.sh.
#   tools/gpu/fetch_wheels.sh DIR [PYTHON_VERSION=3.12]
set -euo pipefail
dir=${1:?usage: fetch_wheels.sh DIR [PYTHON_VERSION]}
py=${2:-3.12}
mkdir -p "$dir"
# --no-deps: the machine's own torch/transformers stay; these are what it lacks (about 51 MB, + 43 MB
# for bitsandbytes).
python -m pip download --no-deps --only-binary=:all: --python-version "$py" -d "$dir" \
  unsloth unsloth_zoo "trl<=1.15.0" "datasets>=3.4.1,<5" dill multiprocess tyro docstring-parser shtab \
  typeguard msgspec cut_cross_entropy torchao hf_transfer diffusers json5 nest-asyncio structlog pydantic \
  pydantic-core annotated-types typing-inspection loguru
python -m pip download --no-deps --only-binary=:all: --python-version "$py" -d "$dir/bnb" bitsandbytes
echo "wheels in $dir: $(du -sh "$dir" | cut -f1)"
