"""Reading and checking a pipeline's YAML config before ZenML sees it, so mistakes get a clear message."""

from __future__ import annotations

import inspect
from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml

from llm_engineering.domain.exceptions import InvalidInput
from llm_engineering.settings import PROJECT_ROOT

# Top-level keys ZenML accepts in a pipeline run config (the ones this project uses or documents).
ZENML_RUN_CONFIG_KEYS = {
    "parameters",
    "steps",
    "settings",
    "enable_cache",
    "enable_artifact_metadata",
    "enable_artifact_visualization",
    "enable_step_logs",
    "enable_pipeline_logs",
    "run_name",
    "extra",
    "model",
    "schedule",
    "build",
    "tags",
    "environment",
    "secrets",
    "retry",
    "failure_hook_source",
    "success_hook_source",
}


class ConfigError(InvalidInput):
    """The YAML config is unreadable or does not match the pipeline."""


def resolve_config_path(config: str | Path) -> Path:
    path = Path(config).expanduser()
    if not path.is_absolute() and not path.exists():
        path = PROJECT_ROOT / path
    if not path.is_file():
        raise ConfigError(
            f"Config file '{config}' does not exist. Configs live in {PROJECT_ROOT / 'configs'}."
        )
    return path


def load_config(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path} is not valid YAML{where}: {getattr(error, 'problem', error)}.") from error
    if data is None:
        raise ConfigError(f"{path} is empty; it needs at least a `parameters:` block.")
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path} must be a YAML mapping (keys such as `parameters:`), not {type(data).__name__}."
        )
    return data


def check_config(path: Path, pipeline: Any, given: Collection[str] = ()) -> dict[str, Any]:
    """Load `path` and check it against the pipeline's signature; returns the parsed config. `given`: the
    parameters the command supplies itself (they need not be in the file)."""
    data = load_config(path)
    unknown_keys = sorted(set(data) - ZENML_RUN_CONFIG_KEYS)
    if unknown_keys:
        raise ConfigError(
            f"{path}: unknown top-level key(s) {unknown_keys}. Pipeline inputs go under `parameters:`, "
            f"per-step options under `steps: <step_name>: parameters:`."
        )
    parameters = data.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise ConfigError(f"{path}: `parameters:` must be a mapping of name: value.")
    signature = inspect.signature(pipeline.entrypoint)
    allowed = set(signature.parameters)
    unknown = sorted(set(parameters) - allowed)
    if unknown:
        raise ConfigError(
            f"{path}: unknown parameter(s) {unknown} for pipeline '{pipeline.name}'. "
            f"Allowed: {sorted(allowed)}."
        )
    missing = sorted(
        name
        for name, parameter in signature.parameters.items()
        if parameter.default is inspect.Parameter.empty and name not in parameters and name not in given
    )
    if missing:
        raise ConfigError(f"{path}: missing parameter(s) {missing} for pipeline '{pipeline.name}'.")
    _check_steps(path, data.get("steps") or {}, pipeline)
    return data


def _check_steps(path: Path, steps: Any, pipeline: Any) -> None:
    if not isinstance(steps, dict):
        raise ConfigError(f"{path}: `steps:` must be a mapping of step name to options.")
    for step_name, options in steps.items():
        if options is not None and not isinstance(options, dict):
            raise ConfigError(
                f"{path}: `steps: {step_name}:` must be a mapping (e.g. `parameters: {{...}}`)."
            )
        parameters = (options or {}).get("parameters") or {}
        if not isinstance(parameters, dict):
            raise ConfigError(f"{path}: `steps: {step_name}: parameters:` must be a mapping of name: value.")
        step_function = _find_step(pipeline, step_name)
        if step_function is None:
            continue  # ZenML itself reports unknown step names with the list of steps
        allowed = set(inspect.signature(step_function.entrypoint).parameters)
        unknown = sorted(set(parameters) - allowed)
        if unknown:
            raise ConfigError(
                f"{path}: unknown parameter(s) {unknown} for step '{step_name}'. Allowed: {sorted(allowed)}."
            )


def _find_step(pipeline: Any, step_name: str) -> Any:
    """The step object named `step_name` among the names the pipeline's module imports."""
    module = inspect.getmodule(pipeline.entrypoint)
    candidate = getattr(module, step_name, None)
    return candidate if candidate is not None and hasattr(candidate, "entrypoint") else None
