"""Delete one conversation from Rasa's SQL tracker store (SQLite or PostgreSQL).

Rasa 3.6's HTTP API can restart a conversation but not delete it; a kiosk conversation must
not be kept after "Begin opnieuw", so its rows go from the `events` table directly.
"""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, Table, delete, inspect
from sqlalchemy.exc import SQLAlchemyError


def forget_tracker(engine: Engine, sender_id: str) -> bool:
    """True when the conversation's events are gone (or there were none)."""
    try:
        if "events" not in inspect(engine).get_table_names():
            return True
        events = Table("events", MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            connection.execute(delete(events).where(events.c.sender_id == sender_id))
    except SQLAlchemyError:
        return False
    return True
