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
