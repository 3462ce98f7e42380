"""A new secret key: with the old one as a previous key everything stays readable, and
`rotate_key` writes it all again so the new key alone reads it; the person is still the
same contact, their open handoff and their conversation in Rasa's tracker store follow."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, insert, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.store import ChannelStore
from bot.db.crypto import Cipher, DecryptionError
from bot.db.migrate import upgrade
from bot.db.models import Handoff, InboundMessage
from bot.db.session import make_engine, make_session_factory
from bot.handoff.routing import routing
from bot.handoff.service import HandoffRequest, HandoffService
from bot.privacy.rotation import rotate_key

OLD, NEW = "o" * 40, "n" * 40


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    upgrade(url)
    return make_session_factory(make_engine(url))


def test_a_rotated_key_keeps_every_person_and_their_words(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    old_store = ChannelStore(sessions, Cipher(OLD), OLD)
    number = "+31612345678"
    received = old_store.receive("sms", "SM1", number, "mag ik werken met ww?", "nl")
    old_id = received.contact.sender_id
    service = HandoffService(sessions, Cipher(OLD), old_store, routing(), None)
    service.create(
        HandoffRequest(old_id, "uwv", None, None, ("ww",), "mag ik werken?", "sms", number, "nl")
    )
    tracker = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    events = Table(
        "events",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("sender_id", String(255)),
        Column("timestamp", Float),
    )
    events.metadata.create_all(tracker)
    with tracker.begin() as connection:
        connection.execute(insert(events).values(sender_id=old_id, timestamp=1.0))

    both = Cipher(NEW, (OLD,))  # before the rotation: the old values are still readable
    with sessions() as session:
        stored = session.scalar(select(InboundMessage.text_enc))
    assert stored and both.decrypt(stored) == "mag ik werken met ww?"

    done = rotate_key(sessions, tracker, NEW, (OLD,))
    assert done.people >= 1 and done.values >= 4  # the person, and the team alert contact
    new_store = ChannelStore(sessions, Cipher(NEW), NEW)
    contact = new_store.contact("sms", number)
    assert contact.id == received.contact.id  # the same person, found with the new key
    with sessions() as session:
        handoff = session.scalars(select(Handoff)).one()
        text = session.scalar(select(InboundMessage.text_enc))
    assert handoff.conversation == contact.sender_id != old_id
    assert Cipher(NEW).decrypt(handoff.number_enc) == number  # the new key alone reads it
    assert text and Cipher(NEW).decrypt(text) == "mag ik werken met ww?"
    with pytest.raises(DecryptionError):
        Cipher(OLD).decrypt(handoff.number_enc)
    with tracker.connect() as connection:
        assert connection.execute(select(events.c.sender_id)).scalars().all() == [contact.sender_id]
