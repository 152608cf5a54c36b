"""A local headless Chromium for Selenium: found on this machine (settings, then the system packages) so
nothing is downloaded at run time; `chromedriver_autoinstaller` is the last resort, used only when no driver
is installed."""

from __future__ import annotations

import os
import shutil
import time
import urllib.error
from collections.abc import Sequence
from pathlib import Path

from loguru import logger
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver

from llm_engineering.domain.exceptions import ImproperlyConfigured
from llm_engineering.settings import get_settings

CHROMIUM_ARGUMENTS: tuple[str, ...] = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1280,1600",  # a tall viewport: fewer scrolls per page
)
INSTALL_HINT = (
    "install chromium and chromium-driver: apt-get install chromium chromium-driver, or set CHROMEDRIVER_PATH"
)
_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_CHROMEDRIVER_FALLBACKS = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def find_chromium_binary(configured: str | None = None) -> str | None:
    """CHROMIUM_BINARY, else Chromium or Chrome on PATH or in /usr/bin; None lets chromedriver search."""
    if configured:
        if not Path(configured).is_file():
            raise ImproperlyConfigured(f"CHROMIUM_BINARY={configured} does not exist; {INSTALL_HINT}.")
        return configured
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name) or shutil.which(name, path="/usr/bin")
        if found:
            return found
    return None


def find_chromedriver(configured: str | None = None) -> str:
    """CHROMEDRIVER_PATH, else the system chromedriver; only when none is installed, chromedriver_autoinstaller
    (which needs the network)."""
    if configured:
        if not Path(configured).is_file():
            raise ImproperlyConfigured(f"CHROMEDRIVER_PATH={configured} does not exist; {INSTALL_HINT}.")
        return configured
    found = shutil.which("chromedriver")
    if found:
        return found
    for candidate in _CHROMEDRIVER_FALLBACKS:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return _autoinstall_chromedriver()


def _autoinstall_chromedriver() -> str:
    import chromedriver_autoinstaller  # only here: it is the network fallback

    try:
        path = chromedriver_autoinstaller.install()
    except (urllib.error.URLError, OSError, ValueError) as error:  # ValueError: no Chrome on PATH to match
        raise ImproperlyConfigured(
            f"No chromedriver is installed and downloading one failed ({error}); {INSTALL_HINT}."
        ) from error
    if not path:
        raise ImproperlyConfigured(
            f"No chromedriver is installed and none could be downloaded; {INSTALL_HINT}."
        )
    return str(path)


def first_line(error: WebDriverException) -> str:
    """Selenium messages carry a stack trace after the first line."""
    text = (error.msg or str(error) or "").strip()
    return text.splitlines()[0] if text else type(error).__name__


def start_chromium(
    *, extra_arguments: Sequence[str], profile_dir: str, page_load_timeout_s: float
) -> WebDriver:
    """A headless Chromium with its own profile folder, found locally (CHROMIUM_BINARY, CHROMEDRIVER_PATH,
    then the system packages); ImproperlyConfigured, saying how to install it, when it cannot start."""
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must never reach for the network
    settings = get_settings()
    binary = find_chromium_binary(settings.CHROMIUM_BINARY)
    driver_path = find_chromedriver(settings.CHROMEDRIVER_PATH)
    options = webdriver.ChromeOptions()
    for argument in (*CHROMIUM_ARGUMENTS, *extra_arguments):
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.page_load_strategy = "eager"  # the DOM is what we read; images and trackers are not
    if binary:
        options.binary_location = binary
    started = time.perf_counter()
    try:
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except WebDriverException as error:
        raise ImproperlyConfigured(
            f"Chromium did not start (driver {driver_path}, browser {binary or 'found by chromedriver'}): "
            f"{first_line(error)}. The browser and chromedriver must have the same major version; "
            f"{INSTALL_HINT}."
        ) from error
    driver.set_page_load_timeout(page_load_timeout_s)
    logger.debug(f"Chromium started in {time.perf_counter() - started:.1f} s ({driver_path}).")
    return driver
