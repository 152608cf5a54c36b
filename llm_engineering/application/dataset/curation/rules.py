"""Rule filters: each returns the reason a sample is bad, or None."""

from __future__ import annotations

import re

from llm_engineering.application.dataset.curation.config import CurationConfig
from llm_engineering.application.dataset.curation.items import CurationItem
from llm_engineering.application.dataset.curation.text import jaccard, normalize, words

# An instruction must stand alone: no "the extract", "this context", "the passage above"... ("in the
# context of X" is fine).
_SOURCE_MENTION = re.compile(
    r"\b(the|this|that|given|provided|above|following)\s+(extract|excerpt|passage|context|text provided)\b(?!\s+of\b)",
    re.IGNORECASE,
)

# A model speaking about itself instead of answering: "As an AI, I do not have personal experiences...".
# "As an AI engineer, I..." is the author speaking: after "AI" only a comma, "I" or a model word may follow.
_AI_DISCLAIMER = re.compile(
    r"\bas an? (?:ai|artificial intelligence|(?:large )?language model|llm|chatbot)"
    r"(?: model| assistant| system)?\s*(?:[,;:—-]|\bi\b)"
    r"|\bi(?:'m| am) (?:just |only |merely )?an? (?:ai|artificial intelligence|(?:large )?language model|chatbot)\b"
    r"|\bi (?:do not|don't|cannot|can't) (?:have|possess|hold) (?:any )?(?:personal|my own|real|human) "
    r"(?:experiences?|opinions?|feelings?|emotions?|beliefs?|preferences?|memories)",
    re.IGNORECASE,
)


def empty_field(item: CurationItem, config: CurationConfig) -> str | None:
    fields = {"instruction": item.instruction}
    if item.is_preference:
        fields |= {"chosen": item.chosen or "", "rejected": item.rejected or ""}
    else:
        fields["answer"] = item.answer or ""
    empty = [name for name, value in fields.items() if not value.strip()]
    return f"empty_field: {', '.join(empty)}" if empty else None


def length(item: CurationItem, config: CurationConfig) -> str | None:
    count = len(words(item.instruction))
    if not config.min_instruction_words <= count <= config.max_instruction_words:
        return f"length: instruction has {count} words"
    for response in item.responses:
        count = len(words(response))
        if not config.min_response_words <= count <= config.max_response_words:
            return f"length: response has {count} words"
    return None


def refusal(item: CurationItem, config: CurationConfig) -> str | None:
    for text in (item.instruction, *item.responses):
        lowered = " ".join(text.casefold().replace("’", "'").split())
        for phrase in config.refusal_phrases:
            if phrase in lowered:
                return f"refusal: '{phrase}'"
    return None


def ai_disclaimer(item: CurationItem, config: CurationConfig) -> str | None:
    """The response the model learns from (a preference pair's rejected answer may well be one)."""
    match = _AI_DISCLAIMER.search(item.response.replace("’", "'"))
    return f"ai_disclaimer: '{match.group(0).strip()}'" if match else None


def mentions_source(item: CurationItem, config: CurationConfig) -> str | None:
    match = _SOURCE_MENTION.search(item.instruction)
    return f"mentions_source: '{match.group(0)}'" if match else None


def restates_instruction(item: CurationItem, config: CurationConfig) -> str | None:
    instruction = set(words(item.instruction))
    response = set(words(item.response))
    if response and jaccard(instruction, response) >= config.restatement_jaccard:
        return "restates_instruction"
    return None


def preference_pair(item: CurationItem, config: CurationConfig) -> str | None:
    """`chosen` differs from `rejected` and, where the extract is known, occurs in it verbatim."""
    if not item.is_preference:
        return None
    if normalize(item.chosen or "") == normalize(item.rejected or ""):
        return "chosen_equals_rejected"
    if item.extract is not None and " ".join((item.chosen or "").split()) not in " ".join(
        item.extract.split()
    ):
        return "chosen_not_in_extract"
    return None


RULES = (empty_field, refusal, ai_disclaimer, mentions_source, restates_instruction, length, preference_pair)


def rule_reason(item: CurationItem, config: CurationConfig) -> str | None:
    for rule in RULES:
        if (reason := rule(item, config)) is not None:
            return reason
    return None
