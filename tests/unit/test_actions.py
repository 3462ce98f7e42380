"""Custom actions with rasa-sdk's real CollectingDispatcher and Tracker objects."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import miss_kind, misses_before_this_turn
from actions.questions import ActionAnswerQuestion
from actions.slots import ValidateSlotMappings
from bot.domain.conversation.entities import entities_in


def user(text: str, intent: str, situation: str | None = None) -> dict[str, Any]:
    """A user turn as Rasa parses it; `situation`: what the SituationReader read, sure."""
    # With the entities Rasa's FactExtractor gives the same text.
    parse: dict[str, Any] = {"intent": {"name": intent}, "entities": entities_in(text)}
    if situation is not None:
        parse["situations"] = [{"name": situation, "confidence": 0.9}]
    return {"event": "user", "text": text, "parse_data": parse}


def answered(kind: str) -> dict[str, Any]:
    return {"event": "slot", "name": "answer_kind", "value": kind}


def make_tracker(events: list[dict[str, Any]], slots: dict[str, Any] | None = None) -> Tracker:
    last_user = next(e for e in reversed(events) if e["event"] == "user")
    latest = {"text": last_user["text"], **last_user["parse_data"]}
    return Tracker("test-sender", slots or {}, latest, events, False, None, {}, "action_listen")


async def run_answer(
    events: list[dict[str, Any]], slots: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    result = await ActionAnswerQuestion().run(dispatcher, make_tracker(events, slots), {})
    return dispatcher.messages, result


def slot_values(result: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in result if event["event"] == "slot"}


def frame_after(result: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots the next turn starts with."""
    return {name: value for name, value in slot_values(result).items() if value is not None}


def test_counts_only_misses_in_a_row_before_this_turn() -> None:
    events = [
        user("weer?", "out_of_scope"),
        answered("out_of_scope"),
        user("hoi", "greet"),
        user("mop", "out_of_scope"),
        answered("out_of_scope"),
        user("nog een", "out_of_scope"),
    ]
    assert misses_before_this_turn(events) == 1
    assert miss_kind(events, "out_of_scope") == "offer_person"
    assert miss_kind(events[:4], "out_of_scope") == "out_of_scope"
    assert miss_kind([user("?", "nlu_fallback")], "nlu_fallback") == "not_understood"


async def test_answers_a_hobby_question_for_the_benefit_in_the_slot() -> None:
    messages, result = await run_answer(
        [user("ik bak taarten voor de buren, moet dat gemeld?", "ask_rules", "hobby_income")],
        {"benefits": ["bijstand"]},
    )
    assert slot_values(result)["answer_kind"] == "answered"
    assert slot_values(result)["pending_question"] is None
    assert slot_values(result)["situation"] == "hobby_income"
    keys = [part["key"] for message in messages for part in message["parts"]]
    assert keys[:3] == [
        "verdict.allowed_report",
        "rule.income_bijstand.why",
        "rule.income_bijstand.todo",
    ]
    assert all(message["response"] == "knowledge_answer" for message in messages)
    assert messages[-1]["options"][0]["payload"] == "/request_human"


async def test_asks_the_benefit_once_then_answers_the_kept_question() -> None:
    question = "ik verkoop zelfgemaakte zeep online, heeft dat gevolgen?"
    messages, result = await run_answer([user(question, "ask_rules", "hobby_income")])
    assert [part["key"] for part in messages[0]["parts"]] == ["ask.benefit"]
    assert slot_values(result)["pending_question"] == question

    events = [user(question, "ask_rules"), user('/ask_rules{"benefit": "ww"}', "ask_rules")]
    messages, result = await run_answer(events, {**frame_after(result), "benefits": ["ww"]})
    assert messages[0]["parts"][1]["key"] == "rule.ww_hours.why"
    assert slot_values(result)["pending_question"] is None


async def test_honest_mistake_is_answered_calmly_per_agency() -> None:
    messages, _ = await run_answer(
        [user("mn vriend woont al een jaar bij me, nooit aan de svb verteld. aow", "ask_rules")]
    )
    keys = [part["key"] for message in messages for part in message["parts"]]
    assert keys[:2] == ["mistake.intro", "mistake.todo.svb"]
    assert "mistake.consequences" in keys


async def test_not_understood_sets_the_miss_kind_and_says_nothing() -> None:
    messages, result = await run_answer([user("wat voor weer wordt het", "out_of_scope")])
    assert messages == []
    assert slot_values(result)["answer_kind"] == "out_of_scope"


async def test_benefits_are_remembered_across_turns() -> None:
    tracker = make_tracker([user("ik heb ook huurtoeslag", "ask_rules")], {"benefits": ["ww"]})
    slots = await ValidateSlotMappings().extract_benefits(CollectingDispatcher(), tracker, {})
    assert slots == {"benefits": ["ww", "huurtoeslag"]}


