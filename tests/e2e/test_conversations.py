"""Conversations with the real Rasa server, action server (rasa-sdk) and app service."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import httpx

from bot.shared.private_numbers import PLACEHOLDER
from bot.shared.settings import load_settings
from tests.e2e.conftest import ROOT, RunningStack, new_sender


def texts(messages: list[dict]) -> str:  # type: ignore[type-arg]
    return "\n".join(str(m.get("text", "")) for m in messages)


def titles(messages: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def test_every_service_reports_healthy(stack: RunningStack) -> None:
    assert httpx.get(f"{stack.app_url}/health").json()["status"] == "ok"
    assert httpx.get(f"{stack.actions_url}/health").json()["status"] == "ok"
    assert "Rasa" in httpx.get(f"{stack.rasa_url}/").text


def test_services_listen_on_localhost_only(stack: RunningStack) -> None:
    listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
    for url in (stack.app_url, stack.rasa_url, stack.actions_url):
        port = url.rsplit(":", 1)[1]
        hosts = {
            line.split()[3].rsplit(":", 1)[0]
            for line in listening.splitlines()
            if line.split()[3].endswith(f":{port}")
        }
        assert hosts == {"127.0.0.1"}, (url, hosts)


def test_dutch_greeting_with_disclaimer_and_menu(stack: RunningStack) -> None:
    replies = stack.rasa(new_sender(), "hoi")
    text = texts(replies)
    assert "Wegwijs" in text
    assert "beslis ik niets" in text or "beslis niets" in text
    assert "BSN" in text and "DigiD" in text
    assert "Vrijwilligerswerk" in titles(replies)


def test_what_can_you_do_returns_the_topic_menu(stack: RunningStack) -> None:
    replies = stack.rasa(new_sender(), "wat kun je")
    buttons = [b for m in replies for b in m.get("buttons") or []]
    assert len(buttons) == 6
    assert all(b["payload"].startswith("/ask_rules") for b in buttons)


def test_weather_is_out_of_scope_but_not_a_dead_end(stack: RunningStack) -> None:
    replies = stack.rasa(new_sender(), "wat voor weer wordt het")
    assert "niet mee helpen" in texts(replies)
    assert len(titles(replies)) == 6


def test_second_misunderstanding_offers_a_person(stack: RunningStack) -> None:
    """Runs the custom action on the rasa-sdk action server: rasa-sdk works with Rasa 3.6."""
    sender = new_sender()
    stack.rasa(sender, "wat voor weer wordt het")
    replies = stack.rasa(sender, "vertel een mop")
    assert "mens" in texts(replies)
    assert titles(replies) == ["Ja, met een mens", "Nee, laat de onderwerpen zien"]
    payload = replies[-1]["buttons"][0]["payload"]
    assert "Mag ik je vraag" in texts(stack.rasa(sender, payload))


def test_language_switch_is_kept_for_the_conversation(stack: RunningStack) -> None:
    sender = new_sender()
    stack.rasa(sender, "hoi")
    assert "English" in texts(stack.rasa(sender, "in English please"))
    replies = stack.rasa(sender, "wat kun je")  # Dutch words, but English was chosen
    assert "What is your question about?" in texts(replies)
    assert "Volunteer work" in titles(replies)
    assert "Nederlands" in texts(stack.rasa(sender, "nederlands graag"))


def test_english_speaker_gets_english_without_asking(stack: RunningStack) -> None:
    text = texts(stack.rasa(new_sender(), "hello, what can you do?"))
    assert re.search(r"topic", text) and "onderwerp" not in text


def test_topic_button_payload(stack: RunningStack) -> None:
    sender = new_sender()
    payload = "/ask_rules" + json.dumps({"topic": "abroad"})
    assert "waar je heen gaat" in texts(stack.rasa(sender, payload))


def test_the_app_service_goes_through_the_whole_stack(stack: RunningStack) -> None:
    response = stack.app(new_sender(), "hoi")
    assert response.status_code == 200
    messages = response.json()["messages"]
    assert "Wegwijs" in messages[0]["text"]
    english = stack.app(new_sender(), "hoi", language="en").json()["messages"]
    assert "I am Wegwijs" in english[0]["text"]
    assert stack.app(new_sender(), "x" * 5000).status_code == 422


def test_terminal_chat_goes_through_the_stack(stack: RunningStack) -> None:
    """`make chat`: type a message, then a button number."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        cwd=ROOT,
        env=stack.env,
        input="hoi\n1\nin English please\n/quit\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "wegwijs > Hoi! Ik ben Wegwijs" in result.stdout
    assert "[1] Hobby en bijverdienen" in result.stdout
    assert "Vertel me wat je doet" in result.stdout  # button 1 was chosen by its number
    assert "from now on I will speak English" in result.stdout


