# The pipelines and the RAG inference service on CPU, installed from poetry.lock.
#   docker build -t llm-twin:cpu --build-arg TORCH_INDEX_URL=<PyTorch's CPU wheel index> .
#   docker run --rm -p 8000:8000 -e INFERENCE_API_TOKEN=... -v llm-twin-data:/app/.data llm-twin:cpu
# Without TORCH_INDEX_URL the locked torch comes from the default index (on Linux, the CUDA build: larger).
# ZenML uses this file as the parent image of the pipelines' steps (pipelines/docker_settings.py).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- The locked dependency set as a requirements file (main group; optional groups by EXTRA_GROUPS).
FROM ${PYTHON_IMAGE} AS requirements
ARG POETRY_VERSION=2.5.1
ARG EXPORT_PLUGIN_VERSION=1.10.1
ARG EXTRA_GROUPS=""
RUN pip install --no-cache-dir "poetry==${POETRY_VERSION}" "poetry-plugin-export==${EXPORT_PLUGIN_VERSION}"
WORKDIR /build
COPY pyproject.toml poetry.lock README.md ./
RUN poetry export --without-hashes --format requirements.txt --output requirements.txt \
        ${EXTRA_GROUPS:+--with ${EXTRA_GROUPS}}

# --- The runtime: the locked packages, then the code.
FROM ${PYTHON_IMAGE} AS runtime
ARG TORCH_INDEX_URL=""
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ZENML_ANALYTICS_OPT_IN=false \
    TOKENIZERS_PARALLELISM=false \
    INFERENCE_API_HOST=0.0.0.0 \
    INFERENCE_API_PORT=8000
WORKDIR /app
COPY --from=requirements /build/requirements.txt /tmp/requirements.txt
# With a CPU torch index: that torch build, and none of the CUDA-only packages (nvidia-*, triton, cuda-*).
RUN set -eux; \
    if [ -n "${TORCH_INDEX_URL}" ]; then \
        torch_version="$(sed -n -E 's/^torch==([^ ;]+).*/\1/p' /tmp/requirements.txt)"; \
        grep -v -E '^(nvidia-|triton==|cuda-|torch==)' /tmp/requirements.txt > /tmp/locked.txt; \
        pip install --no-deps --index-url "${TORCH_INDEX_URL}" "torch==${torch_version}"; \
    else \
        cp /tmp/requirements.txt /tmp/locked.txt; \
    fi; \
    pip install --no-deps -r /tmp/locked.txt; \
    pip check; \
    rm /tmp/requirements.txt /tmp/locked.txt
COPY pyproject.toml poetry.lock README.md ./
COPY llm_engineering ./llm_engineering
COPY pipelines ./pipelines
COPY steps ./steps
COPY tools ./tools
COPY configs ./configs
COPY samples ./samples
RUN python -c "import torch, zenml, sentence_transformers, qdrant_client, litemongo" \
    && useradd --create-home --uid 1000 twin && mkdir -p /app/.data && chown -R twin /app/.data
USER twin
EXPOSE 8000
# The embedded stores live in /app/.data (mount a volume), or set DATABASE_HOST / QDRANT_DATABASE_HOST.
# `poetry poe run-inference-ml-service` runs this same command.
CMD ["python", "-m", "tools.run", "serve"]
