"""`make i18n`: extract keys, update every language's catalog, compile, and report gaps.

Keys come from `domain.yml` (response texts and button titles) and from
`catalogs.text("key", ...)` calls in our Python code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.domain.checklist.loader import load_life_events
from bot.domain.checklist.model import DESKS, LifeEventData
from bot.domain.conversation.turn import CONCEAL_REASONS
from bot.domain.knowledge.answers import RELATIVE_WORDS
from bot.domain.knowledge.loader import load_knowledge
from bot.domain.knowledge.model import VERDICTS, Knowledge
from bot.domain.knowledge.sums import SUM_KEYS
from bot.domain.knowledge.topics import topic_key
from bot.i18n.catalogs import DOMAIN, LOCALES_DIR
from bot.i18n.extract import extract_domain
from bot.i18n.formatting import FORMAT_SPECS, placeholders
from bot.shared.settings import PROJECT_ROOT, SUPPORTED_LANGUAGES

TEMPLATE_FILE = LOCALES_DIR / f"{DOMAIN}.pot"
PYTHON_SOURCES = ("bot", "actions")
# catalogs.text("key", ...), part("key", ...) in answers, N_("key") for other literals.
PYTHON_KEYWORDS = {"text": None, "part": None, "N_": None}
# Fixed header values keep `make i18n` from changing the files when no text changed.
HEADER = {
    "project": "Wegwijs",
    "copyright_holder": "Wegwijs",
    "msgid_bugs_address": "",
    "creation_date": dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
    "revision_date": dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
    "fuzzy": False,
}


def po_file(language: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract_template(root: Path = PROJECT_ROOT) -> Catalog:
    template = Catalog(**HEADER)  # type: ignore[arg-type]
    for lineno, key, comments, _ in extract_from_file(
        cast(Any, extract_domain), root / "domain.yml"
    ):
        template.add(key, locations=[("domain.yml", lineno)], auto_comments=comments)
    data_dir = root / "bot" / "domain" / "knowledge" / "data"
    kb = load_knowledge(data_dir)
    for key, comment in [*knowledge_keys(kb), *checklist_keys(load_life_events(data_dir, kb))]:
        template.add(key, locations=[("bot/domain/knowledge/data", 0)], auto_comments=[comment])
    for folder in PYTHON_SOURCES:
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            for lineno, key, _, _ in extract_from_file("python", path, PYTHON_KEYWORDS):
                if isinstance(key, str):
                    template.add(key, locations=[(relative, lineno)])
    return template


def knowledge_keys(knowledge: Knowledge) -> Iterable[tuple[str, str]]:
    """Keys the answers build from the knowledge data (with a note for translators)."""
    for verdict in VERDICTS:
        yield f"verdict.{verdict}", "first line of an answer; {benefits} is a list of names"
        yield (
            f"verdict.change.{verdict}",
            "first line of an answer about a change in life (never 'ja, dat mag')",
        )
    yield from SUM_KEYS.items()
    for reason in CONCEAL_REASONS:
        yield f"conceal.reason.{reason}", f"the fact behind a reason not to report ({reason})"
    for word in sorted(RELATIVE_WORDS | {"someone"}):
        yield f"relative.{word}", f"a relative, as in 'de WW van je zus' ({word})"
    for benefit in knowledge.benefits.values():
        yield benefit.name_key, f"name of a benefit ({benefit.id})"
    for situation in knowledge.situations:
        yield topic_key(situation), f"short name of a topic ({situation}), for caseworkers"
    for agency in knowledge.agencies.values():
        yield agency.name_key, f"name of an agency ({agency.id})"
        yield f"mistake.todo.{agency.id}", f"how to correct a missed report at {agency.id}"
        yield f"known.{agency.id}", f"what {agency.id} does and does not receive by itself"
        yield (
            agency.contact_key,
            f"how to reach {agency.id} without a handoff; {{online}}, {{phone}}",
        )
    yield "mistake.todo.unknown", "how to correct a missed report, agency unknown"
    for rule in knowledge.rules.values():
        yield rule.why_key, f"why, rule {rule.id} ({rule.source.ref})"
        yield rule.todo_key, f"what to do, rule {rule.id}"
        for name in rule.lines:
            yield f"rule.{rule.id}.{name}", f"a line of rule {rule.id}, said when {name} holds"
        if rule.theirs:
            yield rule.theirs_key, f"rule {rule.id} said about someone else ({{who}}): why, todo"
    for condition in knowledge.conditions.values():
        if condition.ask_for:
            yield condition.question_key, f"one yes/no question whether {condition.id} holds"
    for figure in knowledge.figures.values():
        if not any(value.open_ended for value in figure.values):
            yield f"figure.{figure.id}", "what the figure is, used inside figure.* sentences"
            for kind in ("current", "last_known"):
                yield f"figure.{kind}.{figure.unit}", "a figure with its year"


def checklist_keys(data: LifeEventData) -> Iterable[tuple[str, str]]:
    """Keys the checklist builds from the life-event data."""
    for desk in DESKS:
        yield f"desk.{desk}", f"name of a desk in the checklist ({desk})"
    for event in data.events.values():
        yield event.name_key, f"name of a life event ({event.id}), used in a list"
        yield event.what_key, f"what to report for {event.id}: 'Geef ... zelf door.'"
        for cells in event.cells.values():
            for cell in (cells.default, *cells.by_benefit.values()):
                if cell.note:
                    yield cell.note, f"note in the checklist ({cell.source})"
    for deadline in data.deadlines.values():
        yield deadline.key, f"a deadline, a sentence; {{days}} ({deadline.source})"
        yield deadline.short_key, "a deadline inside a sentence: 'Geef het … door'; {days}"
    for channel in data.channels.values():
        yield channel.key, "a channel, a sentence; {name} is its product name"
        yield channel.short_key, "a channel inside a sentence: 'Geef het … door, …'; {name}"
    for key in data.sources.values():
        yield key, "a source (used inside a sentence)"


def read_catalog(path: Path, language: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=language, **HEADER)  # type: ignore[arg-type]
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=96, sort_output=True, include_previous=False)


def update_catalogs(languages: Iterable[str] = SUPPORTED_LANGUAGES) -> None:
    template = extract_template()
    write_catalog(template, TEMPLATE_FILE)
    for language in languages:
        catalog = read_catalog(po_file(language), language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.revision_date = HEADER["revision_date"]  # type: ignore[assignment]
        write_catalog(catalog, po_file(language))


def compile_catalogs(
    languages: Iterable[str] = SUPPORTED_LANGUAGES, locales_dir: Path = LOCALES_DIR
) -> None:
    for language in languages:
        catalog = read_catalog(po_file(language, locales_dir), language)
        with po_file(language, locales_dir).with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)


def catalog_problems(
    template: Catalog,
    languages: Iterable[str] = SUPPORTED_LANGUAGES,
    locales_dir: Path = LOCALES_DIR,
) -> list[str]:
    """Every gap that would show a key instead of words, or break a placeholder."""
    problems: list[str] = []
    keys = [str(message.id) for message in template if message.id]
    catalogs = {lang: read_catalog(po_file(lang, locales_dir), lang) for lang in languages}
    source = catalogs.get("nl")
    for language, catalog in catalogs.items():
        for key in keys:
            message = catalog.get(key)
            if message is None:
                problems.append(f"{language}: {key!r} is missing")
            elif not message.string:
                problems.append(f"{language}: {key!r} is not translated")
            elif message.fuzzy:
                problems.append(f"{language}: {key!r} is marked fuzzy")
            else:
                text = str(message.string)
                specs = {spec for _, spec in placeholders(text)}
                if not specs <= set(FORMAT_SPECS):
                    problems.append(f"{language}: {key!r} uses an unknown format {specs}")
                reference = source.get(key) if source is not None else None
                if (
                    reference is not None
                    and reference.string
                    and placeholders(str(reference.string)) != placeholders(text)
                ):
                    problems.append(f"{language}: {key!r} has other placeholders than nl")
    return problems


def main() -> int:
    update_catalogs()
    compile_catalogs()
    problems = catalog_problems(extract_template())
    for problem in problems:
        print(f"i18n | {problem}")
    print(f"i18n | catalogs updated and compiled; {len(problems)} problem(s)")
    return 1 if problems else 0
