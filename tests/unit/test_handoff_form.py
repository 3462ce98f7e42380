"""The handoff form's actions with rasa-sdk's real Tracker and CollectingDispatcher, talking
to the real app service (in this process, on SQLite) over its /internal API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import app_service as app_service_module
from actions.handoff import (
    ActionAskHandoffConfirmed,
    ActionHandoffCheck,
    ActionHandoffStopped,
    ActionHandoffSubmit,
    ValidateHandoffForm,
)
from bot.app import create_app
from bot.db.crypto import Cipher
from bot.db.migrate import upgrade
from bot.db.models import ConsentRecord, Handoff, OutboxMessage
from bot.db.session import make_engine, make_session_factory
from bot.shared.number_sealing import public_key, seal, unseal
from bot.shared.private_numbers import PHONE_PLACEHOLDER
from bot.shared.settings import Settings, load_settings
from tests.fakes.servers import serve

SECRET = "k" * 40
SEAL_KEY = public_key(SECRET)


def sealed(number: str) -> str:
    """A number as Rasa's REST channel passes it on during the handoff."""
    return seal(number, SEAL_KEY)


def opened(slots: dict[str, Any]) -> str | None:
    return unseal(str(slots.get("handoff_number")), [SECRET])


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    env = {"WEGWIJS_DATA_DIR": str(tmp_path), "WEGWIJS_SECRET_KEY": SECRET}
    settings = load_settings(env)
    upgrade(settings.database_url)
    with serve(create_app(settings)) as url:
        monkeypatch.setenv("WEGWIJS_APP_URL", url)
        monkeypatch.setenv("WEGWIJS_INTERNAL_TOKEN", settings.internal_api_token)
        app_service_module.app_service.cache_clear()
        yield settings
    app_service_module.app_service.cache_clear()


def rows(settings: Settings, model: Any) -> list[Any]:
    with make_session_factory(make_engine(settings.database_url))() as session:
        return list(session.scalars(select(model)).all())


def user(text: str, intent: str) -> dict[str, Any]:
    parse = {"intent": {"name": intent}, "entities": []}
    return {"event": "user", "text": text, "parse_data": parse, "metadata": {"channel": "rest"}}


def tracker(events: list[dict[str, Any]], **slots: Any) -> Tracker:
    latest = {"text": events[-1]["text"], **events[-1]["parse_data"]} if events else {}
    return Tracker("rest-person", slots, latest, events, False, None, {}, "action_listen")


def keys(dispatcher: CollectingDispatcher) -> list[str]:
    return [part["key"] for message in dispatcher.messages for part in message.get("parts", [])]


async def test_a_confirmed_handoff_is_stored_by_the_app_with_the_conversation(
    app: Settings,
) -> None:
    events = [
        user("ik heb bijstand en ben vergeten mijn bijbaan door te geven", "ask_rules"),
        {"event": "bot", "text": "Dat kan gebeuren."},
        user("ik wil iemand spreken", "request_human"),
        {"event": "action", "name": "action_handoff_check"},
        user(f"mijn nummer is {sealed('06 12 34 56 78')}", "inform"),
    ]
    slots = {
        "benefits": ["bijstand"],
        "handoff_consent": True,
        "handoff_way": "sms",
        "handoff_number": sealed("+31612345678"),
        "handoff_confirmed": True,
    }
    dispatcher = CollectingDispatcher()
    result = await ActionHandoffSubmit().run(dispatcher, tracker(events, **slots), {})
    assert keys(dispatcher)[0] == "handoff.confirmed"
    reference = dispatcher.messages[0]["parts"][0]["args"]["reference"]
    [made] = rows(app, Handoff)
    assert made.reference == reference and made.way == "sms" and made.agency == "gemeente"
    cipher = Cipher(app.secret_key)
    # The question is the one before asking for a person, not the number typed later.
    assert cipher.decrypt(made.question_enc).startswith("ik heb bijstand en ben vergeten")
    assert "612345678" not in made.number_enc and made.transcript_enc
    assert cipher.decrypt(made.number_enc) == "+31612345678"  # the app opened the sealed one
    said = cipher.decrypt(made.transcript_enc)
    assert "Dat kan gebeuren." in said and "nummer:" not in said
    assert f"mijn nummer is {PHONE_PLACEHOLDER}" in said
    assert made.reply_conversation and made.reply_conversation.startswith("sms:")
    assert len(rows(app, ConsentRecord)) == 1
    assert [m.kind for m in rows(app, OutboxMessage)] == ["alert"]
    assert {"event": "slot", "name": "handoff_way", "value": None, "timestamp": None} in result
    # Asking again: the open handoff's reference, and no second form.
    again = CollectingDispatcher()
    check = await ActionHandoffCheck().run(again, tracker(events), {})
    assert keys(again) == ["handoff.already"]
    assert again.messages[0]["parts"][0]["args"]["reference"] == reference
    assert any(e.get("name") == "handoff_open" and e.get("value") is True for e in check)


