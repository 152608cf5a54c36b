from zenml import pipeline

from steps.feature_engineering import (
    chunk_and_embed,
    clean_documents,
    load_to_vector_db,
    query_data_warehouse,
)


# No step caching: the steps read the warehouse and the feature store, which change between runs; the
# pipeline is incremental on its own (unchanged documents are skipped).
@pipeline(enable_cache=False)
def feature_engineering(author_full_names: list[str], chunking: dict | None = None) -> None:
    """Clean, chunk and embed the authors' warehouse documents into Qdrant.

    `chunking` overrides chunk sizes per category (`{articles: {chunk_size: 200}}`); it is a pipeline
    parameter because both the change detection and the chunker depend on it.
    """
    raw_documents, author_ids = query_data_warehouse(author_full_names)
    cleaned_documents, document_changes = clean_documents(raw_documents, author_ids, chunking=chunking)
    # Writes the embedded chunks to Qdrant while encoding; its artifact is the ids written, by document.
    embedded_chunks = chunk_and_embed(cleaned_documents, chunking=chunking)
    # Then stale chunks out and the cleaned documents in, last (they mark their documents as done).
    load_to_vector_db(cleaned_documents, embedded_chunks, document_changes)
