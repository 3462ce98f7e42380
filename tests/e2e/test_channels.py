"""SMS, WhatsApp and Telegram end to end: the real twilio and python-telegram-bot libraries
against local fakes of their APIs, through the app service, the real Rasa and the actions."""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import sessionmaker
from twilio.request_validator import RequestValidator

from bot.channels.store import ChannelStore
from bot.db.crypto import Cipher
from bot.db.models import Contact, InboundMessage, OutboxMessage
from bot.shared.settings import load_settings
from tests.e2e.conftest import PUBLIC_BASE_URL, Fakes, RunningStack

pytestmark = pytest.mark.e2e


def new_number() -> str:
    return f"+316{random.randint(10_000_000, 99_999_999)}"


def new_sid() -> str:
    return "SM" + "".join(random.choices("0123456789abcdef", k=32))


def twilio_post(
    stack: RunningStack,
    fakes: Fakes,
    params: dict[str, str],
    path: str = "/channels/twilio",
    signed_url: str | None = None,
) -> httpx.Response:
    url = signed_url or f"{PUBLIC_BASE_URL}{path}"
    signature = RequestValidator(fakes.twilio.auth_token).compute_signature(url, params)
    return httpx.post(
        f"{stack.app_url}{path}",
        data=params,
        headers={"X-Twilio-Signature": signature},
        timeout=60,
    )


def sms(stack: RunningStack, fakes: Fakes, number: str, body: str, **extra: str) -> str:
    sid = new_sid()
    params = {"From": number, "To": "+3197010000000", "Body": body, "MessageSid": sid, **extra}
    response = twilio_post(stack, fakes, params)
    assert response.status_code == 200, response.text
    assert "<Response" in response.text
    return sid


def sms_until(
    stack: RunningStack, fakes: Fakes, number: str, body: str, expected: str, timeout: float = 40
) -> str:
    """Send a message and wait for a reply that contains `expected`; returns that reply."""
    seen = len(fakes.twilio.sent_to(number))
    sms(stack, fakes, number, body)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in fakes.twilio.sent_to(number)[seen:]:
            if expected in str(message["body"]):
                return str(message["body"])
        time.sleep(0.1)
    replies = [str(message["body"]) for message in fakes.twilio.sent_to(number)[seen:]]
    raise AssertionError(f"no reply with {expected!r} to {body!r}; got {replies!r}")


def store_for(stack: RunningStack) -> ChannelStore:
    settings = load_settings(stack.env)
    engine = create_engine(settings.database_url)
    return ChannelStore(sessionmaker(engine), Cipher(settings.secret_key), settings.secret_key)


