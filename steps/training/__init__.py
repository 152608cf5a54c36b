from steps.training.load_training_datasets import load_training_datasets
from steps.training.prepare_training_job import prepare_training_job
from steps.training.register_model import register_model
from steps.training.save_training_output import save_training_output
from steps.training.train_dpo import train_dpo
from steps.training.train_sft import train_sft

__all__ = [
    "load_training_datasets",
    "prepare_training_job",
    "register_model",
    "save_training_output",
    "train_dpo",
    "train_sft",
]
