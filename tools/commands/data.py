"""CLI commands of the data side: the ETL and feature pipelines, and the warehouse's JSON export; tools/run.py adds them to the one CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from tools.cli_support import fail, run_pipeline, step_output
from tools.pipeline_config import build_config, resolve_config_path

commands = typer.Typer()

DEFAULT_ETL_CONFIG = "configs/digital_data_etl_demo.yaml"
DEFAULT_FEATURES_CONFIG = "configs/feature_engineering.yaml"


@commands.command()
def etl(
    config: str = typer.Option(DEFAULT_ETL_CONFIG, help="YAML with parameters: user_full_name, links."),
    cache: bool = typer.Option(
        False, "--cache/--no-cache", help="ZenML step caching (off: crawling always runs)."
    ),
) -> None:
    """Crawl a person's links into the data warehouse (the `digital_data_etl` pipeline)."""
    from pipelines.digital_data_etl import digital_data_etl

    run = run_pipeline(digital_data_etl, config, "digital_data_etl", cache)
    summary = step_output(run, "crawl_links", "crawl_summary")
    for line in summary.lines():
        typer.echo(line)


@commands.command()
def features(
    config: str = typer.Option(DEFAULT_FEATURES_CONFIG, help="YAML with parameters: author_full_names."),
    cache: bool = typer.Option(
        False, "--cache/--no-cache", help="ZenML step caching (off: it is incremental)."
    ),
) -> None:
    """Clean, chunk and embed the warehouse into Qdrant (the `feature_engineering` pipeline)."""
    from pipelines.feature_engineering import feature_engineering

    check_authors(feature_engineering, config)
    run = run_pipeline(feature_engineering, config, "feature_engineering", cache)
    print_feature_summary(run)


def check_authors(pipeline: Any, config: str) -> None:
    """The config's authors (or, with none named, any author) are in the warehouse before the run starts; if
    not, the error says how to add them."""
    from llm_engineering.application.preprocessing.warehouse_query import find_authors
    from llm_engineering.domain.exceptions import DatabaseConnectionError, DocumentNotFoundError
    from tools.pipeline_config import ConfigError

    try:
        typed, _ = build_config(pipeline, resolve_config_path(config))
        find_authors(typed.author_full_names)
    except (ConfigError, DocumentNotFoundError, DatabaseConnectionError, ValueError) as error:
        fail(str(error))


def print_feature_summary(run: Any) -> None:
    """Each step output's metadata (counts, chunk statistics, model), one readable line per entry."""
    from zenml.client import Client

    run = Client().get_pipeline_run(run.id)
    typer.echo(f"Feature pipeline run '{run.name}': {run.status}")
    for step_name, step_run in run.steps.items():
        for output_name, artifacts in step_run.outputs.items():
            metadata = artifacts[0].run_metadata
            shown = {
                k: v for k, v in sorted(metadata.items()) if k not in {"schema", "storage_size", "length"}
            }
            if shown:
                typer.echo(f"  {step_name} -> {output_name}")
                for key, value in shown.items():
                    typer.echo(f"      {key}: {_compact(value)}")
    commit = step_output(run, "commit_documents", "commit_report")
    changes = step_output(run, "clean_documents", "document_changes")
    rebuilt = ", ".join(category.value for category in changes.rebuilt) or "none"
    typer.echo(
        f"Feature store: {commit.embedded_chunks_written} chunk(s) written (dense + BM25 vectors), "
        f"{commit.stale_chunks_deleted} stale chunk(s) deleted, "
        f"{commit.cleaned_documents_written} cleaned document(s) written, "
        f"{commit.removed_documents_deleted} removed; collections rebuilt: {rebuilt}."
    )


def _compact(value: Any, nested: bool = False) -> str:
    if isinstance(value, dict):
        text = ", ".join(f"{k}={_compact(v, nested=True)}" for k, v in value.items()) or "-"
        return f"{{{text}}}" if nested else text
    return str(value)


@commands.command("end-to-end-data")
def end_to_end_data(
    etl_config: str = typer.Option(DEFAULT_ETL_CONFIG, help="ETL config (user and links)."),
    features_config: str = typer.Option(
        DEFAULT_FEATURES_CONFIG, help="Feature config (chunking, batch size); its authors are replaced."
    ),
) -> None:
    """Run the ETL for a config, then the feature pipeline for that config's author."""
    from pipelines.digital_data_etl import digital_data_etl
    from pipelines.feature_engineering import feature_engineering

    etl(config=etl_config, cache=False)
    etl_run_config, _ = build_config(digital_data_etl, resolve_config_path(etl_config))
    author = etl_run_config.user_full_name
    run = run_pipeline(
        feature_engineering, features_config, "feature_engineering", False, {"author_full_names": [author]}
    )
    print_feature_summary(run)


@commands.command("export-warehouse")
def export_warehouse(
    output_dir: Path | None = typer.Option(None, help="Folder for <Class>.json files [default: .data/...]."),
) -> None:
    """Export the data warehouse to one JSON file per document class."""
    from tools.data_warehouse import DEFAULT_DIR, export_to_json

    target = (output_dir or DEFAULT_DIR).resolve()
    counts = export_to_json(target)
    typer.echo(f"Exported to {target}: {counts}")


@commands.command("import-warehouse")
def import_warehouse(
    input_dir: Path | None = typer.Option(None, help="Folder with <Class>.json files [default: .data/...]."),
) -> None:
    """Import JSON files (the export format) into the data warehouse; idempotent."""
    from tools.data_warehouse import DEFAULT_DIR, import_from_json

    source = (input_dir or DEFAULT_DIR).resolve()
    try:
        counts = import_from_json(source)
    except (FileNotFoundError, ValueError) as error:
        fail(str(error))
    typer.echo(f"Imported from {source}: {counts}")
