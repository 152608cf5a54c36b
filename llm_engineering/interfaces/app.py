"""The FastAPI app: /health, /retrieve and /rag (whole answer, or server-sent events as tokens come).

Every model or store call runs in a worker thread, so the event loop keeps serving other requests.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from llm_engineering.interfaces.body_limit import BodySizeLimit
from llm_engineering.interfaces.errors import add_error_statuses
from llm_engineering.interfaces.schemas import (
    RagRequest,
    RagResponse,
    RetrieveRequest,
    RetrieveResponse,
    sources_of,
)
from llm_engineering.interfaces.service import RagService
from llm_engineering.interfaces.tracing import traced
from llm_engineering.model.inference.generators import GenerationUnavailable
from llm_engineering.model.inference.resolution import GeneratorChoice
from llm_engineering.settings import get_settings

MAX_ECHOED_CHARS = 100  # a validation error quotes at most this much of a rejected value


def _shortened(value: Any) -> Any:
    """A rejected input as an error may quote it: long strings cut, nested values walked."""
    if isinstance(value, str) and len(value) > MAX_ECHOED_CHARS:
        return f"{value[:MAX_ECHOED_CHARS]}… ({len(value)} characters)"
    if isinstance(value, dict):
        return {key: _shortened(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shortened(item) for item in value]
    return value


def _sse(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def create_app(
    service: RagService | None = None,
    on_shutdown: Callable[[], None] | None = None,
    choice: GeneratorChoice | None = None,
) -> FastAPI:
    """The app; `choice` is the twin's model (default: by the settings), `on_shutdown` runs when the server
    stops gracefully (e.g. to release a store note)."""
    settings = get_settings()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if on_shutdown is not None:
            on_shutdown()

    app = FastAPI(title="LLM Twin inference", version="1.0", lifespan=lifespan)
    app.state.service = service
    token = settings.INFERENCE_API_TOKEN.get_secret_value() if settings.INFERENCE_API_TOKEN else None

    def get_service() -> RagService:
        if app.state.service is None:
            app.state.service = RagService(choice=choice)
        return app.state.service

    def require_token(authorization: str | None = Header(None)) -> None:
        if token is None:
            return
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(
                status_code=401,
                detail="Missing or wrong token: send 'Authorization: Bearer <INFERENCE_API_TOKEN>'.",
                headers={"WWW-Authenticate": "Bearer"},
            )

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return await run_in_threadpool(get_service().health)

    @app.post("/retrieve", response_model=RetrieveResponse, dependencies=[Depends(require_token)])
    async def retrieve(request: RetrieveRequest) -> RetrieveResponse:
        result = await run_in_threadpool(get_service().retrieve, request)
        return RetrieveResponse(results=result.chunks)

    async def rag_untraced(request: RagRequest) -> Any:
        svc = get_service()
        result = await run_in_threadpool(svc.retrieve, request)
        prompt = svc.prompt(request, result)
        sources = sources_of(result.chunks)
        if not request.stream:
            answer = await run_in_threadpool(svc.generate, prompt)
            return RagResponse(answer=answer, sources=sources)
        # The first piece is awaited before the response starts, so an unreachable model is a 503.
        pieces = await run_in_threadpool(svc.stream, prompt)
        first = await run_in_threadpool(next, pieces, None)

        def events() -> Iterator[bytes]:
            if first is not None:
                yield _sse("token", {"text": first})
            try:
                for piece in pieces:
                    yield _sse("token", {"text": piece})
            except GenerationUnavailable as error:
                yield _sse("error", {"detail": f"The twin's LLM failed mid-answer: {error}"})
                return
            yield _sse("sources", {"sources": [s.model_dump() for s in sources]})
            yield _sse("done", {})

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    rag_traced = traced("rag_request", rag_untraced)

    @app.post("/rag", response_model=None, dependencies=[Depends(require_token)])
    async def rag(request: RagRequest) -> RagResponse | StreamingResponse:
        return await rag_traced(request)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Any, error: RequestValidationError) -> JSONResponse:
        """422 with what was wrong, never the whole rejected input echoed back."""
        details = [
            {key: _shortened(value) for key, value in item.items() if key != "ctx"} for item in error.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": jsonable_encoder(details)})

    add_error_statuses(app)  # project errors -> status codes, by the table in interfaces/errors.py
    app.add_middleware(BodySizeLimit, max_bytes=settings.INFERENCE_MAX_BODY_BYTES)
    return app
