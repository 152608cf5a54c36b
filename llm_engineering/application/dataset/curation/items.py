"""What curation works on: one sample (from a JSON Lines file or the pipeline), whatever its kind."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class CurationItem(BaseModel):
    instruction: str
    answer: str | None = None
    chosen: str | None = None
    rejected: str | None = None
    id: str | None = None
    extract: str | None = None
    line: int | None = None
    # The sample as it came (a JSON Lines record), written back unchanged when kept.
    raw: dict[str, Any] = Field(default_factory=dict)
    raw_line: str | None = None

    @property
    def is_preference(self) -> bool:
        return self.answer is None and (self.chosen is not None or self.rejected is not None)

    @property
    def responses(self) -> list[str]:
        if self.is_preference:
            return [self.chosen or "", self.rejected or ""]
        return [self.answer or ""]

    @property
    def response(self) -> str:
        """The response the model will learn from: the answer, or the chosen one."""
        return self.responses[0]

    @property
    def text(self) -> str:
        return f"{self.instruction}\n{self.response}"
