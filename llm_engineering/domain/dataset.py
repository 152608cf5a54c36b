"""Dataset samples: what the instruction (SFT) and preference (DPO) datasets are made of.

Both carry where they came from (the source document, its author, category and link) so that a split by
document and a look back at the source are possible; samples imported from elsewhere may lack that.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class DatasetType(StrEnum):
    INSTRUCTION = "instruction"
    PREFERENCE = "preference"


class DatasetSampleSource(BaseModel):
    id: str | None = None
    document_id: str | None = None
    author_full_name: str | None = None
    category: str | None = None
    link: str | None = None


class InstructDatasetSample(DatasetSampleSource):
    instruction: str
    answer: str


class PreferenceDatasetSample(DatasetSampleSource):
    """`chosen` is the author's own words (an excerpt of the source), `rejected` the teacher's answer."""

    instruction: str
    chosen: str
    rejected: str


METADATA_COLUMNS = ("id", "document_id", "author_full_name", "category", "link")
TEXT_COLUMNS: dict[DatasetType, tuple[str, ...]] = {
    DatasetType.INSTRUCTION: ("instruction", "answer"),
    DatasetType.PREFERENCE: ("instruction", "chosen", "rejected"),
}
SAMPLE_CLASSES: dict[DatasetType, type[InstructDatasetSample] | type[PreferenceDatasetSample]] = {
    DatasetType.INSTRUCTION: InstructDatasetSample,
    DatasetType.PREFERENCE: PreferenceDatasetSample,
}
