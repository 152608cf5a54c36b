"""Fine-tuning of the twin: SFT then DPO with LoRA (TRL + PEFT, or Unsloth on a CUDA GPU).

This package also runs in the GPU job's own environment (tools/gpu/requirements.txt), started as
`python -m llm_engineering.model.finetuning.cli job.json`: it imports neither ZenML nor the project's settings,
only its plain `TrainingJob` config.
"""
