from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.dataset.io import load_dataset_dict, resolve_dataset_source
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
        source = resolve_dataset_source(source, kind)
        splits = load_dataset_dict(source, kind)
        dataset = TrainingDataset.from_splits(
            kind, source, splits, dataset_id=dataset_identity(source, splits)
        )
        context.add_output_metadata(output_name=name, metadata=dataset.summary())
        loaded.append(dataset)
    return loaded[0], loaded[1]


def dataset_identity(source: str, splits) -> str:
    """A stable id for the dataset: the handbook file's own id, else its source (a save_to_disk folder's
    path, or a Hub id) with the train and test splits' fingerprints (they change when the content does)."""
    import json

    try:
        description = json.loads(splits["train"].info.description or "{}")
    except (json.JSONDecodeError, AttributeError):
        description = {}
    handbook_id = (description.get("handbook_json") or {}).get("id")
    if handbook_id:
        return str(handbook_id)
    fingerprints = "/".join(str(getattr(splits[split], "_fingerprint", "")) for split in ("train", "test"))
    return f"{source}@{fingerprints}"
