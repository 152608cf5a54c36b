"""CLI commands for remote ZenML stacks (recipes in configs/stacks/) and for moving the embedded stores'
data to servers; tools/run.py adds them to the one CLI. See docs/stacks.md."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from llm_engineering.settings import PROJECT_ROOT
from tools.cli_support import fail

commands = typer.Typer()


def recipe_environment() -> dict[str, str]:
    """The process environment over the project's .env (the environment wins, as in the settings)."""
    from dotenv import dotenv_values

    dotenv_path = PROJECT_ROOT / ".env"
    from_file = dotenv_values(dotenv_path) if dotenv_path.is_file() else {}
    return {**{k: v for k, v in from_file.items() if v is not None}, **os.environ}


def _recipe_path(recipe: str) -> Path:
    path = Path(recipe)
    return path if path.is_absolute() or path.exists() else PROJECT_ROOT / path


@commands.command("stack-up")
def stack_up(
    recipe: str = typer.Option(..., help="Stack recipe YAML, e.g. configs/stacks/s3-local.yaml."),
) -> None:
    """Register a recipe's components and stack with ZenML and make the stack active (re-run: updates)."""
    from tools.stacks.recipe import RecipeError, load_recipe
    from tools.stacks.register import stack_up as register_stack

    try:
        stack_recipe = load_recipe(_recipe_path(recipe), recipe_environment())
        report = register_stack(stack_recipe)
    except RecipeError as error:
        fail(str(error))
    verb = "registered" if report.stack_created else "updated"
    typer.echo(f"Stack '{report.stack}' {verb} and active.")
    for label in report.created:
        typer.echo(f"  created {label}")
    for label in report.updated:
        typer.echo(f"  updated {label}")
    if stack_recipe.install_group:
        typer.echo(
            f"Its integrations ({', '.join(stack_recipe.integrations)}) install with "
            f"`poetry install --with {stack_recipe.install_group}`."
        )
    typer.echo("Go back to the local default stack with `poetry poe stack-down`.")


@commands.command("stack-down")
def stack_down() -> None:
    """Make ZenML's default (local) stack active again; registered stacks stay registered."""
    from tools.stacks.register import DEFAULT_STACK
    from tools.stacks.register import stack_down as activate_default

    previous = activate_default()
    typer.echo(f"Active stack: '{DEFAULT_STACK}' (was '{previous}').")


def _print_copies(copies: list, target: str, counts_changes: bool = True) -> None:
    """One line per collection; Qdrant's upsert does not say what changed, so vectors show reads only."""
    for copy in copies:
        changes = (
            f"{copy.inserted} inserted, {copy.updated} updated, {copy.unchanged} unchanged"
            if counts_changes
            else "upserted by id"
        )
        typer.echo(f"  {copy.collection}: {copy.read} read, {changes}; {copy.in_target} in the target")
    typer.echo(f"Copied {sum(c.read for c in copies)} record(s) in {len(copies)} collection(s) to {target}.")


@commands.command("migrate-warehouse-to-server")
def migrate_warehouse_to_server(
    source: Path | None = typer.Option(None, help="Embedded warehouse folder [default: .data/warehouse]."),
    source_database: str | None = typer.Option(
        None, help="Embedded database to copy [default: DATABASE_NAME, also the server's database]."
    ),
) -> None:
    """Copy the embedded warehouse into the MongoDB server of DATABASE_HOST (upserts; safe to re-run)."""
    from llm_engineering.infrastructure.errors import DatabaseConnectionError
    from llm_engineering.infrastructure.redaction import describe_host
    from llm_engineering.settings import get_settings
    from tools.server_migration import DEFAULT_WAREHOUSE_DIR, MigrationError, copy_warehouse

    folder = (source or DEFAULT_WAREHOUSE_DIR).resolve()
    try:
        copies = copy_warehouse(folder, source_database)
    except (MigrationError, DatabaseConnectionError) as error:
        fail(str(error))
    _print_copies(copies, f"MongoDB at {describe_host(get_settings().DATABASE_HOST.get_secret_value())}")


@commands.command("migrate-vectors-to-server")
def migrate_vectors_to_server(
    source: Path | None = typer.Option(None, help="Local Qdrant folder [default: .data/qdrant]."),
) -> None:
    """Copy the local-mode Qdrant store into the configured Qdrant server or cloud (upserts by id)."""
    from llm_engineering.infrastructure.errors import DatabaseConnectionError
    from llm_engineering.settings import get_settings
    from tools.server_migration import DEFAULT_QDRANT_DIR, MigrationError, copy_vectors

    folder = (source or DEFAULT_QDRANT_DIR).resolve()
    try:
        copies = copy_vectors(folder)
    except (MigrationError, DatabaseConnectionError) as error:
        fail(str(error))
    settings = get_settings()
    target = settings.QDRANT_CLOUD_URL if settings.USE_QDRANT_CLOUD else settings.QDRANT_DATABASE_HOST
    _print_copies(copies, f"Qdrant at {target}", counts_changes=False)
