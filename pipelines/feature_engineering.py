from zenml import pipeline

from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from steps.feature_engineering import (
    chunk_embed_and_write,
    clean_documents,
    commit_documents,
    query_data_warehouse,
)


# No step caching: the steps read the warehouse and the feature store, which change between runs; the
# pipeline is incremental on its own (unchanged documents are skipped).
@pipeline(enable_cache=False)
def feature_engineering(
    author_full_names: list[str] | None = None,
    chunking: dict | None = None,
    batch_size: int | None = None,
    hygiene: dict | None = None,
) -> None:
    """Clean, chunk and embed (dense and BM25 sparse vectors) the authors' warehouse documents into Qdrant
    (`author_full_names` None: every author in the warehouse).

    `chunking` overrides chunk sizes per category (`{articles: {chunk_size: 200}}`) and `batch_size` the
    embedding batch size, `hygiene` switches personal-data masking and chrome removal
    (`{mask_personal_data: false}`). They make one typed config, validated here (a bad value fails before any step
    runs) and passed to the steps that need it.
    """
    config = FeatureEngineeringConfig.from_overrides(chunking, batch_size, hygiene)
    warehouse_documents = query_data_warehouse(author_full_names)
    cleaned_documents, document_changes = clean_documents(warehouse_documents, config=config)
    # Writes the embedded chunks to Qdrant while encoding; its artifact is the ids written, by document.
    written_chunks = chunk_embed_and_write(cleaned_documents, config=config)
    # Then stale chunks out and the cleaned documents in, last (they mark their documents as done).
    commit_documents(cleaned_documents, written_chunks, document_changes)
