"""Locale-aware `str.format`: translators write `{amount:money}`, `{day:date}`, `{day:weekday}`,
`{days:days}` (a number of days: "1 week", "5 dagen"), `{share:percent}` (75 -> "75%") and
`{nth:ordinal}` ("2e", "2nd").

Babel does the formatting: `€ 1.234,56` and `1 januari 2026` in Dutch, `€1,234.56` and
`1 January 2026` in English. Actions send plain JSON values (numbers, ISO dates).
"""

from __future__ import annotations

import datetime as dt
import logging
import string
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit

BABEL_LOCALES = {"nl": "nl_NL", "en": "en_GB"}
FORMAT_SPECS = ("money", "date", "weekday", "number", "days", "percent", "ordinal", "")
MISSING_VALUE = "…"

log = logging.getLogger(__name__)


class LocaleFormatter(string.Formatter):
    """A `string.Formatter` that understands the specs `money`, `date` and `number`."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.locale = BABEL_LOCALES.get(language, language)

    def format_field(self, value: Any, format_spec: str) -> str:
        try:
            return self._format_field(value, format_spec)
        except (TypeError, ValueError):
            log.warning("cannot format %r as %r", value, format_spec)
            return MISSING_VALUE

    def _format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "money":
            amount = float(value)
            if amount.is_integer():  # € 1.200 rather than € 1.200,00
                pattern = Locale.parse(self.locale).currency_formats["standard"].pattern
                pattern = pattern.split(";")[0].replace(".00", "")
                return format_currency(
                    amount, "EUR", format=pattern, locale=self.locale, currency_digits=False
                )
            return format_currency(amount, "EUR", locale=self.locale)
        if format_spec == "date":
            return format_date(_as_date(value), format="long", locale=self.locale)
        if format_spec == "weekday":  # "vrijdag 5 maart 2027": a deadline people can act on
            return format_date(_as_date(value), format="EEEE d MMMM y", locale=self.locale)
        if format_spec == "days":  # whole weeks as weeks: "4 weken", else "5 dagen"
            days = int(value)
            if days and days % 7 == 0:
                return str(format_unit(days // 7, "duration-week", locale=self.locale))
            return str(format_unit(days, "duration-day", locale=self.locale))
        if format_spec == "percent":  # figures hold percentages as numbers: 87.5 -> "87,5%"
            return format_percent(float(value) / 100, "#,##0.#%", locale=self.locale)
        if format_spec == "ordinal":
            return _ordinal(int(value), self.locale)
        if format_spec == "number":
            return format_decimal(float(value), locale=self.locale)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(super().format_field(value, format_spec))


def _ordinal(number: int, locale: str) -> str:
    """Babel has no ordinals: Dutch writes "2e", English "2nd"."""
    if not locale.startswith("en"):
        return f"{number}e"
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}" + {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def placeholders(text: str) -> set[tuple[str, str]]:
    """The `(name, spec)` pairs a text uses; translations must use the same set."""
    return {
        (name, spec or "")
        for _, name, spec, _ in string.Formatter().parse(text)
        if name is not None
    }
