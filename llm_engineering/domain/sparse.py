"""A sparse vector: term ids and their weights (BM25-style term frequencies for lexical search)."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator


class SparseVector(BaseModel):
    """Parallel lists: `values[i]` is the weight of term id `indices[i]`; ids are unique 32-bit integers."""

    indices: list[int] = Field(default_factory=list)
    values: list[float] = Field(default_factory=list)

    @model_validator(mode="after")
    def _parallel_and_unique(self) -> SparseVector:
        if len(self.indices) != len(self.values):
            raise ValueError(
                f"A sparse vector needs as many values as indices, got {len(self.indices)} indices and "
                f"{len(self.values)} values."
            )
        if len(set(self.indices)) != len(self.indices):
            raise ValueError("A sparse vector's indices must be unique; sum the weights of repeated ids.")
        return self

    def __len__(self) -> int:
        return len(self.indices)

    def as_dict(self) -> dict[int, float]:
        return dict(zip(self.indices, self.values, strict=True))
