"""What the teacher answers with: an object at the root holding the list of samples (the JSON schema of
these models is the `response_format` of every request)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class InstructionAnswerPair(BaseModel):
    instruction: str = Field(description="A self-contained request to write about one topic of the text.")
    answer: str = Field(description="One paragraph answering it, only from the text, in the text's style.")


class InstructionAnswerPairs(BaseModel):
    instruction_answer_pairs: list[InstructionAnswerPair]


class PreferenceTriple(BaseModel):
    instruction: str = Field(description="A self-contained request to write about one topic of the text.")
    generated_answer: str = Field(description="Your own one-paragraph answer, only from the text.")
    extracted_answer: str = Field(description="Consecutive sentences copied verbatim from the text.")


class PreferenceTriples(BaseModel):
    preference_triples: list[PreferenceTriple]
