"""The app service over HTTP (ASGI in-process), with a real SQLite database."""

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.app import create_app
from bot.db.crypto import sender_hash
from bot.db.migrate import upgrade
from bot.db.models import Contact, InboundMessage
from bot.logs import CONVERSATION, JsonFormatter
from bot.shared.settings import load_settings
from tests.fakes.servers import free_port


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    # Nothing listens on the Rasa port: this is what the app sees when Rasa is down.
    settings = load_settings(
        {"WEGWIJS_DATA_DIR": str(tmp_path), "WEGWIJS_RASA_PORT": str(free_port())}
    )
    upgrade(settings.database_url)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "service": "app"}


def test_nlg_renders_what_rasa_asks_for(client: TestClient) -> None:
    body = {
        "response": "utter_greet",
        "arguments": {},
        "tracker": {"slots": {}, "events": [{"event": "user", "text": "hoi"}]},
        "channel": {"name": "collector"},
    }
    token = client.app.state.settings.nlg_token  # type: ignore[attr-defined]
    reply = client.post("/nlg", params={"token": token}, json=body).json()
    assert "Wegwijs" in reply["text"] and "BSN" in reply["text"]
    assert reply["buttons"] == []
    for wrong in ({}, {"token": "x" * 32}):  # only Rasa may ask
        assert client.post("/nlg", params=wrong, json=body).status_code == 403


