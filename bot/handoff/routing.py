"""Routing from data: (agency, gemeente, topic) → the contact team that picks it up.

The most specific team wins: same agency and gemeente, then same agency nationally, then a
team for every agency (Wegwijs' own national team). The data lives in data/teams.yml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import phonenumbers
import yaml

from bot.domain.knowledge.loader import KnowledgeError, knowledge

DATA_FILE = Path(__file__).resolve().parent / "data" / "teams.yml"
ALERT_CHANNELS = ("sms", "whatsapp")


@dataclass(frozen=True)
class OfficeHours:
    days: tuple[int, ...]  # ISO weekdays, 1 = Monday
    opens: dt.time
    closes: dt.time

    def open_at(self, moment: dt.datetime) -> bool:
        return moment.isoweekday() in self.days and self.opens <= moment.time() < self.closes

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """When the team is (next) open: now, or the next opening time."""
        if self.open_at(moment):
            return moment
        day = moment.date()
        for offset in range(8):
            candidate = dt.datetime.combine(day + dt.timedelta(days=offset), self.opens)
            candidate = candidate.replace(tzinfo=moment.tzinfo)
            if candidate.isoweekday() in self.days and candidate > moment:
                return candidate
        raise ValueError("office hours without any open day")


@dataclass(frozen=True)
class Team:
    id: str
    agency: str | None
    gemeenten: tuple[str, ...]
    topics: tuple[str, ...]
    hours: OfficeHours
    respond_within_days: int
    pick_up_within: dt.timedelta
    alert_channel: str
    alert_number: str
    backup: str | None


@dataclass(frozen=True)
class Routing:
    teams: dict[str, Team]
    agencies: frozenset[str]  # the agencies of the knowledge data, which teams can serve

    def route(self, agency: str | None, gemeente: str | None, topic: str | None) -> Team:
        """The team for this handoff; Wegwijs' national team when nothing fits better."""

        def fits(team: Team) -> bool:
            return not team.topics or topic in team.topics

        candidates = [team for team in self.teams.values() if fits(team)]
        local = [t for t in candidates if t.agency == agency and gemeente in t.gemeenten]
        national = [t for t in candidates if t.agency == agency and not t.gemeenten]
        anyone = [t for t in candidates if t.agency is None and not t.gemeenten]
        for found in (local, national, anyone):
            if found:
                return found[0]
        raise KnowledgeError("teams.yml: no national team for every agency")


def _time(value: Any, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError as error:
        raise KnowledgeError(f"{where}: expected a time like 09:00, got {value!r}") from error


def _e164(number: str, where: str) -> str:
    try:
        parsed = phonenumbers.parse(number, "NL")
    except phonenumbers.NumberParseException as error:
        raise KnowledgeError(f"{where}: not a phone number: {number!r}") from error
    if not phonenumbers.is_possible_number(parsed):
        raise KnowledgeError(f"{where}: not a possible phone number: {number!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def load_routing(path: Path = DATA_FILE, gemeenten: tuple[str, ...] | None = None) -> Routing:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    agencies = frozenset(knowledge().agencies)
    teams: dict[str, Team] = {}
    for key, item in raw["teams"].items():
        where = f"teams.yml {key}"
        if item.get("agency") is not None and item["agency"] not in agencies:
            raise KnowledgeError(f"{where}: unknown agency {item['agency']!r}")
        alert = item.get("alert") or {}
        if alert.get("channel") not in ALERT_CHANNELS:
            raise KnowledgeError(f"{where}: alert channel must be one of {ALERT_CHANNELS}")
        hours = item["hours"]
        teams[key] = Team(
            id=key,
            agency=item.get("agency"),
            gemeenten=tuple(item.get("gemeenten") or ()),
            topics=tuple(item.get("topics") or ()),
            hours=OfficeHours(
                tuple(int(day) for day in hours["days"]),
                _time(hours["from"], where),
                _time(hours["to"], where),
            ),
            respond_within_days=int(item["respond_within_days"]),
            pick_up_within=dt.timedelta(hours=int(item.get("pick_up_within_hours", 8))),
            alert_channel=alert["channel"],
            alert_number=_e164(str(alert["number"]), where),
            backup=item.get("backup"),
        )
    for team in teams.values():
        if team.backup is not None and team.backup not in teams:
            raise KnowledgeError(f"teams.yml {team.id}: unknown backup {team.backup!r}")
        unknown = [name for name in team.gemeenten if gemeenten and name not in gemeenten]
        if unknown:
            raise KnowledgeError(f"teams.yml {team.id}: unknown gemeenten {unknown}")
    if not any(team.agency is None and not team.gemeenten for team in teams.values()):
        raise KnowledgeError("teams.yml: a national team for every agency is required")
    return Routing(teams, agencies)


@cache
def routing() -> Routing:
    from bot.domain.checklist.loader import life_events

    return load_routing(gemeenten=life_events().gemeenten)
