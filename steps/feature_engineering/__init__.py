from steps.feature_engineering.chunk_embed_and_write import chunk_embed_and_write
from steps.feature_engineering.clean_documents import clean_documents
from steps.feature_engineering.commit_documents import commit_documents
from steps.feature_engineering.query_data_warehouse import query_data_warehouse

__all__ = ["chunk_embed_and_write", "clean_documents", "commit_documents", "query_data_warehouse"]
