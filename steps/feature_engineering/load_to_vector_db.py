from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.preprocessing.feature_store import load_features
from llm_engineering.application.preprocessing.incremental import DocumentChanges


@step
def load_to_vector_db(
    cleaned_documents: list, embedded_chunks: dict, document_changes: DocumentChanges
) -> Annotated[dict, "load_report"]:
    """What must follow the chunk writes of `chunk_and_embed`: the processed documents' stale chunks and
    the removed documents' features out, then the cleaned documents (which mark their documents as done)
    into the collections without a vector index, last, so a crash before it makes the next run redo them."""
    report = load_features(cleaned_documents, embedded_chunks, document_changes.removed_ids())
    get_step_context().add_output_metadata(output_name="load_report", metadata=report)
    return report
