"""The one config flow: a pipeline's YAML `parameters:` block (plus command-line overrides) becomes the
pipeline's typed config, validated whole before ZenML sees it, so a mistake gets a message naming the file and
the key. The rest of the YAML (`steps:`, `settings:`, ...) goes to ZenML as a run config."""

from __future__ import annotations

import contextlib
import inspect
import tempfile
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from llm_engineering.domain.exceptions import InvalidInput
from llm_engineering.settings import PROJECT_ROOT, resolve_path

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
    path = resolve_path(config)
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


def config_model(pipeline: Any) -> type[BaseModel]:
    """The pipeline's typed config: the type of its one parameter, `config`."""
    hints = typing.get_type_hints(pipeline.entrypoint)
    model = hints.get("config")
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"pipeline '{pipeline.name}' must take one parameter `config: <a pydantic model>`.")
    return model


def build_config(
    pipeline: Any, path: Path, overrides: dict[str, Any] | None = None
) -> tuple[BaseModel, dict[str, Any]]:
    """The pipeline's typed config from the file's `parameters:` with `overrides` on top (top-level keys
    replaced), and the rest of the file (ZenML's run options). Raises ConfigError naming file and key."""
    data = load_config(path)
    unknown_keys = sorted(set(data) - ZENML_RUN_CONFIG_KEYS)
    if unknown_keys:
        raise ConfigError(
            f"{path}: unknown top-level key(s) {unknown_keys}. Pipeline inputs go under `parameters:`, "
            f"ZenML step options under `steps: <step_name>:`."
        )
    parameters = data.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise ConfigError(f"{path}: `parameters:` must be a mapping of name: value.")
    model = config_model(pipeline)
    try:
        config = model.model_validate({**parameters, **(overrides or {})})
    except ValidationError as error:
        raise ConfigError(describe_errors(path, f"pipeline '{pipeline.name}'", model, error)) from error
    _check_steps(path, data.get("steps") or {}, pipeline)
    return config, {key: value for key, value in data.items() if key != "parameters"}


def describe_errors(path: Path, what: str, model: type[BaseModel], error: ValidationError) -> str:
    """One line per mistake, each naming its key (`training.lora.r`), for `what` (e.g. "pipeline 'x'")."""
    lines = [f"{path}: invalid `parameters:` for {what} ({model.__name__}):"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "parameters"
        if item["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(_fields_at(model, item["loc"][:-1])))
            lines.append(f"  {key}: unknown key (allowed here: {allowed})")
        elif item["type"] == "missing":
            lines.append(f"  {key}: missing (required)")
        else:
            got = repr(item.get("input"))
            lines.append(f"  {key}: {item['msg']} (got {got if len(got) <= 80 else got[:77] + '...'})")
    lines.append("See docs/configuration.md for every pipeline's keys and defaults.")
    return "\n".join(lines)


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the (nested) model at `loc`; [] where it is not a model."""
    current: Any = model
    for part in loc:
        field = (
            current.model_fields.get(part)
            if isinstance(current, type) and issubclass(current, BaseModel)
            else None
        )
        if field is None:
            return []
        current = field.annotation
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def run_with_config(
    pipeline: Any,
    path: Path,
    overrides: dict[str, Any] | None = None,
    run_options: dict[str, Any] | None = None,
    **options: Any,
) -> Any:
    """Run `pipeline` with its typed config from `path` (+ `overrides` of its parameters); `run_options`
    replace top-level ZenML keys of the file (e.g. its `model:` block); `options` go to `with_options`."""
    config, file_options = build_config(pipeline, path, overrides)
    run_options = {**file_options, **(run_options or {})}
    with _zenml_config_file(run_options, path.name) as zenml_config:
        if zenml_config is not None:
            options["config_path"] = str(zenml_config)
        return pipeline.with_options(**options)(config=config)


@contextlib.contextmanager
def _zenml_config_file(run_options: dict[str, Any], name: str) -> Iterator[Path | None]:
    """ZenML's part of the YAML (no `parameters:`: the config is passed in code) as a temporary file."""
    if not run_options:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="llm-twin-run-config-") as folder:
        path = Path(folder) / name
        path.write_text(yaml.safe_dump(run_options, sort_keys=False), encoding="utf-8")
        yield path


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
