"""Each dataset task decides its dataset type: a config naming the other type, or none without a task, fails
before anything runs (it once made an instruction dataset silently)."""

from pathlib import Path

from typer.testing import CliRunner

from tests.support.pipelines import write_yaml
from tools.run import app


def generate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["generate-datasets", *args])
    return result.exit_code, result.output


def test_a_config_naming_the_other_type_is_an_error(tmp_path: Path) -> None:
    config = write_yaml(
        tmp_path / "mine.yaml", {"parameters": {"author_full_names": ["Ada"], "dataset_type": "instruction"}}
    )
    code, output = generate("--dataset-type", "preference", "--config", str(config), "--dry-run")
    assert code == 1
    assert "`dataset_type: instruction` but this task makes a preference dataset" in output


def test_without_a_task_a_config_must_name_its_type(tmp_path: Path) -> None:
    config = write_yaml(tmp_path / "mine.yaml", {"parameters": {"author_full_names": ["Ada"]}})
    code, output = generate("--config", str(config), "--dry-run")
    assert code == 1 and "dataset_type: missing (required)" in output
