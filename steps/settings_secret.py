"""Settings in a ZenML secret: `export-settings` stores the values set here; a process with
`SETTINGS_FROM_ZENML_SECRET=<name>` reads them back (registered with `llm_engineering.settings` by the CLI and
by `steps/__init__.py`, so a step run by any orchestrator reads them too)."""

from __future__ import annotations

from llm_engineering.settings import get_settings, read_secrets_with

SETTINGS_SECRET_NAME = "settings"


def read_zenml_secret(secret_name: str) -> dict[str, str]:
    from zenml.client import Client  # imported on use: ZenML is heavy and may talk to a server

    secret = Client().get_secret(secret_name)
    return {key: value for key, value in secret.secret_values.items()}


def export_settings_to_zenml_secret(secret_name: str = SETTINGS_SECRET_NAME) -> int:
    """Create or update a ZenML secret holding every set value. Returns how many values were stored."""
    from zenml.client import Client
    from zenml.exceptions import EntityExistsError

    values = get_settings().to_secret_values()
    client = Client()
    try:
        client.create_secret(name=secret_name, values=values)
    except EntityExistsError:
        client.update_secret(name_id_or_prefix=secret_name, add_or_update_values=values)
    return len(values)


def read_settings_from_zenml_secrets() -> None:
    read_secrets_with(read_zenml_secret)
