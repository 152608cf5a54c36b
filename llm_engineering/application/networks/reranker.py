"""The cross-encoder that reranks retrieved passages: loaded lazily, once per model id, failing fast offline.

`model_id` is a local folder or a hub id. A hub id is looked up in the local Hugging Face cache first; the hub
is only asked when one short TCP probe says it answers, so an offline machine learns in about two seconds
that the model is unavailable instead of hanging on download retries.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Any

from llm_engineering.application.networks.embeddings import hub_is_reachable
from llm_engineering.domain.exceptions import ImproperlyConfigured


class RerankerUnavailable(ImproperlyConfigured):
    """The cross-encoder cannot be loaded (not cached and the hub unreachable, or a broken folder)."""


def _load_cross_encoder(model_id: str, device: str) -> Any:
    from sentence_transformers import CrossEncoder

    if Path(model_id).expanduser().is_dir():
        try:
            return CrossEncoder(str(Path(model_id).expanduser()), device=device)
        except (OSError, ValueError) as error:
            raise RerankerUnavailable(
                f"The reranker folder {model_id} could not be loaded ({error}). It must hold a sequence "
                "classification model saved with its tokenizer (save_pretrained)."
            ) from error
    try:
        return CrossEncoder(model_id, device=device, local_files_only=True)
    except OSError:
        pass  # not in the local cache
    if not hub_is_reachable():
        raise RerankerUnavailable(
            f"The reranker '{model_id}' is not in the local Hugging Face cache and the hub is unreachable. "
            "Download it once with internet access, or point RERANKING_CROSS_ENCODER_MODEL_ID at a local "
            "folder; set RERANKING_ENABLED=false to skip reranking."
        )
    try:
        return CrossEncoder(model_id, device=device)
    except OSError as error:
        raise RerankerUnavailable(f"The reranker '{model_id}' could not be downloaded: {error}") from error


class CrossEncoderReranker:
    def __init__(self, model_id: str, device: str = "cpu") -> None:
        self.model_id = model_id
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load_cross_encoder(self.model_id, self.device)
        return self._model

    def score(self, query: str, passages: list[str], batch_size: int = 16) -> list[float]:
        """Relevance of each passage to the query (higher is more relevant)."""
        if not passages:
            return []
        scores = self.model.predict(
            [(query, passage) for passage in passages], batch_size=batch_size, show_progress_bar=False
        )
        return [float(score) for score in scores]


@functools.cache
def get_reranker(model_id: str, device: str = "cpu") -> CrossEncoderReranker:
    return CrossEncoderReranker(model_id, device)
