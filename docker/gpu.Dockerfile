# The training environment on a CUDA GPU: the project (ZenML runs the training steps from it) plus the GPU
# trainer environment of tools/gpu/requirements.txt (Unsloth, TRL, PEFT), where the training stages run.
#   docker build -f docker/gpu.Dockerfile -t llm-twin:gpu .
#   docker run --rm --gpus all llm-twin:gpu python -m tools.run train --config configs/training.yaml
# ZenML builds it for the training steps when the training YAML names a step operator
# (pipelines/docker_settings.py). torch wheels from the default index on Linux carry their CUDA libraries;
# the host needs only the NVIDIA driver.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS requirements
ARG POETRY_VERSION=2.5.1
ARG EXPORT_PLUGIN_VERSION=1.10.1
RUN pip install --no-cache-dir "poetry==${POETRY_VERSION}" "poetry-plugin-export==${EXPORT_PLUGIN_VERSION}"
WORKDIR /build
COPY pyproject.toml poetry.lock README.md ./
RUN poetry export --without-hashes --format requirements.txt --output requirements.txt

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ZENML_ANALYTICS_OPT_IN=false \
    TOKENIZERS_PARALLELISM=false \
    TRAINING_GPU_PYTHON=/opt/gpu-venv/bin/python
WORKDIR /app
# The project's locked set (what the ZenML step entrypoint imports).
COPY --from=requirements /build/requirements.txt /tmp/requirements.txt
RUN pip install --no-deps -r /tmp/requirements.txt && pip check && rm /tmp/requirements.txt
# The trainer's own environment: Unsloth caps trl, transformers, datasets and torch below the main set.
COPY tools/gpu/requirements.txt /tmp/gpu-requirements.txt
RUN python -m venv /opt/gpu-venv \
    && /opt/gpu-venv/bin/pip install -r /tmp/gpu-requirements.txt \
    && /opt/gpu-venv/bin/pip check \
    && rm /tmp/gpu-requirements.txt
COPY pyproject.toml poetry.lock README.md ./
COPY llm_engineering ./llm_engineering
COPY pipelines ./pipelines
COPY steps ./steps
COPY tools ./tools
COPY configs ./configs
RUN python -c "import zenml, llm_engineering.model.finetuning" \
    && /opt/gpu-venv/bin/python -c "import trl, peft, transformers, datasets"
CMD ["python", "-m", "tools.run", "train", "--config", "configs/training.yaml"]
