"""Create a handoff with the person's consent: one record of what they agreed to share,
the handoff itself (question and number encrypted), an audit entry, and an alert to the
team's phone through the outbox — without any personal details in the alert."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, delete, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.store import ChannelStore, ContactView, now
from bot.db.crypto import Cipher
from bot.db.models import AuditEntry, ConsentRecord, Handoff, HandoffMessage, OutboxMessage
from bot.domain.checklist.when import add_working_days
from bot.handoff.routing import Routing, Team
from bot.handoff.topics import topic_name
from bot.i18n.catalogs import MessageCatalogs

CONSENT_TEXT_KEY = "handoff.consent"
CONSENT_TEXT_VERSION = "2026-11-29"
SHARED = "topic, benefits, the question in the person's words, way of contact, phone number"
DUTCH_TIME = ZoneInfo("Europe/Amsterdam")
OPEN_STATUSES = ("new", "claimed")
CLOSED_STATUSES = ("resolved", "handed_back", "expired")
EXPIRE_AFTER = dt.timedelta(days=14)  # past the deadline, with nobody having picked it up
# Asked for every incoming message, so built once (SQLAlchemy then only binds the value).
HANDOFFS: Table = Handoff.__table__  # type: ignore[assignment]
CLAIMED_HANDOFF = select(HANDOFFS.c.id).where(
    or_(
        HANDOFFS.c.conversation == bindparam("b_conversation"),
        HANDOFFS.c.reply_conversation == bindparam("b_conversation"),
    ),
    HANDOFFS.c.status == "claimed",
)
ALERT_LANGUAGE = "nl"  # the contact teams work in Dutch

log = logging.getLogger(__name__)


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
    transcript: tuple[tuple[str, str], ...] = ()  # (who, text): the conversation before


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
        catalogs: MessageCatalogs | None = None,
    ) -> None:
        self.sessions = sessions
        self.catalogs = catalogs or MessageCatalogs()
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

    def taken_over(self, conversation: str) -> int | None:
        """The claimed handoff of this conversation: then a person answers, not the bot."""
        with self.sessions() as session:
            found = session.connection().execute(CLAIMED_HANDOFF, {"b_conversation": conversation})
            return found.scalar()

    def transcript(self, handoff_id: int) -> list[tuple[str, str]] | None:
        """The conversation before the handoff as stored with it (None: none was stored)."""
        with self.sessions() as session:
            stored = session.scalar(select(Handoff.transcript_enc).where(Handoff.id == handoff_id))
        if not stored:
            return None
        return [
            (str(line["who"]), str(line["text"]))
            for line in json.loads(self.cipher.decrypt(stored))
        ]

    def record(self, handoff_id: int, direction: str, text: str) -> None:
        with self.sessions.begin() as session:
            session.add(
                HandoffMessage(
                    handoff_id=handoff_id, direction=direction, text_enc=self.cipher.encrypt(text)
                )
            )

    def note_undelivered(self, conversation: str, error: str) -> int | None:
        """A message to this person could not be delivered for a day: the caseworker sees
        it in the person's newest handoff (an open one first). Returns its id, if any."""
        with self.sessions() as session:
            handoff_id = session.scalar(
                select(Handoff.id)
                .where(
                    (Handoff.conversation == conversation)
                    | (Handoff.reply_conversation == conversation)
                )
                .order_by(Handoff.status.in_(OPEN_STATUSES).desc(), Handoff.id.desc())
                .limit(1)
            )
        if handoff_id is None:
            log.error("a message could not be delivered and the person has no handoff")
            return None
        self.record(handoff_id, "err", error[:200])  # direction: 3 letters
        return handoff_id

    def messages(self, handoff_id: int) -> list[tuple[str, str, dt.datetime]]:
        with self.sessions() as session:
            rows = session.scalars(
                select(HandoffMessage)
                .where(HandoffMessage.handoff_id == handoff_id)
                .order_by(HandoffMessage.id)
            ).all()
            return [
                (row.direction, self.cipher.decrypt(row.text_enc), aware_or_now(row.at))
                for row in rows
            ]

    def create(self, request: HandoffRequest, moment: dt.datetime | None = None) -> Created:
        moment = (moment or now()).astimezone(DUTCH_TIME)  # office hours are Dutch time
        team = self.routing.route(request.agency, request.gemeente, request.topic)
        due_day = add_working_days(moment.date(), team.respond_within_days)
        due = dt.datetime.combine(due_day, team.hours.closes, tzinfo=DUTCH_TIME)
        alert_to = self._alert_contact(team)
        # The person may answer from the number they gave (a kiosk handoff answered by SMS).
        answers_from = (
            self.phone_contact(request.way, request.number).sender_id
            if request.way in ("sms", "whatsapp")
            else None
        )
        lines = [{"who": who, "text": text} for who, text in request.transcript]
        # One transaction: the handoff, its consent, the audit entry and the team's alert all
        # exist, or none of them does.
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
                reply_conversation=(answers_from if answers_from != request.conversation else None),
                transcript_enc=self.cipher.encrypt(json.dumps(lines)) if lines else None,
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
            session.add(self._alert_message(team, reference, handoff.id, request.topic, alert_to))
        return Created(
            reference, team, due, team.hours.open_at(moment), team.hours.next_opening(moment)
        )

    def escalate_unclaimed(self, moment: dt.datetime | None = None) -> int:
        """Handoffs nobody picked up in the team's time go to its backup team, once."""
        moment = moment or now()
        moved: list[tuple[Team, str, int, str | None]] = []
        with self.sessions.begin() as session:
            for handoff in session.scalars(select(Handoff).where(Handoff.status == "new")):
                team = self.routing.teams.get(handoff.team)
                created = aware_or_now(handoff.created_at)
                if team is None or team.backup is None or moment - created < team.pick_up_within:
                    continue
                backup = self.routing.teams[team.backup]
                handoff.team = backup.id
                handoff.created_at = moment  # the backup gets its own time to pick it up
                session.add(
                    AuditEntry(
                        actor="system", action="escalated", handoff_id=handoff.id, detail=team.id
                    )
                )
                moved.append((backup, handoff.reference, handoff.id, handoff.topic))
        for backup, reference, handoff_id, topic in moved:
            self._alert(backup, reference, handoff_id, topic)
        return len(moved)

    def expire_forgotten(self, moment: dt.datetime | None = None) -> int:
        """New handoffs still unclaimed long past their deadline (backup included) expire:
        they leave the open list, are audited, and then fall under retention."""
        moment = moment or now()
        with self.sessions.begin() as session:
            expired = 0
            for handoff in session.scalars(select(Handoff).where(Handoff.status == "new")):
                if moment - aware_or_now(handoff.due_at) < EXPIRE_AFTER:
                    continue
                handoff.status = "expired"
                handoff.resolved_at = moment
                session.add(AuditEntry(actor="system", action="expired", handoff_id=handoff.id))
                expired += 1
            return expired

    def forget_old(self, keep_days: int, moment: dt.datetime | None = None) -> int:
        """Delete closed handoffs (with their messages and consent) after `keep_days`."""
        cutoff = (moment or now()) - dt.timedelta(days=keep_days)
        closed = select(Handoff.id).where(
            Handoff.status.in_(CLOSED_STATUSES), Handoff.resolved_at < cutoff
        )
        with self.sessions.begin() as session:
            ids = list(session.scalars(closed))
            if not ids:
                return 0
            session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(ids)))
            session.execute(delete(ConsentRecord).where(ConsentRecord.handoff_id.in_(ids)))
            session.execute(delete(Handoff).where(Handoff.id.in_(ids)))
            session.add(
                AuditEntry(actor="system", action="retention", detail=f"{len(ids)} deleted")
            )
            return len(ids)

    def _new_reference(self, session: Session) -> str:
        while True:
            reference = f"H-{secrets.randbelow(900_000) + 100_000}"
            taken = session.scalar(select(Handoff.id).where(Handoff.reference == reference))
            if taken is None:
                return reference

    def _alert(self, team: Team, reference: str, handoff_id: int, topic: str | None) -> None:
        """Queue the team's alert in a transaction of its own."""
        message = self._alert_message(team, reference, handoff_id, topic)
        with self.sessions.begin() as session:
            session.add(message)

    def phone_contact(self, way: str, number: str) -> ContactView:
        """The Twilio contact for a number by SMS or by WhatsApp (`way` "whatsapp")."""
        channel = "wa" if way == "whatsapp" else "sms"
        address = f"whatsapp:{number}" if channel == "wa" else number
        return self.store.contact(channel, address)

    def _alert_contact(self, team: Team) -> ContactView:
        return self.phone_contact(team.alert_channel, team.alert_number)

    def _alert_message(
        self,
        team: Team,
        reference: str,
        handoff_id: int,
        topic: str | None,
        contact: ContactView | None = None,
    ) -> OutboxMessage:
        """A short message to the team's phone: number, topic and link, no personal details."""
        contact = contact or self._alert_contact(team)
        link = f"{self.public_base_url}/inbox/handoffs/{handoff_id}"
        body = self.catalogs.text(
            "handoff.alert",
            ALERT_LANGUAGE,
            {
                "reference": reference,
                "topic": topic_name(self.catalogs, topic, ALERT_LANGUAGE),
                "team": team.id,
                "link": link,
            },
        )
        return self.store.outbox_message(contact.id, contact.channel, body, kind="alert")


