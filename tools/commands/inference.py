"""CLI commands of the inference capability; tools/run.py adds them to the one CLI."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from tools.cli_support import fail

commands = typer.Typer()


@commands.command("serve")
def serve(
    host: str | None = typer.Option(None, help="Interface to bind [default: INFERENCE_API_HOST]."),
    port: int | None = typer.Option(None, help="Port [default: INFERENCE_API_PORT]."),
    model_version: str | None = typer.Option(
        None,
        help="The llm_twin version to serve: a number, `latest` or a stage such as `production` [default: "
        "INFERENCE_LLM_BASE_URL or INFERENCE_LLM_MODEL_PATH when set, else production, else the newest].",
    ),
    model_dir: Path | None = typer.Option(None, help="A model folder outside the registry to serve."),
) -> None:
    """Start the RAG inference service (FastAPI on uvicorn)."""
    import uvicorn

    from llm_engineering.domain.exceptions import DatabaseConnectionError, LLMTwinError
    from llm_engineering.infrastructure.db.qdrant import get_qdrant_client, is_local_mode
    from llm_engineering.infrastructure.db.qdrant_holder import clear_holder, write_holder
    from llm_engineering.interfaces.app import create_app
    from llm_engineering.settings import get_settings
    from tools.twin_model import serving_choice

    settings = get_settings()
    try:
        choice = serving_choice(model_version, model_dir)
    except LLMTwinError as error:
        fail(str(error))
    typer.echo(f"The twin: {choice.description}")
    host = host or settings.INFERENCE_API_HOST
    port = port or settings.INFERENCE_API_PORT
    if host not in {"127.0.0.1", "localhost", "::1"} and settings.INFERENCE_API_TOKEN is None:
        typer.secho(
            f"Warning: serving on {host} without INFERENCE_API_TOKEN: anyone who can reach it can query it.",
            fg=typer.colors.YELLOW,
            err=True,
        )
    local_store = None
    if not settings.USE_QDRANT_CLOUD and is_local_mode(settings.QDRANT_DATABASE_HOST):
        try:
            get_qdrant_client()  # take local mode's one-process lock now, not at the first request
        except DatabaseConnectionError as error:
            fail(str(error))
        if settings.QDRANT_DATABASE_HOST != ":memory:":
            local_store = settings.resolve_path(settings.QDRANT_DATABASE_HOST)
            write_holder(local_store, f"the inference service on http://{host}:{port}")
    # uvicorn re-raises SIGTERM/SIGINT after its graceful shutdown, so the note goes at app shutdown.
    release = (lambda: clear_holder(local_store)) if local_store is not None else None
    try:
        uvicorn.run(create_app(on_shutdown=release, choice=choice), host=host, port=port, log_level="info")
    finally:
        if release is not None:
            release()


@commands.command("call-service")
def call_service(
    query: str = typer.Option(..., help="The question."),
    k: int = typer.Option(5, help="How many passages to use."),
    author_full_name: str | None = typer.Option(None, help="Only this author's writing."),
    stream: bool = typer.Option(True, "--stream/--no-stream", help="Print tokens as they come."),
    retrieve_only: bool = typer.Option(False, "--retrieve-only", help="Call /retrieve instead of /rag."),
    url: str | None = typer.Option(None, help="Service URL [default: http://INFERENCE_API_HOST:PORT]."),
    timeout: float = typer.Option(300.0, help="Seconds to wait for the service."),
) -> None:
    """Ask a running inference service (uses INFERENCE_API_TOKEN when set)."""
    import httpx

    from llm_engineering.settings import get_settings

    settings = get_settings()
    base = (url or f"http://{settings.INFERENCE_API_HOST}:{settings.INFERENCE_API_PORT}").rstrip("/")
    headers = {}
    if settings.INFERENCE_API_TOKEN is not None:
        headers["Authorization"] = f"Bearer {settings.INFERENCE_API_TOKEN.get_secret_value()}"
    body: dict = {"query": query, "k": k, "author_full_name": author_full_name}
    path = "/retrieve" if retrieve_only else "/rag"
    if not retrieve_only:
        body["stream"] = stream
    try:
        with httpx.Client(timeout=timeout) as client:
            if retrieve_only or not stream:
                response = client.post(base + path, json=body, headers=headers)
                _check(response)
                _print_answer(response.json())
                return
            with client.stream("POST", base + path, json=body, headers=headers) as response:
                if response.status_code >= 400:
                    response.read()
                    _check(response)
                _print_events(response.iter_lines())
    except httpx.TransportError as error:
        fail(
            f"cannot reach the service at {base} ({type(error).__name__}): start it with `poetry poe run-inference-ml-service`."
        )


def _check(response) -> None:  # noqa: ANN001
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail")
        except ValueError:
            detail = response.text
        fail(f"the service answered {response.status_code}: {detail}")


def _print_answer(data: dict) -> None:
    if "answer" in data:
        typer.echo(data["answer"])
        _print_sources(data["sources"])
    else:
        for i, chunk in enumerate(data["results"], 1):
            typer.echo(f"[{i}] {chunk['score']:.4f} {_describe(chunk)}")
            typer.echo("    " + chunk["content"][:300].replace("\n", " "))


def _print_sources(sources: list[dict]) -> None:
    typer.echo("\nSources:")
    for i, source in enumerate(sources, 1):
        typer.echo(f"  [{i}] {_describe(source)} ({source['score']:.4f})")
        for passage in source.get("passages") or []:
            typer.echo(f"      {passage[:160]}")


def _describe(passage: dict) -> str:
    """'Author: "Title" (platform, date) link' with whatever of it the passage or source has."""
    title = f' "{passage["title"]}"' if passage.get("title") else ""
    where = ", ".join(v for v in (passage.get("platform"), passage.get("publication_date")) if v)
    return (
        f"{passage['author_full_name']}:{title}{f' ({where})' if where else ''} {passage.get('link') or '-'}"
    )


def _print_events(lines) -> None:  # noqa: ANN001
    event = None
    for line in lines:
        if line.startswith("event: "):
            event = line[len("event: ") :]
        elif line.startswith("data: "):
            data = json.loads(line[len("data: ") :])
            if event == "token":
                typer.echo(data["text"], nl=False)
            elif event == "sources":
                typer.echo("")
                _print_sources(data["sources"])
            elif event == "error":
                typer.echo("")
                fail(data["detail"])


@commands.command("retrieve")
def retrieve(
    query: str | None = typer.Option(None, help="One question."),
    queries_file: Path | None = typer.Option(None, help="JSON list of objects with a 'query' key."),
    output: Path | None = typer.Option(None, help="Where to write the results of --queries-file (JSON)."),
    k: int = typer.Option(5, help="Passages per query (1..50)."),
    author_full_name: str | None = typer.Option(None, help="Only this author's writing."),
) -> None:
    """Retrieve the author's passages for a query, or for every query of a file (no LLM needed)."""
    from llm_engineering.application.rag.retriever import ContextRetriever
    from llm_engineering.domain.exceptions import DatabaseConnectionError

    if (query is None) == (queries_file is None):
        fail("pass either --query or --queries-file (with --output).")
    queries = [query] if query is not None else _read_queries(queries_file, output)
    require_feature_store()
    retriever = ContextRetriever()
    results = []
    try:
        for text in queries:
            result = retriever.retrieve(text, k=k, author_full_name=author_full_name)
            results.append({"query": text, "results": [c.model_dump(mode="json") for c in result.chunks]})
            if query is not None:
                trace = result.trace
                typer.echo(
                    f"{len(result.chunks)} passages in {trace.timings_ms['total']:.0f} ms "
                    f"(author filter: {trace.author_full_name or '-'}, queries: {len(trace.queries)}, "
                    f"reranked: {trace.reranked})"
                )
                _print_answer({"results": results[0]["results"]})
    except ValueError as error:
        fail(str(error))
    except DatabaseConnectionError as error:
        fail(str(error))
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
        typer.echo(f"Wrote the results of {len(results)} queries to {output}")


def require_feature_store() -> None:
    """Open the store first: a held local store or an empty one fails before any model loads."""
    from llm_engineering.application.rag.search import searchable_collections
    from llm_engineering.domain.exceptions import DatabaseConnectionError

    try:
        collections = searchable_collections()
    except DatabaseConnectionError as error:
        fail(str(error))
    if not collections:
        fail("the feature store is empty: run `poetry poe run-feature-engineering-pipeline` first.")


def _read_queries(path: Path, output: Path | None) -> list[str]:
    if output is None:
        fail("--queries-file needs --output (where the results go).")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        fail(f"cannot read {path}: {error}")
    if not isinstance(data, list) or not all(
        isinstance(i, dict) and isinstance(i.get("query"), str) for i in data
    ):
        fail(f"{path} must be a JSON list of objects, each with a 'query' string.")
    return [item["query"] for item in data]
