"""Faults, on loopback, against the real Rasa of the test stack: a database locked by another
process, a long Twilio outage, a hung Twilio API, a Telegram API that fails. In each, no
message is lost, none is answered twice, and each person's replies keep their order.

Every test starts its own app service (its own SQLite database and its own fakes of Twilio
and Telegram), so a fault never reaches another test. The numbers are printed
(`pytest -s`), as `faults | …` lines.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker
from twilio.request_validator import RequestValidator

from bot.db.crypto import Cipher
from bot.db.models import Contact, InboundMessage, OutboxMessage
from bot.shared.settings import load_settings
from tests.e2e.conftest import PUBLIC_BASE_URL, RunningStack, app_beside, report_fault
from tests.e2e.test_channels import telegram_update
from tests.fakes.servers import serve
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio

pytestmark = pytest.mark.e2e

TELEGRAM_SECRET = "telegram-secret-for-fault-tests"
# A person writes, waits for the answer, writes again: each turn is a message whose answer
# can be told apart from the others'.
TURNS = ("hoi", "ik heb ww en wil taarten verkopen, mag dat?", "dank je wel")


def report(line: str) -> None:
    report_fault(line)


@dataclass
class FaultApp:
    url: str
    env: dict[str, str]
    twilio: FakeTwilio
    telegram: FakeTelegram
    resent: list[int] = field(default_factory=lambda: [0])  # webhooks sent again after a 5xx

    @property
    def database(self) -> Path:
        return Path(self.env["WEGWIJS_DATA_DIR"]) / "wegwijs.db"

    def sms(self, number: str, body: str, sid: str | None = None) -> None:
        """One inbound SMS, sent again after a 5xx with the same MessageSid, as Twilio does
        with a retry count on the webhook."""
        params = {
            "From": number,
            "To": "+3197010000000",
            "Body": body,
            "MessageSid": sid or "SM" + os.urandom(16).hex(),
        }
        signed = f"{PUBLIC_BASE_URL}/channels/twilio"
        signature = RequestValidator(self.twilio.auth_token).compute_signature(signed, params)
        self._until_taken(
            "/channels/twilio", data=params, headers={"X-Twilio-Signature": signature}
        )

    def telegram_message(self, update: dict[str, Any]) -> None:
        secret = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        self._until_taken("/channels/telegram", json=update, headers=secret)

    def _until_taken(self, path: str, **request: Any) -> None:
        """Sent again after a 503, as Twilio and Telegram do with a webhook."""
        for _ in range(10):
            response = httpx.post(f"{self.url}{path}", timeout=60, **request)
            if response.status_code == 200:
                return
            assert response.status_code == 503, response.text
            self.resent[0] += 1
            time.sleep(1)
        raise AssertionError(f"a message to {path} was never accepted")

    def outbox(self) -> dict[str, list[tuple[str, str]]]:
        """Per address, the outbox rows in order: (status, body)."""
        settings = load_settings(self.env)
        cipher = Cipher(settings.secret_key)
        sessions = sessionmaker(create_engine(settings.database_url))
        found: dict[str, list[tuple[str, str]]] = {}
        with sessions() as session:
            rows = session.execute(
                select(Contact.address_enc, OutboxMessage.status, OutboxMessage.body_enc)
                .join(Contact, Contact.id == OutboxMessage.contact_id)
                .order_by(OutboxMessage.id)
            ).all()
            for address, status, body in rows:
                found.setdefault(cipher.decrypt(address), []).append((status, cipher.decrypt(body)))
        return found

    def inbound_statuses(self) -> list[str]:
        settings = load_settings(self.env)
        with sessionmaker(create_engine(settings.database_url))() as session:
            return list(session.scalars(select(InboundMessage.status)).all())

    def wait_until_sent(self, count: int, timeout: float) -> dict[str, list[tuple[str, str]]]:
        deadline = time.monotonic() + timeout
        while True:
            rows = self.outbox()
            statuses = [status for per in rows.values() for status, _ in per]
            if len(statuses) >= count and not {"queued", "sending"} & set(statuses):
                return rows
            if time.monotonic() > deadline:
                return rows
            time.sleep(0.5)


@pytest.fixture
def fault_app(tmp_path: Path, stack: RunningStack) -> Iterator[FaultApp]:
    twilio, telegram = FakeTwilio(), FakeTelegram()
    with serve(twilio.app()) as twilio_url, serve(telegram.app()) as telegram_url:
        settings = {
            "WEGWIJS_RASA_URL": stack.rasa_url,
            "WEGWIJS_ACTION_SERVER_URL": stack.actions_url,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "TWILIO_ACCOUNT_SID": twilio.account_sid,
            "TWILIO_AUTH_TOKEN": twilio.auth_token,
            "TWILIO_SMS_FROM": "+3197010000000",
            "TWILIO_API_BASE": twilio_url,
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "TELEGRAM_API_BASE": telegram_url,
            "WEGWIJS_RATE_LIMIT_PER_MINUTE": "60",
            "WEGWIJS_OUTBOX_LONGEST_WAIT_SECONDS": "4",
            "WEGWIJS_PROVIDER_TIMEOUT_SECONDS": "2",
        }
        leave_out = ("TWILIO_", "TELEGRAM_", "PUBLIC_BASE_URL", "DATABASE_URL")
        with app_beside(tmp_path, settings, leave_out) as app:
            yield FaultApp(app.url, app.env, twilio, telegram)


def numbers(count: int) -> list[str]:
    return [f"+3161{random.randint(1_000_000, 9_999_999)}" for _ in range(count)]


def converse(app: FaultApp, people: list[str]) -> None:
    """Each person sends the turns one after another; the people at the same time."""
    failures: list[BaseException] = []

    def person(number: str) -> None:
        try:
            for text in TURNS:
                app.sms(number, text)
        except BaseException as error:  # reported by the test, not lost in a thread
            failures.append(error)

    threads = [threading.Thread(target=person, args=(number,)) for number in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not failures, failures


def check_in_order_once(app: FaultApp, people: list[str], label: str) -> None:
    """Every outbox row sent, the provider got exactly those rows per person in that order
    (none lost, none twice), and each person's answers follow their turns."""
    rows = app.outbox()
    lost = twice = out_of_order = 0
    for number in people:
        mine = rows.get(number, [])
        lost += sum(status != "sent" for status, _ in mine)
        delivered = [str(message["body"]) for message in app.twilio.sent_to(number)]
        expected = [body for _, body in mine]
        twice += max(0, len(delivered) - len(expected))
        if delivered != expected:
            out_of_order += 1
        text = "\n".join(delivered)
        greeting, answer = text.find("Wegwijs"), text.find("WW")
        if not (0 <= greeting < answer):
            out_of_order += 1
    answered = app.inbound_statuses()
    report(
        f"{label}: {len(answered)} messages in, {sum(s == 'done' for s in answered)} answered, "
        f"{lost} replies lost, {twice} twice, {out_of_order} people out of order, "
        f"{app.resent[0]} webhooks sent again after a 503"
    )
    assert len(answered) == len(people) * len(TURNS)
    assert all(status == "done" for status in answered), answered
    assert (lost, twice, out_of_order) == (0, 0, 0)


