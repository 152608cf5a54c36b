from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.dataset.curation import CurationConfig
from llm_engineering.application.dataset.curation.samples import curate_splits
from llm_engineering.application.dataset.generation import SampleSet
from llm_engineering.infrastructure.llm import LLMClient


@step
def curate(
    train_samples: SampleSet, test_samples: SampleSet, config: CurationConfig
) -> tuple[Annotated[SampleSet, "curated_train"], Annotated[SampleSet, "curated_test"]]:
    """Rule filters, duplicates and the optional judge on both splits; train also decontaminated against
    test."""
    judge_client = LLMClient.from_settings() if config.judge else None
    curated = curate_splits(train_samples.samples, test_samples.samples, config, judge_client)
    context = get_step_context()
    context.add_output_metadata(
        output_name="curated_train",
        metadata={"counts": curated.counts["train"], "removed_examples": curated.removed_examples},
    )
    context.add_output_metadata(output_name="curated_test", metadata={"counts": curated.counts["test"]})
    kind = train_samples.dataset_type
    return SampleSet(dataset_type=kind, samples=curated.train), SampleSet(
        dataset_type=kind, samples=curated.test
    )
