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
    from llm_engineering.application.dataset.curation.jsonl import read_jsonl, write_results
    from llm_engineering.infrastructure.jsonl import MalformedLine
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
    config: str = typer.Option(..., help="YAML with parameters: author_full_names, test_split_size, ..."),
    dataset_type: str | None = typer.Option(
        None,
        help="instruction or preference (each poe task sets its own); a config naming the other type is "
        "refused [default: the config's dataset_type].",
    ),
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
) -> None:
    """Generate an instruction or preference dataset from the authors' cleaned texts with a teacher LLM."""
    from tools.pipeline_config import ConfigError, build_config, load_config, resolve_config_path

    try:
        config_path = resolve_config_path(config)
        data = load_config(config_path)
    except ConfigError as error:
        fail(str(error))
    kind = decide_dataset_type(dataset_type, data, config)  # before the pipeline (and ZenML) is imported

    parameters: dict = {"dataset_type": kind.value, "use_cache": cache, "retry_failed": retry_failed}
    if output_dir is not None:
        parameters["output_dir"] = str(output_dir.expanduser().resolve())
    from pipelines.generate_datasets import generate_datasets as pipeline

    try:
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
    run = run_pipeline(pipeline, config, f"generate_{kind.value}_datasets", False, parameters)
    print_generation_summary(run)


# The poe task that makes each dataset type.
DATASET_TASKS = {
    "instruction": "run-generate-instruct-datasets-pipeline",
    "preference": "run-generate-preference-datasets-pipeline",
}


def decide_dataset_type(option: str | None, data: dict, config: str):  # noqa: ANN201 - a DatasetType
    """The task's type (`--dataset-type`), else the config's; a config naming the other type is an error."""
    from llm_engineering.domain.dataset import DatasetType

    known = ", ".join(DATASET_TASKS)
    named = (data.get("parameters") or {}).get("dataset_type")
    for value, where in ((option, "--dataset-type"), (named, f"{config}: dataset_type")):
        if value is not None and value not in DATASET_TASKS:
            fail(f"{where} is {value!r}; it must be one of: {known}.")
    if option is None and named is None:
        fail(
            f"{config} names no dataset_type: run `poetry poe {DATASET_TASKS['instruction']}` or "
            f"`poetry poe {DATASET_TASKS['preference']}`, or pass --dataset-type ({known})."
        )
    if option is not None and named is not None and named != option:
        fail(
            f"{config} names dataset_type: {named}, but this task makes {option} datasets. Run "
            f"`poetry poe {DATASET_TASKS[named]}` for {named} datasets, or remove dataset_type from the config."
        )
    return DatasetType(option or named)
