"""Running the app with uvicorn in a background thread (benchmarks and tests talk to it over real HTTP)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def serve_in_thread(
    app: Any, host: str = "127.0.0.1", port: int = 0, timeout_s: float = 30.0
) -> Iterator[str]:
    """Serve `app` on host:port (0: an ephemeral port) until the block ends; yields the base URL."""
    import uvicorn

    # log_config=None: uvicorn's own dictConfig would re-take every logging handler's lock while a server
    # already running in another thread may hold one (logging an error), and the two threads deadlock.
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off", log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError(f"the service did not start on {host}:{port} within {timeout_s:.0f} s")
        time.sleep(0.02)
    bound_port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
