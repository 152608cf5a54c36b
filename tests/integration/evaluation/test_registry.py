"""The evaluation's model version and the promotion rule, through the real ZenML client (isolated store)."""

import json
import uuid
from pathlib import Path

from zenml import log_metadata
from zenml.client import Client
from zenml.enums import ModelStages

from llm_engineering.model.evaluation.registry import find_model_version, record_and_promote


def evaluation_metadata(accuracy: float, style: float, model_dir: Path, test_set: str = "h1") -> dict:
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
        "eval_model_dir": str(model_dir),
    }


def test_versions_are_found_by_training_metrics_or_path_and_promoted_by_the_rule(tmp_path: Path) -> None:
    client = Client()
    name = f"twin_{uuid.uuid4().hex[:8]}"

    # A merged folder no training run registered gets a version of its own.
    merged = tmp_path / "merged"
    merged.mkdir()
    first = find_model_version(merged, name)
    assert first.number == 1
    decision = record_and_promote(first, evaluation_metadata(2.0, 2.0, merged))
    assert decision.promote and decision.model_version == "1"
    assert client.get_model_version(name, ModelStages.PRODUCTION).id == first.id
    assert client.get_model_version(name, first.id).run_metadata["judge_accuracy_mean"] == 2.0
    # The same folder again: found by the path in its metadata, not a new version.
    assert find_model_version(merged, name).id == first.id
    again = record_and_promote(first, evaluation_metadata(2.0, 2.0, merged))
    assert not again.promote and again.reason == "already the production version"

    # A training output folder whose metrics name its version; evaluated through its adapter subfolder.
    second = client.create_model_version(model_name_or_id=name)
    output = tmp_path / "training_output"
    (output / "final_adapter").mkdir(parents=True)
    (output / "metrics.json").write_text(json.dumps({"model_version": str(second.number)}), encoding="utf-8")
    assert find_model_version(output / "final_adapter", name).id == second.id
    worse = record_and_promote(second, evaluation_metadata(1.5, 2.5, output))
    assert not worse.promote and "does not beat production version 1" in worse.reason

    # A version whose metadata names the training output folder that holds the adapter (and, as its base,
    # the merged folder: a base is no reason to match); better on the same test set and judge.
    third = client.create_model_version(model_name_or_id=name)
    adapter = tmp_path / "run3" / "dpo_adapter"
    adapter.mkdir(parents=True)
    log_metadata(
        metadata={"output_dir": str(adapter.parent), "base_model_path": str(merged)},
        model_version_id=third.id,
    )
    assert find_model_version(merged, name).id == first.id
    assert find_model_version(adapter, name).id == third.id
    better = record_and_promote(third, evaluation_metadata(2.5, 2.0, adapter))
    assert better.promote and better.production_version == "1"
    assert client.get_model_version(name, ModelStages.PRODUCTION).id == third.id

    # Better means on another test set do not compare.
    fourth = client.create_model_version(model_name_or_id=name)
    other = record_and_promote(fourth, evaluation_metadata(3.0, 3.0, tmp_path, test_set="h2"))
    assert not other.promote and "different test set" in other.reason
