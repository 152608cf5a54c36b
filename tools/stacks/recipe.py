"""A stack recipe: YAML with `${VAR}` / `${VAR:-default}` taken from the environment, as a typed model.

Loading never talks to ZenML: it reads the file, names every missing variable at once, and checks the
shape (a name, an orchestrator and an artifact store, one component per type). Whether each flavor and its
settings are valid is checked against ZenML's own flavor classes in tools/stacks/flavors.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from llm_engineering.domain.exceptions import InvalidInput

# The component types a recipe may hold (ZenML's StackComponentType values).
COMPONENT_TYPES = (
    "orchestrator",
    "artifact_store",
    "container_registry",
    "step_operator",
    "image_builder",
    "experiment_tracker",
    "model_registry",
    "model_deployer",
    "alerter",
    "annotator",
    "data_validator",
    "feature_store",
    "deployer",
    "log_store",
)
REQUIRED_COMPONENTS = ("orchestrator", "artifact_store")
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class RecipeError(InvalidInput):
    """A recipe that cannot be used; the message says what is wrong and how to fix it."""


class ComponentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_NAME)
    flavor: str = Field(min_length=1)
    # Settings of the flavor's config class; a value that is empty after substitution is left out, so the
    # flavor's default applies (e.g. `${AWS_ENDPOINT_URL:-}`: the endpoint only when the variable is set).
    configuration: dict[str, Any] = Field(default_factory=dict)


class ServerSpec(BaseModel):
    """A remote ZenML server that stack-up connects to before registering anything."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(pattern=r"^https?://")
    api_key: SecretStr | None = None


class StackRecipe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_NAME)
    description: str = ""
    # ZenML integrations whose packages the stack needs where the pipelines are launched.
    integrations: list[str] = Field(default_factory=list)
    # The Poetry group that installs those packages (`poetry install --with <group>`).
    install_group: str | None = None
    server: ServerSpec | None = None
    components: dict[str, ComponentSpec]

    @field_validator("components")
    @classmethod
    def _known_and_complete(cls, components: dict[str, ComponentSpec]) -> dict[str, ComponentSpec]:
        unknown = sorted(set(components) - set(COMPONENT_TYPES))
        if unknown:
            raise ValueError(f"unknown component type(s) {unknown}; use one of: {', '.join(COMPONENT_TYPES)}")
        missing = [kind for kind in REQUIRED_COMPONENTS if kind not in components]
        if missing:
            raise ValueError(f"a stack needs {' and '.join(missing)} (missing: {', '.join(missing)})")
        return components


def variables_in(data: Any) -> list[tuple[str, str | None]]:
    """Every `${VAR}` (default None) and `${VAR:-default}` in the strings of `data`, in order."""
    if isinstance(data, str):
        return [(m.group(1), m.group(2)) for m in _VARIABLE.finditer(data)]
    if isinstance(data, Mapping):
        return [v for value in data.values() for v in variables_in(value)]
    if isinstance(data, list):
        return [v for value in data for v in variables_in(value)]
    return []


def required_variables(data: Any) -> list[str]:
    """Names of the variables without a default, each once."""
    return list(dict.fromkeys(name for name, default in variables_in(data) if default is None))


def _substitute(data: Any, env: Mapping[str, str]) -> Any:
    if isinstance(data, str):
        return _VARIABLE.sub(lambda m: env.get(m.group(1)) or (m.group(2) or ""), data)
    if isinstance(data, Mapping):
        return {key: _substitute(value, env) for key, value in data.items()}
    if isinstance(data, list):
        return [_substitute(value, env) for value in data]
    return data


def _drop_empty(configuration: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, value in configuration.items():
        if isinstance(value, dict):
            value = _drop_empty(value)
        if value not in ("", None, {}):
            kept[key] = value
    return kept


def read_recipe_file(path: Path) -> dict[str, Any]:
    """The recipe's YAML as a mapping, before substitution."""
    if not path.is_file():
        raise RecipeError(f"stack recipe {path} does not exist. The recipes are in configs/stacks/.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RecipeError(f"stack recipe {path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise RecipeError(f"stack recipe {path} must be a mapping with name and components.")
    return data


def parse_recipe(data: dict[str, Any], env: Mapping[str, str], source: str = "recipe") -> StackRecipe:
    """Substitute the variables from `env` and validate the result."""
    missing = [name for name in required_variables(data) if not env.get(name)]
    if missing:
        exports = " ".join(f"{name}=..." for name in missing)
        raise RecipeError(
            f"{source} needs the environment variable(s) {', '.join(missing)}, which are not set. "
            f"Set them (e.g. `export {exports}` or in .env) and run again."
        )
    resolved = _substitute(data, env)
    components = resolved.get("components")
    for component in components.values() if isinstance(components, dict) else []:
        if isinstance(component, dict) and isinstance(component.get("configuration"), dict):
            component["configuration"] = _drop_empty(component["configuration"])
    try:
        return StackRecipe.model_validate(resolved)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in error.errors()
        )
        raise RecipeError(f"{source} is not a valid stack recipe: {problems}") from None


def load_recipe(path: Path, env: Mapping[str, str] | None = None) -> StackRecipe:
    """Read, substitute (from `env`, default the process environment) and validate a recipe file."""
    return parse_recipe(read_recipe_file(path), os.environ if env is None else env, source=str(path))
