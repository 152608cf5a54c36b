import time
from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.application.preprocessing.config import DEFAULT_BATCH_SIZE, FeatureEngineeringConfig
from llm_engineering.application.preprocessing.dispatchers import EmbeddingDispatcher
from llm_engineering.application.preprocessing.feature_engineering import chunk_documents
from llm_engineering.application.preprocessing.summaries import chunk_statistics


@step
def chunk_and_embed(
    cleaned_documents: list, chunking: dict | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> Annotated[list, "embedded_chunks"]:
    """Chunk the cleaned documents and embed every chunk in batches across documents."""
    config = FeatureEngineeringConfig.from_overrides(chunking, batch_size)
    model = get_embedding_model()
    chunks = chunk_documents(cleaned_documents, config, model)
    started = time.perf_counter()
    embedded = EmbeddingDispatcher.dispatch(chunks, model, config.batch_size)
    seconds = time.perf_counter() - started
    metadata = {
        **chunk_statistics(embedded),
        "embedding_model_id": model.model_id,
        "batch_size": config.batch_size,
        "chunking": {category.value: settings.model_dump() for category, settings in config.chunking.items()},
        "encode_s": round(seconds, 3),
        "chunks_per_s": round(len(embedded) / seconds, 1) if embedded and seconds else 0.0,
    }
    if embedded:  # reading the size loads the model; a run with nothing to embed does not need it
        metadata.update(embedding_size=model.embedding_size, max_input_length=model.max_input_length)
    get_step_context().add_output_metadata(output_name="embedded_chunks", metadata=metadata)
    return embedded
