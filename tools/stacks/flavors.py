"""Check a recipe against ZenML's flavor classes: the flavor exists, its settings validate.

ZenML's flavor classes (built-in and every integration's) import without the integrations' cloud SDKs, so
this works offline and without the optional groups installed: the config class of each flavor is the
authority on required fields and their types.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import ValidationError

from tools.stacks.recipe import RecipeError, StackRecipe


@functools.cache
def flavor_index() -> dict[tuple[str, str], Any]:
    """(component type, flavor name) -> flavor instance, for built-in and integration flavors."""
    from zenml.stack.flavor_registry import FlavorRegistry

    registry = FlavorRegistry()
    index: dict[tuple[str, str], Any] = {}
    for flavor_class in [*registry.builtin_flavors, *registry.integration_flavors]:
        flavor = flavor_class()
        index[(flavor.type.value, flavor.name)] = flavor
    return index


def find_flavor(component_type: str, name: str) -> Any:
    flavor = flavor_index().get((component_type, name))
    if flavor is None:
        known = sorted(n for (kind, n) in flavor_index() if kind == component_type)
        raise RecipeError(
            f"unknown {component_type} flavor '{name}'. ZenML knows: {', '.join(known) or 'none'}."
        )
    return flavor


def required_fields(component_type: str, name: str) -> list[str]:
    """The settings the flavor's config class cannot do without."""
    config_class = find_flavor(component_type, name).config_class
    return [field for field, info in config_class.model_fields.items() if info.is_required()]


def flavor_integration(component_type: str, name: str) -> str | None:
    """The ZenML integration that provides the flavor (None for a built-in one)."""
    from zenml.integrations.registry import integration_registry

    for integration_name, integration in integration_registry.integrations.items():
        for flavor_class in integration.flavors():
            flavor = flavor_class()
            if flavor.type.value == component_type and flavor.name == name:
                return integration_name
    return None


def check_recipe(recipe: StackRecipe) -> None:
    """Raise RecipeError listing every component whose flavor or settings are wrong."""
    problems: list[str] = []
    for component_type, spec in recipe.components.items():
        try:
            flavor = find_flavor(component_type, spec.flavor)
        except RecipeError as error:
            problems.append(f"{component_type} '{spec.name}': {error}")
            continue
        known = flavor.config_class.model_fields
        unknown = sorted(set(spec.configuration) - set(known))
        if unknown:
            problems.append(
                f"{component_type} '{spec.name}' ({spec.flavor}): unknown setting(s) {unknown}; "
                f"the flavor's settings are: {', '.join(sorted(known))}"
            )
        try:
            flavor.config_class(**spec.configuration)
        except ValidationError as error:
            for e in error.errors():
                where = ".".join(str(p) for p in e["loc"]) or "configuration"
                problems.append(
                    f"{component_type} '{spec.name}' ({spec.flavor}): {where}: {e['msg']}"
                    + (" (required by the flavor)" if e["type"] == "missing" else "")
                )
        except Exception as error:  # ZenML's validators raise their own types (e.g. a path's scheme)
            problems.append(f"{component_type} '{spec.name}' ({spec.flavor}): {error}")
    if problems:
        raise RecipeError(f"stack recipe '{recipe.name}' has problems:\n  " + "\n  ".join(problems))
