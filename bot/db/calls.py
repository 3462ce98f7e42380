"""Blocking database work, called from async code, retried while the database is busy.

SQLite (the embedded default) runs in the caller's thread. A call is a few statements on a
local file, and nearly all of its time is SQLAlchemy's Python code, which holds the GIL: a
worker thread cannot run it beside the event loop, it only adds two hand-overs and GIL
waits to every call. Measured with `make bench` (20 conversations at once): the gateway's
own time per message was p95 77 ms with a database thread, 9 ms without. So that a write
lock held by another process (a backup, an admin command) never freezes the event loop,
a connection used in the event loop's thread waits at most `LOOP_BUSY_MS` for the lock
(bot/db/session.py); then the call is given up, the loop serves others for a moment, and
the call runs again, for up to `budget` seconds. Every call is one transaction, so running
it again is safe.

PostgreSQL waits on the network, so its calls go to a few worker threads and the event
loop keeps serving other people meanwhile; a lost connection or a lock timeout is retried
the same way.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError

P = ParamSpec("P")
T = TypeVar("T")
log = logging.getLogger(__name__)

BUDGET_SECONDS = 10.0  # then the caller hears of it (a webhook answers 503: sent again)
FIRST_PAUSE, LONGEST_PAUSE = 0.05, 1.0


class DatabaseBusyError(RuntimeError):
    """The database stayed busy (locked or unreachable) for the whole retry budget."""


class DatabaseCalls:
    def __init__(self, threads: int = 0, budget: float = BUDGET_SECONDS) -> None:
        """`threads=0`: run each call right away, in the caller's thread."""
        self._pool = (
            ThreadPoolExecutor(max_workers=threads, thread_name_prefix="database")
            if threads
            else None
        )
        self.budget = budget

    @classmethod
    def for_url(cls, database_url: str, budget: float = BUDGET_SECONDS) -> DatabaseCalls:
        return cls(threads=0 if database_url.startswith("sqlite") else 4, budget=budget)

    async def _once(self, function: Callable[[], T]) -> T:
        if self._pool is None:
            return function()
        return await asyncio.get_running_loop().run_in_executor(self._pool, function)

    async def __call__(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        call = functools.partial(function, *args, **kwargs)
        deadline = time.monotonic() + self.budget
        pause = FIRST_PAUSE
        while True:
            try:
                return await self._once(call)
            except OperationalError as error:
                if time.monotonic() + pause > deadline:
                    raise DatabaseBusyError(f"database busy for {self.budget:.0f} s") from error
                log.info("database busy, trying again: %s", str(error.orig)[:80])
                await asyncio.sleep(pause)
                pause = min(LONGEST_PAUSE, pause * 2)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
