import pytest

from pipelines.evaluating import evaluating
from tools.pipeline_config import build_config, resolve_config_path


@pytest.mark.parametrize("config", ["configs/evaluating.yaml", "configs/evaluating_smoke.yaml"])
def test_the_evaluating_configs_match_the_pipeline_and_its_steps(config: str) -> None:
    checked, _ = build_config(evaluating, resolve_config_path(config))
    assert checked.max_samples >= 1
    assert checked.model_dir is None  # given by --model-dir
