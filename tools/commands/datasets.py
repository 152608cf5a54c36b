"""CLI commands of the datasets capability; tools/run.py adds them to the one CLI."""

import typer

commands = typer.Typer()
