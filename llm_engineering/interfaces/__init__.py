"""Entry points of the running system: the FastAPI inference service."""
