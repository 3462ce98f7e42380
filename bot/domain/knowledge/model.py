"""Typed shapes of the knowledge data (bot/domain/knowledge/data/*.yml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["allowed", "allowed_report", "report_before", "not_allowed", "depends"]
VERDICTS: tuple[str, ...] = ("allowed", "allowed_report", "report_before", "not_allowed", "depends")


@dataclass(frozen=True)
class Source:
    """Where a rule is written down: what `waar staat dat?` answers.

    `site`: the public website a person can read it on ("uwv.nl"; "gemeente": the
    person's own gemeente's); `url`: the page, where one is known; `law`: the law it comes from;
    `ref`: the section of the rules reference the maintainers checked it against, on
    `checked`."""

    ref: str
    checked: dt.date
    site: str = ""
    url: str = ""
    law: str = ""


@dataclass(frozen=True)
class Deadline:
    """By when a change is reported (reporting.yml); texts deadline.<id>[.short] get
    {days} and {earliest} from here."""

    id: str
    kind: Literal["after", "before", "none"]
    source: str
    days: int = 0
    working: bool = False
    earliest: int | None = None

    @property
    def key(self) -> str:
        return f"deadline.{self.id}"

    @property
    def short_key(self) -> str:
        return f"deadline.{self.id}.short"

    def args(self) -> dict[str, int]:
        """{days}; {nth}: the day it is due on ("uiterlijk op de 2e dag"); {earliest}."""
        args = {"days": self.days, "nth": self.days + 1}
        return args | ({"earliest": self.earliest} if self.earliest else {})


@dataclass(frozen=True)
class Channel:
    """How a change is reported (reporting.yml); texts channel.<id>[.short] get {name}."""

    id: str
    name: str
    source: str

    @property
    def key(self) -> str:
        return f"channel.{self.id}"

    @property
    def short_key(self) -> str:
        return f"channel.{self.id}.short"


@dataclass(frozen=True)
class Agency:
    id: str
    name_key: str
    source: str
    site: str = ""  # its public website ("gemeente": the person's own gemeente's)
    # How a change is usually reported to it and by when (reporting.yml ids); a rule can
    # name others.
    deadline: str | None = None
    channel: str | None = None
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
class Condition:
    """A fact about a person that a rule's extra line depends on (conditions.yml): true for
    people with one of `benefits` or who said one of `words` ("alleenstaande moeder");
    asked about, when unknown, in answers for the `ask_for` benefit families."""

    id: str
    benefits: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    ruled_out_by: tuple[str, ...] = ()
    ask_for: tuple[str, ...] = ()

    @property
    def question_key(self) -> str:
        return f"condition.{self.id}.question"


@dataclass(frozen=True)
class Rule:
    id: str
    verdict: Verdict
    agency: str | None
    source: Source
    figures: dict[str, str] = field(default_factory=dict)
    variants: tuple[Variant, ...] = ()
    # Ask the age before answering (False: the variants refine an answer that is right
    # without the age too, once the person says it).
    ask_age: bool = True
    # By when and how to report it (reporting.yml ids; None: the agency's own).
    deadline: str | None = None
    channel: str | None = None
    # Lines said only to some people (text rule.<id>.<condition>): the single-parent
    # vrijlating is for a single parent, not for everyone (condition ids, conditions.yml).
    lines: tuple[str, ...] = ()
    # Said about someone else too (text rule.<id>.theirs, with {who}): "Gaat je moeder
    # samenwonen? Dan wordt haar AOW lager." Without it, only whose it is and who reports.
    theirs: bool = False
    # The rule says there is nothing to report: left out beside a rule of the same agency
    # that says to report it (AOW and AIO at the SVB).
    nothing_to_report: bool = False

    @property
    def theirs_key(self) -> str:
        return f"rule.{self.id}.theirs"

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
    # Situations whose answer this one's answer includes: when the reader cannot choose
    # between them, this answer is given instead of asking (the platform answer also says
    # what selling one's own things means).
    covers: tuple[str, ...] = ()
    # Details whose rule replaces the rule of these families instead of being said after it
    # (a partner who stays over but is registered elsewhere is no toeslagpartner).
    instead: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def rule_for(self, benefit: str, family: str) -> str | None:
        """The rule for one benefit: its own where the benefits of a family differ
        (huurtoeslag counts a housemate's income, zorgtoeslag does not), else its family's."""
        return self.rules.get(benefit) or self.rules.get(family)


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
    unit: Literal["money", "number", "percent"]
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
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    conditions: dict[str, Condition] = field(default_factory=dict)

    def deadline_of(self, rule: Rule) -> Deadline | None:
        """The rule's deadline, else the usual one of the agency it is reported to."""
        agency = self.agencies.get(rule.agency or "")
        chosen = rule.deadline or (agency.deadline if agency else None)
        return self.deadlines.get(chosen or "")

    def channel_of(self, rule: Rule) -> Channel | None:
        agency = self.agencies.get(rule.agency or "")
        chosen = rule.channel or (agency.channel if agency else None)
        return self.channels.get(chosen or "")

    @property
    def families(self) -> set[str]:
        return {benefit.family for benefit in self.benefits.values()}
