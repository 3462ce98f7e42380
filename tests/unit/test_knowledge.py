"""The rules data: schema, coverage in every language, figures by date, and reading messages."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.domain.knowledge.answers import Answer, resolve_rule, rules_answer
from bot.domain.knowledge.figures import FigureChoice, choose
from bot.domain.knowledge.loader import DATA_DIR, KnowledgeError, knowledge, load_knowledge
from bot.domain.knowledge.matcher import Reading, read_message
from bot.i18n.catalogs import MessageCatalogs
from bot.i18n.maintenance import po_file, read_catalog
from bot.nlg.renderer import Renderer
from bot.nlg.responses import load_responses
from bot.shared.settings import SUPPORTED_LANGUAGES
from bot.shared.text_keys import COMPOSED_RESPONSE

TODAY = dt.date(2026, 11, 28)
ISSUE_SITUATIONS = {
    "hobby_income",
    "used_goods",
    "trading",
    "platform_dac7",
    "pet_breeding",
    "paid_services",
    "self_employed",
    "volunteering",
    "side_job",
    "gifts",
    "abroad",
    "savings",
}
ISSUE_BENEFITS = {
    "bijstand",
    "ww",
    "ziektewet",
    "wia",
    "wajong",
    "toeslagenwet",
    "aow",
    "aio",
    "anw",
    "kinderbijslag",
    "huurtoeslag",
    "zorgtoeslag",
    "kindgebonden_budget",
    "kinderopvangtoeslag",
    "studiefinanciering",
}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(load_responses(), MessageCatalogs(), default_language="nl")


def render(renderer: Renderer, answer: Answer, language: str) -> list[str]:
    tracker = {"slots": {"language": language}}
    return [
        renderer.render(COMPOSED_RESPONSE, tracker, {"parts": message})["text"]
        for message in answer.messages
    ]


def test_the_issue_situations_and_benefits_are_all_in_the_data() -> None:
    assert set(knowledge().situations) >= ISSUE_SITUATIONS
    assert set(knowledge().benefits) >= ISSUE_BENEFITS


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_benefit_and_situation_has_an_answer(renderer: Renderer, language: str) -> None:
    kb = knowledge()
    sizes: list[int] = []
    for situation in kb.situations:
        for benefit in kb.benefits:
            for age in (None, 19, 45):
                reading = Reading(situation=situation, benefits=[benefit], age=age)
                texts = render(renderer, rules_answer(kb, reading, [benefit], TODAY), language)
                assert len(texts) >= 2, (situation, benefit)
                for text in texts:
                    assert "…" not in text, (situation, benefit, text)
                    assert not re.search(r"\b(rule|verdict|figure|answer)\.[a-z_]+", text)
                # Sized for a phone: at most 3 messages before the offer, and short.
                before_offer = texts[:-1]
                words = sum(len(text.split()) for text in before_offer)
                assert len(before_offer) <= 3, (situation, benefit, language, before_offer)
                assert words <= 125, (situation, benefit, language, words, before_offer)
                sizes.append(words)
    assert sum(sizes) / len(sizes) <= 70, sum(sizes) / len(sizes)


def test_the_verdict_comes_first(renderer: Renderer) -> None:
    kb = knowledge()
    reading = Reading(situation="hobby_income", benefits=["bijstand"])
    first = render(renderer, rules_answer(kb, reading, ["bijstand"], TODAY), "nl")[0]
    assert first.splitlines()[0] == "Bijstand: ja, dat mag. Maar je moet het wel doorgeven."


def test_one_answer_per_rule_when_benefits_share_it(renderer: Renderer) -> None:
    kb = knowledge()
    reading = Reading(situation="side_job", benefits=["huurtoeslag", "zorgtoeslag"])
    texts = render(renderer, rules_answer(kb, reading, reading.benefits, TODAY), "nl")
    assert texts[0].startswith("Huurtoeslag en Zorgtoeslag:")
    assert len(texts) == 2  # the shared rule once (one message), then the offer


def test_age_decides_the_volunteer_rule_in_bijstand() -> None:
    kb = knowledge()
    older = rules_answer(kb, Reading(situation="volunteering", age=45), ["bijstand"], TODAY)
    younger = rules_answer(kb, Reading(situation="volunteering", age=19), ["bijstand"], TODAY)
    unknown = rules_answer(kb, Reading(situation="volunteering"), ["bijstand"], TODAY)
    keys = [[part["key"] for part in answer.messages[0]] for answer in (older, younger, unknown)]
    assert "rule.volunteer_bijstand_27plus.why" in keys[0]
    assert "rule.volunteer_bijstand_under27.why" in keys[1]
    assert "rule.volunteer_bijstand.why" in keys[2]


def test_figures_are_chosen_by_date_and_never_guessed() -> None:
    figures = knowledge().figures
    monthly = figures["vrijwilligersvergoeding_maand"]
    assert choose(monthly, dt.date(2025, 6, 1)) == FigureChoice(210.0, 2025, True)
    # 2026 is UNVERIFIED: the last verified year is named instead
    assert choose(monthly, dt.date(2026, 3, 1)) == FigureChoice(210.0, 2025, False)
    assert choose(monthly, dt.date(2023, 6, 1)) is None
    vrijlating = figures["bijstand_vrijlating_max_maand"]
    assert choose(vrijlating, dt.date(2024, 8, 1)) == FigureChoice(269.0, 2024, True)
    assert choose(vrijlating, dt.date(2026, 1, 1)) == FigureChoice(269.0, 2024, False)
    gifts = figures["bijstand_giftenvrijlating_jaar"]
    assert choose(gifts, dt.date(2025, 12, 31)) is None
    assert choose(gifts, TODAY) == FigureChoice(1200.0, 2026, True)


def test_an_outdated_figure_is_stated_with_its_own_year(renderer: Renderer) -> None:
    kb = knowledge()
    answer = rules_answer(kb, Reading(situation="volunteering", age=45), ["bijstand"], TODAY)
    text = "\n".join(render(renderer, answer, "nl"))
    assert "In 2025 was de grens voor de vrijwilligersvergoeding per maand €\xa0210." in text
    assert "Het bedrag voor 2026 weet ik nog niet zeker." in text
    current = rules_answer(
        kb, Reading(situation="volunteering", age=45), ["bijstand"], dt.date(2025, 5, 1)
    )
    assert "In 2025 is de grens" in "\n".join(render(renderer, current, "nl"))


def test_the_savings_limit_is_the_last_verified_one_with_its_year(renderer: Renderer) -> None:
    answer = rules_answer(knowledge(), Reading(situation="savings"), ["bijstand"], TODAY)
    text = "\n".join(render(renderer, answer, "en"))
    assert "In 2023, the bijstand savings limit for a single person was €7,605." in text
    assert "€15,210" in text and "8,000" not in text  # 2026's figure is UNVERIFIED
    assert "I do not know the amount for 2026 for sure yet." in text


def test_a_toeslag_gets_only_its_own_savings_limit(renderer: Renderer) -> None:
    kb, savings = knowledge(), Reading(situation="savings")
    rent = "\n".join(render(renderer, rules_answer(kb, savings, ["huurtoeslag"], TODAY), "nl"))
    assert "In 2026 is de vermogensgrens (het geld dat je mag hebben) voor huurtoeslag" in rent
    assert "€\xa038.479" in rent and "zorgtoeslag" not in rent
    care = "\n".join(render(renderer, rules_answer(kb, savings, ["zorgtoeslag"], TODAY), "nl"))
    assert "In 2025 was" in care and "€\xa0141.896" in care and "huurtoeslag" not in care
    assert "Het bedrag voor 2026 weet ik nog niet zeker." in care
    unknown = "\n".join(render(renderer, rules_answer(kb, savings, ["toeslagen"], TODAY), "nl"))
    assert "€" not in unknown  # which toeslag is not known: no limit is named


def test_unverified_figures_have_no_value_to_state() -> None:
    for figure in knowledge().figures.values():
        for value in figure.values:
            if not value.verified:
                assert value.value is None, figure.id


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_no_text_states_an_amount_without_a_year(language: str) -> None:
    catalog = read_catalog(po_file(language), language)
    for message in catalog:
        # {own_amount:money} is the person's own number, said back to them: not a figure.
        text = str(message.string or "").replace("{own_amount:money}", "")
        if re.search(r"€|\d\s*euro\b|:money\}", text):
            assert re.search(r"\b20\d\d\b|\{[a-z_]*(year|since)[a-z_]*\}", text), message.id


def test_broken_data_is_reported_clearly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    situations = yaml.safe_load((data / "situations.yml").read_text())
    del situations["situations"]["gifts"]["rules"]["aow"]
    (data / "situations.yml").write_text(yaml.safe_dump(situations))
    with pytest.raises(KnowledgeError, match=r"situation gifts: no rule for \['aow'\]"):
        load_knowledge(data)


def test_a_figure_without_source_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    figures = yaml.safe_load((data / "figures.yml").read_text())
    figures["figures"]["dac7_bedrag"]["values"][0]["source"] = ""
    (data / "figures.yml").write_text(yaml.safe_dump(figures))
    with pytest.raises(KnowledgeError, match="a source is required"):
        load_knowledge(data)


@pytest.mark.parametrize(
    ("text", "benefits", "situation"),
    [
        ("ik zit in de bijstand en bak taartjes voor de buren", ["bijstand"], "hobby_income"),
        (
            "ik doe nagels bij vriendinnen, heb een uitkering van de gemeente",
            ["bijstand"],
            "paid_services",
        ),
        ("ik wil pups verkopen van onze hond, ik heb ww", ["ww"], "pet_breeding"),
        ("ik verkoop mn oude kleding op vinted. zorgtoeslag", ["zorgtoeslag"], "used_goods"),
        ("klusjes voor de buren met mn ww-uitkering", ["ww"], "paid_services"),
        ("ik ga oppassen bij de buren, heb huur toeslag", ["huurtoeslag"], "paid_services"),
        ("ik krijg pensioen van de svb en ga vrijwilligerswerk doen", ["aow"], "volunteering"),
        (
            "koop spullen op marktplaats en verkoop ze duurder door, bijstant",
            ["bijstand"],
            "trading",
        ),
        ("i have wajong and want to go on holiday", ["wajong"], "abroad"),
        ("ik heb een toeslag en krijg een erfenis", ["toeslagen"], "savings"),
        ("mijn vader is overleden en ik erf wat geld, bijstand", ["bijstand"], "savings"),
        ("een kerstpakket van de kerk gekregen, ik heb bijstand", ["bijstand"], "gifts"),
        ("can i spend 5 weeks in spain? i get ww", ["ww"], "abroad"),
        ("i want to visit family in ghana, i am on aow", ["aow"], "abroad"),
        ("ik ga helpen in de snackbar van mijn oom, ik heb ww", ["ww"], "side_job"),
    ],
)
def test_reading_informal_messages(text: str, benefits: list[str], situation: str) -> None:
    reading = read_message(text, knowledge())
    assert reading.benefits == benefits
    assert reading.situation == situation


def test_reading_age_mistakes_and_assumptions() -> None:
    kb = knowledge()
    assert read_message("ik ben 45 en heb bijstand", kb).age == 45
    assert read_message("en stel ik was 33?", kb).age == 33  # a what-if about the age
    assert read_message("ik was 3 weken weg", kb).age is None
    assert read_message("im 19 and on bijstand", kb).age == 19
    assert read_message("ik ben 3 weken weg", kb).age is None
    assert read_message("ik heb bijstand en ben 58", kb).age == 58
    assert read_message("ik woon weer bij mijn ouders", kb).situation != "used_goods"
    assert read_message("ik verkoop mijn oude fiets", kb).situation == "used_goods"
    assert read_message("ik heb bijstand en ben 2 dagen ziek", kb).age is None
    assert read_message("heb ik recht op bijstand?", kb).eligibility
    assert not read_message("mag ik taarten verkopen met bijstand?", kb).eligibility
    assert read_message("ik heb ww, heb ik recht op huurtoeslag?", kb).asked == ["huurtoeslag"]
    moving_in = "mijn vriend komt bij me wonen, heb ik dan nog recht op huurtoeslag?"
    assert read_message(moving_in, kb).asked == []  # "nog recht op": the person has it
    assert read_message("ik heb het nooit aan de svb verteld", kb).mistake
    assert read_message("de gemeente weet dat toch al", kb).assumption
    assert read_message("ik heb steeds meer vaste klanten", kb).growing
    assert read_message("wat voor weer wordt het", kb) == Reading(
        raw_text="wat voor weer wordt het"
    )


def test_the_readers_words_are_data_and_a_missing_list_is_named() -> None:
    from bot.domain.knowledge.matcher import MISTAKE_TERMS
    from bot.domain.knowledge.vocabulary import numbers, terms

    assert terms("mistake") == MISTAKE_TERMS and "vergeten" in MISTAKE_TERMS
    assert numbers("months")["maart"] == 3
    with pytest.raises(KnowledgeError, match="no_such_list"):
        terms("no_such_list")


def test_a_known_trip_length_picks_the_precise_rule() -> None:
    kb = knowledge()
    assert resolve_rule(kb, "abroad_wia", None, 42).verdict == "report_before"  # 6 weeks
    assert resolve_rule(kb, "abroad_wia", None, 14).id == "abroad_wia"  # 2 weeks: it depends
    assert resolve_rule(kb, "abroad_wia", None).id == "abroad_wia"  # not said
    assert resolve_rule(kb, "abroad_kinderbijslag", None, 120).id == "abroad_kinderbijslag_long"
    assert not kb.rules["abroad_wia"].asks_age  # a trip length is never asked first


def test_a_negated_word_names_no_situation() -> None:
    kb = knowledge()
    assert read_message("wij gaan echt uit elkaar", kb).situation == "separation"
    assert read_message("nee hoor, we gaan niet scheiden", kb).situation is None
    assert read_message("niet trouwen, maar mijn vriend gaat samenwonen met mij", kb).situation == (
        "partner_moving_in"
    )


def test_a_partner_registered_elsewhere_gets_the_registration_rule_not_moving_in() -> None:
    kb = knowledge()
    text = "mijn vriend slaapt vaak hier maar heeft een eigen appartement, ik heb huurtoeslag"
    reading = read_message(text, kb)
    reading.situation = "partner_moving_in"
    assert "partner_not_registered" in reading.details
    applied = rules_answer(kb, reading, ["huurtoeslag", "bijstand"], TODAY).rules
    assert "partner_not_registered" in applied
    assert "partner_toeslagen" not in applied and "partner_bijstand" in applied
