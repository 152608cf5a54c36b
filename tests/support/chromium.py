"""Markers and browser arguments of the tests that drive real headless Chromium.

Chromium is told to resolve every host but 127.0.0.1 to "not found", so saved pages do not wait on the internet.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from llm_engineering.application.fetching.browser import find_chromium_binary

LOOPBACK_ONLY = ("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",)
_HAS_CHROMIUM = find_chromium_binary() is not None and bool(
    shutil.which("chromedriver") or Path("/usr/bin/chromedriver").exists()
)
selenium = pytest.mark.selenium
needs_chromium = pytest.mark.skipif(
    not _HAS_CHROMIUM,
    reason="no Chromium here: apt-get update && apt-get install -y chromium chromium-driver",
)
