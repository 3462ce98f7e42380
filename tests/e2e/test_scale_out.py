"""Scale-out on one machine: 2 Rasa replicas, 2 app processes and the action server on
PostgreSQL and Redis. 20 people hold 10-turn SMS conversations, each turn through either
app process; one Rasa replica is killed halfway. Every reply arrives, in order, none
twice; every message is once in the tracker store; no conversation is answered by two
replicas at once (it moves only when its replica is gone).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import sessionmaker
from twilio.request_validator import RequestValidator

from bot.db.crypto import Cipher
from bot.db.models import Contact, OutboxMessage
from bot.launcher import child_environment, services
from bot.shared.settings import load_settings
from tests.e2e.conftest import PUBLIC_BASE_URL, ROOT, report_fault
from tests.e2e.test_production_stores import postgres, redis_url  # noqa: F401
from tests.fakes.servers import free_port, serve
from tests.fakes.twilio_api import FakeTwilio

pytestmark = pytest.mark.e2e
TURNS = [
    "hoi", "ik heb ww", "mag ik 2 dagen per week werken?", "en als het 3 dagen zijn?",
    "waarom?", "ik heb ook huurtoeslag", "moet ik dat ook doorgeven?", "waar staat dat?",
    "ok", "dank je wel",
]  # fmt: skip
PEOPLE = 20


def wait_up(url: str, process: subprocess.Popen[bytes], timeout: float = 400) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} stopped during start-up")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"{url} did not start")


@pytest.fixture
def scaled(
    postgres: str,  # noqa: F811
    redis_url: str,  # noqa: F811
    tmp_path: Path,
) -> Iterator[tuple[dict[str, str], list[str], list[subprocess.Popen[bytes]], FakeTwilio]]:
    twilio = FakeTwilio()
    with serve(twilio.app()) as twilio_url:
        ports = {name: str(free_port()) for name in ("app1", "app2", "rasa1", "rasa2", "actions")}
        rasa_urls = [f"http://127.0.0.1:{ports['rasa1']}", f"http://127.0.0.1:{ports['rasa2']}"]
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "TELEGRAM_"))},
            "WEGWIJS_ENV": "test",
            "WEGWIJS_DATA_DIR": str(tmp_path),
            "WEGWIJS_SECRET_KEY": "s" * 40,
            "DATABASE_URL": f"{postgres}/wegwijs",
            "WEGWIJS_TRACKER_STORE_URL": f"{postgres}/rasa",
            "WEGWIJS_LOCK_STORE": "redis",
            "REDIS_URL": redis_url,
            "WEGWIJS_APP_PORT": str(ports["app1"]),
            "WEGWIJS_ACTIONS_PORT": str(ports["actions"]),
            "WEGWIJS_RASA_URLS": ",".join(rasa_urls),
            "WEGWIJS_LOG_LEVEL": "debug",
            "WEGWIJS_RATE_LIMIT_PER_MINUTE": "60",
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "TWILIO_ACCOUNT_SID": twilio.account_sid,
            "TWILIO_AUTH_TOKEN": twilio.auth_token,
            "TWILIO_SMS_FROM": "+3197010000000",
            "TWILIO_API_BASE": twilio_url,
        }
        subprocess.run(
            [sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True
        )
        settings = load_settings(env)
        base = {**child_environment(settings), **env}
        processes: list[subprocess.Popen[bytes]] = []
        logs: list[Path] = []

        def start(name: str, command: list[str], extra: dict[str, str]) -> subprocess.Popen[bytes]:
            log = tmp_path / f"{name}.log"
            logs.append(log)
            process = subprocess.Popen(
                command, cwd=ROOT, env={**base, **extra}, stdout=log.open("wb"),
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            processes.append(process)
            return process

        try:

            def command(service: str, port_variable: str, port: str) -> list[str]:
                """The command `make run` starts that service with, on this port."""
                replica = load_settings({**env, port_variable: port})
                return next(s for s in services(replica) if s.name == service).command

            actions = start(
                "actions",
                command("actions", "WEGWIJS_ACTIONS_PORT", ports["actions"]),
                settings.actions_environment(),
            )
            replicas = [
                start(name, command("rasa", "WEGWIJS_RASA_PORT", ports[name]), {})
                for name in ("rasa1", "rasa2")
            ]
            apps = [
                start(
                    name,
                    command("app", "WEGWIJS_APP_PORT", ports[name]),
                    {"WEGWIJS_APP_PORT": ports[name]},
                )
                for name in ("app1", "app2")
            ]
            wait_up(f"http://127.0.0.1:{ports['actions']}/health", actions)
            for url, process in zip(rasa_urls, replicas, strict=True):
                wait_up(f"{url}/", process)
            for name, process in zip(("app1", "app2"), apps, strict=True):
                wait_up(f"http://127.0.0.1:{ports[name]}/healthz", process)
            app_urls = [f"http://127.0.0.1:{ports['app1']}", f"http://127.0.0.1:{ports['app2']}"]
            yield env, app_urls, replicas, twilio
        finally:
            for process in processes:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def test_two_replicas_two_apps_and_a_replica_killed_halfway(scaled) -> None:  # type: ignore[no-untyped-def]
    env, app_urls, replicas, twilio = scaled
    validator = RequestValidator(twilio.auth_token)
    people = [f"+3165{random.randint(1_000_000, 9_999_999)}" for _ in range(PEOPLE)]
    halfway = threading.Barrier(PEOPLE + 1)
    failures: list[BaseException] = []

    def converse(person: str) -> None:
        try:
            for turn, words in enumerate(TURNS):
                if turn == len(TURNS) // 2:
                    halfway.wait(timeout=300)  # everyone halfway: a replica is killed now
                    halfway.wait(timeout=300)
                params = {"From": person, "To": "+3197010000000", "Body": words,
                          "MessageSid": "SM" + os.urandom(16).hex()}  # fmt: skip
                signature = validator.compute_signature(
                    f"{PUBLIC_BASE_URL}/channels/twilio", params
                )
                app = app_urls[(turn + people.index(person)) % 2]  # both app processes
                for _ in range(10):
                    response = httpx.post(
                        f"{app}/channels/twilio",
                        data=params,
                        headers={"X-Twilio-Signature": signature},
                        timeout=120,
                    )
                    if response.status_code == 200:
                        break
                    time.sleep(1)
                assert response.status_code == 200, response.text
        except BaseException as error:
            failures.append(error)
            halfway.abort()

    threads = [threading.Thread(target=converse, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    halfway.wait(timeout=300)
    killed = replicas[0]
    os.killpg(killed.pid, signal.SIGKILL)
    halfway.wait(timeout=300)
    for thread in threads:
        thread.join(timeout=600)
    assert not failures, failures

    settings = load_settings(env)
    cipher = Cipher(settings.secret_key)
    sessions = sessionmaker(create_engine(settings.database_url))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # the outbox has sent everything
        with sessions() as session:
            if (
                session.scalar(
                    select(OutboxMessage.id).where(OutboxMessage.status.in_(("queued", "sending")))
                )
                is None
            ):
                break
        time.sleep(1)
    lost = twice = out_of_order = 0
    with sessions() as session:
        rows = session.execute(
            select(
                Contact.address_enc,
                Contact.sender_hash,
                OutboxMessage.status,
                OutboxMessage.body_enc,
            )
            .join(Contact, Contact.id == OutboxMessage.contact_id)
            .order_by(OutboxMessage.id)
        ).all()
    expected: dict[str, list[str]] = {}
    senders: dict[str, str] = {}
    for address, key, status, body in rows:
        number = cipher.decrypt(address)
        lost += status != "sent"
        expected.setdefault(number, []).append(cipher.decrypt(body))
        senders[number] = f"sms:{key[:32]}"
    for person in people:
        delivered = [str(m["body"]) for m in twilio.sent_to(person)]
        twice += max(0, len(delivered) - len(expected.get(person, [])))
        out_of_order += delivered != expected.get(person)
    tracker = create_engine(
        f"{settings.tracker_store_url.replace('postgresql://', 'postgresql+psycopg://')}"
    )
    doubled = 0
    with tracker.connect() as connection:
        for person in people:
            texts = (
                connection.execute(
                    text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user'"),
                    {"s": senders[person]},
                )
                .scalars()
                .all()
            )
            words = [json.loads(t).get("text") for t in texts]
            doubled += len(words) - len(set(words))
    split = 0  # a conversation that went back and forth between the replicas
    entries = []
    for name in ("app1", "app2"):
        for line in (Path(env["WEGWIJS_DATA_DIR"]) / f"{name}.log").read_text().splitlines():
            if "answered by Rasa replica" in line and line.startswith("{"):
                entries.append(json.loads(line))
    answered_by: dict[str, list[str]] = {}
    for entry in sorted(entries, key=lambda entry: entry["time"]):  # both processes, in time
        answered_by.setdefault(entry["conversation"], []).append(entry["message"][-1])
    for sequence in answered_by.values():
        changes = sum(a != b for a, b in itertools.pairwise(sequence))
        split += changes > 1 or (changes == 1 and sequence[0] != "0")
    report_fault(
        f"scale-out: {PEOPLE} people × {len(TURNS)} turns over 2 apps and 2 Rasa replicas, "
        f"one killed halfway: {lost} replies lost, {twice} twice, {out_of_order} people out of "
        f"order, {doubled} messages twice in the tracker, {split} conversations split"
    )
    assert (lost, twice, out_of_order, doubled, split) == (0, 0, 0, 0, 0)
    assert len(answered_by) == PEOPLE
