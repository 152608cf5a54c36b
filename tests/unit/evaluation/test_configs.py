import pytest

from pipelines.evaluating import evaluating
from tools.pipeline_config import check_config, resolve_config_path


@pytest.mark.parametrize("config", ["configs/evaluating.yaml", "configs/evaluating_smoke.yaml"])
def test_the_evaluating_configs_match_the_pipeline_and_its_steps(config: str) -> None:
    checked = check_config(resolve_config_path(config), evaluating)
    assert checked["parameters"]["max_samples"] >= 1
    assert "model_dir" not in checked["parameters"]  # given by --model-dir
