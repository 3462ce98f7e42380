"""Texts and formatting per language: Babel catalogs, money and dates, language detection."""

from bot.i18n.catalogs import MessageCatalogs, MissingTextError
from bot.i18n.formatting import LocaleFormatter

__all__ = ["LocaleFormatter", "MessageCatalogs", "MissingTextError"]
