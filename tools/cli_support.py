"""What every CLI command shares: failing with a clear message and running a pipeline from its YAML."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

import typer

# Defaults for a quiet, offline-friendly run; an explicit environment variable always wins.
os.environ.setdefault("ZENML_ANALYTICS_OPT_IN", "false")
os.environ.setdefault("ZENML_ENABLE_RICH_TRACEBACK", "false")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ZENML_AUTO_OPEN_DASHBOARD", "false")
# The tracking SDKs send their own error reports to Sentry unless told not to.
os.environ.setdefault("COMET_ERROR_TRACKING_ENABLE", "false")
os.environ.setdefault("OPIK_SENTRY_ENABLE", "false")

from llm_engineering.settings import PROJECT_ROOT  # noqa: E402
from steps.settings_secret import read_settings_from_zenml_secrets  # noqa: E402
from tools.output import quiet_pipeline_console  # noqa: E402
from tools.pipeline_config import ConfigError, build_config, resolve_config_path, run_with_config  # noqa: E402

read_settings_from_zenml_secrets()  # SETTINGS_FROM_ZENML_SECRET works for every command


def fail(message: str) -> None:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=1)


def run_pipeline(
    pipeline: Any,
    config: str,
    run_name_prefix: str,
    cache: bool,
    parameters: dict[str, Any] | None = None,
    model: dict[str, Any] | None = None,
) -> Any:
    """Build the pipeline's typed config from the YAML (`parameters` replace its top-level keys), run the
    pipeline with it, and return the finished run. A bad config fails here, before anything runs. `model`
    replaces the YAML's `model:` block (the ZenML model version the run works on)."""
    zenml_options = {"model": model} if model is not None else None
    try:
        config_path = resolve_config_path(config)
        build_config(pipeline, config_path, parameters)
    except ConfigError as error:
        fail(str(error))
    run_name = f"{run_name_prefix}_run_{datetime.now():%Y_%m_%d_%H_%M_%S_%f}"
    options: dict[str, Any] = {"run_name": run_name}
    if not cache:
        options["enable_cache"] = False
    shown = config_path.relative_to(PROJECT_ROOT) if config_path.is_relative_to(PROJECT_ROOT) else config_path
    typer.echo(f"Running pipeline '{pipeline.name}' with {shown}")
    quiet_pipeline_console()
    try:
        return run_with_config(pipeline, config_path, parameters, zenml_options, **options)
    except Exception as error:  # the failed step's own message says what to fix; no traceback wall for users
        fail(f"pipeline '{pipeline.name}' failed: {error}" + "".join(failed_step_reasons(run_name)))


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


def step_output(run: Any, step_name: str, output_name: str) -> Any:
    """The typed artifact a step of the run returned under `output_name` (loaded from the artifact store)."""
    from zenml.client import Client

    run = Client().get_pipeline_run(run.id)
    return run.steps[step_name].outputs[output_name][0].load()
