"""A one-step ZenML pipeline for tests that need a run and nothing else; run as a module it prints the run's
name: `python -m tests.support.tiny_pipeline`."""

from __future__ import annotations

from typing import Annotated

from zenml import pipeline, step


@step
def say_hello() -> Annotated[str, "greeting"]:
    return "hello"


@pipeline(enable_cache=False)
def dashboard_smoke() -> None:
    say_hello()


if __name__ == "__main__":
    print(dashboard_smoke().name)
