"""Blocking database work, run off the event loop on a small, dedicated thread pool.

SQLite allows one writer at a time, and a writer that finds the database busy sleeps in
growing steps (up to 100 ms) before it tries again. With one database thread the app's
calls queue in order instead, and each starts the moment the one before it is done.
PostgreSQL handles concurrent writers itself, so it gets a few threads.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class DatabaseCalls:
    def __init__(self, threads: int = 1) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="database")

    @classmethod
    def for_url(cls, database_url: str) -> DatabaseCalls:
        return cls(threads=1 if database_url.startswith("sqlite") else 4)

    async def __call__(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(function, *args, **kwargs))

    def close(self) -> None:
        self._pool.shutdown(wait=True)
