"""Whether a condition of a rule's extra line holds for this person: known, unknown or not.

A line that does not apply is left out; one that may apply, when Wegwijs does not know,
becomes one question at the end of the answer ("Ben je alleenstaande ouder?")."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.knowledge.model import Condition, Knowledge
from bot.shared.words import has_any, normalise


@dataclass
class Person:
    """What the conversation knows about the person: every benefit they named, the
    conditions they answered or said, their words in this message and the relatives they
    named."""

    benefits: list[str] = field(default_factory=list)
    known: dict[str, bool] = field(default_factory=dict)
    said: str = ""
    household: tuple[str, ...] = ()

    def holds(self, condition: Condition) -> bool | None:
        if condition.id in self.known:
            return self.known[condition.id]
        if set(condition.benefits) & set(self.benefits):
            return True
        if condition.words and has_any(normalise(self.said), condition.words):
            return True
        if set(condition.ruled_out_by) & set(self.household):
            return False
        return None


def said_conditions(knowledge: Knowledge, text: str) -> dict[str, bool]:
    """The conditions this message says are true ("ik ben alleenstaande moeder")."""
    tokens = normalise(text)
    return {
        condition.id: True
        for condition in knowledge.conditions.values()
        if condition.words and has_any(tokens, condition.words)
    }