async def test_a_benefit_asked_for_is_not_remembered_as_one_the_person_has() -> None:
    tracker = make_tracker([user("ik heb ww, heb ik ook recht op huurtoeslag?", "ask_rules")])
    slots = await ValidateSlotMappings().extract_benefits(CollectingDispatcher(), tracker, {})
    assert slots == {"benefits": ["ww"]}
    messages, _ = await run_answer([user("heb ik met bijstand recht op huurtoeslag", "ask_rules")])
    assert part_keys(messages)[:3] == ["eligibility.intro", "eligibility.toeslagen", "answer.offer"]


@pytest.mark.parametrize("text", ["hoi", "wat voor weer wordt het"])
async def test_no_benefit_mentioned_changes_nothing(text: str) -> None:
    tracker = make_tracker([user(text, "greet")], {"benefits": ["ww"]})
    assert await ValidateSlotMappings().extract_benefits(CollectingDispatcher(), tracker, {}) == {}


async def test_out_of_scope_needs_clear_signs_before_it_counts_as_a_question() -> None:
    messages, result = await run_answer([user("who won the match yesterday", "out_of_scope")])
    assert messages == []
    assert slot_values(result)["answer_kind"] == "out_of_scope"


async def test_as_rasa_fallback_the_action_speaks_for_itself() -> None:
    messages, result = await run_answer([user("onderwerp", "switch_language")])
    assert [message["response"] for message in messages] == ["utter_not_understood", "utter_menu"]
    assert slot_values(result)["answer_kind"] == "not_understood"
    assert result[-1] == {"event": "followup", "timestamp": None, "name": "action_listen"}


async def test_a_topic_word_without_topic_still_gets_an_answer() -> None:
    messages, _ = await run_answer(
        [user("ik heb aow en wil vrijwilliger worden", "switch_language", "volunteering")]
    )
    keys = [part["key"] for message in messages for part in message["parts"]]
    assert "rule.volunteer_aow.why" in keys


def topic_message(text: str, topic: str, situation: str | None = None) -> dict[str, Any]:
    message = user(text, "ask_rules", situation)
    message["parse_data"]["entities"].append({"entity": "topic", "value": topic})
    return message


async def test_a_topic_button_gets_the_topic_explanation_from_the_rules() -> None:
    messages, result = await run_answer([topic_message('/ask_rules{"topic": "gifts"}', "gifts")])
    assert messages == []
    assert slot_values(result) == {"answer_kind": "topic_gifts"}


async def test_a_question_that_names_a_topic_is_answered_not_explained() -> None:
    text = "ik heb bijstand en doe vrijwilligerswerk, krijg 20 euro per maand"
    messages, result = await run_answer(
        [topic_message(text, "volunteering", "volunteering")], {"benefits": ["bijstand"]}
    )
    assert slot_values(result)["answer_kind"] == "answered"
    assert messages


async def test_an_unknown_topic_is_not_a_topic() -> None:
    _, result = await run_answer([topic_message('/ask_rules{"topic": "weather"}', "weather")])
    assert slot_values(result)["answer_kind"] == "not_understood"


async def test_the_age_makes_an_answer_precise_without_being_asked_first() -> None:
    question = "mag ik met bijstand vrijwilligerswerk doen met een vergoeding?"
    messages, result = await run_answer(
        [user(question, "ask_rules", "volunteering")], {"benefits": ["bijstand"]}
    )
    keys = [part["key"] for message in messages for part in message["parts"]]
    assert "rule.volunteer_bijstand.why" in keys and "ask.age" not in keys  # both ages said
    assert slot_values(result)["pending_question"] is None

    messages, result = await run_answer(
        [user(question, "ask_rules"), user("ik ben 24", "inform")], frame_after(result)
    )
    keys = [part["key"] for message in messages for part in message["parts"]]
    assert "rule.volunteer_bijstand_under27.why" in keys
    assert slot_values(result)["facts"] == {"age": 24}

    messages, _ = await run_answer(
        [user("ik ben 45, bijstand, en doe vrijwilligerswerk", "ask_rules", "volunteering")],
        {"benefits": ["bijstand"]},
    )
    assert messages[0]["parts"][1]["key"] == "rule.volunteer_bijstand_27plus.why"


async def test_small_talk_stays_small_talk_unless_it_asks_about_the_rules() -> None:
    messages, result = await run_answer([user("hoi, ik heb ww", "greet")])
    assert messages == [] and slot_values(result)["answer_kind"] == "smalltalk"
    messages, result = await run_answer(
        [
            user(
                "ik ben net bevallen van een dochter! ik heb ww. moet ik iets doen?",
                "bot_challenge",
                "birth",
            )
        ]
    )
    assert slot_values(result)["answer_kind"] == "answered"
    keys = [part["key"] for message in messages for part in message["parts"]]
    assert "rule.birth_general.why" in keys


