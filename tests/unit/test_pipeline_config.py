from pathlib import Path

import pytest
from zenml import pipeline, step

from tools.pipeline_config import ConfigError, check_config, resolve_config_path


@step
def greet(name: str, excited: bool = False) -> str:
    return name + ("!" if excited else "")


@pipeline
def greeting(user_full_name: str, links: list[str], optional: int = 1) -> None:
    greet(user_full_name)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_config_passes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "parameters:\n  user_full_name: Ada Writer\n  links: [a]\nsteps:\n  greet:\n"
        "    parameters: {excited: true}\n",
    )
    assert check_config(path, greeting)["parameters"]["user_full_name"] == "Ada Writer"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("parameters: [unclosed\n", "not valid YAML at line"),
        ("", "empty"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("parameterz: {}\n", "unknown top-level key"),
        ("parameters: {user_full_name: A, links: [], colour: red}\n", "unknown parameter(s) ['colour']"),
        ("parameters: {links: []}\n", "missing parameter(s) ['user_full_name']"),
        (
            "parameters: {user_full_name: A, links: []}\nsteps: {greet: [1]}\n",
            "`steps: greet:` must be a mapping",
        ),
        (
            "parameters: {user_full_name: A, links: []}\nsteps: {greet: {parameters: 3}}\n",
            "must be a mapping",
        ),
        (
            "parameters: {user_full_name: A, links: []}\nsteps: {greet: {parameters: {shout: 1}}}\n",
            "unknown parameter(s) ['shout'] for step 'greet'",
        ),
    ],
)
def test_bad_configs_get_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        check_config(write(tmp_path, text), greeting)
    assert message in str(raised.value)


def test_a_missing_config_file_names_the_configs_folder() -> None:
    with pytest.raises(ConfigError, match="configs"):
        resolve_config_path("configs/does_not_exist.yaml")


def test_project_configs_resolve_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_config_path("configs/feature_engineering.yaml").is_file()
