"""The LLM client shared by dataset generation, evaluation and RAG: any OpenAI-compatible endpoint."""

from llm_engineering.infrastructure.llm.client import LLMClient
from llm_engineering.infrastructure.llm.config import LLMClientConfig
from llm_engineering.infrastructure.llm.errors import (
    LLMError,
    LLMInvalidAnswer,
    LLMNotConfigured,
    LLMRequestRejected,
    LLMUnavailable,
)
from llm_engineering.infrastructure.llm.schemas import ChatMessage, LLMResult, LLMUsage

__all__ = [
    "ChatMessage",
    "LLMClient",
    "LLMClientConfig",
    "LLMError",
    "LLMInvalidAnswer",
    "LLMNotConfigured",
    "LLMRequestRejected",
    "LLMResult",
    "LLMUsage",
    "LLMUnavailable",
]
