from zenml import pipeline

from steps.generate_datasets import create_prompts, curate, generate, query_feature_store, save, split


# No step caching: the feature store changes between runs; the LLM answers have their own cache.
@pipeline(enable_cache=False)
def generate_datasets(
    dataset_type: str,  # no default: each dataset task names its type (tools/commands/datasets.py)
    author_full_names: list[str] | None = None,
    test_split_size: float = 0.1,
    push_to_huggingface: bool = False,
    dataset_id: str | None = None,
    output_dir: str | None = None,
    use_cache: bool = True,
    retry_failed: bool = False,
) -> None:
    """An instruction or preference dataset (`dataset_type`) from the authors' cleaned documents
    (`author_full_names` None: every author in the data warehouse).

    The split comes before curation so that train can be decontaminated against test.
    """
    documents = query_feature_store(author_full_names)
    prompts = create_prompts(documents, dataset_type=dataset_type)
    samples = generate(prompts, use_cache=use_cache, retry_failed=retry_failed)
    train, test = split(samples, test_split_size=test_split_size)
    curated_train, curated_test = curate(train, test)
    save(
        curated_train,
        curated_test,
        output_dir=output_dir,
        push_to_huggingface=push_to_huggingface,
        dataset_id=dataset_id,
    )