def test_conversations_are_stored_in_the_sqlite_tracker_store(stack: RunningStack) -> None:
    sender = new_sender()
    stack.rasa(sender, "hoi")
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker")
    # The HTTP API needs the token; without it Rasa refuses, which is what we want.
    assert tracker.status_code in (401, 403)
    assert (stack.data_dir / "rasa-tracker.db").stat().st_size > 0


def test_a_bsn_is_warned_about_and_never_stored_in_the_tracker(stack: RunningStack) -> None:
    sender = new_sender()
    replies = stack.rasa(sender, "mijn bsn is 123456782, is mijn ww al betaald?")
    assert "BSN" in texts(replies)  # "deel dit niet" first
    token = {"token": load_settings(stack.env).rasa_api_token}
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker", params=token)
    stored = json.dumps(tracker.json())
    assert "123456782" not in stored and PLACEHOLDER in json.loads(stored)["latest_message"]["text"]


def test_rasa_parses_the_facts_as_entities_with_roles(stack: RunningStack) -> None:
    token = {"token": load_settings(stack.env).rasa_api_token}
    parsed = httpx.post(
        f"{stack.rasa_url}/model/parse",
        params=token,
        json={"text": "mijn vader heeft aow, ik heb ww en krijg 30 euro per week"},
    ).json()
    found = {(e["entity"], e["value"], e.get("role")) for e in parsed["entities"]}
    assert {
        ("benefit", "aow", "other"),
        ("benefit", "ww", "own"),
        ("amount", 30.0, "week"),
    } <= found


def test_mag_dit_question_is_answered_from_the_rules(stack: RunningStack) -> None:
    replies = stack.rasa(new_sender(), "ik heb bijstand en bak taarten voor de buren, mag dat?")
    text = texts(replies)
    assert text.startswith("Bijstand: ja, dat mag. Maar je moet het wel doorgeven.")
    assert "gemeente" in text and "UWV" not in text
    assert titles(replies) == ["Praat met een mens", "Andere vraag"]


def test_unknown_benefit_is_asked_once_then_the_question_is_answered(stack: RunningStack) -> None:
    sender = new_sender()
    asked = stack.rasa(sender, "ik verkoop zelfgemaakte zeep online, heeft dat gevolgen?")
    assert "Welke uitkering of toeslag heb je?" in texts(asked)
    payload = next(
        b["payload"] for m in asked for b in m.get("buttons") or [] if b["title"] == "WW"
    )
    answer = texts(stack.rasa(sender, payload))
    assert answer.startswith("WW: ja, dat mag.") and "uren" in answer


def test_benefits_are_remembered_for_later_questions(stack: RunningStack) -> None:
    sender = new_sender()
    stack.rasa(sender, "hoi, ik heb aow")
    answer = texts(stack.rasa(sender, "ik geef pianoles aan kinderen uit de buurt"))
    assert "AOW: ja, dat mag." in answer and "geen inkomenstoets" in answer


def test_a_button_without_a_known_topic_is_not_understood_once(stack: RunningStack) -> None:
    """A bare or broken topic button: one "sorry" and the menu, then Wegwijs listens."""
    replies = stack.rasa(new_sender(), "/ask_rules")
    assert [reply.get("text", "")[:5] for reply in replies] == ["Sorry", "Waar "]
    answered = stack.rasa(new_sender(), '/ask_rules{"topic": "nonsense"}')
    assert [reply.get("text", "")[:5] for reply in answered] == ["Sorry", "Waar "]


def test_a_follow_up_is_answered_for_the_same_situation_with_the_sum(stack: RunningStack) -> None:
    """The real readers and the frame: a changed amount and "waarom?" after a gift."""
    sender = new_sender()
    first = texts(stack.rasa(sender, "ik zit in de bijstand en mijn tante geeft me 300 euro"))
    assert "1.200" in first and "gemeente" in first
    again = texts(stack.rasa(sender, "en als ze dat elke maand doet?"))
    assert "3.600" in again and "meer dan" in again  # 300 x 12 against the 2026 limit
    why = texts(stack.rasa(sender, "waarom?"))
    assert "reden" in why and "giften" in why.lower()


