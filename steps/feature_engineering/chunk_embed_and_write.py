import time
from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.networks.sparse import get_sparse_encoder
from llm_engineering.application.preprocessing.artifacts import CleanedDocuments, WrittenChunks
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.application.preprocessing.feature_engineering import chunk_documents, embed_and_write
from llm_engineering.application.preprocessing.summaries import chunk_statistics


@step
def chunk_embed_and_write(
    cleaned_documents: CleanedDocuments, config: FeatureEngineeringConfig
) -> Annotated[WrittenChunks, "written_chunks"]:
    """Chunk the cleaned documents, embed every chunk (dense model and BM25 sparse vector) in batches across
    documents, and upsert the embedded chunks into Qdrant while the next batch is encoded.

    The artifact is the ids of the chunks written, by document id: the vectors are in Qdrant already.
    """
    model = get_embedding_model()
    chunks = chunk_documents(cleaned_documents.documents, config, model)
    started = time.perf_counter()
    written = embed_and_write(chunks, model, config.batch_size)
    seconds = time.perf_counter() - started
    metadata = {
        **chunk_statistics(chunks),
        "chunks_written": written.total,
        "documents_with_chunks": len(written.by_document),
        "embedding_model_id": model.model_id,
        "sparse_encoder": get_sparse_encoder().fingerprint,
        "batch_size": config.batch_size,
        "chunking": {category.value: settings.model_dump() for category, settings in config.chunking.items()},
        "embed_and_write_s": round(seconds, 3),
        "chunks_per_s": round(len(chunks) / seconds, 1) if chunks and seconds else 0.0,
    }
    if chunks:  # reading the size loads the model; a run with nothing to embed does not need it
        metadata.update(embedding_size=model.embedding_size, max_input_length=model.max_input_length)
    get_step_context().add_output_metadata(output_name="written_chunks", metadata=metadata)
    return written
