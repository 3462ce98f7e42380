"""One source for every fact: deadlines, channels and percentages are data that both the
"mag dit?" answers and the checklists read, never words in a catalog text."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.domain.checklist.builder import build_checklist
from bot.domain.checklist.loader import load_life_events
from bot.domain.checklist.render import checklist_answer
from bot.domain.knowledge.answers import Answer, explain_answer, rules_answer
from bot.domain.knowledge.figures import ending_soon, without_verified_figure
from bot.domain.knowledge.loader import DATA_DIR, knowledge, load_knowledge
from bot.domain.knowledge.matcher import Reading
from bot.domain.knowledge.sources import source_answer
from bot.i18n.catalogs import MessageCatalogs
from bot.i18n.maintenance import po_file, read_catalog
from bot.nlg.renderer import Renderer
from bot.nlg.responses import load_responses
from bot.shared.settings import SUPPORTED_LANGUAGES
from bot.shared.text_keys import COMPOSED_RESPONSE

TODAY = dt.date(2026, 11, 28)
# A reporting deadline written out ("binnen 4 weken", "at least 2 weeks") or a percentage.
WRITTEN_FACT = re.compile(
    r"\d+([.,]\d+)?\s?%"
    r"|\b(binnen|uiterlijk|minstens|within|at the latest|at least)\s+\d+\s*"
    r"(werkdagen|dagen|dag|weken|week|working days|days?|weeks?)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(load_responses(), MessageCatalogs(), default_language="nl")


def texts(renderer: Renderer, answer: Answer, language: str = "nl") -> str:
    tracker: dict[str, Any] = {"slots": {"language": language}, "latest_message": {}}
    return "\n".join(
        renderer.render(COMPOSED_RESPONSE, tracker, {"parts": message})["text"]
        for message in answer.messages
    )


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_no_catalog_text_writes_a_deadline_channel_or_percentage(language: str) -> None:
    channel_names = {c.name for c in knowledge().channels.values() if c.name}
    written = []
    for message in read_catalog(po_file(language), language):
        text = str(message.string or "")
        if not message.id or not text:
            continue
        if WRITTEN_FACT.search(text) or any(name in text for name in channel_names):
            written.append(f"{message.id}: {text}")
    assert written == []


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_rule_fills_in_its_deadline_channel_and_figures(
    renderer: Renderer, language: str
) -> None:
    kb = knowledge()
    for rule in kb.rules:
        said = texts(renderer, explain_answer(kb, [rule], TODAY, "waarom melden"), language)
        assert "…" not in said and "{" not in said, (rule, said)


def edited_data(tmp_path: Path, name: str, edit: Any) -> Path:
    """A copy of the data with one file edited, as a maintainer would."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    path = copy / f"{name}.yml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(content.get(name, content))
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return copy


def side_job_and_checklist(
    renderer: Renderer, data_dir: Path, benefit: str, event: str
) -> tuple[str, str]:
    kb = load_knowledge(data_dir)
    data = load_life_events(data_dir, kb)
    reading = Reading(situation="side_job", benefits=[benefit])
    answer = texts(renderer, rules_answer(kb, reading, [benefit], TODAY))
    checklist = build_checklist(data, kb, [event], [benefit], TODAY)
    return answer, texts(renderer, checklist_answer(data, kb, checklist))


def test_one_edited_deadline_changes_the_answer_and_the_checklist(
    renderer: Renderer, tmp_path: Path
) -> None:
    before = side_job_and_checklist(renderer, DATA_DIR, "ww", "work_start")
    assert all("binnen 1 week" in said for said in before), before

    def ten_days(reporting: dict[str, Any]) -> None:
        reporting["deadlines"]["uwv"]["days"] = 10

    after = side_job_and_checklist(
        renderer, edited_data(tmp_path, "reporting", ten_days), "ww", "work_start"
    )
    for said in after:
        assert "binnen 10 dagen" in said and "binnen 1 week" not in said, said


def test_one_edited_channel_name_changes_the_answer_and_the_checklist(
    renderer: Renderer, tmp_path: Path
) -> None:
    def renamed(reporting: dict[str, Any]) -> None:
        reporting["channels"]["mijn_uwv"]["name"] = "Het UWV-portaal"

    for said in side_job_and_checklist(
        renderer, edited_data(tmp_path, "reporting", renamed), "ww", "work_start"
    ):
        assert "Het UWV-portaal" in said and "Mijn UWV" not in said, said


def test_one_edited_percentage_changes_the_answer_and_the_checklist(
    renderer: Renderer, tmp_path: Path
) -> None:
    def lower(figures: dict[str, Any]) -> None:
        figures["aow_pct_together"]["values"][0]["value"] = 45

    data_dir = edited_data(tmp_path, "figures", lower)
    kb = load_knowledge(data_dir)
    data = load_life_events(data_dir, kb)
    reading = Reading(situation="partner_moving_in", benefits=["aow"])
    answer = texts(renderer, rules_answer(kb, reading, ["aow"], TODAY))
    checklist = build_checklist(data, kb, ["partner_moving_in"], ["aow"], TODAY)
    listed = texts(renderer, checklist_answer(data, kb, checklist))
    for said in (answer, listed):
        assert "naar 45%" in said and "50%" not in said, said


def test_where_it_says_so_names_the_law_site_and_day_of_each_rule(renderer: Renderer) -> None:
    kb = knowledge()
    said = texts(renderer, source_answer(kb, ["work_ww", "toeslagen_income"], []))
    assert "Werkloosheidswet" in said and "uwv.nl" in said, said
    assert "inkomensafhankelijke regelingen" in said and "belastingdienst.nl" in said, said
    assert "nagekeken op 28 november 2026" in said, said
    english = texts(renderer, source_answer(kb, ["gift_bijstand"], []), "en")
    assert "Participatiewet" in english and "municipality's website" in english, english


def test_where_it_says_so_after_a_checklist_names_the_desks_websites(renderer: Renderer) -> None:
    said = texts(renderer, source_answer(knowledge(), [], ["svb", "toeslagen"]))
    assert "svb.nl" in said and "toeslagen.nl" in said and "nagekeken" not in said, said


def test_where_it_says_so_before_any_answer_says_there_is_none_yet(renderer: Renderer) -> None:
    said = texts(renderer, source_answer(knowledge(), [], []))
    assert "nog geen antwoord" in said, said


def test_make_figures_warns_about_values_ending_soon_and_missing_ones() -> None:
    kb = knowledge()
    december = {w.figure for w in ending_soon(kb, dt.date(2026, 12, 3))}
    june = {w.figure for w in ending_soon(kb, dt.date(2026, 6, 1))}
    assert "huurtoeslag_vermogensgrens" in december and "huurtoeslag_vermogensgrens" not in june
    missing = {w.figure: w.used_by for w in without_verified_figure(kb, dt.date(2026, 12, 3))}
    assert "volunteering × bijstand" in missing["vrijwilligersvergoeding_maand"]
    assert "vrijwilligersvergoeding_maand" not in {
        w.figure for w in without_verified_figure(kb, dt.date(2025, 6, 1))
    }
