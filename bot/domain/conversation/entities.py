"""The facts one message names, as Rasa entities, and read back from them.

Rasa's NLU pipeline calls `entities_in` for every message (rasa_components/fact_extractor.py),
so each parse carries its facts as entities, with roles where whose or which one matters:

    amount    euros; role: the period (month, week, year) when one is named
    number    a plain number ("en als het 50 is?"), meaning what the frame asked or had
    period    a period named without an amount ("en als hij het elke maand geeft?")
    duration  days ("3 weken" is 21); several ("al 10 dagen, nu nog 3 weken") count together
    work_days the same durations in working days ("3 weken" is 15), as WW counts holidays
    hours     hours of work ("6 uur per week")
    age       the person's age ("ik ben 34"); role member: a relative's ("mijn zoon van 28")
    gemeente  role: to (moving there), from (leaving it), none (living there)
    benefit   role: own (the person has it), asked (asks for it), other (someone else's)
    member    a household member the message names (partner, child, parent, sibling, …)
    destination  a place abroad ("naar kreta", "in cape verde"), as the words name it

A benefit of someone else comes with the member whose it is, in the same entity's group
("mijn moeder heeft aow": benefit aow, role other, group parent). What a number or an age
means for the answer is for the conversation to decide (bot/domain/conversation/turn.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from bot.domain.checklist.gemeenten import gemeente_whose_rules_apply, gemeenten_in
from bot.domain.checklist.loader import life_events
from bot.domain.conversation.facts import (
    Amount,
    amount_in,
    bare_amount,
    durations_days,
    hours_in,
    period_in,
)
from bot.domain.knowledge.loader import knowledge
from bot.domain.knowledge.matcher import member_age, read_message
from bot.domain.knowledge.vocabulary import terms
from bot.shared.words import normalise, term_spans

EXTRACTOR = "FactExtractor"
OWN, ASKED, OTHER = "own", "asked", "other"
MEMBER = "member"  # the role of an age that is a relative's, not the person's
Entity = dict[str, Any]
PERIODS = ("month", "week", "year")
DESTINATIONS = terms("destinations")


def destinations_in(text: str) -> list[str]:
    """The places abroad a message names, in the order it names them."""
    tokens = normalise(text)
    found = sorted(
        (start, place) for place in DESTINATIONS for start, _ in term_spans(tokens, place)
    )
    return list(dict.fromkeys(place for _, place in found))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _entity(text: str, name: str, value: Any, role: str | None = None, **more: Any) -> Entity:
    """A Rasa entity read from the whole message (the facts are not tied to one word)."""
    entity: Entity = {"entity": name, "value": value, "start": 0, "end": len(text)}
    if role is not None:
        entity["role"] = role
    entity.update(more)
    entity["extractor"] = EXTRACTOR
    return entity


def entities_in(text: str) -> list[Entity]:
    """Every fact the message names, as Rasa entities."""
    found: list[Entity] = []
    amount = amount_in(text)
    if amount is not None:
        found.append(_entity(text, "amount", amount.euros, amount.period))
    elif (number := bare_amount(text)) is not None:
        found.append(_entity(text, "number", number))
    if amount is None or amount.period is None:
        period = period_in(text)
        if period is not None:
            found.append(_entity(text, "period", period))
    found += [_entity(text, "duration", days) for days in durations_days(text)]
    found += [_entity(text, "work_days", days) for days in durations_days(text, work_days=True)]
    hours = hours_in(text)
    if hours is not None:
        found.append(_entity(text, "hours", hours))
    reading = read_message(text, knowledge())
    if reading.age is not None:
        found.append(_entity(text, "age", reading.age))
    relative_age = member_age(" ".join(normalise(text)))
    if relative_age is not None and relative_age != reading.age:  # "mijn zoon van 28"
        found.append(_entity(text, "age", relative_age, MEMBER))
    for gemeente, role in gemeenten_in(text, life_events()):
        found.append(_entity(text, "gemeente", gemeente, role))
    others = reading.others
    for benefit in reading.benefits:
        if benefit in others:
            found.append(_entity(text, "benefit", benefit, OTHER, group=others[benefit]))
        else:
            found.append(
                _entity(text, "benefit", benefit, ASKED if benefit in reading.asked else OWN)
            )
    found += [_entity(text, "member", member) for member in reading.members]
    found += [_entity(text, "destination", place) for place in destinations_in(text)]
    return found


# "can you tell me in english, my dutch is slow": the language after "in"/"naar" is wanted,
# the one after "my"/"mijn"/"not" is the one the person struggles with.
_WANTED_BEFORE = frozenset({"in", "to", "into", "naar", "het", "op", "back"})
_NOT_WANTED_BEFORE = frozenset({"my", "mijn", "mn", "not", "niet", "geen", "no", "t", "dont"})
_LANGUAGE_VERBS = frozenset({"speak", "spreek", "read", "lees", "understand", "versta", "snap"})


def _struggles_with(before: list[str]) -> bool:
    """ "my dutch", "niet nederlands", "dont speak dutch": the words before a language."""
    if before[-1:] and before[-1] in _NOT_WANTED_BEFORE:
        return True
    return len(before) >= 2 and before[-2] in _NOT_WANTED_BEFORE and before[-1] in _LANGUAGE_VERBS


def wanted_language(text: str, named: list[tuple[int, str]]) -> str | None:
    """Of several languages a message names (character offset, value), the one the person
    asks for; None when the words do not tell."""
    if len({value for _, value in named}) <= 1:
        return named[0][1] if named else None
    before = {start: normalise(text[:start])[-3:] for start, _ in named}
    wanted = [value for start, value in named if set(before[start][-1:]) & _WANTED_BEFORE]
    if wanted:
        return wanted[0]
    rest = [value for start, value in named if not _struggles_with(before[start])]
    return rest[0] if len(set(rest)) == 1 else None


@dataclass
class MessageFacts:
    """The entities of one parse, typed for the conversation."""

    amount: Amount | None = None
    number: float | None = None
    period: str | None = None
    days: int | None = None
    work_days: int | None = None  # the same durations in working days (WW's holidays)
    hours: float | None = None
    age: int | None = None
    member_age: int | None = None  # the relative's the message is about
    gemeenten: list[tuple[str, str | None]] = field(default_factory=list)
    own: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    others: dict[str, str] = field(default_factory=dict)  # benefit -> whose (relation)
    members: list[str] = field(default_factory=list)
    destinations: list[str] = field(default_factory=list)

    @classmethod
    def from_entities(cls, entities: list[Entity]) -> MessageFacts:
        """Entities of another shape (a payload typed by hand) are left out, never fatal."""
        facts = cls()
        for entity in entities:  # (a menu button's benefit has no role: the person's own)
            name, value, role = entity.get("entity"), entity.get("value"), entity.get("role")
            number = _number(value)
            if name == "amount" and number is not None:
                facts.amount = Amount(number, role if role in PERIODS else None)
            elif name == "number" and number is not None:
                facts.number = number
            elif name == "period" and value in PERIODS:
                facts.period = str(value)
            elif name == "duration" and number is not None:  # two trips: days together
                facts.days = (facts.days or 0) + int(number)
            elif name == "work_days" and number is not None:
                facts.work_days = (facts.work_days or 0) + int(number)
            elif name == "hours" and number is not None:
                facts.hours = number
            elif name == "age" and number is not None and role == MEMBER:
                facts.member_age = int(number)
            elif name == "age" and number is not None:
                facts.age = int(number)
            elif name == "gemeente" and isinstance(value, str):
                facts.gemeenten.append((value, role if role in ("to", "from") else None))
            elif name == "benefit" and isinstance(value, str):
                if role == OTHER:
                    facts.others[value] = str(entity.get("group") or "other")
                else:
                    (facts.asked if role == ASKED else facts.own).append(value)
            elif name == "member" and isinstance(value, str):
                facts.members.append(value)
            elif name == "destination" and isinstance(value, str):
                facts.destinations.append(value)
        return facts

    @property
    def gemeente(self) -> str | None:
        """The gemeente whose rules apply: the one moved to, else the one lived in."""
        return gemeente_whose_rules_apply(self.gemeenten)

    @property
    def names_a_number_of_something(self) -> bool:
        """Money, days or hours: a number that is not an age."""
        return any(v is not None for v in (self.amount, self.days, self.hours))
