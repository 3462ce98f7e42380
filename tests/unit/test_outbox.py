"""The outbox runner on a real SQLite store, with a provider that fails on demand: per
person in order, a failure holds back only that person, and a reply that finally fails is
noted in the person's handoff for the caseworker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.outbox import OutboxRunner, Outcome
from bot.channels.store import ChannelStore, ContactView, now
from bot.db.calls import DatabaseCalls
from bot.db.crypto import Cipher
from bot.db.migrate import upgrade
from bot.db.models import Handoff, OutboxMessage
from bot.db.session import make_engine, make_session_factory
from bot.handoff.routing import routing
from bot.handoff.service import HandoffRequest, HandoffService

SECRET = "o" * 40


@dataclass
class Provider:
    """Accepts every message, except for addresses that are `down`."""

    down: set[str] = field(default_factory=set)
    permanent: bool = False
    sent: list[tuple[str, str]] = field(default_factory=list)

    async def send(self, message: OutboxMessage, contact: ContactView, body: str) -> Outcome:
        if contact.address in self.down:
            return Outcome.failed("503 down", permanent=self.permanent)
        self.sent.append((contact.address, body))
        return Outcome.sent(f"SM{len(self.sent)}")


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    upgrade(url)
    return make_session_factory(make_engine(url))


def due_now(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.execute(update(OutboxMessage).values(next_attempt_at=now()))


async def test_a_failure_holds_back_only_that_person_and_order_is_kept(
    sessions: sessionmaker[Session],
) -> None:
    store = ChannelStore(sessions, Cipher(SECRET), SECRET)
    ann, bob = store.contact("sms", "+31600000001"), store.contact("sms", "+31600000002")
    for number in range(3):
        store.enqueue(ann.id, "sms", f"ann {number}")
        store.enqueue(bob.id, "sms", f"bob {number}")
    provider = Provider(down={ann.address})
    runner = OutboxRunner(store, DatabaseCalls(), {"sms": provider}, dt.timedelta(seconds=5))
    assert await runner.send_due() == 3  # all of Bob's; Ann's first failed, the rest wait
    assert [body for _, body in provider.sent] == ["bob 0", "bob 1", "bob 2"]
    provider.down.clear()
    assert await runner.send_due() == 0  # Ann's first is not due yet (back-off)
    due_now(sessions)
    assert await runner.send_due() == 3
    assert [body for address, body in provider.sent if address == ann.address] == [
        "ann 0",
        "ann 1",
        "ann 2",
    ]
    due_now(sessions)
    assert await runner.send_due() == 0  # nothing twice


async def test_a_reply_that_finally_fails_is_told_to_the_caseworker(
    sessions: sessionmaker[Session],
) -> None:
    cipher = Cipher(SECRET)
    store = ChannelStore(sessions, cipher, SECRET)
    service = HandoffService(sessions, cipher, store, routing(), "https://wegwijs.example.org")
    number = "+31612345678"
    contact = store.contact("sms", number)
    created = service.create(
        HandoffRequest(
            conversation=contact.sender_id,
            agency="gemeente",
            gemeente="Zwolle",
            topic=None,
            benefits=("bijstand",),
            question="mag ik op vakantie?",
            way="sms",
            number=number,
            language="nl",
        )
    )
    store.enqueue(contact.id, "sms", "je contactpersoon heeft gereageerd")
    told: list[str] = []

    async def tell(person: ContactView, error: str) -> None:
        told.append(error)
        service.note_undelivered(person.sender_id, error)

    provider = Provider(down={number}, permanent=True)
    runner = OutboxRunner(store, DatabaseCalls(), {"sms": provider}, dt.timedelta(seconds=5), tell)
    await runner.send_due()
    assert told == ["503 down"]
    with sessions() as session:
        statuses = session.scalars(
            select(OutboxMessage.status).where(OutboxMessage.kind == "reply")
        ).all()
    assert statuses == ["failed"]
    with sessions() as session:
        handoff_id = session.scalar(
            select(Handoff.id).where(Handoff.reference == created.reference)
        )
    assert handoff_id is not None
    notes = [(direction, text) for direction, text, _ in service.messages(handoff_id)]
    assert ("err", "503 down") in notes
