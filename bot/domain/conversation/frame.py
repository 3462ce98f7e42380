"""The conversation frame: what the conversation has established so far, kept in slots.

A follow-up ("en als het 300 euro is?") changes one fact and the same situation is answered
again; "waarom?" explains the last answer; a new topic starts a new situation but keeps the
person's benefits and household.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Slot names (domain.yml); `benefits` holds the person's own benefits.
SITUATION_SLOT = "situation"
FACTS_SLOT = "facts"
HOUSEHOLD_SLOT = "household"
LAST_ANSWER_SLOT = "last_answer"
SAID_SLOT = "said"
# Facts about the person, not the situation: they stay when the topic changes.
PERSONAL_FACTS = ("age", "gemeente", "conditions")


@dataclass
class Frame:
    benefits: list[str] = field(default_factory=list)  # the person's own
    situation: str | None = None  # the situation or life event being talked about
    facts: dict[str, Any] = field(default_factory=dict)  # age, gemeente, amount, period, days
    # The relatives named, by the word the person used ("oma", "vriendin"), with their
    # benefits, the latest named last: "ze heeft ook huurtoeslag" is hers.
    household: dict[str, list[str]] = field(default_factory=dict)
    last_answer: dict[str, Any] = field(default_factory=dict)  # kind, rules, benefits
    # What Wegwijs said must be reported, per agency and situation ({"uwv": {"side_job":
    # true}}): a later answer that says "niets melden" to the same agency about something
    # else says that the earlier one still holds.
    said: dict[str, dict[str, bool]] = field(default_factory=dict)

    @classmethod
    def from_slots(cls, get: Any) -> Frame:
        """From the tracker's slots (`get` is tracker.get_slot)."""

        def mapping(name: str) -> dict[str, Any]:
            value = get(name)
            return dict(value) if isinstance(value, dict) else {}

        return cls(
            benefits=list(get("benefits") or []),
            situation=get(SITUATION_SLOT) or None,
            facts=mapping(FACTS_SLOT),
            household={str(k): list(v) for k, v in mapping(HOUSEHOLD_SLOT).items()},
            last_answer=mapping(LAST_ANSWER_SLOT),
            said={
                str(agency): {str(k): bool(v) for k, v in dict(topics).items()}
                for agency, topics in mapping(SAID_SLOT).items()
                if isinstance(topics, dict)
            },
        )

    def as_slots(self) -> dict[str, Any]:
        return {
            "benefits": self.benefits,
            SITUATION_SLOT: self.situation,
            FACTS_SLOT: self.facts or None,
            HOUSEHOLD_SLOT: self.household or None,
            LAST_ANSWER_SLOT: self.last_answer or None,
            SAID_SLOT: self.said or None,
        }

    def note_others(self, others: dict[str, str]) -> None:
        """Benefits of relatives, by the word for them ({"aow": "moeder"})."""
        for benefit, word in others.items():
            known = self.household.pop(word, [])  # (re)named: now the latest
            self.household[word] = [*known, *([benefit] if benefit not in known else [])]

    @property
    def last_relative(self) -> str | None:
        """The relative named last ("she" in the next message is most likely them)."""
        return next(reversed(self.household), None)

    def relatives_paid_by(self, agencies: list[str], agency_of: dict[str, str]) -> dict[str, str]:
        """Relatives' benefits paid by these agencies, as {benefit: word for the relative}."""
        return {
            benefit: word
            for word, benefits in self.household.items()
            for benefit in benefits
            if agency_of.get(benefit) in agencies
        }

    def new_situation(self, situation: str) -> None:
        """A new topic: its own facts, but the person's age and gemeente stay."""
        if situation != self.situation:
            self.facts = {k: v for k, v in self.facts.items() if k in PERSONAL_FACTS}
        self.situation = situation
