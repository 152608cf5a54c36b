"""Model versions addressed by number, `latest` and stage, and the promotion rule, through the real ZenML
client (the isolated store of the test session)."""

import uuid
from pathlib import Path

import pytest
from zenml import log_metadata
from zenml.client import Client
from zenml.enums import ModelStages

from llm_engineering.model.registry import ModelVersionError
from steps.registry import production_or_latest, record_and_promote, twin_version


def evaluation_metadata(accuracy: float, style: float, test_set: str = "h1") -> dict:
    return {
        "judge_n": 4,
        "judge_accuracy_mean": accuracy,
        "judge_style_mean": style,
        # The base model's means: every version here beats its base, so production decides.
        "base_judge_n": 4,
        "base_judge_accuracy_mean": 1.0,
        "base_judge_style_mean": 1.0,
        "eval_test_set_hash": test_set,
        "eval_judge_model": "judge-a",
    }


def register(client: Client, name: str, **folders: Path) -> object:
    """A version with the folders training records (steps/training/register_model.py)."""
    version = client.create_model_version(model_name_or_id=name)
    if folders:
        log_metadata(metadata={k: str(v) for k, v in folders.items()}, model_version_id=version.id)
    return version


def test_versions_are_addressed_by_number_latest_and_stage_and_name_their_folders(tmp_path: Path) -> None:
    client = Client()
    name = f"twin_{uuid.uuid4().hex[:8]}"
    with pytest.raises(ModelVersionError, match=f"no `{name}` model yet"):
        twin_version("latest", name)
    client.create_model(name=name)
    assert production_or_latest(name) is None

    adapter, merged = tmp_path / "dpo_adapter", tmp_path / "merged"
    adapter.mkdir(), merged.mkdir()
    first = register(client, name, adapter_dir=adapter)
    second = register(client, name, adapter_dir=adapter, merged_model_dir=merged)
    assert twin_version("latest", name).number == second.number == 2
    assert twin_version("1", name).number == first.number
    assert production_or_latest(name).number == 2  # no production version: the newest
    # Evaluation compares the adapter with its base; inference serves the merged model.
    version = twin_version("2", name)
    assert version.folder_for_evaluation() == str(adapter)
    assert version.folder_for_inference() == str(merged)
    assert version.label == f"{name} version 2"

    client.update_model_version(name, first.id, stage=ModelStages.PRODUCTION)
    production = twin_version("production", name)
    assert (production.number, production.stage, production.label) == (
        1,
        "production",
        f"{name} version 1 (production)",
    )
    assert production_or_latest(name).number == 1

    with pytest.raises(
        ModelVersionError, match=r"has no version `staging` \(versions: 2, 1 \(production\)\)"
    ):
        twin_version("staging", name)
    with pytest.raises(ModelVersionError, match="has no version `7`"):
        twin_version("7", name)
    bare = register(client, name)  # made by hand, not by training: no folder to load
    with pytest.raises(ModelVersionError, match="names no model folder"):
        twin_version(str(bare.number), name).folder_for_inference()
    gone = register(client, name, adapter_dir=tmp_path / "deleted")
    with pytest.raises(ModelVersionError, match="no such folder is on this machine"):
        twin_version(str(gone.number), name).folder_for_evaluation()


def test_a_version_is_promoted_when_it_beats_production_on_the_same_test_set() -> None:
    client = Client()
    name = f"twin_{uuid.uuid4().hex[:8]}"
    client.create_model(name=name)
    first, second, third, fourth = (register(client, name) for _ in range(4))

    decision = record_and_promote(first.id, evaluation_metadata(2.0, 2.0))
    assert decision.promote and decision.model_version == "1"
    assert client.get_model_version(name, ModelStages.PRODUCTION).id == first.id
    assert client.get_model_version(name, first.id).run_metadata["judge_accuracy_mean"] == 2.0
    again = record_and_promote(first.id, evaluation_metadata(2.0, 2.0))
    assert not again.promote and again.reason == "already the production version"

    worse = record_and_promote(second.id, evaluation_metadata(1.5, 2.5))
    assert not worse.promote and "does not beat production version 1" in worse.reason
    better = record_and_promote(third.id, evaluation_metadata(2.5, 2.0))
    assert better.promote and better.production_version == "1"
    assert client.get_model_version(name, ModelStages.PRODUCTION).id == third.id
    other = record_and_promote(fourth.id, evaluation_metadata(3.0, 3.0, test_set="h2"))
    assert not other.promote and "different test set" in other.reason
