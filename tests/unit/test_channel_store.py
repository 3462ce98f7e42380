"""The store every message passes through, on a real SQLite file: one contact per address,
texts encrypted until answered, the language remembered, duplicates and waiting messages
recognised."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.channels.store import ChannelStore
from bot.channels.text_format import Option
from bot.db.crypto import Cipher
from bot.db.migrate import upgrade
from bot.db.session import make_engine, make_session_factory

SECRET = "t" * 40
ADDRESS = "+31612345678"


@pytest.fixture
def store(tmp_path: Path) -> ChannelStore:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    return ChannelStore(make_session_factory(make_engine(url)), Cipher(SECRET), SECRET)


def column(store: ChannelStore, query: str) -> list[object]:
    with store.sessions() as session:
        return list(session.execute(text(query)).scalars())


def test_one_contact_per_address_and_the_language_is_kept(store: ChannelStore) -> None:
    first = store.receive("sms", "SM1", ADDRESS, "mag ik taarten verkopen?", "nl")
    second = store.receive("sms", "SM2", ADDRESS, "ok", None)  # no language to read in "ok"
    third = store.receive("sms", "SM3", ADDRESS, "can I sell cakes?", "en")
    assert first.contact.id == second.contact.id == third.contact.id
    assert (first.contact.language, second.contact.language) == ("nl", "nl")
    assert third.contact.language == "en"
    assert second.contact.address == ADDRESS and second.contact.sender_id.startswith("sms:")
    touched = [first.contact.last_inbound_at, third.contact.last_inbound_at]
    assert None not in touched and touched == sorted(touched)
    assert column(store, "SELECT count(*) FROM channel_contacts") == [1]


def test_the_text_is_encrypted_until_answered_then_forgotten(store: ChannelStore) -> None:
    received = store.receive("wa", "SM1", ADDRESS, "mijn vriend komt bij me wonen", "nl")
    assert received.inbound_id is not None
    [stored] = column(store, "SELECT text_enc FROM inbound_messages")
    assert isinstance(stored, str) and "vriend" not in stored
    options = [Option("Ja", "/affirm"), Option("Nee", "/deny")]
    store.answered(received.inbound_id, received.contact.id, options)
    assert column(store, "SELECT text_enc FROM inbound_messages") == [None]
    assert column(store, "SELECT status FROM inbound_messages") == ["done"]
    assert store.contact("wa", ADDRESS).options == options


def test_a_retry_is_recognised_and_a_newer_message_waits_behind_a_kept_one(
    store: ChannelStore,
) -> None:
    kept = store.receive("sms", "SM1", ADDRESS, "eerste vraag", "nl")
    assert kept.inbound_id is not None
    assert store.receive("sms", "SM1", ADDRESS, "eerste vraag", "nl").inbound_id is None
    store.failed_attempt(kept.inbound_id)  # Rasa was down: kept as pending
    newer = store.receive("sms", "SM2", ADDRESS, "tweede vraag", "nl")
    assert newer.waiting and newer.inbound_id is not None
    assert [row[0] for row in store.pending()] == [kept.inbound_id, newer.inbound_id]
