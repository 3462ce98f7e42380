"""`make figures`: the yearly figures a maintainer must update soon, as warnings.

It never fails the build: an unverified figure is hedged in the answers, not stated.
"""

from __future__ import annotations

import datetime as dt

from bot.domain.knowledge.figures import ending_soon, without_verified_figure
from bot.domain.knowledge.loader import knowledge

WITHIN_DAYS = 60


def report(today: dt.date) -> int:
    """Print the warnings; the number of them."""
    kb = knowledge()
    soon = ending_soon(kb, today, WITHIN_DAYS)
    missing = without_verified_figure(kb, today)
    for warning in soon:
        print(f"figures | warning: {warning.figure} ends on {warning.ends}; no next value yet")
    for warning in missing:
        pairs = ", ".join(warning.used_by[:4])
        more = f" and {len(warning.used_by) - 4} more" if len(warning.used_by) > 4 else ""
        print(
            f"figures | warning: {warning.figure} has no verified value for {today} ({pairs}{more})"
        )
    if not soon and not missing:
        print(
            f"figures | every figure in use is verified for {today} and beyond {WITHIN_DAYS} days"
        )
    return len(soon) + len(missing)
