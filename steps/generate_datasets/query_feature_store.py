from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.dataset.sources import SourceDocuments, fetch_cleaned_documents
from llm_engineering.application.dataset.summaries import count_by_author_and_category


@step
def query_feature_store(
    author_full_names: list[str] | None = None,
) -> Annotated[SourceDocuments, "cleaned_documents"]:
    """The authors' cleaned documents from the feature store (paged scrolls; None: every author in the
    warehouse); a named author without any fails the step, naming the feature pipeline command to run first."""
    documents = fetch_cleaned_documents(author_full_names)
    metadata = count_by_author_and_category(documents.documents)
    metadata["chars"] = sum(len(document.content) for document in documents.documents)
    get_step_context().add_output_metadata(output_name="cleaned_documents", metadata=metadata)
    return documents
