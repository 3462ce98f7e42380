"""Custom actions with rasa-sdk's real CollectingDispatcher and Tracker."""

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionCountMisunderstandings, misunderstood_in_a_row


def user(intent: str) -> dict[str, Any]:
    return {"event": "user", "text": "…", "parse_data": {"intent": {"name": intent}}}


def bot() -> dict[str, Any]:
    return {"event": "bot", "text": "…"}


def make_tracker(events: list[dict[str, Any]]) -> Tracker:
    latest = events[-1]["parse_data"] if events and events[-1]["event"] == "user" else {}
    return Tracker("test-sender", {}, latest, events, False, None, {}, "action_listen")


@pytest.mark.parametrize(
    ("intents", "expected"),
    [
        ([], 0),
        (["greet"], 0),
        (["out_of_scope"], 1),
        (["greet", "nlu_fallback"], 1),
        (["out_of_scope", "nlu_fallback"], 2),
        (["nlu_fallback", "greet", "out_of_scope"], 1),
    ],
)
def test_counts_only_misunderstandings_in_a_row(intents: list[str], expected: int) -> None:
    events: list[dict[str, Any]] = []
    for intent in intents:
        events += [user(intent), bot()]
    assert misunderstood_in_a_row(events) == expected


@pytest.mark.parametrize(
    ("intents", "repeated"),
    [(["greet", "out_of_scope"], False), (["nlu_fallback", "out_of_scope"], True)],
)
async def test_action_sets_the_slot_and_says_nothing_itself(
    intents: list[str], repeated: bool
) -> None:
    events: list[dict[str, Any]] = []
    for intent in intents:
        events += [bot(), user(intent)]
    dispatcher = CollectingDispatcher()
    result = await ActionCountMisunderstandings().run(dispatcher, make_tracker(events), {})
    assert result == [
        {"event": "slot", "timestamp": None, "name": "repeated_misunderstanding", "value": repeated}
    ]
    assert dispatcher.messages == []
