"""A new secret key, and everything written again with it (`python -m bot admin rotate-key`).

Run it with the services stopped, WEGWIJS_SECRET_KEY set to the new key and the old one in
WEGWIJS_PREVIOUS_SECRET_KEYS. Every encrypted column is re-encrypted; the keyed hashes that
name a person (the contact, and so the conversation id Rasa knows them by) are made again
with the new key, and handoffs and Rasa's tracker store follow the new conversation ids, so
no conversation and no open handoff is lost. The tokens derived from the key (Rasa's API,
/internal, /nlg) change too: restart everything with the new key afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, MetaData, Table, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.store import SENDER_KEY_LENGTH
from bot.db.crypto import Cipher, sender_hash
from bot.db.models import (
    Contact,
    Handoff,
    HandoffMessage,
    InboundMessage,
    OutboxMessage,
)

ENCRYPTED = (
    (Contact, ("address_enc",)),
    (InboundMessage, ("text_enc",)),
    (OutboxMessage, ("body_enc",)),
    (Handoff, ("question_enc", "number_enc", "transcript_enc")),
    (HandoffMessage, ("text_enc",)),
)


@dataclass(frozen=True)
class Rotated:
    values: int  # encrypted values written again
    people: int  # contacts whose conversation id changed


def rotate_key(
    sessions: sessionmaker[Session],
    tracker_store: Engine,
    new_key: str,
    old_keys: tuple[str, ...],
) -> Rotated:
    cipher = Cipher(new_key, old_keys)
    renamed: dict[str, str] = {}  # old conversation id -> new
    values = 0
    with sessions.begin() as session:
        for contact in session.scalars(select(Contact)):
            address = cipher.decrypt(contact.address_enc)
            old_id = f"{contact.channel}:{contact.sender_hash[:SENDER_KEY_LENGTH]}"
            contact.sender_hash = sender_hash(new_key, f"{contact.channel}:{address}")
            renamed[old_id] = f"{contact.channel}:{contact.sender_hash[:SENDER_KEY_LENGTH]}"
        for model, columns in ENCRYPTED:
            for row in session.scalars(select(model)):
                for column in columns:
                    token = getattr(row, column)
                    if token:
                        setattr(row, column, cipher.rotate(token))
                        values += 1
        for old_id, new_id in renamed.items():
            session.execute(
                update(Handoff).where(Handoff.conversation == old_id).values(conversation=new_id)
            )
            session.execute(
                update(Handoff)
                .where(Handoff.reply_conversation == old_id)
                .values(reply_conversation=new_id)
            )
    _rename_trackers(tracker_store, renamed)
    return Rotated(values, len(renamed))


def _rename_trackers(tracker_store: Engine, renamed: dict[str, str]) -> None:
    if "events" not in inspect(tracker_store).get_table_names():
        return
    events = Table("events", MetaData(), autoload_with=tracker_store)
    with tracker_store.begin() as connection:
        for old_id, new_id in renamed.items():
            connection.execute(
                update(events).where(events.c.sender_id == old_id).values(sender_id=new_id)
            )
