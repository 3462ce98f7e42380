"""Use the running stack, or start one for the duration of a tool run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from bot.launcher import Stack
from bot.shared.settings import Settings


def stack_is_up(settings: Settings) -> bool:
    try:
        return all(
            httpx.get(url, timeout=2).status_code == 200
            for url in (f"{settings.app_url}/health", f"{settings.rasa_url}/")
        )
    except httpx.HTTPError:
        return False


@contextmanager
def running_stack(settings: Settings) -> Iterator[None]:
    """Reuse a stack that `make run` started; otherwise start a quiet one and stop it after."""
    if stack_is_up(settings):
        yield
        return
    print("stack | not running: starting Rasa, actions and app (about a minute) ...", flush=True)
    stack = Stack(settings, quiet=True)
    try:
        stack.start()
        yield
    finally:
        stack.stop()