def test_a_relatives_benefit_is_not_the_persons_own(stack: RunningStack) -> None:
    replies = texts(
        stack.rasa(new_sender(), "mijn broer heeft ww en geeft gitaarles, moet ik iets?")
    )
    assert "van je broer" in replies and "UWV" in replies


def test_typing_a_buttons_words_over_rest_presses_it(stack: RunningStack) -> None:
    """Rasa's REST webhook (rasa_channels/rest.py): the title of a button just shown is
    that button, so typing it starts the handoff instead of being read as a question."""
    sender = new_sender()
    answer = stack.rasa(sender, "ik heb ww en wil 5 dagen naar frankrijk")
    assert titles(answer)[0] == "Praat met een mens"
    consent = stack.rasa(sender, "1")  # the first button's number
    assert "delen" in texts(consent) and "Ja, deel mijn vraag" in titles(consent)
    way = stack.rasa(sender, "ja, deel mijn vraag")
    assert {"WhatsApp", "sms"} <= set(titles(way))
    # A number without buttons on screen is only a number.
    assert "Ja, deel mijn vraag" not in titles(stack.rasa(new_sender(), "1"))


def test_a_sentence_asking_for_a_person_decides_a_longer_message(stack: RunningStack) -> None:
    replies = stack.rasa(
        new_sender(),
        "Mijn zoon van 19 gaat in Delft studeren en op kamers. Kan ik dit met een medewerker "
        "doornemen?",
    )
    assert "medewerker" in texts(replies) and "Ja, deel mijn vraag" in titles(replies)


def test_a_fact_word_does_not_change_the_topic(stack: RunningStack) -> None:
    """A short reply about a housemate ("hij werkt niet") stays on the housemate."""
    sender = new_sender()
    stack.rasa(sender, "ik heb bijstand en mijn neef komt bij mij inwonen")
    replies = texts(stack.rasa(sender, "hij is 30. werkt niet"))
    assert "kostendeler" in replies and "loon" not in replies


def test_a_clause_asking_for_a_person_decides_the_message(stack: RunningStack) -> None:
    replies = stack.rasa(new_sender(), "nee laat ook maar zitten, ik spreek liever een medewerker")
    assert "Ja, deel mijn vraag" in titles(replies)


def test_how_long_a_reply_takes_is_answered_and_the_handoff_goes_on(stack: RunningStack) -> None:
    sender = new_sender()
    assert "Ja, deel mijn vraag" in titles(stack.rasa(sender, "ik wil met een medewerker praten"))
    wait = stack.rasa(sender, "hoe lang moet ik dan wachten op een reactie van ze?")
    assert "werkdagen" in texts(wait) and "Ja, deel mijn vraag" in titles(wait)


def test_follow_ups_about_a_relatives_benefit_stay_with_theirs(stack: RunningStack) -> None:
    sender = new_sender()
    first = texts(stack.rasa(sender, "mijn opa heeft aow en zijn vriendin trekt bij hem in"))
    assert "SVB" in first and "50%" in first and "van je opa" in first
    again = texts(stack.rasa(sender, "wordt die aow van hem dan minder?"))
    assert "van je opa" in again and "SVB" in again


def test_asking_to_keep_it_quiet_is_answered_with_why_to_report(stack: RunningStack) -> None:
    sender = new_sender()
    stack.rasa(sender, "ik heb bijstand en verkoop zelfgemaakte sieraden op de markt")
    replies = texts(stack.rasa(sender, "kan ik dat niet gewoon voor me houden?"))
    assert "terugbetalen" in replies and "gemeente" in replies


def test_a_bare_yes_or_no_after_an_answer_is_understood(stack: RunningStack) -> None:
    sender = new_sender()
    stack.rasa(sender, "ik heb aow en ga een maand naar portugal")
    more = stack.rasa(sender, "ja graag")
    assert "Praat met een mens" in titles(more) and "begrijp" not in texts(more)
    assert "begrijp" not in texts(stack.rasa(sender, "nee hoor"))
