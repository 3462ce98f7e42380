"""The gateway with a real SQLite store and a local fake of Rasa's REST channel: nothing is
lost when Rasa (or the action server behind it) cannot answer, and kept messages are
answered in order when it is back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.channels.gateway import Gateway
from bot.channels.mailbox_delivery import MailboxDeliverer
from bot.channels.rasa_client import RasaClient, transcript_lines
from bot.channels.store import ChannelStore
from bot.db.crypto import Cipher
from bot.db.migrate import upgrade
from bot.db.session import make_engine, make_session_factory
from bot.i18n.catalogs import MessageCatalogs
from bot.shared.number_sealing import public_key, seal
from tests.fakes.servers import serve

SECRET = "s" * 40


@dataclass
class FakeRasa:
    """Answers like Rasa's REST channel; `actions_up` False makes it answer nothing."""

    actions_up: bool = True
    received: list[str] = field(default_factory=list)
    scripted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/")
        async def root() -> str:
            return "Hello from Rasa"

        @app.get("/health")
        async def actions_health() -> JSONResponse:
            return JSONResponse({"status": "ok"}, status_code=200 if self.actions_up else 503)

        @app.post("/webhooks/rest/webhook")
        async def webhook(request: Request) -> list[dict[str, Any]]:
            body = await request.json()
            if not self.actions_up:
                return []
            self.received.append(body["message"])
            if body["message"] in self.scripted:
                return self.scripted[body["message"]]
            return [{"recipient_id": body["sender"], "text": f"antwoord op: {body['message']}"}]

        return app


@pytest.fixture
def fake_rasa() -> Iterator[tuple[FakeRasa, str]]:
    fake = FakeRasa()
    with serve(fake.app()) as url:
        yield fake, url


@pytest.fixture
def gateway(tmp_path: Path, fake_rasa: tuple[FakeRasa, str]) -> Gateway:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade(url)
    store = ChannelStore(make_session_factory(make_engine(url)), Cipher(SECRET), SECRET)
    rasa = RasaClient(fake_rasa[1], actions_url=fake_rasa[1])
    return Gateway(store, rasa, MessageCatalogs(), "nl", per_minute=20, secret_keys=(SECRET,))


async def test_no_answer_because_the_actions_are_down_is_kept_and_answered_later(
    gateway: Gateway, fake_rasa: tuple[FakeRasa, str]
) -> None:
    fake, _ = fake_rasa
    kiosk = MailboxDeliverer("kiosk")
    fake.actions_up = False
    await gateway.handle("kiosk", "m1", "a" * 32, "eerste vraag", kiosk)
    await gateway.handle("kiosk", "m2", "a" * 32, "tweede vraag", kiosk)
    told = await kiosk.take("a" * 32)
    assert [m["text"] for m in told] == [
        "Ik ben even niet bereikbaar. Ik antwoord zo snel mogelijk. Je bericht is bewaard."
    ]
    assert await gateway.retry_pending({"kiosk": kiosk}) == 0  # still down: nothing lost
    fake.actions_up = True
    assert await gateway.retry_pending({"kiosk": kiosk}) == 2
    answers = [m["text"] for m in await kiosk.take("a" * 32)]
    assert answers == ["antwoord op: eerste vraag", "antwoord op: tweede vraag"]
    assert await gateway.retry_pending({"kiosk": kiosk}) == 0


