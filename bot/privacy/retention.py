"""How long a conversation is kept: `WEGWIJS_CONVERSATION_RETENTION_DAYS` after its last
message, a conversation goes from Rasa's tracker store, and our copies of its messages
(inbound, outbox) go with it. Handoffs have their own retention (bot/handoff/service.py)."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import Engine, MetaData, Table, delete, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.store import now
from bot.db.models import InboundMessage, OutboxMessage

log = logging.getLogger(__name__)


def prune_trackers(tracker_store: Engine, keep_days: int, moment: dt.datetime | None = None) -> int:
    """Delete whole conversations whose last event is older than `keep_days`; how many."""
    cutoff = ((moment or now()) - dt.timedelta(days=keep_days)).timestamp()
    try:
        if "events" not in inspect(tracker_store).get_table_names():
            return 0
        events = Table("events", MetaData(), autoload_with=tracker_store)
        old = (
            select(events.c.sender_id)
            .group_by(events.c.sender_id)
            .having(func.max(events.c.timestamp) < cutoff)
        )
        with tracker_store.begin() as connection:
            senders = list(connection.execute(old).scalars())
            for start in range(0, len(senders), 500):
                batch = senders[start : start + 500]
                connection.execute(delete(events).where(events.c.sender_id.in_(batch)))
    except SQLAlchemyError as error:
        log.error("old conversations could not be pruned from the tracker store: %s", error)
        return 0
    return len(senders)


def prune_messages(
    sessions: sessionmaker[Session], keep_days: int, moment: dt.datetime | None = None
) -> int:
    """Our encrypted copies of messages older than `keep_days` that are done with."""
    cutoff = (moment or now()) - dt.timedelta(days=keep_days)
    with sessions.begin() as session:
        inbound = session.execute(
            delete(InboundMessage).where(
                InboundMessage.received_at < cutoff, InboundMessage.status != "pending"
            )
        )
        outbox = session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.created_at < cutoff, OutboxMessage.status != "queued"
            )
        )
        return int(inbound.rowcount) + int(outbox.rowcount)  # type: ignore[attr-defined]
