"""Evaluation of the twin: answers from the trained and the base model, scored by an LLM judge (or by
judge-free metrics), summarised, saved next to the model and compared for promotion."""