def wait_until_outbox_is_idle(store: ChannelStore, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    queued = select(OutboxMessage.id).where(OutboxMessage.status.in_(("queued", "sending")))
    while time.monotonic() < deadline:
        with store.sessions() as session:
            if session.scalar(queued) is None:
                return
        time.sleep(0.2)


def bodies(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(message["body"]) for message in messages)


def test_an_sms_conversation_with_numbered_options(stack: RunningStack, fakes: Fakes) -> None:
    number = new_number()
    sms(stack, fakes, number, "hoi")
    greeting = fakes.twilio.wait_for(number, 2)
    assert len(greeting) == 2
    assert greeting[0]["from"] == "+3197010000000"
    menu = greeting[1]["body"]
    assert "1. Hobby en bijverdienen" in menu and "Stuur 1, 2, 3, 4, 5 of 6." in menu
    assert greeting[1]["status_callback"] == f"{PUBLIC_BASE_URL}/channels/twilio/status"
    sms(stack, fakes, number, "1")
    topic = fakes.twilio.wait_for(number, 3)[2]["body"]
    assert "Vertel me wat je doet" in topic
    sms(stack, fakes, number, "ik heb bijstand en bak taarten voor de buren, mag dat?")
    answer = bodies(fakes.twilio.wait_for(number, 5)[3:])
    assert "gemeente" in answer


def test_whatsapp_button_words_map_back_to_the_payload(stack: RunningStack, fakes: Fakes) -> None:
    sender = f"whatsapp:{new_number()}"
    sms(stack, fakes, sender, "hallo")
    assert len(fakes.twilio.wait_for(sender, 2)) == 2
    assert fakes.twilio.sent_to(sender)[0]["from"] == "whatsapp:+3197010000001"
    sms(stack, fakes, sender, "Naar het buitenland")
    replies = fakes.twilio.wait_for(sender, 3)
    assert "waar je heen gaat" in replies[2]["body"]


def test_signatures_are_checked_with_the_public_url(stack: RunningStack, fakes: Fakes) -> None:
    params = {"From": new_number(), "Body": "hoi", "MessageSid": new_sid()}
    unsigned = httpx.post(f"{stack.app_url}/channels/twilio", data=params, timeout=30)
    assert unsigned.status_code == 403
    internal = f"{stack.app_url}/channels/twilio"  # what the app sees, not what Twilio signed
    assert twilio_post(stack, fakes, params, signed_url=internal).status_code == 403
    forged = {**params, "Body": "iets anders"}
    signature = RequestValidator(fakes.twilio.auth_token).compute_signature(
        f"{PUBLIC_BASE_URL}/channels/twilio", params
    )
    response = httpx.post(
        f"{stack.app_url}/channels/twilio",
        data=forged,
        headers={"X-Twilio-Signature": signature},
        timeout=30,
    )
    assert response.status_code == 403
    time.sleep(1)
    assert fakes.twilio.sent_to(params["From"]) == []


def test_a_retried_message_is_answered_once(stack: RunningStack, fakes: Fakes) -> None:
    number = new_number()
    params = {"From": number, "Body": "hoi", "MessageSid": new_sid()}
    for _ in range(3):
        assert twilio_post(stack, fakes, params).status_code == 200
    assert len(fakes.twilio.wait_for(number, 2)) == 2
    time.sleep(2)
    assert len(fakes.twilio.sent_to(number)) == 2


def test_stop_means_nothing_is_sent_until_start(stack: RunningStack, fakes: Fakes) -> None:
    number = new_number()
    sms(stack, fakes, number, "hoi")
    assert len(fakes.twilio.wait_for(number, 2)) == 2
    sms(stack, fakes, number, "STOP")
    sms(stack, fakes, number, "mag ik vrijwilligerswerk doen met ww?")
    time.sleep(3)
    assert len(fakes.twilio.sent_to(number)) == 2
    store = store_for(stack)
    assert store.contact("sms", number).opted_out
    sms(stack, fakes, number, "START")
    welcome = fakes.twilio.wait_for(number, 3)
    assert "Welkom terug" in welcome[2]["body"]
    assert not store.contact("sms", number).opted_out


def test_stoppen_and_afmelden_also_opt_out(stack: RunningStack, fakes: Fakes) -> None:
    store = store_for(stack)
    for word in ("stoppen", "Afmelden"):
        number = new_number()
        sms(stack, fakes, number, word)
        assert store.contact("sms", number).opted_out


def test_voice_notes_photos_and_locations_get_a_text_only_answer(
    stack: RunningStack, fakes: Fakes
) -> None:
    sender = f"whatsapp:{new_number()}"
    sms(stack, fakes, sender, "", NumMedia="1", MediaContentType0="audio/ogg")
    assert "alleen tekst" in fakes.twilio.wait_for(sender, 1)[0]["body"]
    location = f"whatsapp:{new_number()}"
    sms(stack, fakes, location, "", Latitude="52.1", Longitude="5.1")
    assert "alleen tekst" in fakes.twilio.wait_for(location, 1)[0]["body"]
    odd = new_number()  # a signed request with a NumMedia that is no number: not a 500
    sms(stack, fakes, odd, "", NumMedia="x")
    assert "alleen tekst" in fakes.twilio.wait_for(odd, 1)[0]["body"]


def test_a_typed_rasa_command_gets_an_answer(stack: RunningStack, fakes: Fakes) -> None:
    number = new_number()
    sms(stack, fakes, number, "/session_start")
    assert fakes.twilio.wait_for(number, 1), "no answer to a typed /session_start"


def test_the_nlg_endpoint_answers_only_rasa(stack: RunningStack) -> None:
    body = {"response": "utter_greet", "tracker": {"slots": {}, "events": []}}
    assert httpx.post(f"{stack.app_url}/nlg", json=body, timeout=30).status_code == 403
    token = load_settings(stack.env).nlg_token
    reply = httpx.post(f"{stack.app_url}/nlg", params={"token": token}, json=body, timeout=30)
    assert reply.status_code == 200 and "Wegwijs" in reply.json()["text"]


def test_outside_the_whatsapp_window_only_the_template_goes(
    stack: RunningStack, fakes: Fakes
) -> None:
    store = store_for(stack)
    sender = f"whatsapp:{new_number()}"
    contact = store.contact("wa", sender)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)
    with store.sessions.begin() as session:
        session.execute(update(Contact).where(Contact.id == contact.id).values(last_inbound_at=old))
    store.enqueue(contact.id, "wa", "Je contactpersoon heeft gereageerd.")
    sent = fakes.twilio.wait_for(sender, 1)
    assert sent[0]["content_sid"] == "HX" + "1" * 32
    assert sent[0]["body"] is None


