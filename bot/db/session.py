"""Engine and sessions for `DATABASE_URL` (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import sessionmaker

# How long a connection waits for another writer's lock: briefly in the event loop's thread
# (bot/db/calls.py retries without blocking it), longer in worker threads (inbox pages,
# command-line tools), where waiting blocks nobody else.
LOOP_BUSY_MS, THREAD_BUSY_MS = 100, 5000


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL: readers never wait for the writer, and a commit needs no disk flush each time."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _sqlite_busy_timeout(connection: Any, _record: Any, _proxy: Any) -> None:
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={LOOP_BUSY_MS if _in_event_loop() else THREAD_BUSY_MS}")
    cursor.close()


def make_engine(database_url: str) -> Engine:
    if database_url.startswith("postgresql://"):
        database_url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    if not database_url.startswith("sqlite"):
        return create_engine(database_url, pool_pre_ping=True)
    engine = create_engine(database_url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "checkout", _sqlite_busy_timeout)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker:  # type: ignore[type-arg]
    return sessionmaker(engine, expire_on_commit=False)
