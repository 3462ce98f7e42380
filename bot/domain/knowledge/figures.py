"""Pick the figure that is valid on a given day, or the last verified one with its year.

A figure marked unverified is never used: then the answer names the last verified year
("in 2025 was dit € 210 per maand") and says to check with the agency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.knowledge.model import Figure, Knowledge


@dataclass(frozen=True)
class FigureChoice:
    value: float
    year: int
    current: bool  # False: the last verified value from an earlier period


def choose(figure: Figure, day: dt.date) -> FigureChoice | None:
    verified = [v for v in figure.values if v.verified and v.value is not None]
    for value in verified:
        if value.covers(day):
            return FigureChoice(float(value.value or 0), day.year, current=True)
    earlier = [v for v in verified if v.valid_from <= day]
    if not earlier:
        return None
    last = max(earlier, key=lambda v: v.valid_from)
    return FigureChoice(float(last.value or 0), last.valid_from.year, current=False)


def standing_figures(knowledge: Knowledge) -> dict[str, float]:
    """Figures fixed in law until it changes (open-ended), by id, at their newest verified
    value: for texts that are not a rule's own ("Je AOW gaat van {aow_pct_alone:percent}")."""
    standing: dict[str, float] = {}
    for figure in knowledge.figures.values():
        values = [v for v in figure.values if v.open_ended and v.verified and v.value is not None]
        if values:
            standing[figure.id] = float(max(values, key=lambda v: v.valid_from).value or 0)
    return standing


@dataclass(frozen=True)
class FigureWarning:
    """A figure a maintainer must look at: its value ends soon, or none is verified today."""

    figure: str
    ends: dt.date | None = None  # the day the value valid today ends
    used_by: tuple[str, ...] = ()  # "situation × benefit" pairs without a verified figure


def ending_soon(knowledge: Knowledge, today: dt.date, within_days: int = 60) -> list[FigureWarning]:
    """Figures whose value valid today ends within `within_days` with no next value known."""
    warnings = []
    horizon = today + dt.timedelta(days=within_days)
    for figure in knowledge.figures.values():
        current = [v for v in figure.values if v.verified and v.covers(today) and v.valid_to]
        for value in current:
            assert value.valid_to is not None
            after = value.valid_to + dt.timedelta(days=1)
            known_next = any(v.verified and v.covers(after) for v in figure.values)
            if value.valid_to <= horizon and not known_next:
                warnings.append(FigureWarning(figure.id, ends=value.valid_to))
    return warnings


def without_verified_figure(knowledge: Knowledge, today: dt.date) -> list[FigureWarning]:
    """Figures that answers use today (situation × benefit) with no verified value for today:
    the answer then gives the last verified year and says to check."""
    used: dict[str, list[str]] = {}
    for situation in knowledge.situations.values():
        for benefit in knowledge.benefits.values():
            rule_id = situation.rule_for(benefit.id, benefit.family)
            if rule_id is None:
                continue
            rule = knowledge.rules[rule_id]
            rules = [rule, *(knowledge.rules[v.rule] for v in rule.variants)]
            for figure_id in {f for r in rules for f in r.figures.values()}:
                figure = knowledge.figures[figure_id]
                choice = choose(figure, today)
                if figure.applies_to([benefit.id]) and (choice is None or not choice.current):
                    pair = f"{situation.id} × {benefit.id}"
                    if pair not in used.setdefault(figure_id, []):
                        used[figure_id].append(pair)
    return [FigureWarning(figure, used_by=tuple(pairs)) for figure, pairs in sorted(used.items())]
