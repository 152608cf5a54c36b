"""Register a recipe's components and stack through the ZenML client, and switch stacks.

Idempotent: a component or stack that already exists under the recipe's name is updated in place (its
settings become the recipe's), so re-running stack-up after editing a recipe or a variable applies the
change. A component registered under that name with another flavor is an error: ZenML cannot change a
component's flavor, so the message says how to remove or rename it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.stacks.flavors import check_recipe
from tools.stacks.recipe import RecipeError, StackRecipe

DEFAULT_STACK = "default"


@dataclass
class StackUpReport:
    stack: str
    stack_created: bool
    created: list[str] = field(default_factory=list)  # "<type> <name>"
    updated: list[str] = field(default_factory=list)


def connect_server(recipe: StackRecipe) -> None:
    """Point the ZenML client at the recipe's server (a no-op without one)."""
    if recipe.server is None:
        return
    from zenml.cli.login import connect_to_server

    api_key = recipe.server.api_key.get_secret_value() if recipe.server.api_key else None
    connect_to_server(recipe.server.url, api_key=api_key)


def _upsert_component(client: Any, component_type: str, spec: Any, report: StackUpReport) -> None:
    from zenml.enums import StackComponentType

    kind = StackComponentType(component_type)
    label = f"{component_type} {spec.name}"
    try:
        existing = client.get_stack_component(kind, spec.name, allow_name_prefix_match=False)
    except KeyError:
        client.create_stack_component(
            name=spec.name, flavor=spec.flavor, component_type=kind, configuration=spec.configuration
        )
        report.created.append(label)
        return
    if existing.flavor_name != spec.flavor:
        raise RecipeError(
            f"a {component_type} named '{spec.name}' is already registered with flavor "
            f"'{existing.flavor_name}', the recipe asks for '{spec.flavor}'. Rename it in the recipe or "
            f"remove the old one: `zenml {component_type.replace('_', '-')} delete {spec.name}`."
        )
    # Settings the recipe no longer has are removed (None), so the component matches the recipe.
    stale = {key: None for key in existing.configuration if key not in spec.configuration}
    client.update_stack_component(spec.name, kind, configuration={**stale, **spec.configuration})
    report.updated.append(label)


def stack_up(recipe: StackRecipe) -> StackUpReport:
    """Validate, connect, register or update every component and the stack, and activate it."""
    from zenml.client import Client
    from zenml.enums import StackComponentType

    check_recipe(recipe)
    connect_server(recipe)
    client = Client()
    try:
        client.get_stack(recipe.name, allow_name_prefix_match=False)
        stack_exists = True
    except KeyError:
        stack_exists = False
    report = StackUpReport(stack=recipe.name, stack_created=not stack_exists)
    for component_type, spec in recipe.components.items():
        _upsert_component(client, component_type, spec, report)
    components = {StackComponentType(kind): spec.name for kind, spec in recipe.components.items()}
    if stack_exists:
        # Types the recipe no longer has are dropped from the stack (an empty list removes them).
        current = client.get_stack(recipe.name, allow_name_prefix_match=False).components
        for kind in current:
            if kind not in components and kind.value not in ("orchestrator", "artifact_store"):
                components[kind] = []
        client.update_stack(recipe.name, component_updates=components, description=recipe.description)
    else:
        client.create_stack(name=recipe.name, components=components)
    client.activate_stack(recipe.name)
    return report


def stack_down() -> str:
    """Activate ZenML's default stack (local orchestrator and artifact store); returns what was active."""
    from zenml.client import Client

    client = Client()
    previous = client.active_stack_model.name
    client.activate_stack(DEFAULT_STACK)
    return previous
