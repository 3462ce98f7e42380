"""Jobs around handoffs: escalation to the backup team, retention, and alerts that are never
given up on during an outage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.store import OUTBOX_GIVE_UP_AFTER, ChannelStore, aware, now
from bot.db.crypto import Cipher
from bot.db.migrate import upgrade
from bot.db.models import AuditEntry, ConsentRecord, Handoff, HandoffMessage, OutboxMessage
from bot.db.session import make_engine, make_session_factory
from bot.handoff.routing import routing
from bot.handoff.service import CaseBook, ClaimedByOtherError, HandoffRequest, HandoffService

SECRET = "z" * 40
MONDAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    upgrade(url)
    return make_session_factory(make_engine(url))


@pytest.fixture
def service(sessions: sessionmaker[Session]) -> HandoffService:
    cipher = Cipher(SECRET)
    store = ChannelStore(sessions, cipher, SECRET)
    return HandoffService(sessions, cipher, store, routing(), "https://wegwijs.example.org")


def request(gemeente: str = "Zwolle") -> HandoffRequest:
    return HandoffRequest(
        conversation="sms:" + "a" * 32,
        agency="gemeente",
        gemeente=gemeente,
        topic=None,
        benefits=("bijstand",),
        question="mag ik op vakantie?",
        way="sms",
        number="+31612345678",
        language="nl",
    )


def alerts(sessions: sessionmaker[Session], store: ChannelStore) -> list[str]:
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert")).all()
        return [store.contact_by_id(row.contact_id).address for row in rows]  # type: ignore[union-attr]


def test_a_handoff_nobody_picks_up_goes_to_the_backup_team_once(
    service: HandoffService, sessions: sessionmaker[Session]
) -> None:
    created = service.create(request(), MONDAY)
    assert created.team.id == "zwolle-werk-inkomen" and created.open_now
    with sessions.begin() as session:
        session.execute(update(Handoff).values(created_at=MONDAY))
    assert service.escalate_unclaimed(MONDAY + dt.timedelta(hours=7)) == 0
    assert service.escalate_unclaimed(MONDAY + dt.timedelta(hours=9)) == 1
    assert service.escalate_unclaimed(MONDAY + dt.timedelta(hours=10)) == 0
    with sessions() as session:
        handoff = session.scalars(select(Handoff)).one()
        assert handoff.team == "wegwijs-landelijk"
        assert "escalated" in session.scalars(select(AuditEntry.action)).all()
    assert alerts(sessions, service.store) == ["+3197010000101", "+3197010000199"]


def test_closed_handoffs_are_deleted_after_the_retention_period(
    service: HandoffService, sessions: sessionmaker[Session]
) -> None:
    old = service.create(request(), MONDAY)
    recent = service.create(request("Utrecht"), MONDAY)
    still_open = service.create(request("Deventer"), MONDAY)
    with sessions.begin() as session:
        ids = {h.reference: h.id for h in session.scalars(select(Handoff))}
        session.execute(
            update(Handoff)
            .where(Handoff.reference.in_([old.reference, recent.reference]))
            .values(status="resolved", resolved_at=MONDAY)
        )
        session.execute(
            update(Handoff)
            .where(Handoff.reference == recent.reference)
            .values(resolved_at=MONDAY + dt.timedelta(days=80))
        )
    service.record(ids[old.reference], "in", "bel me maar")
    assert service.forget_old(90, MONDAY + dt.timedelta(days=100)) == 1
    with sessions() as session:
        left = set(session.scalars(select(Handoff.reference)).all())
        assert left == {recent.reference, still_open.reference}
        assert session.scalars(select(HandoffMessage)).all() == []
        consents = session.scalars(select(ConsentRecord.handoff_id)).all()
        assert ids[old.reference] not in consents


def test_an_alert_keeps_trying_through_an_outage_but_a_reply_gives_up_after_a_day(
    service: HandoffService, sessions: sessionmaker[Session]
) -> None:
    service.create(request(), MONDAY)
    store = service.store
    contact = store.contact("sms", "+31612345678")
    reply_id = store.enqueue(contact.id, "sms", "een antwoord")
    with sessions() as session:
        alert_id = session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.kind == "alert")
        ).one()
    for _ in range(30):  # many attempts within the day: both keep trying
        assert not store.retry_later(alert_id, "503 Service Unavailable")
        assert not store.retry_later(reply_id, "503 Service Unavailable")
    with sessions() as session:
        reply = session.get(OutboxMessage, reply_id)
        assert reply is not None and reply.status == "queued"
        wait = aware(reply.next_attempt_at) - now()  # type: ignore[operator]
        assert dt.timedelta(minutes=4) < wait <= dt.timedelta(minutes=5)  # at most 5 minutes
        reply.created_at = now() - OUTBOX_GIVE_UP_AFTER  # a day later
        alert = session.get(OutboxMessage, alert_id)
        assert alert is not None
        alert.created_at = now() - 2 * OUTBOX_GIVE_UP_AFTER
        session.commit()
    assert store.retry_later(reply_id, "503 Service Unavailable")  # failed now
    assert not store.retry_later(alert_id, "503 Service Unavailable")
    with sessions() as session:
        assert session.get(OutboxMessage, alert_id).status == "queued"  # type: ignore[union-attr]
        assert session.get(OutboxMessage, reply_id).status == "failed"  # type: ignore[union-attr]
    store.retry_later(alert_id, "400 bad number", permanent=True)
    with sessions() as session:
        assert session.get(OutboxMessage, alert_id).status == "failed"  # type: ignore[union-attr]


def test_the_alert_names_reference_topic_and_link_but_nothing_personal(
    service: HandoffService, sessions: sessionmaker[Session]
) -> None:
    asked = HandoffRequest(**{**request().__dict__, "topic": "abroad"})
    created = service.create(asked, MONDAY)
    with sessions() as session:
        [alert] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert"))
        body = service.cipher.decrypt(alert.body_enc)
    assert created.reference in body and "naar het buitenland" in body
    assert "https://wegwijs.example.org/inbox/handoffs/" in body
    assert "612345678" not in body and "vakantie" not in body and "bijstand" not in body


def test_a_handoff_is_stored_whole_or_not_at_all(
    service: HandoffService, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:  # a real failure at the end: the alert cannot be queued
        session.execute(text("DROP TABLE outbox_messages"))
    with pytest.raises(OperationalError):
        service.create(request(), MONDAY)
    with sessions() as session:  # so no handoff waits without its alert
        assert session.scalars(select(Handoff)).all() == []
        assert session.scalars(select(ConsentRecord)).all() == []


def test_a_handoff_nobody_ever_picks_up_expires_and_then_falls_under_retention(
    service: HandoffService, sessions: sessionmaker[Session]
) -> None:
    created = service.create(request(), MONDAY)
    claimed = service.create(request("Utrecht"), MONDAY)
    with sessions.begin() as session:
        session.execute(
            update(Handoff).where(Handoff.reference == claimed.reference).values(status="claimed")
        )
    assert service.expire_forgotten(created.due + dt.timedelta(days=13)) == 0
    later = created.due + dt.timedelta(days=15)
    assert service.expire_forgotten(later) == 1  # only the unclaimed one
    with sessions() as session:
        statuses = dict(session.execute(select(Handoff.reference, Handoff.status)).all())
        assert statuses == {created.reference: "expired", claimed.reference: "claimed"}
        assert "expired" in session.scalars(select(AuditEntry.action)).all()
    assert service.forget_old(30, later + dt.timedelta(days=31)) == 1


def test_only_who_claimed_a_case_replies_hands_it_back_or_closes_it(
    service: HandoffService, sessions: sessionmaker[Session]
) -> None:
    created = service.create(request(), MONDAY)
    book = CaseBook(service)
    with sessions() as session:
        handoff_id = session.scalar(
            select(Handoff.id).where(Handoff.reference == created.reference)
        )
    assert handoff_id is not None
    team = created.team.id
    book.claim(handoff_id, "anna", team)
    for act in (
        lambda: book.reply(handoff_id, "bert", team, "ik help je"),
        lambda: book.hand_back(handoff_id, "bert", team, "de bot weer"),
        lambda: book.resolve(handoff_id, "bert", team, "other"),
    ):
        with pytest.raises(ClaimedByOtherError):
            act()
    assert book.reply(handoff_id, "anna", team, "ik help je")
    with sessions() as session:
        refused = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "forbidden")
        ).all()
    assert refused == ["bert", "bert", "bert"]
