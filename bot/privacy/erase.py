"""Erase one person: their conversation in Rasa's tracker store and every row of ours that
belongs to that sender (contact, messages, outbox, handoffs with their
messages and consent). The audit log records that it happened, never what was erased.

Used by "wis mijn gegevens" / "delete my data" on every channel (after a confirmation, see
bot/channels/gateway.py) and by `python -m bot admin erase`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.store import SENDER_KEY_LENGTH, delete_contacts
from bot.channels.tracker_store import forget_tracker
from bot.db.models import (
    AuditEntry,
    ConsentRecord,
    Contact,
    Handoff,
    HandoffMessage,
)


@dataclass(frozen=True)
class Erased:
    tracker: bool  # the tracker store's events are gone
    contacts: int
    handoffs: int


class Eraser:
    def __init__(self, sessions: sessionmaker[Session], tracker_store: Engine) -> None:
        self.sessions = sessions
        self.tracker_store = tracker_store

    def erase(self, sender_id: str, actor: str = "person", keep_contact: bool = False) -> Erased:
        """Everything of `sender_id` ("sms:<key>", "kiosk:<key>", "chat:<name>"). With
        `keep_contact` its channel contact stays, emptied, to send the one message that says
        all is gone; the outbox removes it after that (`ChannelStore.drop_contact`)."""
        tracker = forget_tracker(self.tracker_store, sender_id)
        channel, _, key = sender_id.partition(":")
        with self.sessions.begin() as session:
            contacts: list[int] = []
            if len(key) == SENDER_KEY_LENGTH:
                contacts = list(
                    session.scalars(
                        select(Contact.id).where(
                            Contact.channel == channel, Contact.sender_hash.startswith(key)
                        )
                    )
                )
            handoffs = list(
                session.scalars(
                    select(Handoff.id).where(
                        or_(
                            Handoff.conversation == sender_id,
                            Handoff.reply_conversation == sender_id,
                        )
                    )
                )
            )
            for table in (HandoffMessage, ConsentRecord):
                session.execute(delete(table).where(table.handoff_id.in_(handoffs)))
            session.execute(delete(Handoff).where(Handoff.id.in_(handoffs)))
            delete_contacts(session, contacts, keep_contact)
            session.add(AuditEntry(actor=actor[:64], action="erased", detail=channel[:20]))
        return Erased(tracker, len(contacts), len(handoffs))
