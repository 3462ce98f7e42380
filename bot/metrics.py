"""`/metrics` (Prometheus text format, prometheus-client) and `/readyz`.

Counters and a histogram live in this module's registry and are updated where things
happen (turns in the gateway, tries in the outbox); the queue depths and the handoffs per
state are counted from the database when `/metrics` is read. No label holds anything of a
person: channels, states and outcomes only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Handoff, InboundMessage, OutboxMessage

REGISTRY = CollectorRegistry()
TURNS = Counter(
    "wegwijs_turns", "Messages answered by Rasa, per channel", ["channel"], registry=REGISTRY
)
TURN_SECONDS = Histogram(
    "wegwijs_turn_seconds",
    "Time from a stored message to its answer from Rasa",
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 16),
    registry=REGISTRY,
)
OUTBOX_TRIES = Counter(
    "wegwijs_outbox_tries",
    "Tries to send an outbox message, per channel and outcome",
    ["channel", "outcome"],
    registry=REGISTRY,
)
router = APIRouter()


class StateCollector(Collector):
    """What waits and what is open, counted from the database when scraped."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self.sessions() as session:
            pending = session.scalar(select(func.count()).where(InboundMessage.status == "pending"))
            queued = session.execute(
                select(OutboxMessage.channel, func.count())
                .where(OutboxMessage.status == "queued")
                .group_by(OutboxMessage.channel)
            ).all()
            handoffs = session.execute(
                select(Handoff.status, func.count()).group_by(Handoff.status)
            ).all()
        inbound = GaugeMetricFamily(
            "wegwijs_inbound_pending", "Stored messages waiting for Rasa (kept while it is down)"
        )
        inbound.add_metric([], float(pending or 0))
        yield inbound
        outbox = GaugeMetricFamily(
            "wegwijs_outbox_queued", "Outbox messages not sent yet", labels=["channel"]
        )
        for channel, count in queued:
            outbox.add_metric([str(channel)], float(count))
        yield outbox
        states = GaugeMetricFamily("wegwijs_handoffs", "Handoffs per state", labels=["state"])
        for state, count in handoffs:
            states.add_metric([str(state)], float(count))
        yield states


def _exposition(sessions: sessionmaker[Session]) -> bytes:
    now_registry = CollectorRegistry()
    now_registry.register(StateCollector(sessions))
    return generate_latest(REGISTRY) + generate_latest(now_registry)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    body = await asyncio.to_thread(_exposition, request.app.state.sessions)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _database_ok(sessions: sessionmaker[Session]) -> bool:
    try:
        with sessions() as session:
            session.execute(select(1))
    except Exception:  # any failure means: not ready
        return False
    return True


@router.get("/readyz")
async def ready(request: Request) -> JSONResponse:
    """Ready to serve: the database answers, and Rasa with the action server behind it."""
    state: Any = request.app.state
    checks = {
        "database": await asyncio.to_thread(_database_ok, state.sessions),
        "rasa_and_actions": await state.rasa.healthy(),
    }
    body = {name: "ok" if fine else "down" for name, fine in checks.items()}
    return JSONResponse(body, status_code=200 if all(checks.values()) else 503)
