"""The catalogs are complete, translated, and agree on placeholders in every language."""

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from bot.i18n.catalogs import LOCALES_DIR, MessageCatalogs, MissingTextError
from bot.i18n.maintenance import (
    TEMPLATE_FILE,
    catalog_problems,
    compile_catalogs,
    extract_template,
    po_file,
    read_catalog,
    write_catalog,
)
from bot.shared.settings import SUPPORTED_LANGUAGES


def keys(catalog: Catalog) -> set[str]:
    return {str(message.id) for message in catalog if message.id}


def test_every_text_key_is_translated_in_every_language() -> None:
    assert catalog_problems(extract_template()) == []


def test_template_is_up_to_date_with_domain_and_code() -> None:
    committed = read_catalog(TEMPLATE_FILE, "nl")
    assert keys(committed) == keys(extract_template()), "run `make i18n` and commit locales/"


def test_catalogs_hold_no_stale_keys() -> None:
    expected = keys(extract_template())
    for language in SUPPORTED_LANGUAGES:
        assert keys(read_catalog(po_file(language), language)) == expected


@pytest.fixture
def locales_copy(tmp_path: Path) -> Path:
    target = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, target)
    return target


def edit(locales: Path, language: str, key: str, text: str, fuzzy: bool = False) -> None:
    catalog = read_catalog(po_file(language, locales), language)
    message = catalog[key]
    message.string = text
    if fuzzy:
        message.flags.add("fuzzy")
    write_catalog(catalog, po_file(language, locales))


def test_check_finds_an_untranslated_text(locales_copy: Path) -> None:
    edit(locales_copy, "en", "goodbye", "")
    problems = catalog_problems(extract_template(), locales_dir=locales_copy)
    assert problems == ["en: 'goodbye' is not translated"]


def test_check_finds_a_fuzzy_text(locales_copy: Path) -> None:
    edit(locales_copy, "nl", "goodbye", "Dag!", fuzzy=True)
    assert catalog_problems(extract_template(), locales_dir=locales_copy) == [
        "nl: 'goodbye' is marked fuzzy"
    ]


def test_check_finds_different_placeholders(locales_copy: Path) -> None:
    edit(locales_copy, "nl", "goodbye", "Dag {name}!")
    edit(locales_copy, "en", "goodbye", "Bye {naam}!")
    assert catalog_problems(extract_template(), locales_dir=locales_copy) == [
        "en: 'goodbye' has other placeholders than nl"
    ]


def test_check_finds_a_missing_key(locales_copy: Path) -> None:
    catalog = read_catalog(po_file("en", locales_copy), "en")
    catalog.delete("goodbye")
    write_catalog(catalog, po_file("en", locales_copy))
    assert catalog_problems(extract_template(), locales_dir=locales_copy) == [
        "en: 'goodbye' is missing"
    ]


def test_runtime_falls_back_to_dutch_and_fails_on_unknown_keys(locales_copy: Path) -> None:
    edit(locales_copy, "en", "goodbye", "")
    compile_catalogs(locales_dir=locales_copy)
    catalogs = MessageCatalogs(locales_dir=locales_copy)
    assert catalogs.text("goodbye", "en") == catalogs.text("goodbye", "nl")
    with pytest.raises(MissingTextError):
        catalogs.text("no.such.key", "nl")


def test_a_missing_placeholder_value_never_crashes(locales_copy: Path) -> None:
    edit(locales_copy, "nl", "goodbye", "Dag {name}, tot {day:date}!")
    compile_catalogs(["nl"], locales_dir=locales_copy)
    catalogs = MessageCatalogs(["nl"], locales_dir=locales_copy)
    assert catalogs.text("goodbye", "nl", {"name": "Sam"}) == "Dag Sam, tot …!"