@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'{"response": "utter_nope", "tracker": []}']
)
def test_nlg_answers_junk_with_a_friendly_generic_text(client: TestClient, body: bytes) -> None:
    token = client.app.state.settings.nlg_token  # type: ignore[attr-defined]
    response = client.post("/nlg", params={"token": token}, content=body)
    assert response.status_code == 200
    assert "Er ging iets mis" in response.json()["text"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"response": "utter_greet", "tracker": {"slots": "x"}}',
        b'{"response": "utter_greet", "tracker": {"events": [1, "a", null]}}',
        b'{"response": "utter_greet", "tracker": {"latest_message": {"metadata": 5}}}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_nlg_refuses_a_malformed_tracker_with_a_400(client: TestClient, body: bytes) -> None:
    token = client.app.state.settings.nlg_token  # type: ignore[attr-defined]
    response = client.post("/nlg", params={"token": token}, content=body)
    assert response.status_code in (200, 400), response.text


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "a", "message": ""},
        {"sender": "a", "message": "x" * 1001},
        {"sender": "a b/../c", "message": "hoi"},
        {"message": "hoi"},
        {"sender": "a", "message": "hoi", "language": "xx"},
    ],
)
def test_chat_api_rejects_bad_input_clearly(client: TestClient, body: dict[str, str]) -> None:
    response = client.post("/api/messages", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid request"


def test_chat_api_keeps_messages_while_rasa_is_down(client: TestClient, tmp_path: Path) -> None:
    first = {"sender": "p1", "message": "hoi", "message_id": "m1"}
    response = client.post("/api/messages", json=first)
    assert response.status_code == 503
    [told] = response.json()["messages"]
    assert told["text"].startswith("Ik ben even niet bereikbaar")
    assert "bewaard" in told["text"]
    # Sent again with its id: stored once. A next message waits behind it, told nothing new.
    assert client.post("/api/messages", json=first).json()["messages"] == []
    later = client.post("/api/messages", json={"sender": "p1", "message": "ben je er?"})
    assert (later.status_code, later.json()["messages"]) == (503, [])
    english = {"sender": "p2", "message": "hi", "language": "en"}
    assert (
        client.post("/api/messages", json=english)
        .json()["messages"][0]["text"]
        .startswith("I cannot be reached")
    )

    # Stored as every channel stores: the sender by keyed hash, the texts encrypted, pending.
    engine = create_engine(f"sqlite:///{tmp_path / 'wegwijs.db'}")
    with Session(engine) as session:
        contacts = {row.sender_hash: row.id for row in session.scalars(select(Contact))}
        inbound = session.scalars(select(InboundMessage)).all()
    key = load_settings({"WEGWIJS_DATA_DIR": str(tmp_path)}).secret_key
    assert set(contacts) == {sender_hash(key, "chat:p1"), sender_hash(key, "chat:p2")}
    mine = [row for row in inbound if row.contact_id == contacts[sender_hash(key, "chat:p1")]]
    assert [row.status for row in mine] == ["pending", "pending"]
    assert all(row.text_enc and "hoi" not in row.text_enc for row in mine)


def test_chat_api_is_rate_limited(tmp_path: Path) -> None:
    env = {"WEGWIJS_DATA_DIR": str(tmp_path), "WEGWIJS_RASA_PORT": str(free_port())}
    settings = load_settings({**env, "WEGWIJS_RATE_LIMIT_PER_MINUTE": "2"})
    upgrade(settings.database_url)
    with TestClient(create_app(settings)) as client:
        statuses = [
            client.post("/api/messages", json={"sender": "fast", "message": f"hoi {n}"})
            for n in range(4)
        ]
    assert [r.status_code for r in statuses] == [503, 503, 429, 429]
    assert "Wacht even" in statuses[2].json()["messages"][0]["text"]
    assert statuses[3].json()["messages"] == []  # warned once, not at every message


def test_every_response_has_the_security_headers(client: TestClient) -> None:
    for path in ("/health", "/kiosk", "/inbox/login"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"], path
        assert "frame-ancestors 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_no_api_pages_in_production(tmp_path: Path) -> None:
    env = {"WEGWIJS_DATA_DIR": str(tmp_path), "WEGWIJS_SECRET_KEY": "p" * 40}
    upgrade(load_settings(env).database_url)
    for environment, expected in (("production", 404), ("development", 200)):
        app = create_app(load_settings({**env, "WEGWIJS_ENV": environment}))
        with TestClient(app) as client:
            for path in ("/docs", "/openapi.json"):
                assert client.get(path).status_code == expected, (environment, path)
    message = {"sender": "a", "message": "hoi"}
    with TestClient(create_app(load_settings({**env, "WEGWIJS_ENV": "production"}))) as client:
        assert client.post("/api/messages", json=message).status_code == 404  # off
    production = {**env, "WEGWIJS_ENV": "production", "WEGWIJS_CHAT_API_TOKEN": "t" * 32}
    with TestClient(create_app(load_settings(production))) as client:
        assert client.post("/api/messages", json=message).status_code == 401
        wrong = {"Authorization": "Bearer " + "x" * 32}
        assert client.post("/api/messages", json=message, headers=wrong).status_code == 401


def test_metrics_and_readiness(client: TestClient) -> None:
    exposition = client.get("/metrics").text
    for name in ("wegwijs_turn_seconds", "wegwijs_inbound_pending", "wegwijs_handoffs"):
        assert name in exposition
    ready = client.get("/readyz")  # no Rasa runs beside this test client
    assert ready.status_code == 503
    assert ready.json() == {"database": "ok", "rasa_and_actions": "down"}


def test_log_lines_are_json_with_the_conversation_and_no_text() -> None:
    record = logging.LogRecord("bot.x", logging.WARNING, __file__, 1, "kept: %s", ("why",), None)
    token = CONVERSATION.set("sms:" + "a" * 32)
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        CONVERSATION.reset(token)
    assert line["message"] == "kept: why" and line["level"] == "warning"
    assert line["conversation"] == "sms:" + "a" * 32


def test_the_privacy_and_accessibility_statements_are_plain_pages(client: TestClient) -> None:
    privacy = client.get("/privacy").text
    assert "30 dagen" in privacy and "wis mijn gegevens" in privacy
    assert "delete my data" in client.get("/privacy", params={"lang": "en"}).text
    assert "toetsenbord" in client.get("/toegankelijkheid").text
    kiosk = client.get("/kiosk").text
    assert 'href="/privacy?lang=nl"' in kiosk and 'href="/toegankelijkheid?lang=nl"' in kiosk
