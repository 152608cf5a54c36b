"""The s3-local recipe on a real S3-compatible server (moto_server on loopback): stack-up through the CLI,
the ETL and feature pipelines on that stack, and every artifact an object in the bucket that loads back.
Each CLI call is a subprocess with its own ZENML_CONFIG_PATH and stores, as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.s3_server import moto_s3_server

BUCKET = "llm-twin-artifacts"
RECIPE = "configs/stacks/s3-local.yaml"


@pytest.fixture
def s3_env(tmp_path: Path) -> dict[str, str]:
    import os

    pytest.importorskip("s3fs", reason="s3fs (dev dependency, ZenML's S3 artifact store) is not installed")
    return {
        **os.environ,
        "DATABASE_HOST": str(tmp_path / "warehouse"),
        "QDRANT_DATABASE_HOST": str(tmp_path / "qdrant"),
        "ZENML_CONFIG_PATH": str(tmp_path / "zenml"),
        "ZENML_LOCAL_STORES_PATH": str(tmp_path / "zenml-stores"),
        "LLM_TWIN_ARTIFACT_PATH": f"s3://{BUCKET}/llm-twin",
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
    }


def _s3(endpoint: str):
    import boto3

    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
    )


def _bucket_keys(endpoint: str) -> list[str]:
    s3 = _s3(endpoint)
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return keys


def test_pipelines_on_the_s3_stack_keep_every_artifact_in_the_bucket(s3_env: dict[str, str]) -> None:
    with moto_s3_server() as endpoint:
        env = {**s3_env, "AWS_ENDPOINT_URL": endpoint}
        _s3(endpoint).create_bucket(Bucket=BUCKET)

        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.support.artifact_check",
                f"stack-up --recipe {RECIPE}",
                "end-to-end-data",
            ],
            cwd=Path(__file__).resolve().parents[3],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "Stack 'llm-twin-s3-local' registered and active." in result.stdout
        assert "created artifact_store llm-twin-s3" in result.stdout
        assert "ETL done: 2 crawled" in result.stdout, result.stdout[-2000:]
        report = json.loads(result.stdout.strip().splitlines()[-1])
        keys = _bucket_keys(endpoint)

    assert report["stack"] == "llm-twin-s3-local"
    artifacts = report["artifacts"]
    steps = {a["step"] for a in artifacts}
    assert {"crawl_links", "clean_documents", "commit_documents"} <= steps, steps
    for artifact in artifacts:
        assert artifact["uri"].startswith(f"s3://{BUCKET}/llm-twin/"), artifact
        prefix = artifact["uri"].removeprefix(f"s3://{BUCKET}/") + "/"
        assert any(key.startswith(prefix) for key in keys), f"no object under {artifact['uri']}"
    # Typed artifacts (the project's pydantic models) come back as those types, not as dicts.
    loaded = {a["loaded_type"] for a in artifacts}
    assert {
        "llm_engineering.domain.documents.UserDocument",
        "llm_engineering.application.preprocessing.artifacts.CommitReport",
    } <= loaded, loaded
