"""The LLM client's configuration, by default read from the settings (`OPENAI_*`, `LLM_CACHE_DIR`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, SecretStr

from llm_engineering.settings import get_settings

NOT_CONFIGURED_HELP = (
    "No LLM endpoint is configured. Set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (any OpenAI-compatible "
    "server: vLLM, Ollama, TGI, llama.cpp; the URL ends in /v1) and OPENAI_MODEL_ID, in the environment or .env."
)


class LLMClientConfig(BaseModel):
    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str
    # json_schema: the endpoint enforces the schema; json_object: JSON mode with the schema in the prompt,
    # for endpoints without structured outputs.
    structured_output: Literal["json_schema", "json_object"] = "json_schema"
    timeout_s: float = 60.0
    max_retries: int = 4
    concurrency: int = 4
    cache_dir: Path | None = None
    price_per_1m_input_tokens: float | None = None
    price_per_1m_output_tokens: float | None = None
    # Exponential backoff with full jitter: the wait before retry n is uniform in [0, min(max, base * 2**n)].
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    # Longest Retry-After honoured; a longer one fails the request instead of stalling the run.
    max_retry_after_s: float = 120.0

    @property
    def endpoint(self) -> str:
        return self.base_url or "https://api.openai.com/v1"

    @property
    def is_configured(self) -> bool:
        return self.api_key is not None or bool(self.base_url)

    @classmethod
    def from_settings(cls, **overrides: Any) -> LLMClientConfig:
        settings = get_settings()
        cache_dir = settings.LLM_CACHE_DIR.strip()
        values: dict[str, Any] = {
            "base_url": settings.OPENAI_BASE_URL or None,
            "api_key": settings.OPENAI_API_KEY,
            "model": settings.OPENAI_MODEL_ID,
            "structured_output": settings.OPENAI_STRUCTURED_OUTPUT,
            "timeout_s": settings.OPENAI_TIMEOUT_S,
            "max_retries": settings.OPENAI_MAX_RETRIES,
            "concurrency": settings.OPENAI_CONCURRENCY,
            "cache_dir": settings.resolve_path(cache_dir) if cache_dir else None,
            "price_per_1m_input_tokens": settings.OPENAI_PRICE_PER_1M_INPUT_TOKENS,
            "price_per_1m_output_tokens": settings.OPENAI_PRICE_PER_1M_OUTPUT_TOKENS,
        }
        values.update(overrides)
        return cls(**values)

    def cost_usd(self, input_tokens: int, output_tokens: int) -> float | None:
        if self.price_per_1m_input_tokens is None and self.price_per_1m_output_tokens is None:
            return None
        return (
            input_tokens * (self.price_per_1m_input_tokens or 0.0)
            + output_tokens * (self.price_per_1m_output_tokens or 0.0)
        ) / 1_000_000
