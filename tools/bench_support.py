"""What the benchmarks share."""

from __future__ import annotations

import os
from pathlib import Path


def isolate_zenml(folder: Path) -> None:
    """A ZenML config and local stores of our own (must run before anything imports zenml)."""
    os.environ["ZENML_CONFIG_PATH"] = str(folder / "zenml" / "config")
    os.environ["ZENML_LOCAL_STORES_PATH"] = str(folder / "zenml" / "stores")
    os.environ["ZENML_ANALYTICS_OPT_IN"] = "false"
    os.environ.setdefault("ZENML_LOGGING_VERBOSITY", "WARN")
    os.environ.setdefault("ZENML_ENABLE_RICH_TRACEBACK", "false")
    os.environ.setdefault("ZENML_AUTO_OPEN_DASHBOARD", "false")
