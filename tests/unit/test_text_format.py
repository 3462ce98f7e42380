"""How replies look on text-only channels, and how answers map back to buttons."""

from bot.channels.text_format import Option, Reply, match_option, numbered, plain_markdown
from bot.i18n.catalogs import MessageCatalogs

OPTIONS = [
    Option("Hobby en bijverdienen", '/ask_rules{"topic": "hobby"}'),
    Option("Vrijwilligerswerk", '/ask_rules{"topic": "volunteering"}'),
    Option("Praat met een mens", "/request_human"),
]


def test_buttons_become_numbered_options() -> None:
    text = numbered(Reply("Waar gaat je vraag over?", OPTIONS), "sms", "nl", MessageCatalogs())
    assert text.splitlines() == [
        "Waar gaat je vraag over?",
        "",
        "1. Hobby en bijverdienen",
        "2. Vrijwilligerswerk",
        "3. Praat met een mens",
        "Stuur 1, 2 of 3.",
    ]
    english = numbered(Reply("Choose", OPTIONS[:2]), "wa", "en", MessageCatalogs())
    assert english.endswith("Send 1 or 2.")


def test_a_number_or_the_words_map_back_to_the_payload() -> None:
    assert match_option("2", OPTIONS) == '/ask_rules{"topic": "volunteering"}'
    assert match_option(" 3. ", OPTIONS) == "/request_human"
    assert match_option("nummer 1", OPTIONS) == '/ask_rules{"topic": "hobby"}'
    assert match_option("praat met een MENS", OPTIONS) == "/request_human"
    assert match_option("4", OPTIONS) is None
    assert match_option("ik heb 2 kinderen en bijstand", OPTIONS) is None
    assert match_option("2", []) is None


def test_markdown_is_converted_or_removed_per_channel() -> None:
    source = "**Let op**: kijk op [de site](https://www.uwv.nl) of bel. _Snel_ doen."
    assert (
        plain_markdown(source, "sms")
        == "Let op: kijk op de site (https://www.uwv.nl) of bel. Snel doen."
    )
    assert plain_markdown(source, "wa").startswith("*Let op*: kijk op de site (https://www.uwv.nl)")
    assert plain_markdown("je_naam en 5 * 3", "sms") == "je_naam en 5 * 3"
