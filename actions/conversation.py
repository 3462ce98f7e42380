"""Never a dead end: notice when Wegwijs misunderstands the person several times in a row.

`action_answer_question` (actions/questions.py) sets the `answer_kind` slot; the rules in
stories/ decide what to say after a miss, so the dialogue stays visible in the data.
"""

from __future__ import annotations

from typing import Any

MISS_KINDS = frozenset({"out_of_scope", "not_understood", "offer_person"})
OFFER_PERSON_AFTER = 2


def misses_before_this_turn(events: list[dict[str, Any]]) -> int:
    """How many user turns right before the current one ended in a misunderstanding."""
    count = 0
    turn_missed = False
    current_turn = True
    for event in reversed(events):
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "answer_kind":
            turn_missed = turn_missed or event.get("value") in MISS_KINDS
        elif kind == "user":
            if current_turn:
                current_turn = False
            elif turn_missed:
                count += 1
            else:
                break
            turn_missed = False
    return count


def miss_kind(events: list[dict[str, Any]], intent: str | None) -> str:
    """What to say now that this message was not understood either."""
    if misses_before_this_turn(events) + 1 >= OFFER_PERSON_AFTER:
        return "offer_person"
    return "out_of_scope" if intent == "out_of_scope" else "not_understood"
