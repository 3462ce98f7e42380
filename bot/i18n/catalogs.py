"""Load the compiled Babel catalogs and look texts up by key, per language.

Message ids are stable keys (`greet.intro`); every language, Dutch included, is a
translation in `locales/<lang>/LC_MESSAGES/messages.po`. Dutch is written first; the
other languages are translated from it. Runtime falls back to Dutch, tests forbid gaps.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from babel.support import Translations

from bot.i18n.formatting import MISSING_VALUE, LocaleFormatter
from bot.shared.settings import PROJECT_ROOT, SUPPORTED_LANGUAGES

LOCALES_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"
SOURCE_LANGUAGE = "nl"

log = logging.getLogger(__name__)


class MissingTextError(LookupError):
    """A key has no text in any catalog (not even Dutch): a programming error."""


class MessageCatalogs:
    """All supported languages' catalogs, loaded once."""

    def __init__(
        self,
        languages: Iterable[str] = SUPPORTED_LANGUAGES,
        locales_dir: Path = LOCALES_DIR,
    ) -> None:
        self.languages = tuple(languages)
        self._translations: dict[str, Translations] = {}
        for language in self.languages:
            mo_file = locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if not mo_file.exists():
                raise FileNotFoundError(
                    f"The compiled catalog {mo_file} is missing; run `make i18n` first."
                )
            with mo_file.open("rb") as handle:
                self._translations[language] = Translations(handle, domain=DOMAIN)

    def has(self, key: str, language: str) -> bool:
        catalog = self._translations.get(language)
        return catalog is not None and catalog.gettext(key) != key

    def text(self, key: str, language: str, arguments: Mapping[str, Any] | None = None) -> str:
        """The text for `key` in `language` (Dutch when missing), placeholders filled in."""
        if not self.has(key, language):
            if not self.has(key, SOURCE_LANGUAGE):
                raise MissingTextError(key)
            log.warning("text %r has no %s translation; using Dutch", key, language)
            language = SOURCE_LANGUAGE
        template = self._translations[language].gettext(key)
        return LocaleFormatter(language).vformat(template, (), _Defaulting(arguments or {}))


class _Defaulting(dict[str, Any]):
    """Arguments for `str.format`; an unknown placeholder shows as `…`, never a crash."""

    def __missing__(self, key: str) -> str:
        log.warning("no value for placeholder %r", key)
        return MISSING_VALUE
