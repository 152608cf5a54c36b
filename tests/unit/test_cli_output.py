"""The CLI's default output (progress and results) and what --verbose brings back."""

from __future__ import annotations

import logging
import warnings

import pytest

from tools.output import configure_output, verbose_flag_first


@pytest.fixture(autouse=True)
def restore_output():
    with warnings.catch_warnings():
        yield
    configure_output(False)


def test_the_verbose_flag_may_come_anywhere() -> None:
    assert verbose_flag_first(["train", "--config", "c.yaml", "--verbose"]) == [
        "--verbose",
        "train",
        "--config",
        "c.yaml",
    ]
    assert verbose_flag_first(["etl", "-v"]) == ["-v", "etl"]
    assert verbose_flag_first(["etl"]) == ["etl"]


def test_quiet_by_default_and_everything_with_verbose(caplog: pytest.LogCaptureFixture) -> None:
    configure_output(False)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    advert = logging.getLogger("zenml.orchestrators.step_run_utils")
    with caplog.at_level(logging.INFO):
        logging.getLogger("httpx").info("HTTP Request: POST http://127.0.0.1/v1/chat/completions")
        advert.info("Models can be viewed in the dashboard using ZenML Pro. Sign up for a free trial")
        advert.info("Step train_sft has finished.")
    assert [record.getMessage() for record in caplog.records] == ["Step train_sft has finished."]
    with warnings.catch_warnings(record=True) as seen:
        warnings.warn("old argument", FutureWarning, stacklevel=1)
    assert not seen

    configure_output(True)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        logging.getLogger("httpx").info("HTTP Request: POST http://127.0.0.1/v1/chat/completions")
        advert.info("Models can be viewed in the dashboard using ZenML Pro.")
    assert len(caplog.records) == 2
    with warnings.catch_warnings(record=True) as seen:
        warnings.warn("old argument", FutureWarning, stacklevel=1)
    assert len(seen) == 1
