"""Malformed input on every inbound path, seeded and bounded, against an app service of its
own (with the real Rasa of the test stack behind it): at least 1,000 requests per path, and
not one 5xx. The well-formed messages among them are each stored once and answered (none
left pending), also when they are sent twice. The numbers are printed as `faults | …`.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker
from twilio.request_validator import RequestValidator

from bot.db.models import InboundMessage
from bot.shared.settings import load_settings
from tests.e2e.conftest import PUBLIC_BASE_URL, report_fault
from tests.e2e.test_faults import TELEGRAM_SECRET, FaultApp, fault_app  # noqa: F401

pytestmark = pytest.mark.e2e

PER_PATH = 1000
SEED = 20261203
ODD = [
    "", " ", "\x00", "\u202e", "😀" * 50, "x" * 5000, "-1", "NaN", "1e999", "null", "[]", "{}",
    "<Response/>", "%00%ff", "/session_start", "/restart", "'; drop table x;--", "\ud7ff",
    "+31612345678", "whatsapp:+31612345678", "whatsapp:", "0", "99999999999999999999999",
    "hoi", "ik heb ww, mag ik werken?", "STOP", "start", "wis mijn gegevens", "1",
]  # fmt: skip


def junk(rng: random.Random, depth: int = 0) -> Any:
    """A random JSON value: deep, wide, odd numbers and strings."""
    kind = rng.randrange(8 if depth < 4 else 4)
    if kind == 0:
        return rng.choice(ODD)
    if kind == 1:
        return rng.choice([0, -1, 2**63, 2**64 + 1, 1.5, float(rng.random()), True, None])
    if kind == 2:
        return "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(0, 40)))
    if kind == 3:
        return rng.randrange(-(2**70), 2**70)
    if kind in (4, 5):
        return {rng.choice(["update_id", "message", "text", "chat", "id", "from", "session",
                            "message_id", "callback_query", "data", rng.choice(ODD)]):
                junk(rng, depth + 1) for _ in range(rng.randrange(0, 6))}  # fmt: skip
    return [junk(rng, depth + 1) for _ in range(rng.randrange(0, 5))]


def hammer(label: str, send: Callable[[int], httpx.Response]) -> dict[int, int]:
    """PER_PATH requests, a few at a time; the count per status code (0: no answer in time)."""
    statuses: dict[int, int] = {}

    def one(number: int) -> int:
        try:
            return send(number).status_code
        except httpx.TimeoutException:
            report_fault(f"fuzz {label}: request {number} got no answer in time")
            return 0

    with ThreadPoolExecutor(max_workers=6) as pool:
        for status in pool.map(one, range(PER_PATH)):
            statuses[status] = statuses.get(status, 0) + 1
    errors = sum(count for status, count in statuses.items() if status >= 500 or status == 0)
    report_fault(f"fuzz {label}: {PER_PATH} requests, {errors} 5xx, statuses {statuses}")
    return statuses


def test_malformed_requests_on_every_path_get_no_5xx(fault_app: FaultApp) -> None:  # noqa: F811
    rng = random.Random(SEED)
    client = httpx.Client(timeout=30)
    url = fault_app.url
    validator = RequestValidator(fault_app.twilio.auth_token)
    valid_sids: set[str] = set()
    plans: list[dict[str, str]] = []
    for number in range(PER_PATH):
        params = {
            key: rng.choice(ODD)
            for key in rng.sample(
                ["From", "To", "Body", "MessageSid", "NumMedia", "Latitude", "MediaUrl0", "X"],
                rng.randrange(0, 8),
            )
        }
        if number % 25 == 0:  # a well-formed message now and then, some sent twice
            params = {
                "From": f"+3164{number // 50:07d}",
                "Body": rng.choice(["hoi", "ik heb ww, mag ik 2 dagen werken?", "dank je"]),
                "MessageSid": f"SM{SEED}{number // 50:030d}",
            }
            valid_sids.add(params["MessageSid"])
        plans.append(params)

    def twilio(number: int) -> httpx.Response:
        params = plans[number]
        signed = validator.compute_signature(f"{PUBLIC_BASE_URL}/channels/twilio", params)
        forged = number % 7 == 0 and params.get("MessageSid") not in valid_sids
        headers = {"X-Twilio-Signature": "forged" if forged else signed}
        return client.post(f"{url}/channels/twilio", data=params, headers=headers)

    bodies = [json.dumps(junk(rng)).encode() for _ in range(PER_PATH)]
    bodies[::40] = [b"{" * 60_000] * len(bodies[::40])  # deeply nested and unfinished

    def telegram(number: int) -> httpx.Response:
        headers = {
            "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
            "content-type": "application/json",
        }
        return client.post(f"{url}/channels/telegram", content=bodies[number], headers=headers)

    def kiosk(number: int) -> httpx.Response:
        return client.post(f"{url}/kiosk/api/message", content=bodies[-number - 1],
                           headers={"content-type": "application/json"})  # fmt: skip

    token = load_settings(fault_app.env).nlg_token

    def nlg(number: int) -> httpx.Response:
        return client.post(f"{url}/nlg", params={"token": token}, content=bodies[number],
                           headers={"content-type": "application/json"})  # fmt: skip

    def inbox(number: int) -> httpx.Response:
        target = rng.choice(["1", "-1", "0", str(2**64), "abc", "9" * 30, "%00"])
        verb = rng.choice(["claim", "reply", "resolve", "x" * 300])
        return client.post(f"{url}/inbox/handoffs/{target}/{verb}", content=bodies[number])

    paths = {"twilio": twilio, "telegram": telegram, "kiosk": kiosk, "nlg": nlg, "inbox": inbox}
    errors = {}
    for label, send in paths.items():
        statuses = hammer(label, send)
        errors[label] = sum(count for status, count in statuses.items() if status >= 500)
    deadline = time.monotonic() + 120
    settings = load_settings(fault_app.env)
    sessions = sessionmaker(create_engine(settings.database_url))
    while True:  # the well-formed ones are answered: none left pending
        with sessions() as session:
            pending = session.scalars(
                select(InboundMessage.id).where(InboundMessage.status == "pending")
            ).all()
            stored = session.scalars(
                select(InboundMessage.external_id).where(InboundMessage.channel == "sms")
            ).all()
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(1)
    twice = len(stored) - len(set(stored))
    report_fault(
        f"fuzz: {len(valid_sids)} well-formed SMS, {len(set(stored) & valid_sids)} "
        f"stored, {len(pending)} unanswered, {twice} stored twice"
    )
    assert errors == dict.fromkeys(paths, 0)
    assert valid_sids <= set(stored) and not pending and twice == 0
