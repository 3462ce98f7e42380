"""The facts of a message as Rasa entities with roles, and read back for the conversation."""

from __future__ import annotations

from typing import Any

from bot.domain.conversation.entities import MessageFacts, entities_in, wanted_language


def named(text: str) -> set[tuple[Any, ...]]:
    return {(e["entity"], e["value"], e.get("role"), e.get("group")) for e in entities_in(text)}


def test_whose_benefit_is_a_role_and_the_relative_its_group() -> None:
    found = named("ik zit in de ww en mijn schoonvader krijgt aow")
    assert ("benefit", "ww", "own", None) in found
    assert ("benefit", "aow", "other", "parent") in found
    assert ("member", "parent", None, None) in found


def test_an_amount_has_its_period_as_role_and_a_plain_number_stays_a_number() -> None:
    assert ("amount", 75.0, "week", None) in named("mijn tante stort 75 euro per week")
    assert ("amount", 1200.0, None, None) in named("ik kreeg €1.200 van opa")
    assert named("en 60?") == {("number", 60.0, None, None)}
    assert ("period", "month", None, None) in named("en als het maandelijks is")


def test_durations_hours_and_ages() -> None:
    assert ("duration", 14, None, None) in named("twee weken naar mijn familie in marokko")
    assert ("hours", 12.0, None, None) in named("zo'n 12 uur in de week")
    assert ("age", 58, None, None) in named("ik ben 58 en heb wia")


def test_gemeenten_moved_from_and_to() -> None:
    found = named("we gaan van Deventer naar Apeldoorn verhuizen")
    assert ("gemeente", "Deventer", "from", None) in found
    assert ("gemeente", "Apeldoorn", "to", None) in found
    assert MessageFacts.from_entities(entities_in("van Deventer naar Apeldoorn")).gemeente == (
        "Apeldoorn"
    )


def test_read_back_for_the_conversation() -> None:
    facts = MessageFacts.from_entities(entities_in("ik heb bijstand, mijn zoon studeert, 4 mnd"))
    assert facts.own == ["bijstand"] and facts.members == ["child"] and facts.days == 120
    # A menu button names the person's own benefit, without a role.
    assert MessageFacts.from_entities([{"entity": "benefit", "value": "ww"}]).own == ["ww"]
    assert MessageFacts.from_entities([{"entity": "topic", "value": "gifts"}]) == MessageFacts()


def test_entities_of_another_shape_are_left_out() -> None:
    odd = [{"entity": "amount", "value": "veel"}, {"entity": "age", "value": None}]
    odd += [{"entity": "benefit", "value": 3}, {"entity": "period", "value": "eeuw"}]
    odd += [{"entity": "duration", "value": "inf"}, {"entity": "hours", "value": "nan"}]
    assert MessageFacts.from_entities(odd) == MessageFacts()


def test_a_place_abroad_is_a_destination_and_working_days_are_days() -> None:
    found = named("in mei 9 werkdagen naar bali met mn zus")
    assert ("destination", "bali", None, None) in found
    assert ("duration", 9, None, None) in found
    assert not any(entity == "destination" for entity, *_ in named("ik woon in Zwolle"))


def test_an_ordinal_is_an_age_or_a_day_not_money() -> None:
    assert not any(e in ("amount", "number") for e, *_ in named("na haar 21e gaat ze werken"))
    assert ("amount", 40.0, "week", None) in named("ze geven me 40e per week")


def test_of_two_languages_the_one_asked_for_is_wanted() -> None:
    def wanted(text: str, first: str, second: str) -> str | None:
        return wanted_language(text, [(text.index(first), "a"), (text.index(second), "b")])

    assert wanted("could you answer in english? my dutch is bad", "english", "dutch") == "a"
    assert wanted("i can't read dutch well, english pls", "dutch", "english") == "b"
    assert wanted("nederlands of english, maakt niet uit", "neder", "english") is None
