#!/usr/bin/env bash
# Install carried wheels into a folder on the GPU machine (no network), then use it on PYTHONPATH:
#   tools/gpu/install_wheels.sh WHEELS_DIR TARGET_DIR
#   PYTHONPATH=TARGET_DIR:. python tools/gpu/bench_throughput.py
#   TRAINING_GPU_PYTHON=... (a wrapper that sets that PYTHONPATH) for the training pipeline
set -euo pipefail
wheels=${1:?usage: install_wheels.sh WHEELS_DIR TARGET_DIR}
target=${2:?usage: install_wheels.sh WHEELS_DIR TARGET_DIR}
python -m pip install --no-deps --no-index --target "$target" "$wheels"/*.whl
if compgen -G "$wheels/bnb/*.whl" > /dev/null; then
  python -m pip install --no-deps --no-index --target "$target" "$wheels"/bnb/*.whl
fi
PYTHONPATH="$target" python -c "import trl, datasets; print('trl', trl.__version__, 'datasets', datasets.__version__)"
