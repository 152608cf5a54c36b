from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field
from zenml import pipeline, step

from tools.pipeline_config import ConfigError, build_config, resolve_config_path


class Loudness(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: int = Field(1, ge=0)


class GreetingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_full_name: str
    links: list[str]
    loudness: Loudness = Loudness()


@step
def greet(name: str, level: int, page_size: int = 1) -> str:
    return name + "!" * level


@pipeline
def greeting(config: GreetingConfig) -> None:
    greet(config.user_full_name, config.loudness.level)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_config_becomes_the_typed_config_and_the_rest_goes_to_zenml(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "parameters:\n  user_full_name: Ada Writer\n  links: [a]\n  loudness: {level: 2}\n"
        "steps:\n  greet:\n    parameters: {page_size: 3}\n",
    )
    config, run_options = build_config(greeting, path)
    assert config == GreetingConfig(user_full_name="Ada Writer", links=["a"], loudness=Loudness(level=2))
    assert run_options == {"steps": {"greet": {"parameters": {"page_size": 3}}}}


def test_overrides_replace_top_level_keys_and_are_validated_too(tmp_path: Path) -> None:
    path = write(tmp_path, "parameters: {user_full_name: A, links: [a]}\n")
    config, _ = build_config(greeting, path, {"links": ["b", "c"]})
    assert config.links == ["b", "c"] and config.loudness.level == 1  # the model's default
    with pytest.raises(ConfigError, match=r"links: Input should be a valid list"):
        build_config(greeting, path, {"links": 3})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("parameters: [unclosed\n", "not valid YAML at line"),
        ("", "empty"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("parameterz: {}\n", "unknown top-level key"),
        (
            "parameters: {user_full_name: A, links: [], colour: red}\n",
            "colour: unknown key (allowed here: links, loudness, user_full_name)",
        ),
        (
            "parameters: {user_full_name: A, links: [], loudness: {levle: 2}}\n",
            "loudness.levle: unknown key (allowed here: level)",
        ),
        (
            "parameters: {user_full_name: A, links: [], loudness: {level: -1}}\n",
            "loudness.level: Input should be greater than or equal to 0 (got -1)",
        ),
        ("parameters: {links: []}\n", "user_full_name: missing (required)"),
        (
            "parameters: {user_full_name: A, links: []}\nsteps: {greet: [1]}\n",
            "`steps: greet:` must be a mapping",
        ),
        (
            "parameters: {user_full_name: A, links: []}\nsteps: {greet: {parameters: {shout: 1}}}\n",
            "unknown parameter(s) ['shout'] for step 'greet'",
        ),
    ],
)
def test_bad_configs_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        build_config(greeting, write(tmp_path, text))
    assert message in str(raised.value) and str(tmp_path / "config.yaml") in str(raised.value)


def test_a_missing_config_file_names_the_configs_folder() -> None:
    with pytest.raises(ConfigError, match="configs"):
        resolve_config_path("configs/does_not_exist.yaml")


def test_project_configs_resolve_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_config_path("configs/feature_engineering.yaml").is_file()


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[2] / "configs").glob("*.yaml")))
def test_every_shipped_config_builds_its_pipelines_typed_config(path: Path) -> None:
    from pipelines.digital_data_etl import digital_data_etl
    from pipelines.evaluating import evaluating
    from pipelines.feature_engineering import feature_engineering
    from pipelines.generate_datasets import generate_datasets
    from pipelines.training import training

    by_prefix = {
        "digital_data_etl": digital_data_etl,
        "feature_engineering": feature_engineering,
        "generate_": generate_datasets,
        "training": training,
        "evaluating": evaluating,
    }
    pipeline = next(p for prefix, p in by_prefix.items() if path.name.startswith(prefix))
    config, _ = build_config(pipeline, path)
    assert config.model_fields_set  # the file names what differs from the defaults


def test_the_configuration_page_is_generated_from_the_models() -> None:
    from tools.config_docs import main

    assert main(["--check"]) == 0, "docs/configuration.md is out of date: run `python -m tools.config_docs`"
