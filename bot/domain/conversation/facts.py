"""The numbers a person gives: amounts with their period, and durations.

"€400 per maand", "300 euro in de week", "3 weken", "2 maanden": read into plain values so
the answer can do the sum with the figure valid on that date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.shared.words import normalise

_AMOUNT = re.compile(
    r"(?:€|eur|euro)\s*(\d+(?:[.,]\d{3})*(?:[.,]\d{1,2})?)"
    r"|(\d+(?:[.,]\d{3})*(?:[.,]\d{1,2})?)\s*(?:€|euro|eur|eu|e)\b"
)
_PERIODS = (
    (
        "month",
        re.compile(
            r"\b(?:per|p|in de|elke|iedere|a|every|each)\s*(?:maand|mnd|month)\b"
            r"|\bp ?m\b|\bmaandelijks|\bmonthly"
        ),
    ),
    (
        "week",
        re.compile(
            r"\b(?:per|p|in de|elke|iedere|a|every|each)\s*(?:week|wk)\b|\bwekelijks|\bweekly"
        ),
    ),
    (
        "year",
        re.compile(
            r"\b(?:per|p|in het|elk|ieder|a|every|each)\s*(?:jaar|jr|year)\b|\bjaarlijks|\byearly"
        ),
    ),
)
_DURATION = re.compile(
    r"\b(\d{1,3}|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|a|one|two|three|four|five|six)\s*"
    r"(?:vakantie|vrije |verlof|reis|werk|holiday |vacation |working |work)?"
    r"(dagen|dag|days|day|weken|week|weeks|wk|maanden|maand|mnd|months|month)\b"
)
_WORD_NUMBERS = {
    "een": 1,
    "a": 1,
    "one": 1,
    "twee": 2,
    "two": 2,
    "drie": 3,
    "three": 3,
    "vier": 4,
    "four": 4,
    "vijf": 5,
    "five": 5,
    "zes": 6,
    "six": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
}
_DAYS_PER = {"da": 1, "we": 7, "wk": 7, "ma": 30, "mn": 30, "mo": 30}  # dag, week, maand, month


@dataclass(frozen=True)
class Amount:
    euros: float
    period: str | None  # month | week | year | None (once, or not said)

    @property
    def per_year(self) -> float | None:
        factor = {"month": 12, "week": 52, "year": 1}.get(self.period or "")
        return self.euros * factor if factor else None


def _euros(raw: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        return float(re.sub(r"[.,]", "", raw))
    return float(raw.replace(",", "."))


# "5 per maand voor 20 euro": a count per period at a price each.
_COUNT_AT_PRICE = re.compile(
    r"\b(\d{1,3}) (?:stuks? |keer |x )?(per|p|in de|elke|a|every|each) ?(maand|month|week)\b"
    r"(?: \w+){0,2}? (?:voor|a|for|at) (?:€ ?)?(\d+(?:[.,]\d{1,2})?)"
)


# "80 per maand", "maandelijks 100", "100 a month": a bare number said with a period is money
# (hours, days or items have a word between: "20 uur per week", "3 dagen per week").
_BARE_PER_PERIOD = re.compile(
    r"(?<![\d.,])(\d+(?:[.,]\d{1,2})?) (?:per|p|in de|elke|iedere|a|every|each) ?"
    r"(?:maand|mnd|month|week|wk|jaar|year)\b"
    r"|\b(?:maandelijks|wekelijks|jaarlijks|monthly|weekly|yearly) (\d+(?:[.,]\d{1,2})?)\b"
    r"(?! ?(?:uur|uren|hours?|dagen|dag|days?|keer|x|times|stuks?|items?|weken|maanden))"
)


def period_in(text: str) -> str | None:
    """The period named anywhere in the message ("elke maand", "per week")."""
    plain = " ".join(normalise(text))
    return next((name for name, pattern in _PERIODS if pattern.search(plain)), None)


# "na zijn 27e", "vanaf de 18e": a day or an age; "50e" after other words is money.
_BEFORE_ORDINAL = frozenset(
    {"zijn", "zn", "haar", "dr", "mijn", "mn", "hun", "de", "het", "na", "vanaf", "tot", "voor"}
)


def _is_ordinal(lowered: str, match: re.Match[str]) -> bool:
    if match.group(2) is None or not lowered[: match.end()].endswith("e"):
        return False
    before = normalise(lowered[: match.start()])[-1:]
    return bool(before) and before[0] in _BEFORE_ORDINAL


# A plain number right before or after a verb of earning: "als ik 400 verdien", "i earn 250".
_EARNED = re.compile(
    r"\b(\d{2,6}) (?:verdien|verdient|verdienen|bijverdien|earn|earns|make|makes)\b"
    r"|\b(?:verdien|verdient|bijverdien|earn|earns|make|makes) (?:ik |je |i |you )?(\d{2,6})\b"
    r"(?! (?:uur|uren|hours?|dagen|days|weken|weeks|keer|times|jaar|years))"
)


def amount_in(text: str) -> Amount | None:
    """The first amount of money in the message, with its period when one is named."""
    lowered = text.lower()
    counted = _COUNT_AT_PRICE.search(" ".join(normalise(lowered)))
    if counted is not None:
        unit = "month" if counted.group(3) in ("maand", "month") else "week"
        return Amount(int(counted.group(1)) * _euros(counted.group(4)), unit)
    match = next((m for m in _AMOUNT.finditer(lowered) if not _is_ordinal(lowered, m)), None)
    if match is None:
        plain = " ".join(normalise(lowered))
        bare = _BARE_PER_PERIOD.search(plain)
        if bare is None:
            earned = _EARNED.search(plain)  # "als ik 400 verdien": money, though no "euro"
            return Amount(_euros(earned.group(1) or earned.group(2)), None) if earned else None
        return Amount(_euros(bare.group(1) or bare.group(2)), period_in(bare.group(0)))
    raw = match.group(1) or match.group(2)
    tail = lowered[match.end() : match.end() + 24]
    period = period_in(tail)
    if period is None:  # "elke maand 150 euro": the period said just before the amount
        period = period_in(lowered[max(0, match.start() - 20) : match.start()])
    return Amount(_euros(raw), period)


_HOURS = re.compile(r"(?<!om )\b(\d{1,2}(?:[.,]5)?) ?(?:uur|uren|u|hours?|hrs?)\b")


def hours_in(text: str) -> float | None:
    """Hours of work named in the message ("6 uur per week", "4 hours"), or None."""
    match = _HOURS.search(text.lower())
    return float(match.group(1).replace(",", ".")) if match else None


_BARE_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,](\d{1,2}))?(?![\d.,]| ?%)")
_UNIT_AFTER = re.compile(
    r"^ ?(?:jaar|jr|uur|uren|u|dagen|dag|weken|week|maanden|maand|keer|x|nachten|kinderen|"
    r"years?|hours?|days?|weeks?|months?|times|nights)\b"
)


_ORDINAL = re.compile(r"(?:e|ste|de|th|st|nd|rd)\b")
# "ze is 15", "hij wordt 19": a person's age, not money.
_AGE_LIKE = re.compile(
    r"\b(?:ik|ze|zij|hij|die|zoon|dochter|she|he|im|i am|she s|he s) (?:ben|is|was|wordt|word|"
    r"am|turns?|werd) (?:nu |net |bijna )?\d"
    # "als ze 21 wordt", "als ik 28 ben": the verb after the age
    r"|\b(?:ik|ze|zij|hij|die|zoon|dochter) (?:nu |net |bijna )?\d{1,3} (?:ben|is|wordt|word|was|"
    r"werd|jaar)\b"
)


def bare_amount(text: str) -> float | None:
    """ "en als het 50 is?": the one plain number in a short follow-up about an amount, or
    None when there is none, more than one, or it counts something else ("3 weken")."""
    lowered = text.lower()
    if _AGE_LIKE.search(" ".join(normalise(lowered))):
        return None
    numbers = list(_BARE_NUMBER.finditer(lowered))
    if len(numbers) != 1 or _ORDINAL.match(lowered, numbers[0].end()):
        return None  # "na zijn 27e", "after her 18th": an age, not money
    after = " ".join(normalise(lowered[numbers[0].end() :]))
    return None if _UNIT_AFTER.match(" " + after) else _euros(numbers[0].group(0))


# Just before "a month" / "een maand": a number or "euro" makes it the period of an amount.
_PERIOD_BEFORE = re.compile(r"(?:\d|euro|eur|per|p) $")
# "over 3 weken ga ik", "in 2 weeks", "2 weken geleden": when, not how long.
_WHEN_BEFORE = re.compile(r"\b(?:over|binnen|within|in) $")
_WHEN_AFTER = re.compile(r"^ (?:geleden|ago|from now)\b")


# "een dagje weg", "dagje uit", "a day trip": out and back the same day.
_DAY_OUT = re.compile(r"\bdagje\b|\bday (?:trip|out)\b|\bdagtrip\b|\bdagjes? uit\b")
_HALF_YEAR = re.compile(r"\b(?:een |a )?half ?(?:jaar|year)\b|\bhalf a year\b")
HALF_YEAR_DAYS = 182


# "2 weken, dat zijn 10 werkdagen": the same trip said again, not a second one.
_SAID_AGAIN = re.compile(r"\b(?:dat zijn|dat is|dus|oftewel|that s|that is|so) $")
# Working days in a week, a month: WW counts holidays in working days.
_WORK_DAYS_PER = {"da": 1, "we": 5, "wk": 5, "ma": 21, "mn": 21, "mo": 21}
WORK_DAYS_IN_HALF_YEAR = 130


def durations_days(text: str, work_days: bool = False) -> list[int]:
    """Every duration the message names, in days ("3 weken" is 21), or in working days
    (`work_days`: "3 weken" is 15): "al 10 dagen geweest, nu nog 3 weken" names two, which
    count together against a limit per year."""
    found: list[int] = []
    plain = " ".join(normalise(text))
    per = _WORK_DAYS_PER if work_days else _DAYS_PER
    for match in _DURATION.finditer(plain):
        if _PERIOD_BEFORE.search(plain[: match.start()]):
            continue  # "200 a month", "50 euro een week": the period of an amount
        if _WHEN_BEFORE.search(plain[: match.start()]) or _WHEN_AFTER.match(plain[match.end() :]):
            continue  # "over 3 weken 10 dagen naar kreta": the trip is 10 days
        if found and _SAID_AGAIN.search(plain[: match.start()]):
            continue
        count = _WORD_NUMBERS.get(match.group(1)) or int(match.group(1))
        found.append(count * per[match.group(2)[:2]])
    half_year = WORK_DAYS_IN_HALF_YEAR if work_days else HALF_YEAR_DAYS
    found += [half_year for _ in _HALF_YEAR.finditer(plain)]
    found += [1 for _ in _DAY_OUT.finditer(plain)]
    return found


# "ik heb dit jaar al 18 dagen vakantie gehad": days already used, added to the trip asked.
_ALREADY_USED = re.compile(
    r"\b(?:al|already)\b.*\b(?:gehad|geweest|opgenomen|gebruikt|weg|had|taken|used|been)\b"
)


def already_used(text: str) -> bool:
    return bool(_ALREADY_USED.search(" ".join(normalise(text))))
