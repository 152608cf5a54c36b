"""The one CLI behind every `poetry poe` task: `python -m tools.run <command> [options]`.

Commands live in tools/commands/, one module per area; this module only assembles them."""

from __future__ import annotations

import sys

import typer

from tools.commands import (
    data,
    datasets,
    evaluation,
    inference,
    likeness,
    platform,
    retrieval_quality,
    stacks,
    training,
)
from tools.output import configure_output, verbose_flag_first

app = typer.Typer(add_completion=False, no_args_is_help=True, help="LLM Twin pipelines and tools.")


@app.callback()
def main(
    verbose: bool = typer.Option(
        False,
        "--verbose",
        "-v",
        help="Also print the libraries' detail: each LLM HTTP request, warnings, ZenML notices.",
    ),
) -> None:
    """LLM Twin pipelines and tools. By default the output is progress and results; `--verbose` (anywhere on
    the command line) shows everything."""
    configure_output(verbose)


for _area in (data, datasets, training, evaluation, likeness, inference, retrieval_quality, platform, stacks):
    app.registered_commands.extend(_area.commands.registered_commands)
    app.registered_groups.extend(_area.commands.registered_groups)

if __name__ == "__main__":
    app(args=verbose_flag_first(sys.argv[1:]))
