"""No personal data in clear: after a conversation with a BSN, an IBAN, a phone number and an
e-mail address, and a handoff to which the person gives that phone number, none of them is
in any file of the stack (our database, Rasa's tracker store, their WAL files) or in its
logs; the person still sees their whole number read back. "Wis mijn gegevens" then leaves
no row and no tracker event of that person, and the audit log says it happened."""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry, Contact, InboundMessage, OutboxMessage
from tests.e2e.conftest import Fakes, RunningStack, report_fault
from tests.e2e.test_channels import sms, store_for

pytestmark = pytest.mark.e2e

SECRETS = ("123456782", "0417164300", "0687654321", "87 65 43", "piet@voorbeeld.nl")


def reply_with(fakes: Fakes, number: str, seen: int, expected: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in fakes.twilio.sent_to(number)[seen:]:
            if expected in str(message["body"]):
                return str(message["body"])
        time.sleep(0.2)
    got = [str(m["body"])[:80] for m in fakes.twilio.sent_to(number)[seen:]]
    raise AssertionError(f"no reply with {expected!r}; got {got}")


def files_of(data_dir: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in data_dir.iterdir()
        if path.is_file() and path.stat().st_size < 200_000_000
    }


def test_personal_data_is_nowhere_in_clear_and_erase_leaves_nothing(
    stack: RunningStack, fakes: Fakes
) -> None:
    number = f"+3163{random.randint(1_000_000, 9_999_999)}"
    said = (
        "hoi, mijn bsn is 123456782 en mijn iban NL91ABNA0417164300. bel me op 0687654321 "
        "of mail piet@voorbeeld.nl. ik heb ww, mag ik 2 dagen werken?"
    )
    sms(stack, fakes, number, said)
    reply_with(fakes, number, 0, "WW")
    # The handoff asks for a number: Rasa gets it sealed, the person sees it whole.
    for message, expected in (
        ("ik wil iemand spreken", "delen"),
        ("ja", "contact"),
        ("bellen", "nummer"),
        ("bel me op 0687654321", "06 87 65 43 21"),
        ("ja", "kenmerk"),
    ):
        seen = len(fakes.twilio.sent_to(number))
        sms(stack, fakes, number, message)
        reply_with(fakes, number, seen, expected)
    time.sleep(2)  # Rasa and the app have written everything
    found = []
    for name, content in files_of(stack.data_dir).items():
        for secret in (*SECRETS, number.removeprefix("+")):
            if secret.encode() in content:
                found.append((name, secret))
    logs = "\n".join(stack.output)
    found += [("log", secret) for secret in SECRETS if secret in logs]
    report_fault(f"personal data in clear after a conversation: {len(found)} places")
    assert found == []

    seen = len(fakes.twilio.sent_to(number))
    sms(stack, fakes, number, "wis mijn gegevens")
    reply_with(fakes, number, seen, "Weet je het zeker")
    seen = len(fakes.twilio.sent_to(number))
    sms(stack, fakes, number, "1")
    reply_with(fakes, number, seen, "Ik heb alles gewist")
    store = store_for(stack)
    key = store._key("sms", number)
    sender = f"sms:{key[:32]}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the contact goes once the last message is sent
        with store.sessions() as session:
            if session.scalar(select(Contact.id).where(Contact.sender_hash == key)) is None:
                break
        time.sleep(0.3)
    with store.sessions() as session:
        assert session.scalar(select(Contact.id).where(Contact.sender_hash == key)) is None
        assert (
            session.scalar(select(InboundMessage.id).where(InboundMessage.text_enc == said)) is None
        )
        orphans = session.scalars(
            select(OutboxMessage.id).where(~OutboxMessage.contact_id.in_(select(Contact.id)))
        ).all()
        assert orphans == []
        assert "erased" in session.scalars(select(AuditEntry.action)).all()
    tracker = sqlite3.connect(stack.data_dir / "rasa-tracker.db")
    try:
        left = tracker.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,))
        assert left.fetchone()[0] == 0
    finally:
        tracker.close()
