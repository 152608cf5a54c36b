from typing import Annotated

from datasets import DatasetDict
from zenml import get_step_context, step
from zenml.integrations.huggingface.materializers.huggingface_datasets_materializer import (
    HFDatasetMaterializer,
)

from llm_engineering.application.dataset.building import push_to_hub, save_dataset, to_dataset_dict
from llm_engineering.application.dataset.generation import SampleSet
from llm_engineering.application.dataset.summaries import count_by_author_and_category


@step(output_materializers=HFDatasetMaterializer)
def save(
    curated_train: SampleSet,
    curated_test: SampleSet,
    output_dir: str | None,
    push_to_huggingface: bool,
    dataset_id: str | None,
) -> Annotated[DatasetDict, "dataset"]:
    """The DatasetDict, saved with `save_to_disk` in `output_dir` (default .data/datasets/<type>), pushed to
    the Hub when asked, and returned as the run's dataset artifact."""
    kind = curated_train.dataset_type
    dataset_dict = to_dataset_dict(curated_train.samples, curated_test.samples, kind)
    path = save_dataset(dataset_dict, output_dir, kind)
    pushed = push_to_hub(dataset_dict, dataset_id) if push_to_huggingface else None
    metadata = {
        "dataset_type": kind.value,
        "output_dir": str(path),
        "pushed_to": pushed or "",
        "train": count_by_author_and_category(curated_train.samples),
        "test": count_by_author_and_category(curated_test.samples),
        "columns": dataset_dict["train"].column_names,
    }
    get_step_context().add_output_metadata(output_name="dataset", metadata=metadata)
    return dataset_dict
