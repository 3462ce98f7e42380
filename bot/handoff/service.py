"""Create a handoff with the person's consent: one record of what they agreed to share,
the handoff itself (question and number encrypted), an audit entry, and an alert to the
team's phone through the outbox — without any personal details in the alert."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.store import ChannelStore, now
from bot.checklist.when import add_working_days
from bot.db.crypto import Cipher
from bot.db.models import AuditEntry, ConsentRecord, Handoff
from bot.handoff.routing import Routing, Team

CONSENT_TEXT_KEY = "handoff.consent"
CONSENT_TEXT_VERSION = "2026-11-29"
SHARED = "topic, benefits, the question in the person's words, way of contact, phone number"
WAYS = ("sms", "whatsapp", "call")
OPEN_STATUSES = ("new", "claimed")


def phone_number(text: str) -> str | None:
    """A Dutch (or international) phone number in E.164, or None when it is not one."""
    candidate = text.strip().removeprefix("whatsapp:")
    try:
        parsed = phonenumbers.parse(candidate, "NL")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class HandoffRequest:
    conversation: str
    agency: str | None
    gemeente: str | None
    topic: str | None
    benefits: tuple[str, ...]
    question: str
    way: str
    number: str
    language: str


@dataclass(frozen=True)
class Created:
    reference: str
    team: Team
    due: dt.datetime
    open_now: bool
    opens_at: dt.datetime


class HandoffService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        cipher: Cipher,
        store: ChannelStore,
        routing: Routing,
        public_base_url: str | None,
    ) -> None:
        self.sessions = sessions
        self.cipher = cipher
        self.store = store
        self.routing = routing
        self.public_base_url = public_base_url or ""

    def open_reference(self, conversation: str) -> str | None:
        """The reference of this conversation's open handoff: asking twice makes one."""
        with self.sessions() as session:
            return session.scalar(
                select(Handoff.reference).where(
                    Handoff.conversation == conversation, Handoff.status.in_(OPEN_STATUSES)
                )
            )

    def create(self, request: HandoffRequest, moment: dt.datetime | None = None) -> Created:
        moment = moment or now()
        team = self.routing.route(request.agency, request.gemeente, request.topic)
        due_day = add_working_days(moment.date(), team.respond_within_days)
        due = dt.datetime.combine(due_day, team.hours.closes, tzinfo=moment.tzinfo)
        with self.sessions.begin() as session:
            reference = self._new_reference(session)
            handoff = Handoff(
                reference=reference,
                conversation=request.conversation,
                team=team.id,
                agency=request.agency,
                topic=request.topic,
                benefits=",".join(request.benefits),
                question_enc=self.cipher.encrypt(request.question),
                way=request.way,
                number_enc=self.cipher.encrypt(request.number),
                language=request.language,
                status="new",
                due_at=due,
            )
            session.add(handoff)
            session.flush()
            session.add(
                ConsentRecord(
                    handoff_id=handoff.id,
                    text_key=CONSENT_TEXT_KEY,
                    text_version=CONSENT_TEXT_VERSION,
                    shared=SHARED,
                )
            )
            session.add(AuditEntry(actor="system", action="handoff_created", handoff_id=handoff.id))
            handoff_id = handoff.id
        self._alert(team, reference, handoff_id)
        return Created(
            reference, team, due, team.hours.open_at(moment), team.hours.next_opening(moment)
        )

    def _new_reference(self, session: Session) -> str:
        while True:
            reference = f"H-{secrets.randbelow(900_000) + 100_000}"
            taken = session.scalar(select(Handoff.id).where(Handoff.reference == reference))
            if taken is None:
                return reference

    def _alert(self, team: Team, reference: str, handoff_id: int) -> None:
        """A short message to the team's phone: number and link, no personal details."""
        channel = "wa" if team.alert_channel == "whatsapp" else "sms"
        address = f"whatsapp:{team.alert_number}" if channel == "wa" else team.alert_number
        contact = self.store.contact(channel, address)
        body = (
            f"Wegwijs: nieuwe vraag {reference} voor team {team.id}. "
            f"Open de inbox: {self.public_base_url}/inbox/handoffs/{handoff_id}"
        )
        self.store.enqueue(contact.id, channel, body, kind="alert")
