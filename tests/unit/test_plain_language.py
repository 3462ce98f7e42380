"""Every Dutch text passes the plain-language check; the check itself can fail."""

from bot.i18n.maintenance import po_file, read_catalog
from bot.i18n.plain_language import check_text


def test_all_dutch_texts_are_plain() -> None:
    catalog = read_catalog(po_file("nl"), "nl")
    findings = [
        finding
        for message in catalog
        if message.id and message.string
        for finding in check_text(str(message.id), str(message.string))
    ]
    assert findings == []


def test_long_sentences_are_found() -> None:
    text = (
        "Als je met je uitkering iets wilt bijverdienen dan moet je dat altijd eerst "
        "overleggen met de instantie die je uitkering betaalt omdat die dat wil weten."
    )
    assert [f.problem for f in check_text("k", text)] == ["sentences average 27.0 words"]


def test_long_words_and_unexplained_official_words_are_found() -> None:
    problems = [
        f.problem
        for f in check_text("k", "Je bent kostendeler. Dat is arbeidsongeschiktheidsverzekering.")
    ]
    assert "explain 'kostendeler' where it is first used" in problems
    assert "very long word 'arbeidsongeschiktheidsverzekering'" in problems


def test_an_explained_official_word_passes() -> None:
    assert check_text("k", "Je zoon is kostendeler (hij is 27 of ouder en woont bij je).") == []
