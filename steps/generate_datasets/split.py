from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.dataset.generation import SampleSet
from llm_engineering.application.dataset.splitting import split_by_document


@step
def split(
    generated_samples: SampleSet, test_split_size: float, seed: int
) -> tuple[Annotated[SampleSet, "train_samples"], Annotated[SampleSet, "test_samples"]]:
    """Train and test by source document: no document has samples on both sides."""
    train, test = split_by_document(generated_samples.samples, test_split_size, seed)
    context = get_step_context()
    for name, samples in (("train_samples", train), ("test_samples", test)):
        documents = len({sample.document_id for sample in samples})
        context.add_output_metadata(
            output_name=name, metadata={"samples": len(samples), "documents": documents}
        )
    kind = generated_samples.dataset_type
    return SampleSet(dataset_type=kind, samples=train), SampleSet(dataset_type=kind, samples=test)
