import time
from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.preprocessing.config import DEFAULT_BATCH_SIZE, FeatureEngineeringConfig
from llm_engineering.application.preprocessing.feature_engineering import chunk_documents, embed_and_write
from llm_engineering.application.preprocessing.summaries import chunk_statistics


@step
def chunk_and_embed(
    cleaned_documents: list, chunking: dict | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> Annotated[dict, "embedded_chunks"]:
    """Chunk the cleaned documents, embed every chunk in batches across documents and upsert the embedded
    chunks into the vector collections while the next batch is encoded.

    The artifact is the ids of the chunks written, by document id (one small JSON file): the chunks and
    their vectors are in Qdrant already, materialising them again would cost more than the writes.
    """
    config = FeatureEngineeringConfig.from_overrides(chunking, batch_size)
    model = get_embedding_model()
    chunks = chunk_documents(cleaned_documents, config, model)
    started = time.perf_counter()
    chunk_ids = embed_and_write(chunks, model, config.batch_size)
    seconds = time.perf_counter() - started
    metadata = {
        **chunk_statistics(chunks),
        "documents_with_chunks": len(chunk_ids),
        "embedding_model_id": model.model_id,
        "batch_size": config.batch_size,
        "chunking": {category.value: settings.model_dump() for category, settings in config.chunking.items()},
        "embed_and_write_s": round(seconds, 3),
        "chunks_per_s": round(len(chunks) / seconds, 1) if chunks and seconds else 0.0,
    }
    if chunks:  # reading the size loads the model; a run with nothing to embed does not need it
        metadata.update(embedding_size=model.embedding_size, max_input_length=model.max_input_length)
    get_step_context().add_output_metadata(output_name="embedded_chunks", metadata=metadata)
    return chunk_ids
