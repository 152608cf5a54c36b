"""Feature pipeline settings: chunk sizes per data category, the embedding batch size and training data hygiene.

The YAML config overrides any subset, e.g. `chunking: {posts: {chunk_size: 128}}`. The fingerprint of a
category's settings is stored with every cleaned document, so changing them re-processes that category.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from llm_engineering.application.preprocessing.hygiene import HygieneSettings
from llm_engineering.application.preprocessing.text_chunking import ChunkingSettings
from llm_engineering.domain.types import DataCategory

# Bump when cleaning or chunking code changes what it produces: every document is then re-processed once.
PROCESSING_VERSION = "4"  # 2: personal data masked and platform chrome removed at cleaning; 3: titles, dates
# and platforms as fields of their own, titles read by the embedding; 4: passage vectors
# Measured on our 2-core machines with chunks of ~200 tokens: batch sizes 4 to 16 encode at the same speed
# (~30 chunks/s, 8 marginally first), 32 is 15% slower and 64 20% slower (longer batches pad more).
DEFAULT_BATCH_SIZE = 8
FEATURE_CATEGORIES = (DataCategory.POSTS, DataCategory.ARTICLES, DataCategory.REPOSITORIES)

DEFAULT_CHUNKING: dict[DataCategory, ChunkingSettings] = {
    DataCategory.POSTS: ChunkingSettings(chunk_size=160, chunk_overlap=24, min_chunk_size=32),
    DataCategory.ARTICLES: ChunkingSettings(chunk_size=240, chunk_overlap=32, min_chunk_size=64),
    # Code has no sentences: a repository chunk's one passage is its own vector.
    DataCategory.REPOSITORIES: ChunkingSettings(
        chunk_size=240, chunk_overlap=32, min_chunk_size=64, passage_sentences=0
    ),
}


class FeatureEngineeringConfig(BaseModel):
    """Chunk sizes per category, the embedding batch size and training data hygiene. `chunking` may name any
    subset of categories and fields (`{posts: {chunk_size: 128}}`): the rest keep DEFAULT_CHUNKING."""

    model_config = ConfigDict(extra="forbid")

    chunking: dict[DataCategory, ChunkingSettings] = Field(
        default_factory=lambda: dict(DEFAULT_CHUNKING),
        description="Chunk sizes in tokens of the embedding model, per category (only what differs).",
    )
    batch_size: int = Field(default=DEFAULT_BATCH_SIZE, gt=0, description="Embedding batch size.")
    hygiene: HygieneSettings = Field(
        default_factory=HygieneSettings, description="Personal data masking and platform chrome removal."
    )

    @field_validator("chunking", mode="before")
    @classmethod
    def _over_defaults(cls, chunking: Any) -> Any:
        if not isinstance(chunking, dict):
            return chunking  # pydantic reports the wrong type
        merged: dict[DataCategory, Any] = dict(DEFAULT_CHUNKING)
        for category, fields in chunking.items():
            try:
                key: DataCategory | None = DataCategory(category)
            except ValueError:
                key = None
            if key not in merged:  # not a data category, or one (like `queries`) that is never chunked
                known = ", ".join(c.value for c in FEATURE_CATEGORIES)
                raise ValueError(f"Unknown chunking category '{category}'; use one of: {known}.")
            if isinstance(fields, ChunkingSettings):
                fields = fields.model_dump()
            merged[key] = {**merged[key].model_dump(), **fields} if isinstance(fields, dict) else fields
        return merged

    @classmethod
    def from_overrides(
        cls,
        chunking: dict[str, dict[str, Any]] | None = None,
        batch_size: int | None = None,
        hygiene: dict[str, bool] | None = None,
    ) -> FeatureEngineeringConfig:
        """Defaults, with the given per-category fields replaced (what a YAML config holds)."""
        values: dict[str, Any] = {"chunking": chunking or {}, "hygiene": hygiene or {}}
        if batch_size is not None:
            values["batch_size"] = batch_size
        return cls.model_validate(values)

    def fingerprint(self, category: DataCategory, embedding_model_id: str, sparse_encoder: str) -> str:
        """What a document of `category` is processed with (chunking, hygiene, dense model, sparse encoder
        fingerprint); a different value means re-processing it."""
        category = DataCategory(category)
        settings = self.chunking[category].model_dump()
        hygiene = self.hygiene.model_dump()
        key = json.dumps(
            [PROCESSING_VERSION, category.value, settings, hygiene, embedding_model_id, sparse_encoder],
            sort_keys=True,
        )
        return hashlib.sha256(key.encode()).hexdigest()[:16]
