"""The one CLI behind every `poetry poe` task: `python -m tools.run <command> [options]`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer

from llm_engineering.settings import PROJECT_ROOT
from tools.cli_support import fail, run_pipeline, step_output_metadata
from tools.commands import datasets, evaluation, inference, training
from tools.pipeline_config import load_config, resolve_config_path

app = typer.Typer(add_completion=False, no_args_is_help=True, help="LLM Twin pipelines and tools.")
zenml_server_app = typer.Typer(no_args_is_help=True, help="The local ZenML server and dashboard.")
infra_app = typer.Typer(no_args_is_help=True, help="MongoDB and Qdrant servers through docker compose.")
app.add_typer(zenml_server_app, name="zenml-server")
app.add_typer(infra_app, name="infra")

DEFAULT_ETL_CONFIG = "configs/digital_data_etl_demo.yaml"
DEFAULT_FEATURES_CONFIG = "configs/feature_engineering.yaml"


@app.command()
def etl(
    config: str = typer.Option(DEFAULT_ETL_CONFIG, help="YAML with parameters: user_full_name, links."),
    cache: bool = typer.Option(
        False, "--cache/--no-cache", help="ZenML step caching (off: crawling always runs)."
    ),
) -> None:
    """Crawl a person's links into the data warehouse (the `digital_data_etl` pipeline)."""
    from pipelines.digital_data_etl import digital_data_etl

    run = run_pipeline(digital_data_etl, config, "digital_data_etl", cache)
    metadata = step_output_metadata(run, "crawl_links", "crawled_links")
    typer.echo(
        f"ETL done: {metadata.get('crawled', 0)} crawled, {metadata.get('skipped_as_existing', 0)} skipped "
        f"(already stored), {metadata.get('failed', 0)} failed; {metadata.get('documents_written', 0)} documents written."
    )
    for domain, counts in (metadata.get("by_domain") or {}).items():
        typer.echo(
            f"  {domain}: {counts.get('crawled', 0)} crawled, {counts.get('skipped', 0)} skipped, "
            f"{counts.get('failed', 0)} failed"
        )
        for failure in counts.get("failures", []):
            typer.echo(f"    FAILED {failure['link']}: {failure['reason']}")


@app.command()
def features(
    config: str = typer.Option(DEFAULT_FEATURES_CONFIG, help="YAML with parameters: author_full_names."),
    cache: bool = typer.Option(
        False, "--cache/--no-cache", help="ZenML step caching (off: it is incremental)."
    ),
) -> None:
    """Clean, chunk and embed the warehouse into Qdrant (the `feature_engineering` pipeline)."""
    from pipelines.feature_engineering import feature_engineering

    run = run_pipeline(feature_engineering, config, "feature_engineering", cache)
    print_feature_summary(run)


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
    commit = step_output_metadata(run, "commit_documents", "commit_report")
    changes = step_output_metadata(run, "clean_documents", "document_changes")
    rebuilt = ", ".join(changes.get("rebuilt") or []) or "none"
    typer.echo(
        f"Feature store: {commit.get('embedded_chunks_written', 0)} chunk(s) written (dense + BM25 vectors), "
        f"{commit.get('stale_chunks_deleted', 0)} stale chunk(s) deleted, "
        f"{commit.get('cleaned_documents_written', 0)} cleaned document(s) written, "
        f"{commit.get('removed_documents_deleted', 0)} removed; collections rebuilt: {rebuilt}."
    )


def _compact(value: Any, nested: bool = False) -> str:
    if isinstance(value, dict):
        text = ", ".join(f"{k}={_compact(v, nested=True)}" for k, v in value.items()) or "-"
        return f"{{{text}}}" if nested else text
    return str(value)