async def test_an_ending_stores_nothing_and_gives_the_agency_contact_ways(app: Settings) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"benefits": ["ww"], "handoff_consent": False, "handoff_outcome": "declined"}
    await ActionHandoffSubmit().run(dispatcher, tracker([user("nee", "deny")], **slots), {})
    assert keys(dispatcher) == ["handoff.no_consent", "handoff.contact.uwv"]
    assert dispatcher.messages[0]["parts"][1]["args"]["phone"] == "0900 9294"
    assert rows(app, Handoff) == []


async def test_when_the_app_cannot_store_the_person_hears_so(
    app: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEGWIJS_INTERNAL_TOKEN", "wrong")  # the app refuses the request
    app_service_module.app_service.cache_clear()
    slots = {"handoff_way": "call", "handoff_number": sealed("+31612345678")}
    slots["handoff_confirmed"] = True
    dispatcher = CollectingDispatcher()
    await ActionHandoffSubmit().run(dispatcher, tracker([user("ja", "affirm")], **slots), {})
    assert keys(dispatcher)[0] == "handoff.not_stored" and rows(app, Handoff) == []


def test_the_internal_api_wants_the_token_and_no_proxy(app: Settings) -> None:
    base = str(app_service_module.app_service().base)
    path = f"{base}/internal/conversations/x/handoff"
    assert httpx.get(path).status_code == 401
    good = {"Authorization": f"Bearer {app.internal_api_token}"}
    assert httpx.get(path, headers=good).json() == {"reference": None}
    proxied = {**good, "X-Forwarded-For": "203.0.113.9"}
    assert httpx.get(path, headers=proxied).status_code == 404
    bad = httpx.post(f"{base}/internal/handoffs", headers=good, json={"way": "fax"})
    assert bad.status_code == 422


@pytest.mark.parametrize("typed", ["06 12345678", "+31 6 1234 5678"])
async def test_a_typed_number_comes_back_checked_sealed_and_masked(
    app: Settings, typed: str
) -> None:
    said = f"mijn nummer is {sealed(typed)}"
    form = ValidateHandoffForm()
    result = await form.validate_handoff_number(
        said, CollectingDispatcher(), tracker([user(said, "inform")]), {}
    )
    assert opened(result) == "+31612345678" and result["handoff_number"] not in said
    assert result["handoff_number_shown"] == "06 •• •• •• 78"
    assert result["handoff_number_tries"] == 0


async def test_three_unreadable_numbers_end_the_form(app: Settings) -> None:
    form, tries = ValidateHandoffForm(), 0
    for typed in ("0612", sealed("12345678"), "geheim"):  # the app finds the sealed one wrong
        result = await form.validate_handoff_number(
            typed,
            CollectingDispatcher(),
            tracker([user(typed, "inform")], handoff_number_tries=tries),
            {},
        )
        assert result["handoff_number"] is None
        tries = result["handoff_number_tries"]
    assert result.get("handoff_outcome") == "gave_up" and tries == 3


async def test_a_correction_in_the_no_at_the_read_back_is_used(app: Settings) -> None:
    number = sealed("06 24681357")
    said = user(f"nee, toch whatsapp op {number}", "deny")
    said["parse_data"]["entities"] = [
        {"entity": "contact_way", "value": "whatsapp"},
        {"entity": "phone_number", "value": number},
    ]
    dispatcher = CollectingDispatcher()
    result = await ValidateHandoffForm().validate_handoff_confirmed(
        False, dispatcher, tracker([said], handoff_way="call"), {}
    )
    assert opened(result) == "+31624681357"
    assert result["handoff_number_shown"] == "06 •• •• •• 57"
    assert (result["handoff_confirmed"], result["handoff_way"]) == (None, "whatsapp")
    assert keys(dispatcher) == []  # the form reads the corrected way and number back
    # Also when the correction was not read as a "no".
    said["parse_data"]["intent"] = {"name": "inform"}
    again = await ValidateHandoffForm().validate_handoff_confirmed(
        said["text"], CollectingDispatcher(), tracker([said], handoff_way="call"), {}
    )
    assert opened(again) == "+31624681357" and again["handoff_way"] == "whatsapp"


async def test_a_new_question_says_the_person_can_ask_for_a_person_again() -> None:
    for intent, expected in (
        ("ask_rules", "handoff.left_for_question"),
        ("stop", "handoff.stopped"),
    ):
        dispatcher = CollectingDispatcher()
        await ActionHandoffStopped().run(dispatcher, tracker([user("x", intent)]), {})
        assert keys(dispatcher)[0] == expected


async def test_no_at_the_read_back_asks_the_number_again_and_keeps_the_way() -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateHandoffForm().validate_handoff_confirmed(
        False, dispatcher, tracker([user("nee", "deny")]), {}
    )
    assert result == {"handoff_confirmed": None, "handoff_number": None}
    assert keys(dispatcher) == ["handoff.correct_it"]


async def test_the_read_back_shows_the_number_masked_and_lets_the_gateway_show_it() -> None:
    dispatcher = CollectingDispatcher()
    number = sealed("+31612345678")
    slots = {
        "handoff_way": "whatsapp",
        "handoff_number": number,
        "handoff_number_shown": "06 •• •• •• 78",
    }
    await ActionAskHandoffConfirmed().run(dispatcher, tracker([user("x", "inform")], **slots), {})
    [message] = dispatcher.messages
    [part] = message["parts"]
    assert part["key"] == "handoff.read_back.text" and part["args"]["number"] == "06 •• •• •• 78"
    assert message["reveal"] == {"shown": "06 •• •• •• 78", "sealed": number}


async def test_a_number_said_with_the_way_or_the_yes_is_kept(app: Settings) -> None:
    number = sealed("06 13572468")
    said = user(f"sms graag, naar {number}", "inform")
    said["parse_data"]["entities"] = [
        {"entity": "contact_way", "value": "sms"},
        {"entity": "phone_number", "value": number},
    ]
    form = ValidateHandoffForm()
    way = await form.validate_handoff_way("sms", CollectingDispatcher(), tracker([said]), {})
    assert way["handoff_way"] == "sms" and opened(way) == "+31613572468"
    said["parse_data"]["intent"] = {"name": "affirm"}
    consent = await form.validate_handoff_consent(True, CollectingDispatcher(), tracker([said]), {})
    assert consent["handoff_consent"] is True and opened(consent) == "+31613572468"


async def test_a_no_in_other_words_at_the_consent_step_declines() -> None:
    said = user("nee hoor dank je, dan ga ik er zelf wel heen", "nlu_fallback")
    said["parse_data"]["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "deny", "confidence": 0.4},
        {"name": "thanks", "confidence": 0.3},
    ]
    form = ValidateHandoffForm()
    result = await form.validate_handoff_consent(
        said["text"], CollectingDispatcher(), tracker([said]), {}
    )
    assert result == {"handoff_consent": False, "handoff_outcome": "declined"}
    said["parse_data"]["intent_ranking"][1] = {"name": "inform", "confidence": 0.4}
    dispatcher = CollectingDispatcher()
    unsure = await form.validate_handoff_consent(said["text"], dispatcher, tracker([said]), {})
    assert unsure == {"handoff_consent": None} and keys(dispatcher) == ["handoff.yes_or_no"]


async def test_stopping_in_other_words_ends_the_number_step_but_a_number_never_does() -> None:
    said = user("laat ook maar, ik loop morgen zelf wel even binnen", "nlu_fallback")
    said["parse_data"]["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "stop", "confidence": 0.38},
        {"name": "inform", "confidence": 0.2},
    ]
    form = ValidateHandoffForm()
    result = await form.validate_handoff_number(
        said["text"], CollectingDispatcher(), tracker([said]), {}
    )
    assert result == {"handoff_number": None, "handoff_outcome": "stopped"}
    said["text"] = "06 1234"  # digits: a number that is wrong, asked again
    result = await form.validate_handoff_number(
        said["text"], CollectingDispatcher(), tracker([said]), {}
    )
    assert result == {"handoff_number": None, "handoff_number_tries": 1}
