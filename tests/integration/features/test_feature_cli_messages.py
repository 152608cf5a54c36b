"""What `features` says when the warehouse lacks the authors: checked before any run, no traceback."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from llm_engineering.domain.documents import UserDocument
from tools.run import app


def test_features_before_any_data_name_the_etl_configs_and_the_import(stores: Path) -> None:
    result = CliRunner().invoke(app, ["features"])
    assert result.exit_code == 1
    assert "The data warehouse has no authors yet" in result.output
    for hint in ("configs/digital_data_etl_<author>.yaml", "configs/digital_data_etl_demo.yaml"):
        assert hint in result.output
    assert "run-import-data-warehouse-from-json" in result.output
    assert "Running pipeline" not in result.output and "Traceback" not in result.output


def test_an_unknown_author_in_the_config_is_named_with_the_authors_the_warehouse_has(stores: Path) -> None:
    UserDocument(first_name="Ada", last_name="Writer").save()
    config = stores / "features.yaml"
    config.write_text(yaml.safe_dump({"parameters": {"author_full_names": ["Paul Iusztin"]}}))
    result = CliRunner().invoke(app, ["features", "--config", str(config)])
    assert result.exit_code == 1
    assert "Author(s) 'Paul Iusztin' not found in the data warehouse (it has: Ada Writer)" in result.output
    assert "Running pipeline" not in result.output
