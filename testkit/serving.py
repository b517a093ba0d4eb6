"""Web apps served for a test or a replay: uvicorn in a background thread, on a port bound
before it starts."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp


@contextmanager
def serving_in_background(
    app: ASGIApp, host: str = "127.0.0.1", *, lifespan: bool = False, timeout: float = 10.0
) -> Iterator[str]:
    """Serve ``app`` from a uvicorn thread on a free port for the block; yields its base URL.

    The port is bound here, before uvicorn starts, so no other process can take it between
    choosing and listening. ``lifespan`` runs the app's start-up and shut-down; ``timeout``
    bounds both the start and the stop.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((host, 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on" if lifespan else "off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="slack-http", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:  # uvicorn offers no start-up callback
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the HTTP server did not start")
            time.sleep(0.005)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)
        listener.close()
        if thread.is_alive():
            raise RuntimeError("the HTTP server did not stop")
