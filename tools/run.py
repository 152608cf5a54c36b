"""The one CLI behind every `poetry poe` task: `python -m tools.run <command> [options]`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

# Defaults for a quiet, offline-friendly run; an explicit environment variable always wins.
os.environ.setdefault("ZENML_ANALYTICS_OPT_IN", "false")
os.environ.setdefault("ZENML_ENABLE_RICH_TRACEBACK", "false")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ZENML_AUTO_OPEN_DASHBOARD", "false")

from llm_engineering.settings import PROJECT_ROOT  # noqa: E402
from tools.pipeline_config import ConfigError, check_config, load_config, resolve_config_path  # noqa: E402

app = typer.Typer(add_completion=False, no_args_is_help=True, help="LLM Twin pipelines and tools.")
zenml_server_app = typer.Typer(no_args_is_help=True, help="The local ZenML server and dashboard.")
infra_app = typer.Typer(no_args_is_help=True, help="MongoDB and Qdrant servers through docker compose.")
app.add_typer(zenml_server_app, name="zenml-server")
app.add_typer(infra_app, name="infra")

DEFAULT_ETL_CONFIG = "configs/digital_data_etl_demo.yaml"
DEFAULT_FEATURES_CONFIG = "configs/feature_engineering.yaml"


def fail(message: str) -> None:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=1)


def run_pipeline(
    pipeline: Any, config: str, run_name_prefix: str, cache: bool, parameters: dict[str, Any] | None = None
) -> Any:
    """Check the YAML, run the pipeline with it, and return the finished run.

    `parameters` replace the YAML's own (ZenML refuses a parameter given both in the file and in code, so
    the merged config is written to a temporary file).
    """
    try:
        config_path = resolve_config_path(config)
        check_config(config_path, pipeline)
        if parameters:
            config_path = with_parameters(config_path, parameters)
            check_config(config_path, pipeline)
    except ConfigError as error:
        fail(str(error))
    options: dict[str, Any] = {
        "config_path": str(config_path),
        "run_name": f"{run_name_prefix}_run_{datetime.now():%Y_%m_%d_%H_%M_%S_%f}",
    }
    if not cache:
        options["enable_cache"] = False
    shown = config_path.relative_to(PROJECT_ROOT) if config_path.is_relative_to(PROJECT_ROOT) else config_path
    typer.echo(f"Running pipeline '{pipeline.name}' with {shown}")
    try:
        return pipeline.with_options(**options)()
    except Exception as error:  # the failed step's own message says what to fix; no traceback wall for users
        fail(
            f"pipeline '{pipeline.name}' failed: {error}" + "".join(failed_step_reasons(options["run_name"]))
        )
    finally:
        if parameters:
            config_path.unlink(missing_ok=True)  # the merged temporary config


def with_parameters(config_path: Path, parameters: dict[str, Any]) -> Path:
    import tempfile

    import yaml

    data = load_config(config_path)
    data["parameters"] = {**(data.get("parameters") or {}), **parameters}
    with tempfile.NamedTemporaryFile(
        "w", suffix=f"_{config_path.name}", delete=False, encoding="utf-8"
    ) as file:
        yaml.safe_dump(data, file, sort_keys=False)
    return Path(file.name)


def failed_step_reasons(run_name: str) -> list[str]:
    """'\n  step X: <its exception message>' for each failed step of the run (what ZenML recorded)."""
    from zenml.client import Client

    try:
        run = Client().get_pipeline_run(run_name)
    except KeyError:  # the run never started (e.g. the stack is broken): nothing more to say
        return []
    reasons = []
    for step_name, step_run in run.steps.items():
        info = step_run.exception_info
        if step_run.status == "failed" and info is not None:
            message = info.message or info.traceback.strip().splitlines()[-1]
            reasons.append(f"\n  step '{step_name}': {message}")
    return reasons


def step_output_metadata(run: Any, step_name: str, output_name: str) -> dict[str, Any]:
    from zenml.client import Client

    run = Client().get_pipeline_run(run.id)
    return dict(run.steps[step_name].outputs[output_name][0].run_metadata)


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


if __name__ == "__main__":
    app()
