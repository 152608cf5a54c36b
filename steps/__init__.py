"""ZenML steps: one small module per step. Importing the package lets settings come from a ZenML secret
(`SETTINGS_FROM_ZENML_SECRET`) in any process that runs a step."""

from steps.settings_secret import read_settings_from_zenml_secrets

read_settings_from_zenml_secrets()
