"""Curation in order of cost: rule filters, exact duplicates, near duplicates, decontamination against the
eval samples, then (when enabled) the LLM judge. Of duplicates the first occurrence is kept; every removal
carries its reason and is counted under its rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from loguru import logger
from pydantic import BaseModel

from llm_engineering.application.dataset.curation.config import CurationConfig
from llm_engineering.application.dataset.curation.dedup import NearDuplicateIndex, exact_key
from llm_engineering.application.dataset.curation.items import CurationItem
from llm_engineering.application.dataset.curation.judge import judge_items
from llm_engineering.application.dataset.curation.rules import rule_reason
from llm_engineering.application.dataset.curation.text import normalize
from llm_engineering.infrastructure.llm import LLMClient

RULE_NAMES = (
    "empty_field",
    "refusal",
    "ai_disclaimer",
    "mentions_source",
    "length",
    "restates_instruction",
    "chosen_equals_rejected",
    "chosen_not_in_extract",
    "exact_duplicate",
    "near_duplicate",
    "contamination",
    "judge_low_score",
)


class RemovedItem(BaseModel):
    index: int
    reason: str

    @property
    def rule(self) -> str:
        return self.reason.split(":", 1)[0]


class CurationResult(BaseModel):
    total: int
    kept: list[int]
    removed: list[RemovedItem]
    judge_failures: int = 0
    judge_usage: dict | None = None

    def counts(self) -> dict[str, int]:
        """Removals per rule (every rule listed, zeros included), then kept and total."""
        by_rule = Counter(item.rule for item in self.removed)
        counts = {name: by_rule.get(name, 0) for name in RULE_NAMES}
        return counts | {"kept": len(self.kept), "removed": len(self.removed), "total": self.total}


def curate(
    items: Sequence[CurationItem],
    config: CurationConfig | None = None,
    eval_items: Sequence[CurationItem] = (),
    judge_client: LLMClient | None = None,
) -> CurationResult:
    config = config or CurationConfig()
    reasons: dict[int, str] = {}
    for index, item in enumerate(items):
        if (reason := rule_reason(item, config)) is not None:
            reasons[index] = reason

    if config.exact_dedup:
        first_seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if index in reasons:
                continue
            key = exact_key(item.instruction, *item.responses)
            if key in first_seen:
                reasons[index] = f"exact_duplicate: of #{first_seen[key]}"
            else:
                first_seen[key] = index

    remaining = [index for index in range(len(items)) if index not in reasons]
    if config.near_dedup and remaining:
        index_ = NearDuplicateIndex(
            config.near_duplicate_jaccard, config.shingle_words, config.num_perm, config.seed
        )
        signatures = index_.signatures([items[i].text for i in remaining])
        for position, (shingle_set, minhash) in zip(remaining, signatures, strict=True):
            match = index_.find(shingle_set, minhash)
            if match is not None:
                reasons[position] = f"near_duplicate: of #{match[0]} (jaccard {match[1]:.2f})"
            else:
                index_.add(position, shingle_set, minhash)

    remaining = [index for index in range(len(items)) if index not in reasons]
    if config.decontaminate and eval_items and remaining:
        _decontaminate(items, remaining, eval_items, config, reasons)

    result = CurationResult(total=len(items), kept=[], removed=[])
    remaining = [index for index in range(len(items)) if index not in reasons]
    if config.judge and remaining:
        if judge_client is None:
            raise ValueError("Curation with judge=true needs an LLM client (configure OPENAI_* settings).")
        verdicts = judge_items([items[i] for i in remaining], judge_client, config.judge_temperature)
        for index, verdict in zip(remaining, verdicts, strict=True):
            if verdict.value is None:  # the judge failed: the sample is kept, the failure counted
                result.judge_failures += 1
            elif verdict.value.score < config.judge_min_score:
                reasons[index] = f"judge_low_score: {verdict.value.score} ({verdict.value.feedback[:200]})"
        result.judge_usage = judge_client.usage.summary()

    result.kept = [index for index in range(len(items)) if index not in reasons]
    result.removed = [RemovedItem(index=index, reason=reasons[index]) for index in sorted(reasons)]
    logger.info(f"Curation: {result.counts()}")
    return result


def _decontaminate(
    items: Sequence[CurationItem],
    candidates: list[int],
    eval_items: Sequence[CurationItem],
    config: CurationConfig,
    reasons: dict[int, str],
) -> None:
    eval_instructions = {normalize(item.instruction): n for n, item in enumerate(eval_items)}
    index_ = NearDuplicateIndex(
        config.contamination_jaccard, config.shingle_words, config.num_perm, config.seed
    )
    for n, (shingle_set, minhash) in enumerate(index_.signatures([item.text for item in eval_items])):
        index_.add(n, shingle_set, minhash)
    signatures = index_.signatures([items[i].text for i in candidates])
    for position, (shingle_set, minhash) in zip(candidates, signatures, strict=True):
        same = eval_instructions.get(normalize(items[position].instruction))
        if same is not None:
            reasons[position] = f"contamination: instruction of eval #{same}"
        elif (match := index_.find(shingle_set, minhash)) is not None:
            reasons[position] = f"contamination: eval #{match[0]} (jaccard {match[1]:.2f})"
