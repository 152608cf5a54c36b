"""Finding chromedriver: a configured path that does not exist and an offline auto-install are clear
configuration errors."""

from __future__ import annotations

import urllib.error
from pathlib import Path

import pytest

from llm_engineering.application.fetching import browser
from llm_engineering.application.fetching.browser import INSTALL_HINT, find_chromedriver
from llm_engineering.domain.exceptions import ImproperlyConfigured

# --- driver discovery ---------------------------------------------------------------------------------------


def test_missing_configured_driver_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="CHROMEDRIVER_PATH=.*does not exist.*apt-get install"):
        find_chromedriver(str(tmp_path / "chromedriver"))


def test_offline_autoinstall_becomes_a_clear_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import chromedriver_autoinstaller

    def offline_install() -> str:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(browser.shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.setattr(browser, "_CHROMEDRIVER_FALLBACKS", ())
    monkeypatch.setattr(chromedriver_autoinstaller, "install", offline_install)
    with pytest.raises(ImproperlyConfigured) as error:
        find_chromedriver(None)
    assert INSTALL_HINT in str(error.value) and "name resolution" in str(error.value)
