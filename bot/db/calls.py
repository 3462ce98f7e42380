"""Blocking database work, called from async code.

SQLite (the embedded default) runs in the caller's thread. A call is a few statements on a
local file, and nearly all of its time is SQLAlchemy's Python code, which holds the GIL: a
worker thread cannot run it beside the event loop, it only adds two hand-overs and GIL
waits to every call. Measured with `make bench` (20 conversations at once): the gateway's
own time per message was p95 77 ms with a database thread, 9 ms without. The only other
writers in the app (inbox, outbox, housekeeping) hold the write lock for milliseconds.

PostgreSQL waits on the network, so its calls go to a few worker threads and the event
loop keeps serving other people meanwhile.
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
    def __init__(self, threads: int = 0) -> None:
        """`threads=0`: run each call right away, in the caller's thread."""
        self._pool = (
            ThreadPoolExecutor(max_workers=threads, thread_name_prefix="database")
            if threads
            else None
        )

    @classmethod
    def for_url(cls, database_url: str) -> DatabaseCalls:
        return cls(threads=0 if database_url.startswith("sqlite") else 4)

    async def __call__(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        if self._pool is None:
            return function(*args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(function, *args, **kwargs))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
