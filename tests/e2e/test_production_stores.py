"""The production options: PostgreSQL (tracker store and our database) and Redis (locks).

Real servers from Debian's packages, started here on free loopback ports in a temporary
folder; `make test` installs the packages when they are missing.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import create_engine, event, func, inspect, select, text

from bot.channels.shared_state import RedisMailboxes, RedisRateLimiter
from bot.channels.store import ChannelStore
from bot.db.crypto import Cipher
from bot.db.migrate import downgrade, upgrade
from bot.db.models import AuditEntry, Base, OutboxMessage
from bot.db.session import make_engine, make_session_factory
from bot.handoff.routing import routing
from bot.handoff.service import CaseBook, HandoffRequest, HandoffService, OtherTeamError
from tests.e2e.conftest import Fakes, free_port, new_sender, started_stack
from tests.e2e.test_channels import new_number, sms_until

POSTGRES_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
REDIS_SERVER = shutil.which("redis-server")

pytestmark = pytest.mark.skipif(
    not POSTGRES_BIN or not REDIS_SERVER,
    reason="PostgreSQL and Redis are not installed (make test installs them as root)",
)


def as_postgres_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; CI runs as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    bin_dir = Path(POSTGRES_BIN[-1])
    # Not under pytest's tmp folder: the postgres user cannot enter root's private folders.
    data = Path(tempfile.mkdtemp(prefix="wegwijs-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        as_postgres_user(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "wegwijs", "-A", "trust", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        as_postgres_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(data / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        admin = create_engine(f"postgresql+psycopg://wegwijs@127.0.0.1:{port}/postgres")
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("CREATE DATABASE rasa"))
            connection.execute(text("CREATE DATABASE wegwijs"))
        admin.dispose()
        yield f"postgresql://wegwijs@127.0.0.1:{port}"
    finally:
        subprocess.run(
            as_postgres_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    port = free_port()
    assert REDIS_SERVER is not None
    server = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ):
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def redis_commands(url: str) -> int:
    port = url.rsplit(":", 1)[1].split("/")[0]
    info = subprocess.run(
        ["redis-cli", "-p", port, "info", "stats"], capture_output=True, text=True
    ).stdout
    return int(info.split("total_commands_processed:")[1].split()[0])


def test_migrations_up_and_down_on_postgresql(postgres: str) -> None:
    url = f"{postgres}/wegwijs"
    upgrade(url)
    every_table = set(Base.metadata.tables)
    assert every_table <= set(inspect(make_engine(url)).get_table_names())
    downgrade(url)
    assert not every_table & set(inspect(make_engine(url)).get_table_names())
    upgrade(url)  # and up again: the downgrades leave nothing behind


def test_conversation_with_postgresql_and_redis(
    postgres: str, redis_url: str, tmp_path: Path, fakes: Fakes
) -> None:
    before = redis_commands(redis_url)
    with started_stack(
        tmp_path,
        **fakes.channel_settings(),
        DATABASE_URL=f"{postgres}/wegwijs",
        WEGWIJS_TRACKER_STORE_URL=f"{postgres}/rasa",
        WEGWIJS_LOCK_STORE="redis",
        REDIS_URL=redis_url,
    ) as stack:
        sender = new_sender()
        assert "Wegwijs" in stack.rasa(sender, "hoi")[0]["text"]
        assert stack.app("p1", "wat kun je").status_code == 200
        # The handoff path on PostgreSQL: consent, a phone call, a number, a confirmation.
        asker = new_sender()
        assert "Mag ik je vraag" in stack.rasa(asker, "ik wil iemand spreken")[0]["text"]
        assert "Hoe wil je contact" in stack.rasa(asker, "ja")[0]["text"]  # typed yes
        stack.rasa(asker, "bellen")
        assert "Bijvoorbeeld" in stack.rasa(asker, "0612")[0]["text"]  # asked again
        # Rasa holds the number sealed: straight from its REST channel, only masked.
        read_back = stack.rasa(asker, "06 31 41 59 26")[0]["text"]
        assert "Klopt dat?" in read_back and "06 •• •• •• 26" in read_back
        assert "kenmerk" in stack.rasa(asker, "ja")[0]["text"]
        # The same form through the signed Twilio webhook, stored on PostgreSQL.
        number = new_number()
        sms_until(stack, fakes, number, "ik heb ww en wil iemand spreken", "delen")
        sms_until(stack, fakes, number, "jawel", "WhatsApp")
        sms_until(stack, fakes, number, "whatsapp", "telefoonnummer")
        # Through the gateway the person sees their whole number.
        own = sms_until(stack, fakes, number, "dit nummer", "Klopt dat?")
        national = "0" + number.removeprefix("+31")
        assert " ".join(national[i : i + 2] for i in range(0, 10, 2)) in own
        assert "kenmerk" in sms_until(stack, fakes, number, "klopt", "kenmerk")
        stopper = new_sender()  # stop at the number step: nothing stored
        stack.rasa(stopper, "ik wil een mens spreken")
        stack.rasa(stopper, "ja")
        stack.rasa(stopper, "sms graag")
        assert "stop ermee" in stack.rasa(stopper, "annuleren")[0]["text"]
        # A kiosk reset deletes the conversation from the PostgreSQL tracker store too.
        session = httpx.post(f"{stack.app_url}/kiosk/api/session", timeout=30).json()["session"]
        message = {"session": session, "text": "hoi"}
        httpx.post(f"{stack.app_url}/kiosk/api/message", json=message, timeout=60)
        reset = httpx.post(
            f"{stack.app_url}/kiosk/api/reset", json={"session": session}, timeout=60
        )
        assert reset.status_code == 200

    tracker_db = make_engine(f"{postgres}/rasa")
    with tracker_db.connect() as connection:
        events = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalar_one()
    assert events > 3
    with tracker_db.connect() as connection:  # the handoff numbers only sealed or masked
        for digits in ("31415926", "31 41 59 26", number.removeprefix("+316")):
            found = text("SELECT count(*) FROM events WHERE data LIKE :d")
            assert connection.execute(found, {"d": f"%{digits}%"}).scalar_one() == 0, digits
    with make_engine(f"{postgres}/wegwijs").connect() as connection:
        chat = text("SELECT count(*) FROM channel_contacts WHERE channel = 'chat'")
        assert connection.execute(chat).scalar_one() == 1  # the chat API: through the gateway
        stored = connection.execute(text("SELECT number_enc FROM handoffs")).scalars().all()
        assert len(stored) == 2 and not any("631415926" in n for n in stored)  # encrypted
        assert connection.execute(text("SELECT count(*) FROM consent_records")).scalar_one() == 2
        kiosk_rows = (
            connection.execute(  # after the reset: one emptied, closed row only
                text("SELECT opted_out FROM channel_contacts WHERE channel = 'kiosk'")
            )
            .scalars()
            .all()
        )
        assert kiosk_rows == [True]
        kiosk_messages = connection.execute(
            text(
                "SELECT count(*) FROM inbound_messages m JOIN channel_contacts c"
                " ON c.id = m.contact_id WHERE c.channel = 'kiosk'"
            )
        ).scalar_one()
        assert kiosk_messages == 0
    with tracker_db.connect() as connection:
        kiosk_events = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id LIKE 'kiosk:%'")
        ).scalar_one()
    assert kiosk_events == 0
    assert redis_commands(redis_url) > before + 2
    assert not list(tmp_path.glob("*.db")), "nothing may fall back to SQLite"


def test_the_caseworker_path_on_postgresql(postgres: str) -> None:
    """Claim, reply, hand back, resolve and a refused other team, on the real PostgreSQL."""
    url = f"{postgres}/wegwijs"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    cipher = Cipher("p" * 40)
    store = ChannelStore(sessions, cipher, "p" * 40)
    service = HandoffService(sessions, cipher, store, routing(), "https://wegwijs.example.org")
    book = CaseBook(service)
    with sessions() as session:  # rows of earlier tests on this database have other keys
        before = session.scalar(select(func.max(OutboxMessage.id))) or 0
    asked = HandoffRequest(
        conversation="sms:" + "b" * 32,
        agency="gemeente",
        gemeente="Zwolle",
        topic="abroad",
        benefits=("bijstand",),
        question="mag ik 3 weken naar spanje?",
        way="sms",
        number="+31612345678",
        language="nl",
    )
    first, second = service.create(asked), service.create(asked)
    [one, two] = sorted(book.open_cases("zwolle-werk-inkomen"), key=lambda case: case.id)
    assert (one.reference, two.reference) == (first.reference, second.reference)
    assert one.question == "mag ik 3 weken naar spanje?" and one.topic == "abroad"
    with pytest.raises(OtherTeamError):
        book.open_case(one.id, "zeno", "utrecht-werk-inkomen")
    book.claim(one.id, "anna", "zwolle-werk-inkomen")
    assert service.taken_over(asked.conversation) == one.id
    assert book.reply(one.id, "anna", "zwolle-werk-inkomen", "Ik bel je morgen.")
    book.hand_back(one.id, "anna", "zwolle-werk-inkomen", "Je praat weer met Wegwijs.")
    book.resolve(two.id, "anna", "zwolle-werk-inkomen", "rule_unclear")
    assert book.open_cases("zwolle-werk-inkomen") == []
    with sessions() as session:
        sent = [
            cipher.decrypt(row.body_enc)
            for row in session.scalars(
                select(OutboxMessage).where(OutboxMessage.id > before).order_by(OutboxMessage.id)
            )
            if row.kind != "alert"
        ]
        actions = set(session.scalars(select(AuditEntry.action)))
    assert sent == ["Ik bel je morgen.", "Je praat weer met Wegwijs."]
    assert {"claimed", "replied", "handed_back", "resolved", "forbidden"} <= actions


def test_a_new_contact_created_at_the_same_moment_loses_no_message(postgres: str) -> None:
    """Two first messages from one new number can arrive together on PostgreSQL: the one
    whose contact insert collides is stored on the second try, not taken for a duplicate."""
    url = f"{postgres}/wegwijs"
    upgrade(url)
    engine = make_engine(url)
    store = ChannelStore(make_session_factory(engine), Cipher("r" * 40), "r" * 40)
    rival = ChannelStore(make_session_factory(make_engine(url)), Cipher("r" * 40), "r" * 40)
    address = "whatsapp:+31612000111"
    raced: list[int] = []

    def the_other_message_wins(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("INSERT INTO channel_contacts") and not raced:
            raced.append(rival.receive("wa", "SM-other", address, "hallo", "nl").contact.id)

    event.listen(engine, "before_cursor_execute", the_other_message_wins)
    received = store.receive("wa", "SM-mine", address, "mag ik een taart verkopen?", "nl")
    event.remove(engine, "before_cursor_execute", the_other_message_wins)
    assert raced, "the rival's contact was not created mid-way"
    assert received.inbound_id is not None  # stored, not ignored as a retry
    assert received.contact.id == raced[0]
    with engine.connect() as connection:
        count = "SELECT count(*) FROM inbound_messages WHERE contact_id = :c"
        assert connection.execute(text(count), {"c": raced[0]}).scalar_one() == 2


async def test_two_app_processes_share_the_rate_limit_and_the_kiosk_mailboxes(
    redis_url: str,
) -> None:
    """With WEGWIJS_LOCK_STORE=redis, what one app process counts or keeps, the other sees
    (two Redis clients stand for two processes)."""
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    try:
        limits = [RedisRateLimiter(first, 3), RedisRateLimiter(second, 3)]
        allowed = [await limits[n % 2].allow("sms:someone") for n in range(5)]
        assert allowed == [True, True, True, False, False]  # 3 a minute over both processes
        assert await limits[0].first_refusal("sms:someone")
        assert not await limits[1].first_refusal("sms:someone")  # warned once, not twice
        assert await limits[1].allow("sms:someone-else")
        reply = {"text": "Hoi!", "buttons": [{"title": "Hobby", "payload": "/ask_rules"}]}
        await RedisMailboxes(first).put("session1", [reply])
        assert await RedisMailboxes(second).take("session1") == [reply]
        assert await RedisMailboxes(first).take("session1") == []  # taken once
    finally:
        await first.aclose()
        await second.aclose()