def test_a_failing_provider_is_retried_and_status_callbacks_update(
    stack: RunningStack, fakes: Fakes
) -> None:
    number = new_number()
    wait_until_outbox_is_idle(store_for(stack))
    fakes.twilio.fail_next(503, 500)
    sms(stack, fakes, number, "wat kun je")
    sent = fakes.twilio.wait_for(number, 1, timeout=40)
    assert sent, "the message was not sent after the provider recovered"
    store = store_for(stack)
    with store.sessions() as session:
        first = session.scalar(
            select(OutboxMessage).where(OutboxMessage.provider_id == sent[0]["sid"])
        )
        assert first is not None and first.attempts >= 2 and first.status == "sent"
    params = {"MessageSid": sent[0]["sid"], "MessageStatus": "delivered"}
    path = "/channels/twilio/status"
    assert twilio_post(stack, fakes, params, path=path).status_code == 204
    with store.sessions() as session:
        assert session.get(OutboxMessage, first.id).status == "delivered"  # type: ignore[union-attr]
    unknown = {"MessageSid": new_sid(), "MessageStatus": "delivered"}
    assert twilio_post(stack, fakes, unknown, path=path).status_code == 404


def test_a_flood_gets_one_calm_warning(stack: RunningStack, fakes: Fakes) -> None:
    number = new_number()
    for index in range(16):
        sms(stack, fakes, number, f"bericht nummer {index}")
    time.sleep(3)
    texts = bodies(fakes.twilio.sent_to(number))
    assert texts.count("Je stuurt veel berichten tegelijk") == 1
    with store_for(stack).sessions() as session:
        statuses = session.scalars(select(InboundMessage.status)).all()
    assert "limited" in statuses


def test_bad_input_gets_a_clear_answer(stack: RunningStack, fakes: Fakes) -> None:
    number = new_number()
    sms(stack, fakes, number, "a" * 1500)
    assert "te lang" in fakes.twilio.wait_for(number, 1)[0]["body"]
    junk = httpx.post(
        f"{stack.app_url}/channels/twilio",
        content=b"\xff\xfe\x00binary",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert junk.status_code in (400, 403)
    assert httpx.post(f"{stack.app_url}/channels/fax", json={}, timeout=30).status_code == 404
    missing = twilio_post(stack, fakes, {"Body": "hoi"})
    assert missing.status_code == 400
    assert httpx.get(f"{stack.app_url}/healthz", timeout=30).json()["status"] == "ok"


# --- Telegram ---------------------------------------------------------------------------


def telegram_update(update_id: int, chat_id: int, **message: Any) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
            **message,
        },
    }


