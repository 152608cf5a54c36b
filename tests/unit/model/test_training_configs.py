from __future__ import annotations

import pytest

from tests.support.paths import PROJECT_ROOT


@pytest.mark.parametrize("name", ["training.yaml", "training_smoke.yaml"])
def test_the_shipped_training_configs_are_valid(name: str) -> None:
    from pipelines.training import training
    from tools.pipeline_config import build_config

    config, _ = build_config(training, PROJECT_ROOT / "configs" / name)
    assert config.training.backend == "auto"
    if name == "training_smoke.yaml":
        assert config.training.base_model == "packaged" and config.training.max_train_samples is not None
