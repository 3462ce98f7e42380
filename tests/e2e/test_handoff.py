"""The handoff form on the real stack, typed as residents type: over Rasa's REST channel
and through the signed Twilio webhook (SQLite here; PostgreSQL in test_production_stores)."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.db.models import Handoff
from tests.e2e.conftest import Fakes, RunningStack, new_sender
from tests.e2e.test_channels import new_number, sms_until, store_for

KENMERK = re.compile(r"kenmerk is (H-\d{6})")


def said(replies: list[dict[str, object]]) -> str:
    return "\n".join(str(r.get("text") or "") for r in replies)


def handoffs(stack: RunningStack) -> list[Handoff]:
    with store_for(stack).sessions() as session:
        return list(session.scalars(select(Handoff)).all())


def stored_reference(stack: RunningStack, reference: str) -> bool:
    return any(made.reference == reference for made in handoffs(stack))


def test_typed_answers_walk_the_whole_handoff_over_rest(stack: RunningStack) -> None:
    person = new_sender()
    first = said(stack.rasa(person, "ik heb ww en wil graag met een medewerker praten"))
    assert "UWV" in first and "delen" in first
    assert "Hoe wil je contact" in said(stack.rasa(person, "ja"))  # typed yes: the way question
    assert "telefoonnummer" in said(stack.rasa(person, "bel me maar"))
    again = said(stack.rasa(person, "0612"))  # a typo'd number: asked again, with an example
    assert "06 12 34 56 78" in again
    before = len(handoffs(stack))
    read_back = said(stack.rasa(person, "06-13579246"))
    # Rasa holds the number sealed: its own REST channel shows it masked (the gateway, in
    # front of every real channel, shows it whole: see the SMS test below).
    assert "06 •• •• •• 46" in read_back and "Klopt dat?" in read_back
    assert len(handoffs(stack)) == before  # nothing is stored before the read-back
    done = said(stack.rasa(person, "klopt"))
    found = KENMERK.search(done)
    assert found and stored_reference(stack, found.group(1))
    [made] = [h for h in handoffs(stack) if h.reference == found.group(1)]
    assert store_for(stack).cipher.decrypt(made.number_enc) == "+31613579246"  # opened by the app
    # Asking again gives the same reference, and makes no second handoff.
    assert found.group(1) in said(stack.rasa(person, "ik wil iemand spreken"))


def test_no_at_consent_gives_the_contact_ways_and_stores_nothing(stack: RunningStack) -> None:
    person = new_sender()
    stack.rasa(person, "ik krijg aow")
    stack.rasa(person, "kan ik iemand spreken")
    before = len(handoffs(stack))
    answer = said(stack.rasa(person, "nee, liever niet"))
    assert "Mijn SVB" in answer and "ging iets mis" not in answer
    assert len(handoffs(stack)) == before


def test_stop_at_the_way_and_at_the_number_ends_the_handoff(stack: RunningStack) -> None:
    for words_at_step in (["stop"], ["whatsapp", "laat maar"]):
        person = new_sender()
        stack.rasa(person, "ik wil een mens spreken")
        stack.rasa(person, "jawel")
        for words in words_at_step:
            last = said(stack.rasa(person, words))
        assert "ik stop ermee" in last and "Hoe wil je contact" not in last
        assert "Hoe wil je contact" not in said(stack.rasa(person, "nee"))


def test_the_way_and_the_number_in_one_message_go_straight_to_the_read_back(
    stack: RunningStack,
) -> None:
    person = new_sender()
    stack.rasa(person, "ik heb bijstand, kan iemand van de gemeente mij bellen")
    stack.rasa(person, "ja hoor")
    read_back = said(stack.rasa(person, "whatsapp naar +31 6 24681357"))
    assert "06 •• •• •• 57" in read_back and "Klopt dat?" in read_back


def test_a_new_question_ends_the_handoff_and_is_answered(stack: RunningStack) -> None:
    person = new_sender()
    stack.rasa(person, "ik wil iemand spreken")
    stack.rasa(person, "ja")
    answer = said(stack.rasa(person, "ik heb bijstand, mag ik 3 weken naar spanje"))
    assert "nieuwe vraag" in answer and "niet door" in answer and "mens spreken" in answer
    assert "gemeente" in answer and "4 weken" in answer


def test_the_handoff_over_sms_offers_and_reads_back_the_own_number(
    stack: RunningStack, fakes: Fakes
) -> None:
    number = new_number()
    sms_until(stack, fakes, number, "ik heb bijstand en wil iemand spreken", "delen")
    sms_until(stack, fakes, number, "ja", "WhatsApp")
    asked = sms_until(stack, fakes, number, "sms graag", "telefoonnummer")
    assert "Dit nummer" in asked
    national = "0" + number.removeprefix("+31")
    pairs = " ".join([national[:2], *(national[i : i + 2] for i in range(2, 10, 2))])
    read_back = sms_until(stack, fakes, number, "dit nummer", "Klopt dat?")
    assert pairs in read_back
    done = sms_until(stack, fakes, number, "ja", "kenmerk")
    found = KENMERK.search(done)
    assert found and stored_reference(stack, found.group(1))


def test_a_bad_number_over_sms_is_asked_again_and_nee_stops(
    stack: RunningStack, fakes: Fakes
) -> None:
    number = new_number()
    sms_until(stack, fakes, number, "mag ik met iemand praten", "delen")
    sms_until(stack, fakes, number, "is goed", "WhatsApp")
    sms_until(stack, fakes, number, "bellen", "telefoonnummer")
    sms_until(stack, fakes, number, "123", "Bijvoorbeeld 06 12 34 56 78")
    ended = sms_until(stack, fakes, number, "nee", "ik stop ermee")
    assert "kenmerk" not in ended
