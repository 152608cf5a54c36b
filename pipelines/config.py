"""One typed config per pipeline: its YAML's `parameters:` block, validated whole before any step runs.

Each pipeline takes its model as its one parameter, `config`, and hands the steps the parts they need. The
defaults written here (or in the capability configs they are made of) are the only ones: a YAML names only
what differs. tools/pipeline_config.py builds the model from a YAML file and the command-line overrides.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from llm_engineering.application.crawlers.config import CrawlConfig
from llm_engineering.application.dataset.curation import CurationConfig
from llm_engineering.application.dataset.extracts import ExtractSettings
from llm_engineering.application.dataset.generation import TeacherSettings
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.domain.dataset import DatasetType
from llm_engineering.model.evaluation.generation import GenerationConfig
from llm_engineering.model.evaluation.judge import JudgeConfig
from llm_engineering.model.finetuning.config import TrainingConfig

AuthorNames = Field(
    None,
    min_length=1,
    description="The authors (full names, as in the warehouse); None: every author in the warehouse.",
)
# Where the dataset pipeline saves its datasets (relative to the project): training's and evaluation's defaults.
DEFAULT_INSTRUCT_DATASET = ".data/datasets/instruction"
DEFAULT_PREFERENCE_DATASET = ".data/datasets/preference"


class PipelineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt key is an error, not a silent default


class EtlConfig(PipelineConfig):
    """`digital_data_etl`: crawl a person's links into the data warehouse."""

    user_full_name: str = Field(min_length=1, description="The author the documents belong to.")
    links: list[str] = Field(
        min_length=1, description="Web pages, GitHub repositories, local files or folders, LinkedIn exports."
    )
    crawl: CrawlConfig = Field(default_factory=CrawlConfig, description="Crawl limits (CrawlConfig).")


class FeaturesConfig(FeatureEngineeringConfig):
    """`feature_engineering`: clean, chunk and embed the authors' documents into Qdrant."""

    author_full_names: list[str] | None = AuthorNames

    def processing(self) -> FeatureEngineeringConfig:
        """What the steps need: chunking, batch size and hygiene (their fingerprint decides what is re-processed)."""
        return FeatureEngineeringConfig.model_validate(self.model_dump(exclude={"author_full_names"}))


class DatasetsConfig(PipelineConfig):
    """`generate_datasets`: an instruction or preference dataset from the authors' cleaned documents."""

    author_full_names: list[str] | None = AuthorNames
    dataset_type: DatasetType = Field(description="instruction (for SFT) or preference (for DPO).")
    extracts: ExtractSettings = Field(default_factory=ExtractSettings, description="Extract sizes.")
    generation: TeacherSettings = Field(default_factory=TeacherSettings, description="The teacher.")
    test_split_size: float = Field(0.1, gt=0.0, lt=1.0, description="Share of documents in the test split.")
    split_seed: int = Field(42, description="Seeds the split by document.")
    curation: CurationConfig = Field(default_factory=CurationConfig, description="Filters and thresholds.")
    use_cache: bool = Field(True, description="Answer from the LLM cache where it can.")
    retry_failed: bool = Field(False, description="Ask again the prompts that failed for good before.")
    output_dir: str | None = Field(
        None, description="Where the dataset is saved (None: .data/datasets/<type>)."
    )
    push_to_huggingface: bool = Field(False, description="Also push to the Hub (HUGGINGFACE_ACCESS_TOKEN).")
    dataset_id: str | None = Field(None, description="The Hub id to push to (owner/name).")


class TrainingRunConfig(PipelineConfig):
    """`training`: SFT on the instruction dataset, then DPO on the preference dataset, both with LoRA."""

    instruct_dataset: str = Field(
        DEFAULT_INSTRUCT_DATASET,
        description="A save_to_disk folder, a handbook-format JSON file or a Hub id (owner/name); default: "
        "what the instruction dataset pipeline saved.",
    )
    preference_dataset: str = Field(
        DEFAULT_PREFERENCE_DATASET, description="The preference dataset, in the same forms."
    )
    training: TrainingConfig = Field(default_factory=TrainingConfig, description="Model and hyperparameters.")
    output_dir: str | None = Field(None, description="Output folder (None: TRAINING_OUTPUT_DIR/<run name>).")
    comet_offline_dir: str | None = Field(
        None, description="Comet logs to this folder instead of its servers."
    )
    step_operator: str | None = Field(
        None,
        description="A GPU step operator of the active ZenML stack for SFT and DPO (docs/stacks.md); None: the "
        "training steps run with the orchestrator.",
    )
    step_operator_settings: dict[str, Any] | None = Field(
        None, description="That step operator's flavor settings, e.g. `{instance_type: ml.g5.2xlarge}`."
    )


class EvaluatingConfig(PipelineConfig):
    """`evaluating`: the twin and its base model answer the test split; an LLM judge scores the answers."""

    dataset: str = Field(
        DEFAULT_INSTRUCT_DATASET,
        description="An instruction dataset: saved folder, handbook JSON file or Hub id; default: what the "
        "instruction dataset pipeline saved.",
    )
    model_dir: str | None = Field(
        None, description="The model to evaluate (a training output, adapter or merged model)."
    )
    max_samples: int = Field(
        20, ge=1, description="The first N of the test split (the same N when comparing runs)."
    )
    author_full_name: str | None = Field(
        None,
        description="The twin's author in the warehouse: author likeness and the judge's style excerpts come "
        "from their writing (None: the warehouse's only author; not measured when it holds several).",
    )
    generation: GenerationConfig = Field(
        default_factory=GenerationConfig, description="How the models answer."
    )
    judge: JudgeConfig = Field(default_factory=JudgeConfig, description="The LLM judge.")
