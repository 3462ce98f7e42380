"""The handoff conversation with rasa-sdk's real Tracker and CollectingDispatcher and a
real SQLite database: consent first, then the way and the number, one handoff only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select, text

from actions import handoff
from actions.handoff import ActionHandoff
from actions.questions import ActionAnswerQuestion
from bot.db.crypto import Cipher
from bot.db.migrate import upgrade
from bot.db.models import AuditEntry, ConsentRecord, Handoff, OutboxMessage
from bot.db.session import make_engine
from bot.shared.settings import load_settings


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("WEGWIJS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WEGWIJS_SECRET_KEY", "k" * 40)
    upgrade(load_settings().database_url)
    handoff.service.cache_clear()
    yield
    handoff.service.cache_clear()


def user(text: str, intent: str = "ask_rules", **entities: str) -> dict[str, Any]:
    parse = {
        "intent": {"name": intent},
        "entities": [{"entity": name, "value": value} for name, value in entities.items()],
    }
    return {"event": "user", "text": text, "parse_data": parse, "metadata": {"channel": "rest"}}


def button(value: str) -> dict[str, Any]:
    return user("/ask_rules" + json.dumps({"handoff": value}), handoff=value)


class Conversation:
    def __init__(self, **slots: Any) -> None:
        self.events: list[dict[str, Any]] = []
        self.slots: dict[str, Any] = {"benefits": ["bijstand"], **slots}
        self.sender = "sms:abc123"

    async def say(self, event: dict[str, Any]) -> list[str]:
        self.events.append(event)
        latest = {"text": event["text"], **event["parse_data"]}
        tracker = Tracker(
            self.sender,
            dict(self.slots),
            latest,
            list(self.events),
            False,
            None,
            {},
            "action_listen",
        )
        dispatcher = CollectingDispatcher()
        action = (
            ActionHandoff()
            if event["parse_data"]["intent"]["name"] == "request_human"
            else ActionAnswerQuestion()
        )
        results = await action.run(dispatcher, tracker, {})
        self.events.extend(results)  # as in Rasa: the action's slot events join the tracker
        for result in results:
            if result["event"] == "slot":
                self.slots[result["name"]] = result["value"]
        keys = [part["key"] for message in dispatcher.messages for part in message["parts"]]
        self.last_options = [
            o["payload"] for m in dispatcher.messages for o in m.get("options", [])
        ]
        self.last_parts = [part for message in dispatcher.messages for part in message["parts"]]
        return keys


def session_rows(model: Any) -> list[Any]:
    from bot.db.session import make_engine, make_session_factory

    with make_session_factory(make_engine(load_settings().database_url))() as session:
        return list(session.scalars(select(model)).all())


async def test_consent_then_way_then_number_makes_one_handoff() -> None:
    talk = Conversation()
    await talk.say(user("ik heb bijstand en ben vergeten mijn bijbaan door te geven"))
    keys = await talk.say(user("ik wil iemand spreken", "request_human"))
    assert keys == ["handoff.intro", "handoff.consent"]
    assert talk.slots["handoff_step"] == "consent"
    assert await talk.say(button("yes")) == ["handoff.ask_way"]
    assert await talk.say(user("sms graag")) == ["handoff.ask_number"]
    assert talk.last_options == []  # over REST there is no number of their own to offer
    assert await talk.say(user("bel me maar")) == ["handoff.number_invalid"]
    keys = await talk.say(user("06 12 34 56 78"))
    assert keys[0] == "handoff.confirmed"
    reference = talk.last_parts[0]["args"]["reference"]
    [made] = session_rows(Handoff)
    assert made.reference == reference and made.team == "wegwijs-landelijk"
    assert made.way == "sms" and made.agency == "gemeente"
    assert "612345678" not in made.number_enc and "bijbaan" not in made.question_enc
    cipher = Cipher(load_settings().secret_key)
    # The question is the one before asking for a person, not the number typed later.
    assert cipher.decrypt(made.question_enc) == (
        "ik heb bijstand en ben vergeten mijn bijbaan door te geven"
    )
    assert made.topic == "side_job"
    [consent] = session_rows(ConsentRecord)
    assert consent.handoff_id == made.id and consent.text_version
    assert "handoff_created" in [entry.action for entry in session_rows(AuditEntry)]
    [alert] = session_rows(OutboxMessage)
    assert alert.kind == "alert"
    assert talk.slots["handoff_step"] is None
    again = await talk.say(user("kan ik iemand spreken", "request_human"))
    assert again == ["handoff.already"] and len(session_rows(Handoff)) == 1


async def test_no_consent_stores_nothing_and_gives_the_contact_ways() -> None:
    talk = Conversation()
    await talk.say(user("ik wil een mens", "request_human"))
    keys = await talk.say(button("no"))
    assert keys == ["handoff.no_consent", "handoff.contact.gemeente"]
    assert session_rows(Handoff) == [] and session_rows(ConsentRecord) == []


async def test_a_new_question_leaves_the_handoff_for_later() -> None:
    talk = Conversation()
    await talk.say(user("ik wil iemand spreken", "request_human"))
    keys = await talk.say(user("mag ik met bijstand vrijwilligerswerk doen?"))
    assert "handoff.ask_way" not in keys and talk.slots["handoff_step"] is None


# 067 numbers are real senders that phonenumbers does not list as valid mobile numbers.
@pytest.mark.parametrize("own", ["+31612345678", "+31678641268"])
async def test_on_sms_the_own_number_is_offered(own: str) -> None:
    from bot.channels.store import ChannelStore
    from bot.db.session import make_engine, make_session_factory

    settings = load_settings()
    store = ChannelStore(
        make_session_factory(make_engine(settings.database_url)),
        Cipher(settings.secret_key),
        settings.secret_key,
    )
    contact = store.contact("sms", own)
    talk = Conversation()
    talk.sender = contact.sender_id
    sms = {"channel": "sms"}
    for event in (user("ik wil iemand spreken", "request_human"), button("yes"), button("sms")):
        event["metadata"] = sms
        await talk.say(event)
    assert talk.last_options == ['/ask_rules{"handoff": "this"}']
    this = button("this")
    this["metadata"] = sms
    assert (await talk.say(this))[0] == "handoff.confirmed"
    [made] = session_rows(Handoff)
    assert store.cipher.decrypt(made.number_enc) == own


async def test_when_storing_fails_the_person_hears_so_and_gets_the_contact_ways() -> None:
    talk = Conversation()
    await talk.say(user("mag ik met bijstand op vakantie naar turkije?"))
    await talk.say(user("ik wil iemand spreken", "request_human"))
    await talk.say(button("yes"))
    await talk.say(button("call"))
    engine = make_engine(load_settings().database_url)
    with engine.begin() as connection:  # a real database failure when the handoff is made
        connection.execute(text("DROP TABLE outbox_messages"))
    keys = await talk.say(user("06 12 34 56 78"))
    assert keys == ["handoff.not_stored", "handoff.contact.gemeente"]
    assert session_rows(Handoff) == [] and talk.slots["handoff_step"] is None
