"""Each dataset poe task names its own dataset type, and its shipped config agrees."""

from __future__ import annotations

import shlex
import tomllib

import yaml

from tests.support.paths import PROJECT_ROOT
from tools.commands.datasets import DATASET_TASKS


def test_each_dataset_task_passes_its_type_and_its_config_names_the_same() -> None:
    tasks = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["poe"][
        "tasks"
    ]
    for dataset_type, task in DATASET_TASKS.items():
        words = shlex.split(tasks[task]["cmd"])
        assert words[words.index("--dataset-type") + 1] == dataset_type, task
        config = yaml.safe_load(
            (PROJECT_ROOT / words[words.index("--config") + 1]).read_text(encoding="utf-8")
        )
        assert config["parameters"].get("dataset_type", dataset_type) == dataset_type, task
