"""Retrieval for RAG: self-query, query expansion, hybrid dense + BM25 search in Qdrant, reranking."""
