from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.application.preprocessing.feature_engineering import clean_changed_documents
from llm_engineering.application.preprocessing.incremental import DocumentChanges
from llm_engineering.application.preprocessing.summaries import count_by_category_and_author, distribution


@step
def clean_documents(
    raw_documents: list, author_ids: dict, chunking: dict | None = None
) -> tuple[Annotated[list, "cleaned_documents"], Annotated[DocumentChanges, "document_changes"]]:
    """Clean the documents that are new or changed since the last run; the others are left as stored.

    `author_ids` (full name -> id, from `query_data_warehouse`) tells which authors' stored features to
    compare with, so a document gone from the warehouse is found even when its author has none left.
    """
    config = FeatureEngineeringConfig.from_overrides(chunking)
    changes, cleaned = clean_changed_documents(
        raw_documents, list(author_ids.values()), config, get_embedding_model().model_id
    )
    context = get_step_context()
    context.add_output_metadata(
        output_name="cleaned_documents",
        metadata={
            **count_by_category_and_author(cleaned),
            "empty_documents": sum(1 for document in cleaned if not document.content.strip()),
            "cleaned_chars": distribution([len(document.content) for document in cleaned]),
        },
    )
    context.add_output_metadata(output_name="document_changes", metadata=changes.counts())
    return cleaned, changes
