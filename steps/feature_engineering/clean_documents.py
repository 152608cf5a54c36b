from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.preprocessing.artifacts import CleanedDocuments, WarehouseDocuments
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.application.preprocessing.feature_engineering import clean_changed_documents
from llm_engineering.application.preprocessing.incremental import DocumentChanges
from llm_engineering.application.preprocessing.summaries import count_by_category_and_author, distribution


@step
def clean_documents(
    warehouse_documents: WarehouseDocuments, config: FeatureEngineeringConfig
) -> tuple[Annotated[CleanedDocuments, "cleaned_documents"], Annotated[DocumentChanges, "document_changes"]]:
    """Clean the documents that are new or changed since the last run; the others are left as stored.
    A category stored with an outdated vector layout is rebuilt: all its documents count as new."""
    changes, cleaned = clean_changed_documents(warehouse_documents, config, get_embedding_model().model_id)
    documents = cleaned.documents()
    context = get_step_context()
    context.add_output_metadata(
        output_name="cleaned_documents",
        metadata={
            **count_by_category_and_author(documents),
            "empty_documents": sum(1 for document in documents if not document.content.strip()),
            "cleaned_chars": distribution([len(document.content) for document in documents]),
            "hygiene": cleaned.hygiene.summary(),
        },
    )
    context.add_output_metadata(
        output_name="document_changes",
        metadata={**changes.counts(), "rebuilt": [category.value for category in changes.rebuilt]},
    )
    return cleaned, changes
