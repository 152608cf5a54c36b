"""Generation for the twin: an OpenAI-compatible endpoint or an in-process transformers model."""