async def test_a_number_rasa_holds_sealed_is_shown_whole_only_to_the_person(
    gateway: Gateway, fake_rasa: tuple[FakeRasa, str]
) -> None:
    number = seal("+31612345678", public_key(SECRET))
    reveal = {"shown": "06 •• •• •• 78", "sealed": number}
    fake_rasa[0].scripted["ja"] = [
        {"text": "Je krijgt een sms op 06 •• •• •• 78. Klopt dat?"},
        {"custom": {"reveal": reveal}},
    ]
    fake_rasa[0].scripted["nog eens"] = [
        {"text": "Op 06 •• •• •• 78?"},
        {"custom": {"reveal": {**reveal, "sealed": seal("+31612345678", public_key("x" * 40))}}},
    ]
    kiosk = MailboxDeliverer("kiosk")
    await gateway.handle("kiosk", "n1", "c" * 32, "ja", kiosk)
    assert [m["text"] for m in await kiosk.take("c" * 32)] == [
        "Je krijgt een sms op 06 12 34 56 78. Klopt dat?"
    ]
    await gateway.handle("kiosk", "n2", "c" * 32, "nog eens", kiosk)  # sealed for another key
    assert [m["text"] for m in await kiosk.take("c" * 32)] == ["Op 06 •• •• •• 78?"]


async def test_a_retried_message_id_is_answered_once(
    gateway: Gateway, fake_rasa: tuple[FakeRasa, str]
) -> None:
    kiosk = MailboxDeliverer("kiosk")
    for _ in range(3):
        await gateway.handle("kiosk", "same-id", "b" * 32, "hoi", kiosk)
    assert fake_rasa[0].received == ["hoi"]
    assert len(await kiosk.take("b" * 32)) == 1


async def test_a_flood_is_refused_with_one_warning(
    tmp_path: Path, fake_rasa: tuple[FakeRasa, str]
) -> None:
    url = f"sqlite:///{tmp_path / 'flood.db'}"
    upgrade(url)
    store = ChannelStore(make_session_factory(make_engine(url)), Cipher(SECRET), SECRET)
    gateway = Gateway(store, RasaClient(fake_rasa[1]), MessageCatalogs(), "nl", per_minute=3)
    kiosk = MailboxDeliverer("kiosk")
    for index in range(6):
        await gateway.handle("kiosk", f"f{index}", "c" * 32, f"bericht {index}", kiosk)
    texts = [m["text"] for m in await kiosk.take("c" * 32)]
    assert len(texts) == 4 and sum("veel berichten" in text for text in texts) == 1


async def test_a_typed_slash_is_only_an_intent_when_the_domain_has_it(
    tmp_path: Path, fake_rasa: tuple[FakeRasa, str]
) -> None:
    url = f"sqlite:///{tmp_path / 'slash.db'}"
    upgrade(url)
    store = ChannelStore(make_session_factory(make_engine(url)), Cipher(SECRET), SECRET)
    intents = frozenset({"greet", "ask_rules", "session_start", "restart"})
    gateway = Gateway(
        store, RasaClient(fake_rasa[1]), MessageCatalogs(), "nl", per_minute=20, intents=intents
    )
    kiosk = MailboxDeliverer("kiosk")
    said = [
        "/session_start",
        "/restart",
        "/foo bar",
        "/greet",
        '/ask_rules{"topic": "abroad"}',
        "/",
    ]
    for number, text in enumerate(said):
        await gateway.handle("kiosk", f"s{number}", "c" * 32, text, kiosk)
    assert fake_rasa[0].received == [
        "session_start", "restart", "foo bar", "/greet", '/ask_rules{"topic": "abroad"}', "?"
    ]  # fmt: skip
    assert len(await kiosk.take("c" * 32)) == len(said)  # every one answered


def test_a_turn_undone_after_an_outage_shows_once_in_the_transcript() -> None:
    events = [
        {"event": "user", "text": "hoi"},
        {"event": "bot", "text": "Hoi! Ik ben Wegwijs."},
        {"event": "user", "text": "mag ik werken?"},  # the action server died here
        {"event": "action", "name": "action_answer_question"},
        {"event": "rewind"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "mag ik werken?"},
        {"event": "bot", "text": "WW: ja, dat mag."},
        {"event": "user", "text": "/affirm"},
    ]
    assert transcript_lines(events) == [
        ("user", "hoi"),
        ("bot", "Hoi! Ik ben Wegwijs."),
        ("user", "mag ik werken?"),
        ("bot", "WW: ja, dat mag."),
    ]
