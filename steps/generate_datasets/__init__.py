from steps.generate_datasets.create_prompts import create_prompts
from steps.generate_datasets.curate import curate
from steps.generate_datasets.generate import generate
from steps.generate_datasets.query_feature_store import query_feature_store
from steps.generate_datasets.save import save
from steps.generate_datasets.split import split

__all__ = ["create_prompts", "curate", "generate", "query_feature_store", "save", "split"]
