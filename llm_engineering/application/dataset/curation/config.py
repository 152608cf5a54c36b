"""Curation thresholds; the defaults were chosen by measuring on a dirty set built from real samples
(`python -m tools.bench_curation` prints the precision/recall table)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_REFUSAL_PHRASES = [
    "as an ai language model",
    "as a large language model",
    "as an ai assistant",
    "i'm sorry, but i",
    "i am sorry, but i",
    "i cannot assist",
    "i can't assist",
    "i cannot help with",
    "i can't help with",
    "i'm unable to",
    "i am unable to",
    "i do not have access to",
    "i don't have access to",
    "my knowledge cutoff",
    "the extract does not",
    "the context does not",
    "the provided text does not",
    "lorem ipsum",
]


class CurationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt threshold is an error, not silently ignored

    # Rule filters (word counts; the response is the answer, or each of chosen and rejected).
    min_instruction_words: int = Field(3, ge=0, description="Shorter instructions are removed.")
    max_instruction_words: int = Field(150, ge=1, description="Longer instructions are removed.")
    min_response_words: int = Field(5, ge=0, description="Shorter responses are removed.")
    max_response_words: int = Field(800, ge=1, description="Longer responses are removed.")
    refusal_phrases: list[str] = Field(
        default_factory=lambda: list(DEFAULT_REFUSAL_PHRASES),
        description="A response containing one of these (lower case) is a refusal and removed.",
    )
    restatement_jaccard: float = Field(
        0.8, description="An answer whose word set overlaps the instruction's this much says nothing new."
    )
    # Duplicates: exact after normalisation, then near duplicates by MinHash LSH over word shingles. On the
    # dirty set, 1-word shingles kept precision and recall at 1.00 from 0.6 to 0.8; 0.7 is the middle.
    exact_dedup: bool = Field(True, description="Remove exact duplicates (after normalisation).")
    near_dedup: bool = Field(True, description="Remove near duplicates (MinHash LSH).")
    shingle_words: int = Field(1, ge=1, description="Words per shingle for MinHash.")
    near_duplicate_jaccard: float = Field(0.7, description="Estimated Jaccard that makes a near duplicate.")
    num_perm: int = Field(128, ge=16, description="MinHash permutations.")
    decontaminate: bool = Field(
        True, description="Remove train samples whose instruction or text matches a test sample's."
    )
    contamination_jaccard: float = Field(0.7, description="MinHash Jaccard that counts as a match.")
    # LLM-as-judge (off by default: it costs a request per sample).
    judge: bool = Field(False, description="An LLM scores every sample 1-4 (a request per sample).")
    judge_min_score: int = Field(3, ge=1, le=4, description="Samples scored below this are removed.")
    judge_temperature: float = Field(0.0, ge=0.0, description="The judge's sampling temperature.")
    seed: int = Field(1, description="Seeds MinHash.")
