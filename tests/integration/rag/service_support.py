"""Reading server-sent events in tests."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any


def read_events(lines: Iterator[str]) -> list[tuple[str, Any, float]]:
    """(event, data, arrival time) of each server-sent event."""
    events, name = [], None
    for line in lines:
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            events.append((name, json.loads(line[6:]), time.monotonic()))
    return events
