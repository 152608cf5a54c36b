"""CLI commands of the datasets capability; tools/run.py adds them to the one CLI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tools.cli_support import fail

if TYPE_CHECKING:
    from llm_engineering.application.dataset.curation import CurationConfig

commands = typer.Typer()


def load_curation_config(path: Path | None) -> CurationConfig:
    """A YAML of CurationConfig fields, at the top level or under `parameters:`; read and checked like a
    pipeline config (the errors name the file and the key)."""
    from pydantic import ValidationError

    from llm_engineering.application.dataset.curation import CurationConfig
    from tools.pipeline_config import ConfigError, describe_errors, load_config, resolve_config_path

    if path is None:
        return CurationConfig()
    try:
        resolved = resolve_config_path(path)
        data = load_config(resolved)
        data = data["parameters"] if isinstance(data.get("parameters"), dict) else data
        return CurationConfig.model_validate(data)
    except ConfigError as error:
        fail(str(error))
    except ValidationError as error:
        fail(describe_errors(resolved, "curate-dataset", CurationConfig, error))
    raise AssertionError("unreachable: fail() exits")


@commands.command("curate-dataset")
def curate_dataset(
    input: Path = typer.Option(
        ..., "--input", help="JSON Lines: id, instruction, answer (or chosen/rejected)."
    ),
    output_dir: Path = typer.Option(..., "--output-dir", help="Receives kept.jsonl and removed.jsonl."),
    eval: list[Path] = typer.Option(
        [], "--eval", help="JSON Lines of eval samples to decontaminate against."
    ),
    config: Path | None = typer.Option(None, "--config", help="YAML of curation thresholds and switches."),
) -> None:
    """Curate a JSON Lines dataset: rule filters, exact and near duplicates, decontamination, optional judge."""
    from llm_engineering.application.dataset.curation import curate
    from llm_engineering.application.dataset.curation.jsonl import MalformedLine, read_jsonl, write_results
    from llm_engineering.infrastructure.llm import LLMClient, LLMNotConfigured

    curation_config = load_curation_config(config)
    try:
        items = read_jsonl(input)
        eval_items = [item for path in eval for item in read_jsonl(path)]
    except (MalformedLine, FileNotFoundError) as error:
        fail(str(error))
    judge_client = None
    if curation_config.judge:
        try:
            judge_client = LLMClient.from_settings()
        except LLMNotConfigured as error:
            fail(f"judge=true needs an LLM endpoint. {error}")
    result = curate(items, curation_config, eval_items, judge_client)
    kept_path, removed_path = write_results(items, result, output_dir)
    counts = result.counts()
    typer.echo(f"Curated {counts['total']} samples: {counts['kept']} kept, {counts['removed']} removed.")
    for rule, count in counts.items():
        if rule not in {"kept", "removed", "total"}:
            typer.echo(f"  {rule:<24}{count}")
    if result.judge_failures:
        typer.echo(f"  judge failed on {result.judge_failures} samples (kept)")
    typer.echo(f"Kept: {kept_path}\nRemoved (with reasons): {removed_path}")


@commands.command("generate-datasets")
def generate_datasets(
    config: str = typer.Option(..., help="YAML with parameters: author_full_names, dataset_type, ..."),
    output_dir: Path | None = typer.Option(
        None, help="Where to save the DatasetDict (default: .data/datasets/<type>)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print the prompts, their count and a token estimate; no calls."
    ),
    retry_failed: bool = typer.Option(
        False, "--retry-failed", help="Ask again the prompts that failed for good before."
    ),
    cache: bool = typer.Option(
        True, "--cache/--no-cache", help="Use the LLM answer cache (off: every prompt is paid)."
    ),
    show_prompts: int = typer.Option(2, help="With --dry-run: how many prompts to print in full."),
    dataset_type: str | None = typer.Option(
        None, help="instruction or preference: the kind this task makes (a config naming the other fails)."
    ),
) -> None:
    """Generate an instruction or preference dataset from the authors' cleaned texts with a teacher LLM."""
    from tools.pipeline_config import ConfigError, build_config, resolve_config_path

    parameters: dict = {"use_cache": cache, "retry_failed": retry_failed}
    if output_dir is not None:
        parameters["output_dir"] = str(output_dir.expanduser().resolve())
    try:
        config_path = resolve_config_path(config)
        if dataset_type is not None:  # checked before the pipeline (and ZenML) is even imported
            parameters["dataset_type"] = task_dataset_type(config_path, dataset_type)
        from pipelines.generate_datasets import generate_datasets as pipeline

        run_config, _ = build_config(pipeline, config_path, parameters)
    except ConfigError as error:
        fail(str(error))
    from llm_engineering.infrastructure.llm import LLMClient
    from llm_engineering.infrastructure.llm.config import NOT_CONFIGURED_HELP
    from tools.cli_support import run_pipeline
    from tools.commands.dataset_summary import dry_run_prompts, print_generation_summary

    if dry_run:
        dry_run_prompts(run_config, show_prompts)
        return
    if not LLMClient.is_configured():
        fail(f"{NOT_CONFIGURED_HELP} Or see the prompts without calling anything: --dry-run.")
    kind = run_config.dataset_type.value
    run = run_pipeline(pipeline, config, f"generate_{kind}_datasets", False, parameters)
    print_generation_summary(run)


def task_dataset_type(config_path: Path, dataset_type: str) -> str:
    """The task's dataset type, when the config names the same one or none; a ConfigError otherwise."""
    from tools.pipeline_config import ConfigError, load_config

    named = (load_config(config_path).get("parameters") or {}).get("dataset_type")
    if named is not None and named != dataset_type:
        raise ConfigError(
            f"{config_path}: `dataset_type: {named}` but this task makes a {dataset_type} dataset. Use the "
            f"{named} task (run-generate-{'instruct' if named == 'instruction' else named}-datasets-pipeline), "
            f"or set `dataset_type: {dataset_type}`."
        )
    return dataset_type