def part_keys(messages: list[dict[str, Any]]) -> list[str]:
    return [part["key"] for message in messages for part in message["parts"]]


async def test_a_life_event_gets_a_checklist_that_is_kept() -> None:
    text = "ik ga op 1 maart verhuizen, wie moet dat allemaal weten?"
    messages, result = await run_answer(
        [user(text, "ask_checklist", "moving")], {"benefits": ["bijstand"]}
    )
    keys = part_keys(messages)
    assert keys[0] == "checklist.intro"
    assert "event.moving.bijstand" in keys and "checklist.due" in keys
    kept = slot_values(result)["checklist"]
    assert kept["events"] == ["moving"] and kept["benefits"] == ["bijstand"]
    assert kept["event_day"].endswith("-03-01")


async def test_a_checklist_without_a_benefit_asks_for_it_first() -> None:
    text = "mijn zoon wordt 18, wie moet het weten"
    messages, result = await run_answer([user(text, "ask_rules", "child_birthday")])
    assert part_keys(messages) == ["ask.benefit"]
    assert slot_values(result)["pending_question"] == text
    events = [user(text, "ask_rules"), user("ik heb bijstand", "inform")]
    messages, result = await run_answer(events, frame_after(result))
    assert "event.child_turns_18.bijstand" in part_keys(messages)
    assert slot_values(result)["pending_question"] is None


async def test_the_list_can_be_sent_again_and_gets_the_gemeente_later() -> None:
    kept = {"events": ["moving"], "benefits": ["bijstand"], "gemeente": None, "event_day": None}
    again = "stuur me dat lijstje nog een keer"
    messages, result = await run_answer([user(again, "ask_capabilities")], {"checklist": kept})
    assert part_keys(messages)[0] == "checklist.intro"
    assert "checklist" not in slot_values(result)
    messages, result = await run_answer(
        [user("ik woon in Pekela", "nlu_fallback")], {"checklist": kept}
    )
    assert "checklist.gemeente.working_days" in part_keys(messages)
    assert slot_values(result)["checklist"]["gemeente"] == "Pekela"


async def test_asking_for_a_list_that_was_never_made_is_answered_kindly() -> None:
    messages, _ = await run_answer([user("stuur me het lijstje", "ask_rules")])
    assert part_keys(messages) == ["checklist.none_yet"]


@pytest.mark.parametrize(
    ("text", "agency_key"),
    [
        ("zeg jij maar of ik recht heb op bijstand", "eligibility.gemeente"),
        ("am I entitled to huurtoeslag?", "eligibility.toeslagen"),
        ("kom ik in aanmerking voor ww", "eligibility.uwv"),
    ],
)
async def test_asking_whether_one_gets_a_benefit_says_who_decides(
    text: str, agency_key: str
) -> None:
    messages, result = await run_answer([user(text, "ask_rules")])
    keys = part_keys(messages)
    assert keys[:2] == ["eligibility.intro", agency_key]
    assert slot_values(result)["answer_kind"] == "answered"


async def test_a_parent_who_died_is_not_read_as_the_partner() -> None:
    messages, _ = await run_answer(
        [
            user(
                "mijn vader is overleden en ik erf 12000 euro. ik zit in de bijstand",
                "ask_rules",
                "inheritance",
            )
        ]
    )
    keys = part_keys(messages)
    assert not any("partner_died" in key for key in keys)
    assert any(key.startswith("rule.") and "bijstand" in key for key in keys), keys
    messages, _ = await run_answer(
        [user("mijn vrouw is vorige week overleden. ik heb bijstand", "ask_rules", "partner_died")]
    )
    keys = part_keys(messages)
    assert any("partner_died" in key for key in keys), keys


async def test_a_question_beside_a_benefit_that_cannot_be_placed_names_the_agency() -> None:
    messages, _ = await run_answer(
        [user("ik heb wajong en wil een opleiding gaan doen", "ask_rules")]
    )
    assert part_keys(messages)[:2] == ["answer.unclear_question", "answer.ask_agency"]
    assert messages[0]["parts"][1]["args"] == {"agencies": {"keys": ["agency.uwv"]}}
    change = "ik krijg kinderopvangtoeslag, mijn kind gaat naar een andere opvang"
    messages, _ = await run_answer([user(change, "ask_rules")])
    assert messages[0]["parts"][1]["args"] == {"agencies": {"keys": ["agency.toeslagen"]}}
    messages, _ = await run_answer([user("ik zit sinds kort in de ww", "ask_rules")])
    assert part_keys(messages) == ["answer.benefit_noted"]  # a fact, not a question
