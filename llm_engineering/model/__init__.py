"""The twin's model: the packaged small LLM, the one chat template, loading, fine-tuning and evaluation.

Nothing here imports `llm_engineering.application` (a sibling layer). The fine-tuning code also runs in the
GPU job's own environment, so it imports neither ZenML nor the project's settings.
"""

# The ZenML model (Model Control Plane) that every training run registers a version of.
TWIN_MODEL_NAME = "llm_twin"
