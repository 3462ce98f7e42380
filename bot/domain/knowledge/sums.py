"""The sums an answer does with the person's own numbers and the figure valid that day.

€ 400 a month is € 4.800 a year, more than the € 1.200 a year a bijstand client may get in
gifts (2026); 5 weeks abroad is more than the 28 days a year. The sum is said in the answer.
Which rule uses which figure is data: SUMS below names them; the figures stay in figures.yml.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.domain.knowledge.figures import choose
from bot.domain.knowledge.model import Knowledge

Part = dict[str, Any]

# rule -> the sums to make, each (kind, figure): a yearly limit on money, the same limit
# only for an amount with a period ("year_total": a volunteer allowance has both a monthly
# and a yearly maximum), a monthly limit, days a year, or cents kept of every euro earned.
_VOLUNTEER = (
    ("per_month", "vrijwilligersvergoeding_maand"),
    ("year_total", "vrijwilligersvergoeding_jaar"),
)
SUMS: dict[str, tuple[tuple[str, str], ...]] = {
    "gift_bijstand": (("per_year", "bijstand_giftenvrijlating_jaar"),),
    "volunteer_bijstand": _VOLUNTEER,
    "volunteer_bijstand_27plus": _VOLUNTEER,
    "volunteer_uwv": _VOLUNTEER,
    "abroad_bijstand": (("days", "bijstand_buitenland_dagen_jaar"),),
    "abroad_aio": (("days", "aio_buitenland_dagen_jaar"),),
    # WW counts holidays in working days: 2 weeks away is 10 of the 20 days.
    "abroad_ww": (("work_days", "ww_vakantiedagen_jaar"),),
    "abroad_ww_days": (("work_days", "ww_vakantiedagen_jaar"),),
    "wajong_income": (("kept", "wajong_behoud_cent_per_euro"),),
    # a partner's income against the couple's norm: above it, probably no bijstand
    "partner_bijstand": (("partner_income", "bijstand_norm_samen"),),
    # savings against the limit for one person and for a couple or single parent
    "savings_bijstand": (
        ("assets_alone", "bijstand_vermogensgrens_alleen"),
        ("assets_together", "bijstand_vermogensgrens_samen"),
    ),
}


# The sentences the sums are said in (for `make i18n`).
SUM_KEYS = {
    **{
        f"sum.year.{period}.{side}": f"{{amount}} per {period} is {{total}} a year, {side} the "
        "{limit} a year of {year}"
        for period in ("month", "week")
        for side in ("over", "under")
    },
    **{
        f"sum.year.once.{side}": f"{{amount}} once, {side} the {{limit}} a year of {{year}}"
        for side in ("over", "under")
    },
    **{
        f"sum.month.{side}": f"{{amount}} a month, {side} the {{limit}} a month of {{year}}"
        for side in ("over", "under")
    },
    **{
        f"sum.days.{side}": f"{{days}} days abroad, {side} {{limit}} a year"
        for side in ("over", "under")
    },
    "sum.kept": "{amount} earned, {kept} kept: {cents} cents of every euro (rule of {year})",
    **{
        f"sum.partner_income.{side}": f"partner earns {{amount}} a month, {side} the couple's "
        "norm of {limit} ({year})"
        for side in ("over", "under")
    },
    **{
        f"sum.{kind}.{side}": f"{{amount}} saved, {side} the {who} limit ({{limit}}, {{year}})"
        for kind, who in (("assets_alone", "single"), ("assets_together", "couple"))
        for side in ("over", "under")
    },
}


def plain_money(value: float) -> int | float:
    """€ 400 rather than € 400.0; cents only when there are any."""
    return int(value) if float(value).is_integer() else round(value, 2)


def sums_for(
    knowledge: Knowledge, rule_id: str, facts: dict[str, Any], today: dt.date
) -> list[Part]:
    """The sums for this rule with the facts given, or [] when there is nothing to add up."""
    return [
        part
        for kind, figure_id in SUMS.get(rule_id, ())
        for part in _sum(knowledge, kind, figure_id, facts, today)
    ]


def _sum(
    knowledge: Knowledge, kind: str, figure_id: str, facts: dict[str, Any], today: dt.date
) -> list[Part]:
    figure = knowledge.figures.get(figure_id)
    if figure is None:
        return []
    choice = choose(figure, today)
    if choice is None:
        return []
    limit, year = plain_money(choice.value), choice.year
    hedge = (
        [] if choice.current else [{"key": "figure.not_sure", "args": {"this_year": today.year}}]
    )
    amount, period, days = facts.get("amount"), facts.get("period"), facts.get("days")
    factor = {"month": 12, "week": 52}.get(period or "")
    if kind == "year_total" and not factor:
        return []
    if kind in ("per_year", "year_total") and amount is not None:
        total = amount * factor if factor else amount
        side = "over" if total > choice.value else "under"
        if factor:
            key = f"sum.year.{period}.{side}"
            return [
                {
                    "key": key,
                    "args": {
                        "amount": plain_money(amount),
                        "total": plain_money(total),
                        "limit": limit,
                        "year": year,
                    },
                },
                *hedge,
            ]
        return [
            {
                "key": f"sum.year.once.{side}",
                "args": {"amount": plain_money(amount), "limit": limit, "year": year},
            },
            *hedge,
        ]
    if kind == "per_month" and amount is not None and period in ("month", None):
        side = "over" if amount > choice.value else "under"
        return [
            {
                "key": f"sum.month.{side}",
                "args": {"amount": plain_money(amount), "limit": limit, "year": year},
            },
            *hedge,
        ]
    if kind == "work_days":
        days = facts.get("work_days", days)
    if kind in ("days", "work_days") and days is not None:
        side = "over" if days > choice.value else "under"
        return [{"key": f"sum.days.{side}", "args": {"days": days, "limit": limit}}]
    if kind == "partner_income" and amount is not None and period in ("month", None):
        side = "over" if amount > choice.value else "under"
        args = {"amount": plain_money(amount), "limit": limit, "year": year}
        return [{"key": f"sum.partner_income.{side}", "args": args}, *hedge]
    if kind in ("assets_alone", "assets_together") and amount is not None and period is None:
        side = "over" if amount > choice.value else "under"
        args = {"amount": plain_money(amount), "limit": limit, "year": year}
        return [{"key": f"sum.{kind}.{side}", "args": args}]
    if kind == "kept" and amount is not None:
        kept = amount * choice.value / 100
        return [
            {
                "key": "sum.kept",
                "args": {
                    "amount": plain_money(amount),
                    "kept": plain_money(kept),
                    "cents": limit,
                    "year": today.year,
                },
            }
        ]
    return []
