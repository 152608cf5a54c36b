from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.dataset.io import load_dataset_dict
from llm_engineering.model.finetuning.job import TrainingDataset


@step
def load_training_datasets(
    instruct_dataset: str, preference_dataset: str
) -> tuple[Annotated[TrainingDataset, "instruct_dataset"], Annotated[TrainingDataset, "preference_dataset"]]:
    """Load both datasets (a save_to_disk folder, a handbook JSON file or a Hub id)."""
    context = get_step_context()
    loaded = []
    for kind, source, name in (
        ("instruct", instruct_dataset, "instruct_dataset"),
        ("preference", preference_dataset, "preference_dataset"),
    ):
        splits = load_dataset_dict(source, kind)
        dataset = TrainingDataset.from_splits(kind, source, splits, dataset_id=_dataset_id(splits))
        context.add_output_metadata(output_name=name, metadata=dataset.summary())
        loaded.append(dataset)
    return loaded[0], loaded[1]


def _dataset_id(splits) -> str | None:
    """The handbook file's own id, when the dataset came from one."""
    import json

    try:
        description = json.loads(splits["train"].info.description or "{}")
    except (json.JSONDecodeError, AttributeError):
        return None
    return (description.get("handbook_json") or {}).get("id")
