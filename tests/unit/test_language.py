import pytest

from bot.i18n.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoi", "nl"),
        ("ik heb bijstand en bak taarten, mag dat?", "nl"),
        ("wat kun je", "nl"),
        ("hi", "en"),
        ("i have an IVA benefit, do i need to report it?", "en"),
        ("what can you do", "en"),
        ("", None),
        ("123 456", None),
        ("/ask_rules", None),
        ("bijstand", None),  # a Dutch name in an English conversation: no switch
        ("huurtoeslag and zorgtoeslag", "en"),
        ("ze had aow", "nl"),  # "had" is Dutch too; "ze" is not English
        ("she had aow", "en"),
        ("mn zoon woont hier", "nl"),
    ],
)
def test_detects_dutch_and_english(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected
