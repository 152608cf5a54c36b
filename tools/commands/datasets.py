"""CLI commands of the datasets capability; tools/run.py adds them to the one CLI."""

from __future__ import annotations

from pathlib import Path

import typer

from tools.cli_support import fail

commands = typer.Typer()


def load_curation_config(path: Path | None) -> object:
    """A YAML of CurationConfig fields, at the top level or under `parameters:`."""
    import yaml
    from pydantic import ValidationError

    from llm_engineering.application.dataset.curation import CurationConfig

    if path is None:
        return CurationConfig()
    if not path.is_file():
        fail(f"config file {path} does not exist.")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if isinstance(data, dict) and isinstance(data.get("parameters"), dict):
        data = data["parameters"]
    try:
        return CurationConfig.model_validate(data)
    except ValidationError as error:
        fail(f"{path} is not a valid curation config: {error}")


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
    if curation_config.judge:  # type: ignore[attr-defined]
        try:
            judge_client = LLMClient.from_settings()
        except LLMNotConfigured as error:
            fail(f"judge=true needs an LLM endpoint. {error}")
    result = curate(items, curation_config, eval_items, judge_client)  # type: ignore[arg-type]
    kept_path, removed_path = write_results(items, result, output_dir)
    counts = result.counts()
    typer.echo(f"Curated {counts['total']} samples: {counts['kept']} kept, {counts['removed']} removed.")
    for rule, count in counts.items():
        if rule not in {"kept", "removed", "total"}:
            typer.echo(f"  {rule:<24}{count}")
    if result.judge_failures:
        typer.echo(f"  judge failed on {result.judge_failures} samples (kept)")
    typer.echo(f"Kept: {kept_path}\nRemoved (with reasons): {removed_path}")
