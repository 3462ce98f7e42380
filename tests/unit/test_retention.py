"""Conversations go from Rasa's tracker store (and our copies of their messages) once they
are older than the retention; newer ones stay whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, func, insert, select, update

from bot.channels.store import ChannelStore, now
from bot.db.crypto import Cipher
from bot.db.migrate import upgrade
from bot.db.models import OutboxMessage
from bot.db.session import make_engine, make_session_factory
from bot.privacy.retention import prune_messages, prune_trackers

SECRET = "r" * 40


def test_only_conversations_past_the_retention_go(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    events = Table(  # the columns of Rasa's SQL tracker store that matter here
        "events",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("sender_id", String(255)),
        Column("type_name", String(255)),
        Column("timestamp", Float),
    )
    events.metadata.create_all(engine)
    moment = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    old, recent = (moment - dt.timedelta(days=40)).timestamp(), (moment - dt.timedelta(days=2))
    with engine.begin() as connection:
        for sender, stamps in {
            "sms:old": [old, old + 60],
            "sms:back": [old, recent.timestamp()],  # spoke again lately: kept whole
        }.items():
            for stamp in stamps:
                connection.execute(
                    insert(events).values(sender_id=sender, type_name="user", timestamp=stamp)
                )
    assert prune_trackers(engine, 30, moment) == 1
    with engine.connect() as connection:
        left = dict(
            connection.execute(
                select(events.c.sender_id, func.count()).group_by(events.c.sender_id)
            ).all()
        )
    assert left == {"sms:back": 2}


def test_old_messages_that_are_done_with_go(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    store = ChannelStore(sessions, Cipher(SECRET), SECRET)
    contact = store.contact("sms", "+31600000003")
    sent, queued = (
        store.enqueue(contact.id, "sms", "oud"),
        store.enqueue(contact.id, "sms", "wacht"),
    )
    store.sent(sent, "SM1")
    with sessions.begin() as session:
        session.execute(update(OutboxMessage).values(created_at=now() - dt.timedelta(days=40)))
    assert prune_messages(sessions, 30) == 1
    with sessions() as session:
        assert session.scalars(select(OutboxMessage.id)).all() == [queued]  # still to send
