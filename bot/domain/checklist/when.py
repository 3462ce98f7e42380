"""When the life event happens, read from the message ("volgende maand", "op 1 maart",
"vorige week", "next month"), and deadlines computed from that date.

Only clear phrases are read; anything else gives no date, and the checklist then names the
deadline without a date ("binnen 4 weken").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from bot.domain.knowledge.model import Deadline
from bot.domain.knowledge.vocabulary import numbers
from bot.shared.words import normalise

MONTHS = numbers("months")
RELATIVE_DAYS = numbers("relative_days")
UNITS = numbers("units")
NUMBER_WORDS = numbers("number_words")
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th|e|ste|de)?"
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}){_ORDINAL} (?:of )?({_MONTH_NAMES})\b(?: (\d{{4}}))?")
_MONTH_DAY = re.compile(rf"\b({_MONTH_NAMES}) (\d{{1,2}}){_ORDINAL}\b(?: (\d{{4}}))?")
_NUMERIC = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?\b")
_IN_UNITS = re.compile(r"\b(?:over|in) (\w+) (dagen|dag|weken|week|days|day|weeks)\b")
_UNITS_AGO = re.compile(r"\b(\w+) (dagen|dag|weken|week|days|day|weeks) (?:geleden|ago)\b")
_IN_MONTH = re.compile(rf"\b(?:in|eind|begin|per) ({_MONTH_NAMES})\b")


def _next_month(day: dt.date, step: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 + step
    return dt.date(month_index // 12, month_index % 12 + 1, 1)


def _nearest(day_of_month: int, month: int, year: str | None, today: dt.date) -> dt.date | None:
    """A date without a year is this year's, unless that is more than a month ago."""
    years = [int(year) if len(year) == 4 else 2000 + int(year)] if year else [today.year]
    try:
        found = dt.date(years[0], month, day_of_month)
    except ValueError:
        return None
    if year is None and found < today - dt.timedelta(days=31):
        try:
            found = dt.date(today.year + 1, month, day_of_month)
        except ValueError:
            return None
    return found


def event_date(text: str, today: dt.date) -> dt.date | None:
    """The date the message gives for the event, or None."""
    plain = " ".join(normalise(text))
    spaced = " ".join(re.sub(r"(\d)\s*([-/.])\s*(\d)", r"\1\2\3", text.lower()).split())
    for word, offset in RELATIVE_DAYS.items():
        if re.search(rf"\b{word}\b", plain):
            return today + dt.timedelta(days=offset)
    if re.search(r"\b(volgende|komende|next) week\b", plain):
        return today + dt.timedelta(days=7)
    if re.search(r"\b(vorige|afgelopen|last) week\b", plain):
        return today - dt.timedelta(days=7)
    if re.search(r"\b(volgende|komende|next) maand\b|\bnext month\b", plain):
        return _next_month(today, 1)
    if re.search(r"\b(vorige|afgelopen) maand\b|\blast month\b", plain):
        return _next_month(today, -1)
    for pattern, sign in ((_IN_UNITS, 1), (_UNITS_AGO, -1)):
        match = pattern.search(plain)
        if match and match.group(1) in NUMBER_WORDS | {str(n): n for n in range(1, 60)}:
            count = NUMBER_WORDS.get(match.group(1)) or int(match.group(1))
            return today + dt.timedelta(days=sign * count * UNITS[match.group(2)])
    match = _DAY_MONTH.search(plain)
    if match:
        return _nearest(int(match.group(1)), MONTHS[match.group(2)], match.group(3), today)
    match = _MONTH_DAY.search(plain)
    if match:
        return _nearest(int(match.group(2)), MONTHS[match.group(1)], match.group(3), today)
    match = _NUMERIC.search(spaced)
    if match and 1 <= int(match.group(2)) <= 12:
        return _nearest(int(match.group(1)), int(match.group(2)), match.group(3), today)
    match = _IN_MONTH.search(plain)
    if match:
        return _nearest(1, MONTHS[match.group(1)], None, today)
    return None


def add_working_days(start: dt.date, days: int) -> dt.date:
    current = start
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        current += dt.timedelta(days=step)
        if current.weekday() < 5:
            remaining -= 1
    return current


def due_date(
    deadline: Deadline, event_day: dt.date, days: int | None = None, working: bool | None = None
) -> dt.date | None:
    """The last day to act, for an event on `event_day` (None: no fixed date)."""
    if deadline.kind == "none":
        return None
    count = deadline.days if days is None else days
    by_working_days = deadline.working if working is None else working
    signed = count if deadline.kind == "after" else -count
    if by_working_days:
        return add_working_days(event_day, signed)
    return event_day + dt.timedelta(days=signed)


def last_day_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
