"""Opik tracing of requests, retrieval and generation, only when Opik is configured.

Configured means OPIK_API_KEY (Opik's cloud) or OPIK_URL_OVERRIDE (a self-hosted server) is set. Otherwise
tracing is switched off before Opik is ever imported: no network, no flush delay at exit.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

from llm_engineering.settings import get_settings

F = TypeVar("F", bound=Callable[..., Any])


@functools.cache
def opik_enabled() -> bool:
    configured = get_settings().OPIK_API_KEY is not None or bool(os.environ.get("OPIK_URL_OVERRIDE"))
    if not configured or os.environ.get("OPIK_TRACK_DISABLE", "").lower() in {"1", "true", "yes"}:
        os.environ["OPIK_TRACK_DISABLE"] = "true"
        os.environ.setdefault("OPIK_SENTRY_ENABLE", "false")
        return False
    return True


def traced(name: str, function: F) -> F:
    """`function` tracked by Opik as `name` when tracing is on; `function` itself otherwise."""
    if not opik_enabled():
        return function
    import opik

    return opik.track(name=name)(function)
