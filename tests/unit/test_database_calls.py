"""Database calls leave the event loop, run one after another on SQLite, and pass results
and errors back unchanged."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.db.calls import DatabaseCalls


async def test_sqlite_calls_run_in_order_on_one_thread_off_the_loop() -> None:
    calls = DatabaseCalls.for_url("sqlite:///somewhere.db")
    done: list[int] = []
    threads: set[int] = set()

    def work(number: int) -> int:
        threads.add(threading.get_ident())
        time.sleep(0.01 * (5 - number))  # the first is the slowest, and still finishes first
        done.append(number)
        return number * 10

    results = await asyncio.gather(*(calls(work, n) for n in range(5)))
    calls.close()
    assert results == [0, 10, 20, 30, 40]
    assert done == [0, 1, 2, 3, 4]
    assert threads and threading.get_ident() not in threads and len(threads) == 1


async def test_errors_reach_the_caller() -> None:
    calls = DatabaseCalls.for_url("postgresql://db/wegwijs")

    def broken() -> None:
        raise LookupError("no such row")

    with pytest.raises(LookupError, match="no such row"):
        await calls(broken)
    calls.close()
