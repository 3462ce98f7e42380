"""Typed shapes of the knowledge data (bot/domain/knowledge/data/*.yml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["allowed", "allowed_report", "report_before", "not_allowed", "depends"]
VERDICTS: tuple[str, ...] = ("allowed", "allowed_report", "report_before", "not_allowed", "depends")


@dataclass(frozen=True)
class Agency:
    id: str
    name_key: str
    source: str
    # How a person reaches it without a handoff (text `handoff.contact.<id>`): its online
    # channel and, where the rules reference gives one, its phone line.
    online: str = ""
    phone: str | None = None

    @property
    def contact_key(self) -> str:
        return f"handoff.contact.{self.id}"


@dataclass(frozen=True)
class Benefit:
    id: str
    agency: str
    family: str
    name_key: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Variant:
    """A more precise rule for an age (years), a duration (days, of a trip) or a household
    member the person said; a variant that names none of them never applies."""

    rule: str
    min_age: int | None = None
    max_age: int | None = None
    min_days: int | None = None
    max_days: int | None = None
    # The household members it is about ("mijn moeder komt bij me wonen": a parent).
    members: tuple[str, ...] = ()

    def applies(
        self, age: int | None, days: int | None = None, members: frozenset[str] = frozenset()
    ) -> bool:
        if self.members:
            return bool(members & set(self.members))
        if self.min_age is not None or self.max_age is not None:
            return age is not None and _within(age, self.min_age, self.max_age)
        if self.min_days is not None or self.max_days is not None:
            return days is not None and _within(days, self.min_days, self.max_days)
        return False


def _within(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


@dataclass(frozen=True)
class Rule:
    id: str
    verdict: Verdict
    agency: str | None
    source: str
    figures: dict[str, str] = field(default_factory=dict)
    variants: tuple[Variant, ...] = ()
    # Ask the age before answering (False: the variants refine an answer that is right
    # without the age too, once the person says it).
    ask_age: bool = True

    @property
    def by_age(self) -> bool:
        """Its answer is more precise with the person's age."""
        return any(v.min_age is not None or v.max_age is not None for v in self.variants)

    @property
    def asks_age(self) -> bool:
        """Its answer depends on the age, which is asked before answering."""
        return self.by_age and self.ask_age

    @property
    def why_key(self) -> str:
        return f"rule.{self.id}.why"

    @property
    def todo_key(self) -> str:
        return f"rule.{self.id}.todo"


@dataclass(frozen=True)
class Situation:
    id: str
    priority: int
    terms: tuple[str, ...]
    rules: dict[str, str]
    general: tuple[str, ...] = ()
    weight: int = 1
    # permission: "mag dit?" (ja / nee / dat hangt ervan af); change: a change in life that
    # must be passed on ("dit moet je doorgeven"), never answered with "ja, dat mag".
    kind: str = "permission"
    # General rules for a detail the words name clearly: {rule id: terms}. Selling food is a
    # hobby like any other for the benefit, but the NVWA has rules of its own for it.
    details: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # General rules said after the verdicts for the person's own benefits, when one of them
    # is of the families listed: {rule id: families} (the address register when someone
    # moves in, for toeslagen; the bijstand rule already says it in its own words).
    afterwards: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class FigureValue:
    valid_from: dt.date
    valid_to: dt.date | None
    value: float | None
    verified: bool
    source: str
    open_ended: bool = False

    def covers(self, day: dt.date) -> bool:
        if day < self.valid_from:
            return False
        return self.open_ended or (self.valid_to is not None and day <= self.valid_to)


@dataclass(frozen=True)
class Figure:
    id: str
    unit: Literal["money", "number"]
    values: tuple[FigureValue, ...]
    # Only for these benefits (one rule can cover a family: huurtoeslag and zorgtoeslag
    # have different savings limits); empty: for every benefit the rule answers.
    benefits: tuple[str, ...] = ()

    def applies_to(self, benefits: list[str] | None) -> bool:
        return not self.benefits or benefits is None or bool(set(self.benefits) & set(benefits))


@dataclass(frozen=True)
class Knowledge:
    agencies: dict[str, Agency]
    benefits: dict[str, Benefit]
    situations: dict[str, Situation]
    rules: dict[str, Rule]
    figures: dict[str, Figure]

    @property
    def families(self) -> set[str]:
        return {benefit.family for benefit in self.benefits.values()}
