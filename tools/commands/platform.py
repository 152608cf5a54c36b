"""CLI commands around the platform: the local ZenML server, docker-compose servers and settings as a ZenML secret; tools/run.py adds them to the one CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys

import typer

from llm_engineering.settings import PROJECT_ROOT
from tools.cli_support import fail

commands = typer.Typer()
zenml_server_app = typer.Typer(no_args_is_help=True, help="The local ZenML server and dashboard.")
infra_app = typer.Typer(no_args_is_help=True, help="MongoDB and Qdrant servers through docker compose.")
commands.add_typer(zenml_server_app, name="zenml-server")
commands.add_typer(infra_app, name="infra")


@commands.command("export-settings")
def export_settings(secret_name: str = typer.Option("settings", help="Name of the ZenML secret.")) -> None:
    """Store the current settings (env and .env) in a ZenML secret."""
    from steps.settings_secret import export_settings_to_zenml_secret

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
    from tools.zenml_server import LOCAL_USER, finish_dashboard_onboarding, runs_url

    code = _zenml("login", "--local", "--port", str(port))
    if code:
        fail("could not start the local ZenML server (see the messages above).")
    try:
        user = finish_dashboard_onboarding()
    except Exception as error:  # the server runs; only its first-visit survey stays (said, not fatal)
        typer.secho(
            f"Warning: the dashboard may ask for account details first ({type(error).__name__}: {error}).",
            fg=typer.colors.YELLOW,
            err=True,
        )
        user = LOCAL_USER
    typer.echo(
        f"ZenML dashboard: {runs_url(port)} (the pipeline runs)\n"
        f"Log in: not needed, the local server has no authentication and acts as user '{user}' (if a login "
        f"form shows, user '{LOCAL_USER}' with an empty password).\n"
        "Stop it with `poetry poe local-zenml-server-down`."
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
