from zenml import pipeline

from pipelines.config import FeaturesConfig
from steps.feature_engineering import (
    chunk_embed_and_write,
    clean_documents,
    commit_documents,
    query_data_warehouse,
)


# No step caching: the steps read the warehouse and the feature store, which change between runs; the
# pipeline is incremental on its own (unchanged documents are skipped).
@pipeline(enable_cache=False)
def feature_engineering(config: FeaturesConfig) -> None:
    """Clean, chunk and embed (dense and BM25 sparse vectors) the authors' warehouse documents into Qdrant
    (no `author_full_names`: every author in the warehouse)."""
    processing = config.processing()
    warehouse_documents = query_data_warehouse(config.author_full_names)
    cleaned_documents, document_changes = clean_documents(warehouse_documents, config=processing)
    # Writes the embedded chunks to Qdrant while encoding; its artifact is the ids written, by document.
    written_chunks = chunk_embed_and_write(cleaned_documents, config=processing)
    # Then stale chunks out and the cleaned documents in, last (they mark their documents as done).
    commit_documents(cleaned_documents, written_chunks, document_changes)
