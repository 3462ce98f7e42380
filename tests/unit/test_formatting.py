import datetime as dt

from bot.i18n.formatting import LocaleFormatter, placeholders


def test_dutch_money_and_dates() -> None:
    formatter = LocaleFormatter("nl")
    text = formatter.format("{amount:money} op {day:date}", amount=1234.56, day="2026-01-01")
    # A no-break space keeps the euro sign and the amount on one line.
    assert text == "€\xa01.234,56 op 1 januari 2026"


def test_english_money_and_dates() -> None:
    formatter = LocaleFormatter("en")
    text = formatter.format("{amount:money} on {day:date}", amount=1234.56, day=dt.date(2026, 3, 6))
    assert text == "€1,234.56 on 6 March 2026"


def test_numbers_and_plain_fields() -> None:
    assert LocaleFormatter("nl").format("{n:number} {who}", n=12500.5, who="jij") == "12.500,5 jij"


def test_placeholders_are_names_with_their_format() -> None:
    assert placeholders("In {year} was het {amount:money}.") == {("year", ""), ("amount", "money")}
    assert placeholders("geen velden") == set()
