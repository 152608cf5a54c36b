"""The service over real HTTP: each of the project's error types answers the status of its table (a warehouse that
cannot open, and routes on the real app that raise the project's errors), and /health names the registered
version it serves."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from llm_engineering.application.rag.config import RetrievalConfig
from llm_engineering.application.rag.retriever import ContextRetriever
from llm_engineering.domain.exceptions import DocumentNotFoundError, LLMTwinError
from llm_engineering.infrastructure.db.mongo import reset_connections
from llm_engineering.infrastructure.jsonl import MalformedLine
from llm_engineering.infrastructure.llm.errors import LLMInvalidAnswer, LLMNotConfigured
from llm_engineering.interfaces.app import create_app
from llm_engineering.interfaces.errors import ERROR_STATUS
from llm_engineering.interfaces.server import serve_in_thread
from llm_engineering.interfaces.service import RagService
from llm_engineering.model.inference.generators import EndpointGenerator
from llm_engineering.model.inference.resolution import GeneratorChoice
from llm_engineering.model.registry import ModelVersionError, TwinVersion
from llm_engineering.settings import get_settings

RAISED = {
    "malformed_line": MalformedLine("line 3 is not JSON"),  # an InvalidInput
    "document_not_found": DocumentNotFoundError("no document 42"),
    "invalid_llm_answer": LLMInvalidAnswer("the answer did not match"),
    "llm_not_configured": LLMNotConfigured("set OPENAI_BASE_URL"),
    "model_version": ModelVersionError("llm_twin has no version 9"),  # no entry of its own: LLMTwinError's
    "plain_value_error": ValueError("a bug, not the caller's mistake"),
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app on a warehouse that cannot open (its path is a file), with routes raising project errors."""
    not_a_folder = tmp_path_factory.mktemp("warehouse") / "a_file"
    not_a_folder.write_text("", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_HOST", str(not_a_folder))
        patch.delenv("INFERENCE_API_TOKEN", raising=False)
        get_settings.cache_clear()
        reset_connections()
        rag = RagService(
            retriever=ContextRetriever(RetrievalConfig(reranking=False, expand_to_n_queries=1), llm=None),
            generator=EndpointGenerator("http://127.0.0.1:9/v1", "twin", timeout_s=2),
        )
        app = create_app(rag)

        @app.get("/raise/{name}")
        def raise_error(name: str) -> None:
            raise RAISED[name]

        with serve_in_thread(app) as url:
            yield url
        reset_connections()
    get_settings.cache_clear()


def test_a_warehouse_that_cannot_open_is_a_503_that_says_why(service: str) -> None:
    body = {"query": "What is LoRA?", "author_full_name": "Maxime Labonne"}  # read from the warehouse
    response = httpx.post(service + "/retrieve", json=body, timeout=60)
    assert response.status_code == 503
    assert response.json()["detail"].startswith("Retrieval is unavailable: DATABASE_HOST=")
    assert "is a file; the embedded warehouse needs a folder" in response.json()["detail"]


@pytest.mark.parametrize(
    ("name", "status", "detail"),
    [
        ("malformed_line", 422, "line 3 is not JSON"),
        ("document_not_found", 404, "no document 42"),
        (
            "invalid_llm_answer",
            502,
            "An LLM the service calls gave no usable answer: the answer did not match",
        ),
        ("llm_not_configured", 503, "The service is not configured: set OPENAI_BASE_URL"),
        ("model_version", 500, "The service failed: llm_twin has no version 9"),
    ],
)
def test_each_error_type_answers_the_status_of_the_table(
    service: str, name: str, status: int, detail: str
) -> None:
    response = httpx.get(f"{service}/raise/{name}", timeout=30)
    assert (response.status_code, response.json()["detail"]) == (status, detail)


def test_an_error_that_is_not_the_projects_is_a_bare_500(service: str) -> None:
    response = httpx.get(f"{service}/raise/plain_value_error", timeout=30)
    assert response.status_code == 500 and "caller" not in response.text


def test_the_table_maps_only_project_errors() -> None:
    assert all(issubclass(error_type, LLMTwinError) for error_type in ERROR_STATUS)


def test_health_names_the_registered_version_served(stores, tmp_path) -> None:  # noqa: ANN001
    merged = tmp_path / "merged"
    merged.mkdir()
    version = TwinVersion(
        number=3, stage="production", adapter_dir=str(tmp_path / "a"), merged_model_dir=str(merged)
    )
    with serve_in_thread(create_app(choice=GeneratorChoice.for_version(version))) as url:
        health = httpx.get(url + "/health", timeout=60).json()
    assert health["generator"] == {
        "kind": "registry",
        "description": f"llm_twin version 3 (production) at {merged}",
    }
    assert health["model_version"]["number"] == 3 and health["model_version"]["stage"] == "production"
    assert health["model_version"]["merged_model_dir"] == str(merged)


def test_serving_a_version_that_is_not_registered_is_refused_before_the_server_starts() -> None:
    from typer.testing import CliRunner

    from tools.run import app

    result = CliRunner().invoke(app, ["serve", "--model-version", "999"])
    assert result.exit_code == 1
    assert "has no version `999`" in result.output or "no `llm_twin` model yet" in result.output
