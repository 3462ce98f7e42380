"""ORM models. Store the minimum: no names; phone numbers and texts only encrypted, and texts
only until they are handled."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Contact(Base):
    """Someone who writes from a channel: how to reach them back (encrypted), whether they
    opted out, when they last wrote (WhatsApp's 24-hour window) and the options just shown."""

    __tablename__ = "channel_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    address_enc: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(5), nullable=True)
    last_inbound_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    options: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON: [{title, payload}]
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class InboundMessage(Base):
    """A message as it arrived: kept (text encrypted) until Rasa has answered it, so a retry
    from the provider is recognised and nothing is lost while Rasa is down."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_inbound_external"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    contact_id: Mapped[int] = mapped_column(ForeignKey("channel_contacts.id"), index=True)
    text_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    processed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class OutboxMessage(Base):
    """A message to send through a provider, retried with back-off until it is accepted;
    delivery-status callbacks update it."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    contact_id: Mapped[int] = mapped_column(ForeignKey("channel_contacts.id"), index=True)
    body_enc: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="reply")
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    provider_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class InboxSession(Base):
    """A caseworker's log-in; the cookie holds only the token, this row only its hash."""

    __tablename__ = "inbox_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    team: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Caseworker(Base):
    """A contact person who answers handoffs in the inbox; the password only as an argon2
    hash. Repeated wrong passwords lock the account for a while."""

    __tablename__ = "caseworkers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    team: Mapped[str] = mapped_column(String(64), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class AuditEntry(Base):
    """Who did or saw what, when: log-ins, views, claims, replies, refusals."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(64))  # a username, or "system"
    action: Mapped[str] = mapped_column(String(40), index=True)
    handoff_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Handoff(Base):
    """A person's question handed to a contact team, with their consent. The question and
    the phone number are stored encrypted; a caseworker of the team picks it up."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True, index=True)
    conversation: Mapped[str] = mapped_column(String(255), index=True)  # Rasa's sender id
    team: Mapped[str] = mapped_column(String(64), index=True)
    agency: Mapped[str | None] = mapped_column(String(20), nullable=True)
    topic: Mapped[str | None] = mapped_column(String(40), nullable=True)
    benefits: Mapped[str] = mapped_column(String(200), default="")
    question_enc: Mapped[str] = mapped_column(Text)
    way: Mapped[str] = mapped_column(String(20))  # sms | whatsapp | call
    number_enc: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # The conversation the person answers from when they asked elsewhere (a kiosk handoff
    # answered by SMS from the number given): the keyed sender id, never the number.
    reply_conversation: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    # The conversation before the handoff, encrypted JSON [{"who", "text"}]: the
    # caseworker's view of it survives a kiosk reset.
    transcript_enc: Mapped[str | None] = mapped_column(Text, nullable=True)


class ConsentRecord(Base):
    """What the person agreed to share, when, and which version of the consent text."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), index=True)
    text_key: Mapped[str] = mapped_column(String(60))
    text_version: Mapped[str] = mapped_column(String(20))
    shared: Mapped[str] = mapped_column(String(200))
    agreed_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class HandoffMessage(Base):
    """A message between the person and the caseworker while a human has taken over."""

    __tablename__ = "handoff_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" from the person, "out" to them
    text_enc: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
