"""The one CLI behind every `poetry poe` task: `python -m tools.run <command> [options]`.

Commands live in tools/commands/, one module per area; this module only assembles them."""

from __future__ import annotations

import typer

from tools.commands import data, datasets, evaluation, inference, likeness, platform, stacks, training

app = typer.Typer(add_completion=False, no_args_is_help=True, help="LLM Twin pipelines and tools.")

for _area in (data, datasets, training, evaluation, likeness, inference, platform, stacks):
    app.registered_commands.extend(_area.commands.registered_commands)
    app.registered_groups.extend(_area.commands.registered_groups)

if __name__ == "__main__":
    app()
