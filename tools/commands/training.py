"""CLI commands of the training capability; tools/run.py adds them to the one CLI."""

from __future__ import annotations

from typing import Any

import typer

from tools.cli_support import fail, run_pipeline

commands = typer.Typer()

DEFAULT_TRAINING_CONFIG = "configs/training.yaml"


@commands.command()
def train(
    config: str = typer.Option(
        DEFAULT_TRAINING_CONFIG, help="YAML with parameters: datasets and `training:`."
    ),
    instruct_dataset: str | None = typer.Option(
        None, help="Instruction dataset: a save_to_disk folder, a handbook JSON file or a Hub id."
    ),
    preference_dataset: str | None = typer.Option(None, help="Preference dataset (same forms)."),
    output_dir: str | None = typer.Option(None, help="Output folder [default: .data/training/<run name>]."),
) -> None:
    """Fine-tune the twin: SFT then DPO with LoRA (the `training` pipeline); registers an `llm_twin` version."""
    from pipelines.training import training

    overrides = {
        name: value
        for name, value in {
            "instruct_dataset": instruct_dataset,
            "preference_dataset": preference_dataset,
            "output_dir": output_dir,
        }.items()
        if value is not None
    }
    check_datasets(config, overrides)
    run = run_pipeline(training, config, "training", cache=False, parameters=overrides or None)
    typer.echo(training_summary(run))


def check_datasets(config: str, overrides: dict[str, str]) -> None:
    """Both datasets exist before the run starts (a missing one names the command that makes it)."""
    from llm_engineering.application.dataset.io import resolve_dataset_source
    from pipelines.config import DEFAULT_INSTRUCT_DATASET, DEFAULT_PREFERENCE_DATASET
    from tools.pipeline_config import ConfigError, load_config, resolve_config_path

    try:
        parameters = load_config(resolve_config_path(config)).get("parameters") or {}
    except ConfigError as error:
        fail(str(error))
    for kind, name, default in (
        ("instruct", "instruct_dataset", DEFAULT_INSTRUCT_DATASET),
        ("preference", "preference_dataset", DEFAULT_PREFERENCE_DATASET),
    ):
        try:
            resolve_dataset_source(overrides.get(name) or parameters.get(name) or default, kind)
        except FileNotFoundError as error:
            fail(str(error))


def training_summary(run: Any) -> str:
    """The run's one-line summary, from its typed artifacts (the metrics, the adapter folder it registered)
    and the `llm_twin` version the run made."""
    from zenml.client import Client

    from tools.cli_support import step_output

    run = Client().get_pipeline_run(run.id)
    version = run.model_version
    if version is None:
        fail(f"run '{run.name}' is linked to no model version")
    metrics = step_output(run, "save_training_output", "training_metrics")
    adapter_dir = step_output(run, "register_model", "adapter_dir")
    accuracy = metrics.dpo.reward_accuracy if metrics.dpo is not None else None
    return (
        f"training done: sft_eval_loss_before={metrics.sft.eval_loss_before:.4f} "
        f"sft_eval_loss_after={metrics.sft.eval_loss_after:.4f} "
        f"dpo_reward_accuracy={'n/a' if accuracy is None else f'{accuracy:.4f}'} "
        f"tokens_per_s={metrics.sft.tokens_per_s:.1f} backend={metrics.backend} "
        f"adapter_dir={adapter_dir} model_version={version.number}"
    )
