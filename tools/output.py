"""What the CLI prints by default: progress and results. `--verbose` brings back the libraries' detail
(every HTTP request of the LLM clients, deprecation and FutureWarnings, ZenML's notices)."""

from __future__ import annotations

import logging
import warnings

VERBOSE_FLAGS = ("--verbose", "-v")
# Loggers that report every HTTP request at INFO.
CHATTY_LOGGERS = ("httpx", "httpcore", "openai", "urllib3")
# ZenML notices that are advertising, not information about the run.
ADVERTISING = ("ZenML Pro", "zenml.io/pro")


class _DropAdvertising(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(text in message for text in ADVERTISING)


class _WithoutTraceback(logging.Formatter):
    """The console formatter of ZenML, minus the traceback of a failed step: the CLI prints the step's own
    message at the end, and the run's stored logs keep the traceback."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text
        record.exc_info, record.exc_text = None, None
        try:
            return self.inner.format(record)
        finally:
            record.exc_info, record.exc_text = saved


_FILTER = _DropAdvertising()
_verbose = False


def configure_output(verbose: bool) -> None:
    """Quiet defaults, or everything with `verbose`; safe to call more than once."""
    global _verbose
    _verbose = verbose
    level = logging.INFO if verbose else logging.WARNING
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(level)
    for name in ("zenml", "zenml.orchestrators.step_run_utils"):
        logger = logging.getLogger(name)
        if verbose:
            logger.removeFilter(_FILTER)
        elif _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    if verbose:
        warnings.simplefilter("default")
    else:
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)


def quiet_pipeline_console() -> None:
    """Without --verbose, ZenML's console shows a failed step's message without its traceback (call once
    ZenML is imported: its console handler is made then)."""
    from zenml.logger import ZenMLConsoleHandler

    for handler in logging.getLogger().handlers:
        if isinstance(handler, ZenMLConsoleHandler) and handler.formatter is not None:
            if _verbose and isinstance(handler.formatter, _WithoutTraceback):
                handler.setFormatter(handler.formatter.inner)
            elif not _verbose and not isinstance(handler.formatter, _WithoutTraceback):
                handler.setFormatter(_WithoutTraceback(handler.formatter))


def verbose_flag_first(argv: list[str]) -> list[str]:
    """`--verbose` may come anywhere (a poe task appends the user's options after its command): moved to the
    front, where the CLI reads it."""
    flags = [arg for arg in argv if arg in VERBOSE_FLAGS]
    return [*flags[:1], *(arg for arg in argv if arg not in VERBOSE_FLAGS)]
