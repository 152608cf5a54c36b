from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.preprocessing.artifacts import CleanedDocuments, CommitReport, WrittenChunks
from llm_engineering.application.preprocessing.feature_engineering import commit_features
from llm_engineering.application.preprocessing.incremental import DocumentChanges


@step
def commit_documents(
    cleaned_documents: CleanedDocuments, written_chunks: WrittenChunks, document_changes: DocumentChanges
) -> Annotated[CommitReport, "commit_report"]:
    """What must follow the chunk writes: the processed documents' stale chunks and the removed documents'
    features out, then the cleaned documents in, last (they mark their documents as done, so a crash before
    this step makes the next run redo them)."""
    report = commit_features(cleaned_documents, written_chunks, document_changes)
    get_step_context().add_output_metadata(output_name="commit_report", metadata=report.model_dump())
    return report
