from __future__ import annotations

import pytest
import yaml

from llm_engineering.model.finetuning.config import TrainingConfig
from tests.conftest import PROJECT_ROOT


@pytest.mark.parametrize("name", ["training.yaml", "training_smoke.yaml"])
def test_the_shipped_training_configs_are_valid(name: str) -> None:
    from pipelines.training import training
    from tools.pipeline_config import check_config

    path = PROJECT_ROOT / "configs" / name
    check_config(path, training)
    config = TrainingConfig.model_validate(yaml.safe_load(path.read_text())["parameters"]["training"])
    assert config.backend == "auto"
    if name == "training_smoke.yaml":
        assert config.base_model == "packaged" and config.max_train_samples is not None
