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
    min_instruction_words: int = 3
    max_instruction_words: int = 150
    min_response_words: int = 5
    max_response_words: int = 800
    refusal_phrases: list[str] = Field(default_factory=lambda: list(DEFAULT_REFUSAL_PHRASES))
    # An answer whose words are mostly the instruction's (word-set Jaccard at or above this) says nothing new.
    restatement_jaccard: float = 0.8
    # Duplicates: exact after normalisation, then near duplicates by MinHash LSH over word shingles. On the
    # dirty set, 1-word shingles kept precision and recall at 1.00 from 0.6 to 0.8; 0.7 is the middle.
    exact_dedup: bool = True
    near_dedup: bool = True
    shingle_words: int = 1
    near_duplicate_jaccard: float = 0.7
    num_perm: int = 128
    # Decontamination: a train sample whose instruction matches an eval sample's, or whose text is this
    # similar (MinHash Jaccard) to one, is removed.
    decontaminate: bool = True
    contamination_jaccard: float = 0.7
    # LLM-as-judge (off by default: it costs a request per sample).
    judge: bool = False
    judge_min_score: int = 3
    judge_temperature: float = 0.0
    seed: int = 1
