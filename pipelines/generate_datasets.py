from zenml import pipeline

from pipelines.config import DatasetsConfig
from steps.generate_datasets import create_prompts, curate, generate, query_feature_store, save, split


# No step caching: the feature store changes between runs; the LLM answers have their own cache.
@pipeline(enable_cache=False)
def generate_datasets(config: DatasetsConfig) -> None:
    """An instruction or preference dataset (`dataset_type`) from the authors' cleaned documents.

    The split comes before curation so that train can be decontaminated against test.
    """
    documents = query_feature_store(config.author_full_names)
    prompts = create_prompts(documents, dataset_type=config.dataset_type, extracts=config.extracts)
    samples, _ = generate(
        prompts, settings=config.generation, use_cache=config.use_cache, retry_failed=config.retry_failed
    )
    train, test = split(samples, test_split_size=config.test_split_size, seed=config.split_seed)
    curated_train, curated_test = curate(train, test, config=config.curation)
    save(
        curated_train,
        curated_test,
        output_dir=config.output_dir,
        push_to_huggingface=config.push_to_huggingface,
        dataset_id=config.dataset_id,
    )
