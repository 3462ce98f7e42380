"""The gateway's records: contacts, inbound messages and the outbox, each change in one
transaction. Addresses and texts are stored encrypted (bot/db/crypto.py)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Table, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.text_format import Option
from bot.db.crypto import Cipher, sender_hash
from bot.db.models import Contact, InboundMessage, OutboxMessage

# A reply is retried for a day with back-off (at most every 5 minutes), then given up and
# the caseworker told; an alert to a contact team is never given up for an outage.
OUTBOX_GIVE_UP_AFTER = dt.timedelta(hours=24)
OUTBOX_LONGEST_WAIT = dt.timedelta(minutes=5)
UNSENT = ("queued", "sending")
SENDING_STUCK = dt.timedelta(minutes=2)  # a process that died while sending: send it again


def _is_due() -> Any:
    """Queued and its time has come, or claimed by a process that did not finish."""
    return or_(
        and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now()),
        and_(OutboxMessage.status == "sending", OutboxMessage.updated_at < now() - SENDING_STUCK),
    )


SENDER_KEY_LENGTH = 32  # a sender id is "<channel>:" and this much of the keyed hash
# A message still "received" (in flight) after this long was interrupted: answer it again.
STUCK_AFTER = dt.timedelta(minutes=2)

# The statements every message runs, built once: SQLAlchemy then only binds the values.
CONTACTS: Table = Contact.__table__  # type: ignore[assignment]
INBOUND: Table = InboundMessage.__table__  # type: ignore[assignment]
TOUCH_CONTACT = (
    update(CONTACTS).where(CONTACTS.c.sender_hash == bindparam("b_key")).returning(*CONTACTS.c)
)
NEW_CONTACT = insert(CONTACTS).returning(*CONTACTS.c)
FIRST_PENDING = (
    select(INBOUND.c.id)
    .where(INBOUND.c.contact_id == bindparam("b_contact"), INBOUND.c.status == "pending")
    .limit(1)
)
NEW_INBOUND = insert(INBOUND).returning(INBOUND.c.id)
SET_OPTIONS = update(CONTACTS).where(CONTACTS.c.id == bindparam("b_contact"))
CLOSE_INBOUND = update(INBOUND).where(INBOUND.c.id == bindparam("b_inbound"))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; they were stored in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class ContactView:
    id: int
    channel: str
    address: str
    sender_id: str  # what Rasa knows this person as: "<channel>:<keyed hash>"
    language: str | None
    opted_out: bool
    last_inbound_at: dt.datetime | None
    options: list[Option]


@dataclass(frozen=True)
class Received:
    contact: ContactView
    inbound_id: int | None  # None: a retry of a message we already have
    waiting: bool = False  # older messages of this contact still wait for Rasa


class ChannelStore:
    def __init__(self, sessions: sessionmaker[Session], cipher: Cipher, secret_key: str) -> None:
        self.sessions = sessions
        self.cipher = cipher
        self.secret_key = secret_key

    def _key(self, channel: str, address: str) -> str:
        return sender_hash(self.secret_key, f"{channel}:{address}")

    def _view(self, contact: Contact | Row[Any]) -> ContactView:
        raw_options = json.loads(contact.options) if contact.options else []
        return ContactView(
            id=contact.id,
            channel=contact.channel,
            address=self.cipher.decrypt(contact.address_enc),
            sender_id=f"{contact.channel}:{contact.sender_hash[:SENDER_KEY_LENGTH]}",
            language=contact.language,
            opted_out=contact.opted_out,
            last_inbound_at=aware(contact.last_inbound_at),
            options=[Option(item["title"], item["payload"]) for item in raw_options],
        )

    def _contact(self, session: Session, channel: str, address: str) -> Contact:
        key = self._key(channel, address)
        contact = session.scalar(select(Contact).where(Contact.sender_hash == key))
        if contact is None:
            contact = Contact(
                sender_hash=key, channel=channel, address_enc=self.cipher.encrypt(address)
            )
            session.add(contact)
            session.flush()
        return contact

    def contact(self, channel: str, address: str) -> ContactView:
        with self.sessions.begin() as session:
            return self._view(self._contact(session, channel, address))

    def number_of(self, sender_id: str) -> str | None:
        """The phone number behind an SMS or WhatsApp conversation ("sms:<hash>")."""
        channel, _, key = sender_id.partition(":")
        if channel not in ("sms", "wa") or len(key) != SENDER_KEY_LENGTH or not key.isalnum():
            return None
        with self.sessions() as session:
            contact = session.scalar(
                select(Contact).where(
                    Contact.channel == channel, Contact.sender_hash.startswith(key)
                )
            )
            if contact is None:
                return None
            return self.cipher.decrypt(contact.address_enc).removeprefix("whatsapp:")

    def contact_by_id(self, contact_id: int) -> ContactView | None:
        with self.sessions() as session:
            contact = session.get(Contact, contact_id)
            return self._view(contact) if contact is not None else None

    def receive(
        self, channel: str, external_id: str, address: str, text: str, language: str | None
    ) -> Received:
        """Store the message (once per provider id) and touch the contact.

        Runs for every message, so it is written in SQLAlchemy Core: three or four prepared
        statements in one transaction, without the ORM's unit of work.
        """
        try:
            return self._receive(channel, external_id, address, text, language)
        except IntegrityError:
            if self._known(channel, external_id):
                return Received(self.contact(channel, address), None)
        # The contact was created at the same moment by another message (PostgreSQL):
        # it exists now, so the second try only touches it.
        return self._receive(channel, external_id, address, text, language)

    def _receive(
        self, channel: str, external_id: str, address: str, text: str, language: str | None
    ) -> Received:
        key = self._key(channel, address)
        touched: dict[str, Any] = {"last_inbound_at": now()}
        if language:
            touched["language"] = language
        with self.sessions.begin() as session:
            db = session.connection()
            contact = db.execute(TOUCH_CONTACT, touched | {"b_key": key}).one_or_none()
            if contact is None:
                new = {"sender_hash": key, "channel": channel, "opted_out": False}
                new["address_enc"] = self.cipher.encrypt(address)
                contact = db.execute(NEW_CONTACT, new | touched).one()
            # Older messages still waiting for Rasa go first: this one waits behind them.
            waiting = db.execute(FIRST_PENDING, {"b_contact": contact.id}).first() is not None
            inbound = {
                "channel": channel,
                "external_id": external_id[:100],
                "contact_id": contact.id,
                "text_enc": self.cipher.encrypt(text),
                # "received": in flight; "pending": waits for Rasa (see `pending`)
                "status": "pending" if waiting else "received",
                "attempts": 0,
            }
            inbound_id = db.execute(NEW_INBOUND, inbound).scalar_one()
            return Received(self._view(contact), inbound_id, waiting)

    def _known(self, channel: str, external_id: str) -> bool:
        with self.sessions() as session:
            found = session.execute(
                select(INBOUND.c.id).where(
                    INBOUND.c.channel == channel, INBOUND.c.external_id == external_id[:100]
                )
            ).first()
            return found is not None

    def answered(self, inbound_id: int, contact_id: int, options: list[Option]) -> None:
        """Rasa answered: keep the options just shown and forget the text, in one go."""
        value = json.dumps([{"title": o.title, "payload": o.payload} for o in options])
        with self.sessions.begin() as session:
            db = session.connection()
            db.execute(SET_OPTIONS, {"b_contact": contact_id, "options": value})
            closed = {"status": "done", "text_enc": None, "processed_at": now()}
            db.execute(CLOSE_INBOUND, closed | {"b_inbound": inbound_id})

    def finish(self, inbound_id: int, status: str = "done") -> None:
        """Handled: forget the text, keep that it happened."""
        with self.sessions.begin() as session:
            session.execute(
                update(InboundMessage)
                .where(InboundMessage.id == inbound_id)
                .values(status=status, text_enc=None, processed_at=now())
            )

    def failed_attempt(self, inbound_id: int) -> None:
        """Rasa could not answer: keep the message for `pending`."""
        with self.sessions.begin() as session:
            inbound = session.get(InboundMessage, inbound_id)
            if inbound is not None:
                inbound.attempts += 1
                inbound.status = "pending"

    def pending(self, limit: int = 20) -> list[tuple[int, int, str]]:
        """Messages still waiting for Rasa, oldest first: (inbound id, contact id, text).

        Also messages that were in flight for long (the service stopped while handling them).
        """
        stuck = now() - STUCK_AFTER
        with self.sessions() as session:
            rows = session.scalars(
                select(InboundMessage)
                .where(
                    or_(
                        InboundMessage.status == "pending",
                        and_(
                            InboundMessage.status == "received", InboundMessage.received_at < stuck
                        ),
                    )
                )
                .order_by(InboundMessage.id)
                .limit(limit)
            ).all()
            return [
                (row.id, row.contact_id, self.cipher.decrypt(row.text_enc or ""))
                for row in rows
                if row.text_enc
            ]

    def set_options(self, contact_id: int, options: list[Option]) -> None:
        value = json.dumps([{"title": o.title, "payload": o.payload} for o in options])
        with self.sessions.begin() as session:
            session.execute(
                update(Contact).where(Contact.id == contact_id).values(options=value or None)
            )

    def set_language(self, contact_id: int, language: str) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(Contact).where(Contact.id == contact_id).values(language=language)
            )

    def set_opt_out(self, contact_id: int, opted_out: bool) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(Contact)
                .where(Contact.id == contact_id)
                .values(opted_out=opted_out, opted_out_at=now() if opted_out else None)
            )

    # --- outbox ---------------------------------------------------------------------------

    def enqueue(self, contact_id: int, channel: str, body: str, kind: str = "reply") -> int:
        with self.sessions.begin() as session:
            message = self.outbox_message(contact_id, channel, body, kind)
            session.add(message)
            session.flush()
            return message.id

    def outbox_message(
        self, contact_id: int, channel: str, body: str, kind: str = "reply"
    ) -> OutboxMessage:
        """A queued message, for a caller that adds it in its own transaction."""
        return OutboxMessage(
            channel=channel,
            contact_id=contact_id,
            body_enc=self.cipher.encrypt(body),
            kind=kind,
            status="queued",
            attempts=0,
            next_attempt_at=now(),
        )

    def due(self, limit: int = 50) -> list[OutboxMessage]:
        """Per contact its oldest unsent message, when it is due: a message that could not
        be sent yet holds back the ones after it for that person only (they stay in order).
        One being sent by another app process (`sending`) holds them back too, unless that
        process died while sending (then it is due again after SENDING_STUCK)."""
        heads = (
            select(func.min(OutboxMessage.id))
            .where(OutboxMessage.status.in_(UNSENT))
            .group_by(OutboxMessage.contact_id)
        )
        with self.sessions() as session:
            return list(
                session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.id.in_(heads), _is_due())
                    .order_by(OutboxMessage.id)
                    .limit(limit)
                ).all()
            )

    def next_due(self, contact_id: int) -> OutboxMessage | None:
        """The contact's oldest unsent message, when it is due (after one was sent)."""
        with self.sessions() as session:
            head = session.scalar(
                select(OutboxMessage)
                .where(OutboxMessage.contact_id == contact_id, OutboxMessage.status.in_(UNSENT))
                .order_by(OutboxMessage.id)
                .limit(1)
            )
            if head is None:
                return None
            return session.scalar(
                select(OutboxMessage).where(OutboxMessage.id == head.id, _is_due())
            )

    def claim(self, message_id: int) -> bool:
        """Take a due message for sending; False when another app process has it."""
        with self.sessions.begin() as session:
            claimed = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, _is_due())
                .values(status="sending", updated_at=now())
            )
            return bool(claimed.rowcount)  # type: ignore[attr-defined]

    def sent(self, message_id: int, provider_id: str | None) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(status="sent", provider_id=provider_id, updated_at=now(), last_error=None)
            )

    def retry_later(
        self,
        message_id: int,
        error: str,
        permanent: bool = False,
        give_up_after: dt.timedelta = OUTBOX_GIVE_UP_AFTER,
        longest_wait: dt.timedelta = OUTBOX_LONGEST_WAIT,
    ) -> bool:
        """Back off 1, 2, 4 … s up to `longest_wait`; give up on a permanent error, or on a
        reply still not sent after `give_up_after`. True when the message has failed now."""
        with self.sessions.begin() as session:
            message = session.get(OutboxMessage, message_id)
            if message is None:
                return False
            message.attempts += 1
            message.last_error = error[:200]
            message.updated_at = now()
            created = aware(message.created_at) or now()
            too_late = message.kind != "alert" and now() - created >= give_up_after
            if permanent or too_late:
                message.status = "failed"
                return True
            wait = min(longest_wait.total_seconds(), 2.0 ** min(message.attempts - 1, 20))
            message.next_attempt_at = now() + dt.timedelta(seconds=wait)
            message.status = "queued"
            return False

    def block(self, message_id: int, reason: str) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(status="blocked", last_error=reason[:200], updated_at=now())
            )

    def delivery_status(self, provider_id: str, status: str, error: str | None) -> bool:
        """A provider's status callback; False when the message is unknown."""
        with self.sessions.begin() as session:
            message = session.scalar(
                select(OutboxMessage).where(OutboxMessage.provider_id == provider_id)
            )
            if message is None:
                return False
            message.status = status
            message.updated_at = now()
            if error:
                message.last_error = error[:200]
            return True

    def outbox_body(self, message: OutboxMessage) -> str:
        return self.cipher.decrypt(message.body_enc)

    def forget_contact(self, channel: str, address: str) -> None:
        """Delete everything kept about one contact (the kiosk's "Begin opnieuw"). The row
        itself stays, emptied and closed, so a message the page sends again for the old
        session is recognised and not answered a second time."""
        key = self._key(channel, address)
        with self.sessions.begin() as session:
            contact = session.scalar(select(Contact).where(Contact.sender_hash == key))
            if contact is None:
                return
            session.execute(delete(InboundMessage).where(InboundMessage.contact_id == contact.id))
            session.execute(delete(OutboxMessage).where(OutboxMessage.contact_id == contact.id))
            contact.address_enc = self.cipher.encrypt("")
            contact.options = None
            contact.language = None
            contact.last_inbound_at = None
            contact.opted_out = True
            contact.opted_out_at = now()

    def drop_contact(self, contact_id: int) -> None:
        """An erased person's contact, after the message that says all is gone was sent."""
        with self.sessions.begin() as session:
            delete_contacts(session, [contact_id])

    def is_closed(self, channel: str, address: str) -> bool:
        """A kiosk session that was reset (see `forget_contact`)."""
        key = self._key(channel, address)
        with self.sessions() as session:
            closed = session.scalar(select(Contact.opted_out).where(Contact.sender_hash == key))
            return bool(closed)


def delete_contacts(session: Session, contact_ids: list[int], keep_contact: bool = False) -> None:
    """The contacts' messages both ways, and the contacts themselves; with `keep_contact`
    each stays, without its options, to send one last message."""
    session.execute(delete(InboundMessage).where(InboundMessage.contact_id.in_(contact_ids)))
    session.execute(delete(OutboxMessage).where(OutboxMessage.contact_id.in_(contact_ids)))
    if keep_contact:
        session.execute(update(Contact).where(Contact.id.in_(contact_ids)).values(options=None))
    else:
        session.execute(delete(Contact).where(Contact.id.in_(contact_ids)))
