"""Curation of the pipeline's generated samples: both splits are filtered and deduplicated, and train is
decontaminated against test (the test split plays the part of the standalone command's `--eval`)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from llm_engineering.application.dataset.curation.config import CurationConfig
from llm_engineering.application.dataset.curation.curate import CurationResult, curate
from llm_engineering.application.dataset.curation.items import CurationItem
from llm_engineering.domain.dataset import InstructDatasetSample, PreferenceDatasetSample
from llm_engineering.infrastructure.llm import LLMClient

Sample = InstructDatasetSample | PreferenceDatasetSample


class CuratedSplits(BaseModel):
    train: list[Sample]
    test: list[Sample]
    counts: dict[str, dict[str, int]]
    removed_examples: list[str]


def to_item(sample: Sample) -> CurationItem:
    if isinstance(sample, PreferenceDatasetSample):
        texts = {"chosen": sample.chosen, "rejected": sample.rejected}
    else:
        texts = {"answer": sample.answer}
    return CurationItem(instruction=sample.instruction, id=sample.id, extract=sample.extract, **texts)


def curate_splits(
    train: Sequence[Sample],
    test: Sequence[Sample],
    config: CurationConfig,
    judge_client: LLMClient | None = None,
) -> CuratedSplits:
    test_items = [to_item(sample) for sample in test]
    test_result = curate(test_items, config, judge_client=judge_client)
    kept_test = [test[i] for i in test_result.kept]
    train_result = curate(
        [to_item(s) for s in train], config, [test_items[i] for i in test_result.kept], judge_client
    )
    return CuratedSplits(
        train=[train[i] for i in train_result.kept],
        test=kept_test,
        counts={"train": train_result.counts(), "test": test_result.counts()},
        removed_examples=_examples(train, train_result) + _examples(test, test_result),
    )


def _examples(samples: Sequence[Sample], result: CurationResult, limit: int = 5) -> list[str]:
    return [f"{samples[entry.index].instruction[:80]!r}: {entry.reason}" for entry in result.removed[:limit]]
