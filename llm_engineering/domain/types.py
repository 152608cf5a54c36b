from enum import StrEnum


class DataCategory(StrEnum):
    """The kinds of data the warehouse holds, also used to name collections and datasets."""

    POSTS = "posts"
    ARTICLES = "articles"
    REPOSITORIES = "repositories"
    PROMPT = "prompt"
    QUERIES = "queries"
    INSTRUCT_DATASET_SAMPLES = "instruct_dataset_samples"
    INSTRUCT_DATASET = "instruct_dataset"
    PREFERENCE_DATASET_SAMPLES = "preference_dataset_samples"
    PREFERENCE_DATASET = "preference_dataset"
