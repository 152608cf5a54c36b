"""Settings from environment variables and `.env` (never from the network at import time).

Field names follow the handbook's `.env` so an existing `.env` keeps working. With nothing configured every
store is embedded under `.data/` in the project: a litemongo warehouse and Qdrant's local mode.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from loguru import logger
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = PROJECT_ROOT / ".data"


def resolve_path(value: str | Path) -> Path:
    """The one rule for every path the project reads from a config, a setting or a command line.

    `~` is expanded; an absolute path stays as it is; a relative path that exists from the current directory
    is taken from there, any other relative path is relative to the project root (so a YAML config or a
    setting means the same files whatever the current directory is).
    """
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    return path.resolve() if path.exists() else PROJECT_ROOT / path


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=PROJECT_ROOT / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- Data warehouse: a mongodb:// URI selects a real server, anything else is an embedded-store path.
    DATABASE_HOST: SecretStr = SecretStr(str(DEFAULT_DATA_DIR / "warehouse"))
    DATABASE_NAME: str = "twin"
    DATABASE_SERVER_TIMEOUT_S: float = 5.0

    # --- Vector DB: a host name or http(s) URL selects a server; a path or ":memory:" selects local mode.
    QDRANT_DATABASE_HOST: str = str(DEFAULT_DATA_DIR / "qdrant")
    QDRANT_DATABASE_PORT: int = 6333
    USE_QDRANT_CLOUD: bool = False
    QDRANT_CLOUD_URL: str | None = None
    QDRANT_APIKEY: SecretStr | None = None
    # Local mode only: answer searches from an in-process numpy/scipy index (false: Qdrant's own local scoring).
    QDRANT_LOCAL_SEARCH_INDEX: bool = True

    # --- Models used by RAG and the feature pipeline.
    TEXT_EMBEDDING_MODEL_ID: str = "sentence-transformers/all-MiniLM-L6-v2"
    RERANKING_CROSS_ENCODER_MODEL_ID: str = "cross-encoder/ms-marco-MiniLM-L-4-v2"
    RAG_MODEL_DEVICE: str = "cpu"

    # --- LLM provider (any OpenAI-compatible endpoint).
    OPENAI_MODEL_ID: str = "gpt-4o-mini"
    OPENAI_API_KEY: SecretStr | None = None
    OPENAI_BASE_URL: str | None = None

    # --- LLM client and dataset generation: structured outputs ("json_schema", or "json_object" for
    # endpoints without them), per-request timeout, retries, concurrent requests, prices (USD per million
    # tokens, for the cost in summaries) and the answer cache (an empty value turns the cache off).
    OPENAI_STRUCTURED_OUTPUT: Literal["json_schema", "json_object"] = "json_schema"
    OPENAI_TIMEOUT_S: float = 60.0
    OPENAI_MAX_RETRIES: int = 4
    OPENAI_CONCURRENCY: int = 4
    OPENAI_PRICE_PER_1M_INPUT_TOKENS: float | None = None
    OPENAI_PRICE_PER_1M_OUTPUT_TOKENS: float | None = None
    LLM_CACHE_DIR: str = str(DEFAULT_DATA_DIR / "llm_cache")

    # --- Hugging Face, Comet ML, Opik.
    HUGGINGFACE_ACCESS_TOKEN: SecretStr | None = None
    COMET_API_KEY: SecretStr | None = None
    COMET_WORKSPACE: str | None = None
    COMET_PROJECT: str = "twin"
    OPIK_API_KEY: SecretStr | None = None

    # --- Training: the packaged small model's folder, training outputs, and the GPU job's own Python.
    PACKAGED_MODEL_DIR: str = str(Path.home() / ".cache" / "llm-twin" / "models" / "smollm2-135m-instruct")
    TRAINING_OUTPUT_DIR: str = str(DEFAULT_DATA_DIR / "training")
    TRAINING_GPU_PYTHON: str | None = None

    # --- Crawling: credentials, the crawler's identity and the local browser. Crawl limits (workers,
    # timeouts, page sizes) are ETL parameters: `crawl:` in its YAML (CrawlConfig).
    LINKEDIN_USERNAME: str | None = None
    LINKEDIN_PASSWORD: SecretStr | None = None
    USER_AGENT: str = "LLMTwinBot/0.1 (+https://github.com/llm-twin)"
    CHROMEDRIVER_PATH: str | None = None
    CHROMIUM_BINARY: str | None = None

    # --- Inference: the twin's LLM, the RAG service and retrieval.
    # The twin: an OpenAI-compatible endpoint, or a local model folder; neither: the llm_twin model registry's
    # production (else newest) version, else the packaged small instruct model.
    INFERENCE_LLM_BASE_URL: str | None = None
    INFERENCE_LLM_MODEL_ID: str = "llm_twin"
    INFERENCE_LLM_API_KEY: SecretStr | None = None
    INFERENCE_LLM_MODEL_PATH: str | None = None
    INFERENCE_LLM_TIMEOUT_S: float = 120.0
    INFERENCE_MAX_NEW_TOKENS: int = 256
    INFERENCE_TEMPERATURE: float = 0.7
    INFERENCE_API_HOST: str = "127.0.0.1"
    INFERENCE_API_PORT: int = 8000
    INFERENCE_API_TOKEN: SecretStr | None = None
    INFERENCE_MAX_QUERY_CHARS: int = 4000
    INFERENCE_MAX_BODY_BYTES: int = 65_536
    # Retrieval overrides for the service and the CLI: unset keeps RetrievalConfig's own default (the
    # tuned values live there, once).
    RETRIEVAL_FUSION: Literal["rrf", "dbsf"] | None = None
    RETRIEVAL_PREFETCH_LIMIT: int | None = None
    RETRIEVAL_RRF_K: int | None = None
    RETRIEVAL_DENSE_WEIGHT: float | None = None
    RETRIEVAL_SPARSE_WEIGHT: float | None = None
    RETRIEVAL_EXPAND_TO_N_QUERIES: int | None = None
    RETRIEVAL_SELF_QUERY_LLM: bool | None = None
    RERANKING_ENABLED: bool | None = None
    RERANKING_CANDIDATES: int | None = None

    @property
    def uses_mongodb_server(self) -> bool:
        return self.DATABASE_HOST.get_secret_value().startswith(("mongodb://", "mongodb+srv://"))

    def resolve_path(self, value: str) -> Path:
        return resolve_path(value)

    def to_secret_values(self) -> dict[str, str]:
        """The values set explicitly (environment or .env), as plain strings, for a ZenML secret.

        Defaults are left out: they are machine-specific paths (the embedded stores under this clone) that
        another machine reading the secret must not inherit.
        """
        values: dict[str, str] = {}
        for name in sorted(self.model_fields_set):
            value = getattr(self, name)
            if value is not None:
                values[name] = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        return values


# Reads a named secret's values. The orchestration layer registers one (steps/settings_secret.py reads ZenML
# secrets), so this module needs no orchestrator.
SecretReader = Callable[[str], dict[str, str]]
_secret_reader: SecretReader | None = None


def read_secrets_with(reader: SecretReader) -> None:
    """Register what reads the secret `SETTINGS_FROM_ZENML_SECRET` names; settings are read again."""
    global _secret_reader
    _secret_reader = reader
    get_settings.cache_clear()


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read on first use.

    Set `SETTINGS_FROM_ZENML_SECRET=<secret name>` to read them from a ZenML secret (what
    `poetry poe export-settings-to-zenml-secrets` writes); variables from the environment still win.
    """
    import os

    secret_name = os.environ.get("SETTINGS_FROM_ZENML_SECRET")
    if not secret_name:
        return Settings()
    if _secret_reader is None:
        raise RuntimeError(
            f"SETTINGS_FROM_ZENML_SECRET={secret_name} is set, but nothing in this process reads ZenML secrets: "
            "run through the CLI (`python -m tools.run ...`) or a pipeline step, or unset it."
        )
    secret_values = _secret_reader(secret_name)
    overrides = {k: v for k, v in secret_values.items() if k not in os.environ}
    logger.info(f"Settings loaded from ZenML secret '{secret_name}' ({len(overrides)} values).")
    return Settings(**overrides)
