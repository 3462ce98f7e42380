"""The date rules and deadlines are applied for: today, unless the settings fix a day."""

from __future__ import annotations

import datetime as dt

from bot.shared.settings import fixed_today


def today() -> dt.date:
    return fixed_today() or dt.date.today()
