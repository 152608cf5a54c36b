"""Running a pipeline the way the CLI does: its typed config built from a YAML file (plus overrides)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run_pipeline_file(pipeline: Any, config: Path, **options: Any) -> Any:
    """Run `pipeline` with its typed config from the YAML `config`; returns the finished run (hydrated)."""
    from zenml.client import Client

    from tools.pipeline_config import run_with_config

    run = run_with_config(pipeline, config, **options)
    return Client().get_pipeline_run(run.id)


def run_pipeline_with(pipeline: Any, folder: Path, parameters: dict[str, Any], **options: Any) -> Any:
    """Run `pipeline` with `parameters` (the YAML's `parameters:` block), written to a file in `folder`."""
    config = write_yaml(folder / f"{pipeline.name}.yaml", {"parameters": parameters})
    return run_pipeline_file(pipeline, config, **options)