def test_a_database_locked_for_8_seconds_loses_nothing(fault_app: FaultApp) -> None:
    people = numbers(2)
    locked = threading.Event()

    def hold_the_lock() -> None:
        connection = sqlite3.connect(fault_app.database, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(8)
        connection.execute("COMMIT")
        connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert locked.wait(10)
    health: list[float] = []

    def probe() -> None:
        while holder.is_alive():
            started = time.perf_counter()
            httpx.get(f"{fault_app.url}/healthz", timeout=10)
            health.append(time.perf_counter() - started)
            time.sleep(0.2)

    prober = threading.Thread(target=probe)
    prober.start()
    converse(fault_app, people)
    holder.join()
    prober.join()
    fault_app.wait_until_sent(len(people) * len(TURNS), timeout=60)
    slowest = max(health)
    report(f"database locked 8 s: /healthz slowest {slowest * 1000:.0f} ms over {len(health)}")
    check_in_order_once(fault_app, people, "database locked 8 s")
    assert slowest < 1.0  # the event loop was never blocked by the lock


def test_a_150_second_twilio_outage_loses_nothing_and_keeps_order(fault_app: FaultApp) -> None:
    people = numbers(4)
    fault_app.twilio.down_for(150)
    started = time.monotonic()
    converse(fault_app, people)
    while time.monotonic() - started < 150:
        assert not fault_app.twilio.messages  # nothing got through during the outage
        time.sleep(5)
    fault_app.wait_until_sent(len(people) * len(TURNS), timeout=60)
    report(f"Twilio down 150 s: {fault_app.twilio.attempts} calls to the API")
    check_in_order_once(fault_app, people, "Twilio down 150 s")


def test_a_hung_twilio_request_holds_up_nobody_else(fault_app: FaultApp) -> None:
    first, second = numbers(2)
    fault_app.twilio.hang_next(1, seconds=60)
    fault_app.sms(first, TURNS[0])  # its first reply hangs
    sent_at = time.monotonic()
    fault_app.sms(second, TURNS[0])
    while not fault_app.twilio.sent_to(second) and time.monotonic() - sent_at < 30:
        time.sleep(0.1)
    waited = time.monotonic() - sent_at
    report(f"a hung Twilio call: another person's reply came after {waited:.1f} s")
    assert fault_app.twilio.sent_to(second) and waited < 10
    for text in TURNS[1:]:
        fault_app.sms(first, text)
        fault_app.sms(second, text)
    fault_app.wait_until_sent(6, timeout=60)
    check_in_order_once(fault_app, [first, second], "a hung Twilio call")


def test_a_failing_telegram_api_loses_nothing(fault_app: FaultApp) -> None:
    chats = [random.randint(1_000_000, 9_999_999) for _ in range(2)]
    base = random.randint(100_000_000, 900_000_000)
    fault_app.telegram.down_for(20)
    for turn, text in enumerate(TURNS):
        for number, chat in enumerate(chats):
            fault_app.telegram_message(telegram_update(base + turn * 10 + number, chat, text=text))
    rows = fault_app.wait_until_sent(len(chats) * len(TURNS), timeout=90)
    lost = twice = out_of_order = 0
    for chat in chats:
        mine = rows.get(str(chat), [])
        lost += sum(status != "sent" for status, _ in mine)
        delivered = [message["text"] for message in fault_app.telegram.sent_to(chat)]
        twice += max(0, len(delivered) - len(mine))
        text = "\n".join(delivered)
        if not (0 <= text.find("Wegwijs") < text.find("WW")) or len(delivered) != len(mine):
            out_of_order += 1
    report(
        f"Telegram down 20 s: {fault_app.telegram.failed_sends} failed sends, {lost} lost, "
        f"{twice} twice, {out_of_order} chats out of order"
    )
    assert fault_app.telegram.failed_sends > 0
    assert (lost, twice, out_of_order) == (0, 0, 0)
