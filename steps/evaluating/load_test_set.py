from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.dataset.io import load_dataset_dict
from llm_engineering.model.evaluation.samples import EvaluationSet, build_evaluation_set


@step
def load_test_set(dataset: str, max_samples: int) -> Annotated[EvaluationSet, "test_set"]:
    """The first `max_samples` instructions of the instruction dataset's test split, with their answers."""
    splits = load_dataset_dict(dataset, "instruct")
    test_set = build_evaluation_set(splits["test"], str(dataset), max_samples)
    get_step_context().add_output_metadata(
        output_name="test_set",
        metadata={
            "source": str(dataset),
            "test_split_size": len(splits["test"]),
            "samples": len(test_set.samples),
            "test_set_hash": test_set.test_set_hash,
        },
    )
    return test_set