@dataclass(frozen=True)
class CaseView:
    """A handoff as the inbox shows it (decrypted only for the team's caseworkers)."""

    id: int
    reference: str
    team: str
    status: str
    agency: str | None
    topic: str | None
    benefits: list[str]
    question: str
    way: str
    number: str
    created_at: dt.datetime
    due_at: dt.datetime
    claimed_by: str | None
    outcome: str | None
    language: str
    conversation: str


OUTCOMES = (
    "rule_unclear",
    "thought_agencies_share",
    "hobby_became_work",
    "needs_money_help",
    "other",
)


class OtherTeamError(PermissionError):
    """A caseworker asked for another team's handoff."""


class ClaimedByOtherError(OtherTeamError):
    """A caseworker acted on a case another caseworker of the team has claimed."""


class CaseBook:
    """What caseworkers do with handoffs; every view and change is audited."""

    def __init__(self, service: HandoffService) -> None:
        self.service = service

    def _view(self, handoff: Handoff) -> CaseView:
        cipher = self.service.cipher
        return CaseView(
            id=handoff.id,
            reference=handoff.reference,
            team=handoff.team,
            status=handoff.status,
            agency=handoff.agency,
            topic=handoff.topic,
            benefits=[b for b in handoff.benefits.split(",") if b],
            question=cipher.decrypt(handoff.question_enc),
            way=handoff.way,
            number=cipher.decrypt(handoff.number_enc),
            created_at=aware_or_now(handoff.created_at),
            due_at=aware_or_now(handoff.due_at),
            claimed_by=handoff.claimed_by,
            outcome=handoff.outcome,
            language=handoff.language,
            conversation=handoff.conversation,
        )

    def open_cases(self, team: str) -> list[CaseView]:
        with self.service.sessions() as session:
            rows = session.scalars(
                select(Handoff)
                .where(Handoff.team == team, Handoff.status.in_(OPEN_STATUSES))
                .order_by(Handoff.due_at)
            ).all()
            return [self._view(row) for row in rows]

    def _get(self, session: Session, handoff_id: int, user: str, team: str) -> Handoff:
        handoff = session.get(Handoff, handoff_id)
        if handoff is None or handoff.team != team:
            with self.service.sessions.begin() as audit:  # kept, whatever happens next
                audit.add(
                    AuditEntry(actor=user, action="forbidden", handoff_id=handoff_id, detail=team)
                )
            raise OtherTeamError(handoff_id)
        return handoff

    def _owned(self, session: Session, handoff_id: int, user: str, team: str) -> Handoff:
        """A handoff of the team that no other caseworker has claimed: only who claimed a
        case replies to the person, hands it back or closes it."""
        handoff = self._get(session, handoff_id, user, team)
        if handoff.claimed_by and handoff.claimed_by != user:
            with self.service.sessions.begin() as audit:
                audit.add(
                    AuditEntry(
                        actor=user, action="forbidden", handoff_id=handoff_id, detail="claimed"
                    )
                )
            raise ClaimedByOtherError(handoff_id)
        return handoff

    def open_case(self, handoff_id: int, user: str, team: str) -> CaseView:
        with self.service.sessions.begin() as session:
            handoff = self._get(session, handoff_id, user, team)
            session.add(AuditEntry(actor=user, action="viewed", handoff_id=handoff_id))
            return self._view(handoff)

    def claim(self, handoff_id: int, user: str, team: str) -> None:
        with self.service.sessions.begin() as session:
            handoff = self._get(session, handoff_id, user, team)
            if handoff.status == "new":
                handoff.status, handoff.claimed_by, handoff.claimed_at = "claimed", user, now()
                session.add(AuditEntry(actor=user, action="claimed", handoff_id=handoff_id))

    def resolve(self, handoff_id: int, user: str, team: str, outcome: str) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        with self.service.sessions.begin() as session:
            handoff = self._owned(session, handoff_id, user, team)
            handoff.status, handoff.outcome, handoff.resolved_at = "resolved", outcome, now()
            session.add(
                AuditEntry(actor=user, action="resolved", handoff_id=handoff_id, detail=outcome)
            )

    def reply(self, handoff_id: int, user: str, team: str, text: str) -> bool:
        """Send the caseworker's words to the person by SMS or WhatsApp, as they chose.
        False when they asked for a phone call (the caseworker calls instead).

        The message in the inbox, the outbox row and the audit entry are one transaction.
        """
        words = text[:1500]
        to_person = self._message_to_person(handoff_id, user, team, words, "caseworker")
        if to_person is None:
            return False
        with self.service.sessions.begin() as session:
            session.add(to_person)
            session.add(
                HandoffMessage(
                    handoff_id=handoff_id,
                    direction="out",
                    text_enc=self.service.cipher.encrypt(words),
                )
            )
            session.add(AuditEntry(actor=user, action="replied", handoff_id=handoff_id))
        return True

    def hand_back(self, handoff_id: int, user: str, team: str, notice: str) -> None:
        """The bot answers again; the person is told so (on SMS/WhatsApp)."""
        to_person = self._message_to_person(handoff_id, user, team, notice, "notice")
        with self.service.sessions.begin() as session:
            handoff = self._owned(session, handoff_id, user, team)
            if handoff.status != "claimed":
                return
            handoff.status = "handed_back"
            handoff.resolved_at = now()
            session.add(AuditEntry(actor=user, action="handed_back", handoff_id=handoff_id))
            if to_person is not None:
                session.add(to_person)

    def _message_to_person(
        self, handoff_id: int, user: str, team: str, text: str, kind: str
    ) -> OutboxMessage | None:
        """A queued SMS/WhatsApp to the number the person gave; None for a phone call.

        Made before the caller's transaction: finding the contact may write a row of its own.
        """
        with self.service.sessions() as session:
            handoff = self._owned(session, handoff_id, user, team)
            way, number_enc = handoff.way, handoff.number_enc
        if way not in ("sms", "whatsapp"):
            return None
        contact = self.service.phone_contact(way, self.service.cipher.decrypt(number_enc))
        return self.service.store.outbox_message(contact.id, contact.channel, text, kind)


def aware_or_now(moment: dt.datetime | None) -> dt.datetime:
    from bot.channels.store import aware

    return aware(moment) or now()
