"""The app service over HTTP (ASGI in-process), with a real SQLite database."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.app import create_app
from bot.channels.conversations import sender_hash
from bot.db.migrate import upgrade
from bot.db.models import Conversation
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
    reply = client.post("/nlg", json=body).json()
    assert "Wegwijs" in reply["text"] and "BSN" in reply["text"]
    assert reply["buttons"] == []


@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'{"response": "utter_nope", "tracker": []}']
)
def test_nlg_answers_junk_with_a_friendly_generic_text(client: TestClient, body: bytes) -> None:
    response = client.post("/nlg", content=body)
    assert response.status_code == 200
    assert "Er ging iets mis" in response.json()["text"]


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


def test_chat_api_when_rasa_is_down(client: TestClient, tmp_path: Path) -> None:
    response = client.post("/api/messages", json={"sender": "p1", "message": "hoi"})
    assert response.status_code == 503
    assert response.json()["messages"][0]["text"].startswith("Ik ben even niet bereikbaar")
    english = client.post("/api/messages", json={"sender": "p1", "message": "hi", "language": "en"})
    assert english.json()["messages"][0]["text"].startswith("I cannot be reached")

    # The conversation is recorded by keyed hash only, once, with its message count.
    engine = create_engine(f"sqlite:///{tmp_path / 'wegwijs.db'}")
    with Session(engine) as session:
        rows = session.scalars(select(Conversation)).all()
    key = load_settings({"WEGWIJS_DATA_DIR": str(tmp_path)}).secret_key
    assert [(row.sender_hash, row.channel, row.message_count) for row in rows] == [
        (sender_hash(key, "chat:p1"), "chat", 2)
    ]
