"""`local-zenml-server-up` leaves a dashboard that opens on the pipeline runs: a real local ZenML server in an
isolated configuration, a real run, and a real headless Chromium reading the runs page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from llm_engineering.application.fetching.browser import CHROMIUM_ARGUMENTS, find_chromium_binary
from tests.support.paths import PROJECT_ROOT

CHROMEDRIVER = Path("/usr/bin/chromedriver")
HEADLESS = CHROMIUM_ARGUMENTS  # the crawlers' headless flags
SURVEY_FORM = "Add your account details"

pytestmark = [
    pytest.mark.selenium,
    pytest.mark.timeout(300),
    pytest.mark.skipif(
        find_chromium_binary() is None or not CHROMEDRIVER.exists(),
        reason="no Chromium here: apt-get update && apt-get install -y chromium chromium-driver",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=240
    )


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator[tuple[dict[str, str], int, str]]:
    """`python -m tools.run zenml-server up` on a free port, in a ZenML configuration of its own."""
    env = {
        **os.environ,
        "ZENML_CONFIG_PATH": str(tmp_path / "zenml_config"),
        "ZENML_LOCAL_STORES_PATH": str(tmp_path / "zenml_stores"),
        "ZENML_ANALYTICS_OPT_IN": "false",
        "ZENML_AUTO_OPEN_DASHBOARD": "false",
    }
    port = free_port()
    started = run(env, "-m", "tools.run", "zenml-server", "up", "--port", str(port))
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield env, port, started.stdout
    finally:
        stopped = run(env, "-m", "tools.run", "zenml-server", "down")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr


def page_text(url: str, expected: str, timeout_s: float = 30.0) -> str:
    """The page's visible text once `expected` (or the survey form) shows, or when the time is up."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(find_chromium_binary())
    for flag in HEADLESS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        driver.get(url)
        deadline = time.monotonic() + timeout_s
        while True:
            text = driver.find_element("tag name", "body").text
            if expected in text or SURVEY_FORM in text or time.monotonic() > deadline:
                return f"{driver.current_url}\n{text}"
            time.sleep(0.25)
    finally:
        driver.quit()


def test_the_dashboard_opens_on_the_runs_with_no_onboarding_form(local_server) -> None:  # noqa: ANN001
    env, port, output = local_server
    runs_url = f"http://127.0.0.1:{port}/projects/default/runs"
    assert f"ZenML dashboard: {runs_url}" in output
    assert "user 'default'" in output and "empty password" in output

    pipeline_run = run(env, "-m", "tests.support.tiny_pipeline")  # recorded by the server just started
    assert pipeline_run.returncode == 0, pipeline_run.stdout + pipeline_run.stderr
    run_name = pipeline_run.stdout.strip().splitlines()[-1]
    assert run_name.startswith("dashboard_smoke")

    shown = page_text(runs_url, run_name)
    assert SURVEY_FORM not in shown
    assert run_name in shown and "/projects/default/runs" in shown.splitlines()[0]