def telegram_press(
    update_id: int, chat_id: int, data: str, pressed: dict[str, Any], message_id: int
) -> dict[str, Any]:
    """A press on an inline-keyboard button of the bot's message `pressed`."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
            "chat_instance": f"chat{chat_id}",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": pressed["text"],
            },
        },
    }


def telegram_post(
    stack: RunningStack, update: dict[str, Any], secret: str | None
) -> httpx.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    return httpx.post(
        f"{stack.app_url}/channels/telegram", json=update, headers=headers, timeout=60
    )


SECRET = "telegram-secret-for-tests"


def test_telegram_webhook_conversation_with_inline_keyboard(
    stack: RunningStack, fakes: Fakes
) -> None:
    assert fakes.telegram.webhook.get("secret_token") == SECRET
    assert fakes.telegram.webhook.get("url") == f"{PUBLIC_BASE_URL}/channels/telegram"
    chat = random.randint(10_000, 99_999)
    base = random.randint(1_000_000, 9_000_000)
    start = telegram_update(
        base, chat, text="/start", entities=[{"type": "bot_command", "offset": 0, "length": 6}]
    )
    assert telegram_post(stack, start, SECRET).status_code == 200
    sent = fakes.telegram.wait_for(chat, 2)
    keyboard = sent[1]["markup"]["inline_keyboard"]
    assert keyboard[0][0] == {"text": "Hobby en bijverdienen", "callback_data": "1"}
    press = telegram_press(base + 1, chat, "1", sent[1], message_id=2)
    assert telegram_post(stack, press, SECRET).status_code == 200
    assert "Vertel me wat je doet" in fakes.telegram.wait_for(chat, 3)[2]["text"]
    assert "answerCallbackQuery" in fakes.telegram.calls
    question = telegram_update(base + 2, chat, text="ik heb aow en geef pianoles, mag dat?")
    assert telegram_post(stack, question, SECRET).status_code == 200
    assert telegram_post(stack, question, SECRET).status_code == 200  # a retry: answered once
    answer = fakes.telegram.wait_for(chat, 4)
    time.sleep(2)
    texts = [message["text"] for message in fakes.telegram.sent_to(chat)]
    assert any("AOW" in text for text in texts[3:])
    assert sum("AOW: ja" in text for text in texts) <= 1 and answer


def test_telegram_unknown_commands_are_answered_and_a_retried_taal_once(
    stack: RunningStack, fakes: Fakes
) -> None:
    chat = random.randint(100_000, 999_999)
    base = random.randint(1_000_000, 9_000_000)
    unknown = telegram_update(
        base, chat, text="/foo", entities=[{"type": "bot_command", "offset": 0, "length": 4}]
    )
    assert telegram_post(stack, unknown, SECRET).status_code == 200
    assert fakes.telegram.wait_for(chat, 2), "no answer to /foo"  # what Wegwijs does, topics
    time.sleep(1)  # the answer to /foo is all there before /taal is counted
    seen = len(fakes.telegram.sent_to(chat))
    taal = telegram_update(
        base + 1, chat, text="/taal", entities=[{"type": "bot_command", "offset": 0, "length": 5}]
    )
    for _ in range(2):  # Telegram sends it again: offered once
        assert telegram_post(stack, taal, SECRET).status_code == 200
    offers = fakes.telegram.wait_for(chat, seen + 1)
    time.sleep(2)
    assert len(fakes.telegram.sent_to(chat)) == seen + 1
    assert "English" in str(offers[-1]["markup"])


def test_telegram_checks_the_secret_and_the_body(stack: RunningStack, fakes: Fakes) -> None:
    update = telegram_update(random.randint(1, 999_999), 123, text="hoi")
    assert telegram_post(stack, update, None).status_code == 403
    assert telegram_post(stack, update, "wrong").status_code == 403
    broken = httpx.post(
        f"{stack.app_url}/channels/telegram",
        content=b"{not json",
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=30,
    )
    assert broken.status_code == 400
    deep = b'{"update_id": 1, "message": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    nested = httpx.post(
        f"{stack.app_url}/channels/telegram",
        content=deep,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=30,
    )
    assert nested.status_code == 400


def test_telegram_commands_language_media_and_stop(stack: RunningStack, fakes: Fakes) -> None:
    chat = random.randint(100_000, 999_999)
    base = random.randint(10_000_000, 90_000_000)
    command = [{"type": "bot_command", "offset": 0, "length": 5}]
    assert (
        telegram_post(
            stack, telegram_update(base, chat, text="/taal", entities=command), SECRET
        ).status_code
        == 200
    )
    offer = fakes.telegram.wait_for(chat, 1)[0]
    assert [row[0]["text"] for row in offer["markup"]["inline_keyboard"]] == [
        "Nederlands",
        "English",
    ]
    press = telegram_press(base + 1, chat, "2", offer, message_id=1)
    telegram_post(stack, press, SECRET)
    assert "English" in fakes.telegram.wait_for(chat, 2)[1]["text"]
    photo = telegram_update(
        base + 2, chat, photo=[{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
    )
    telegram_post(stack, photo, SECRET)
    assert "only read text" in fakes.telegram.wait_for(chat, 3)[2]["text"]
    stop = telegram_update(base + 3, chat, text="/stop", entities=command)
    telegram_post(stack, stop, SECRET)
    telegram_post(stack, telegram_update(base + 4, chat, text="hello?"), SECRET)
    time.sleep(2)
    assert len(fakes.telegram.sent_to(chat)) == 3, [m["text"] for m in fakes.telegram.sent_to(chat)]


def test_asking_for_a_person_over_sms_alerts_the_team(stack: RunningStack, fakes: Fakes) -> None:
    number = new_number()
    sms(stack, fakes, number, "ik heb bijstand en weet niet of ik mijn bijbaan moet melden")
    fakes.twilio.wait_for(number, 1)
    time.sleep(2)
    count = len(fakes.twilio.sent_to(number))
    sms(stack, fakes, number, "ik wil iemand spreken")
    consent = fakes.twilio.wait_for(number, count + 1)[count]["body"]
    assert "Mag ik je vraag" in consent and "1. Ja, deel mijn vraag" in consent
    sms(stack, fakes, number, "1")
    way = fakes.twilio.wait_for(number, count + 2)[count + 1]["body"]
    assert "1. sms" in way
    sms(stack, fakes, number, "1")
    ask = fakes.twilio.wait_for(number, count + 3)[count + 2]["body"]
    assert "1. Dit nummer" in ask
    sms(stack, fakes, number, "1")
    read_back = fakes.twilio.wait_for(number, count + 4)[count + 3]["body"]
    assert "Klopt dat?" in read_back
    sms(stack, fakes, number, "1")
    done = fakes.twilio.wait_for(number, count + 5)[count + 4]["body"]
    assert "Gelukt" in done and "H-" in done
    alert = fakes.twilio.wait_for("+3197010000199", 1)[-1]["body"]
    assert "nieuwe vraag H-" in alert and "/inbox/" in alert
    assert "over werken naast de uitkering" in alert  # the topic, in the team's words
    assert number not in alert and "bijbaan" not in alert  # no personal details in an alert
