"""Serve an ASGI app on a free 127.0.0.1 port in a background thread, and wait for what a
fake API has sent."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(app: Any, port: int | None = None) -> Iterator[str]:
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def wait_for_messages(
    sent_to: Callable[[Any], list[dict[str, Any]]], recipient: Any, count: int, timeout: float
) -> list[dict[str, Any]]:
    """What was sent to `recipient`, once there are `count` messages or `timeout` passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sent_to(recipient)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    return sent_to(recipient)
