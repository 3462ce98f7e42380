"""SQLite calls run at once in the caller's thread; PostgreSQL calls leave the event loop
and run side by side. Both pass results and errors back unchanged."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.db.calls import DatabaseCalls


async def test_sqlite_calls_run_at_once_in_the_callers_thread() -> None:
    calls = DatabaseCalls.for_url("sqlite:///somewhere.db")
    threads: set[int] = set()

    def work(number: int) -> int:
        threads.add(threading.get_ident())
        return number * 10

    results = await asyncio.gather(*(calls(work, n) for n in range(5)))
    calls.close()
    assert results == [0, 10, 20, 30, 40]
    assert threads == {threading.get_ident()}


async def test_postgresql_calls_leave_the_event_loop_and_run_side_by_side() -> None:
    calls = DatabaseCalls.for_url("postgresql://db/wegwijs")
    threads: set[int] = set()
    inside = threading.Barrier(2, timeout=5)

    def work(number: int) -> int:
        threads.add(threading.get_ident())
        inside.wait()  # only passes when two calls run at the same moment
        time.sleep(0.01)
        return number

    results = await asyncio.gather(calls(work, 1), calls(work, 2))
    calls.close()
    assert results == [1, 2]
    assert len(threads) == 2 and threading.get_ident() not in threads


@pytest.mark.parametrize("url", ["sqlite:///somewhere.db", "postgresql://db/wegwijs"])
async def test_errors_reach_the_caller(url: str) -> None:
    calls = DatabaseCalls.for_url(url)

    def broken() -> None:
        raise LookupError("no such row")

    with pytest.raises(LookupError, match="no such row"):
        await calls(broken)
    calls.close()