@app.command("end-to-end-data")
def end_to_end_data(
    etl_config: str = typer.Option(DEFAULT_ETL_CONFIG, help="ETL config (user and links)."),
    features_config: str = typer.Option(
        DEFAULT_FEATURES_CONFIG, help="Feature config (chunking, batch size); its authors are replaced."
    ),
) -> None:
    """Run the ETL for a config, then the feature pipeline for that config's author."""
    from pipelines.feature_engineering import feature_engineering

    etl(config=etl_config, cache=False)
    author = load_config(resolve_config_path(etl_config))["parameters"]["user_full_name"]
    run = run_pipeline(
        feature_engineering, features_config, "feature_engineering", False, {"author_full_names": [author]}
    )
    print_feature_summary(run)


@app.command("export-warehouse")
def export_warehouse(
    output_dir: Path | None = typer.Option(None, help="Folder for <Class>.json files [default: .data/...]."),
) -> None:
    """Export the data warehouse to one JSON file per document class."""
    from tools.data_warehouse import DEFAULT_DIR, export_to_json

    target = (output_dir or DEFAULT_DIR).resolve()
    counts = export_to_json(target)
    typer.echo(f"Exported to {target}: {counts}")


@app.command("import-warehouse")
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


@app.command("export-settings")
def export_settings(secret_name: str = typer.Option("settings", help="Name of the ZenML secret.")) -> None:
    """Store the current settings (env and .env) in a ZenML secret."""
    from llm_engineering.settings import export_settings_to_zenml_secret

    count = export_settings_to_zenml_secret(secret_name)
    typer.echo(
        f"Stored {count} settings in the ZenML secret '{secret_name}'. "
        f"Read them back with SETTINGS_FROM_ZENML_SECRET={secret_name}."
    )


def _zenml(*args: str) -> int:
    return subprocess.call(
        [sys.executable, "-c", "import sys; from zenml_cli import cli; sys.exit(cli())", *args]
    )


@zenml_server_app.command("up")
def zenml_server_up(port: int = typer.Option(8237, help="Port of the local dashboard.")) -> None:
    """Start the local ZenML server (dashboard on 127.0.0.1:<port>); later runs are recorded there."""
    code = _zenml("login", "--local", "--port", str(port))
    if code:
        fail("could not start the local ZenML server (see the messages above).")
    typer.echo(
        f"ZenML dashboard: http://127.0.0.1:{port}  (stop it with `poetry poe local-zenml-server-down`)"
    )


@zenml_server_app.command("down")
def zenml_server_down() -> None:
    """Stop the local ZenML server and go back to the local store."""
    if _zenml("logout", "--local"):
        fail("could not stop the local ZenML server.")


def _docker_compose(*args: str) -> None:
    if shutil.which("docker") is None:
        fail(
            "`docker` is not installed. Install Docker to run MongoDB and Qdrant servers, or keep the embedded "
            "defaults (nothing to start)."
        )
    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        fail(
            "the Docker engine is not running (`docker info` failed). Start it, or keep the embedded defaults."
        )
    code = subprocess.call(["docker", "compose", "-f", str(PROJECT_ROOT / "docker-compose.yml"), *args])
    if code:
        fail(f"`docker compose {' '.join(args)}` failed with exit code {code}.")


@infra_app.command("up")
def infra_up() -> None:
    """Start MongoDB and Qdrant (docker compose) and print the settings that point at them."""
    _docker_compose("up", "-d", "--wait")
    typer.echo(
        "Servers are up. Point the project at them in .env:\n"
        "  DATABASE_HOST=mongodb://llm_engineering:llm_engineering@127.0.0.1:27017\n"
        "  QDRANT_DATABASE_HOST=localhost\n  QDRANT_DATABASE_PORT=6333"
    )


@infra_app.command("down")
def infra_down() -> None:
    """Stop the docker compose servers (volumes are kept)."""
    _docker_compose("down")


# Each capability keeps its commands in its own module under tools/commands/.
for _commands in (datasets.commands, training.commands, evaluation.commands, inference.commands):
    app.registered_commands.extend(_commands.registered_commands)

if __name__ == "__main__":
    app()
