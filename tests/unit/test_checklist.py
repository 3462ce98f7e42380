"""The "wie moet het weten?" checklist: data coverage, dates, gemeenten, merging, rendering."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.domain.checklist.builder import Checklist, build_checklist, checklist_from_slot
from bot.domain.checklist.detect import asks_for_the_list_again, checklist_events, detect_events
from bot.domain.checklist.gemeenten import find_gemeente
from bot.domain.checklist.loader import load_life_events
from bot.domain.checklist.model import DESK_OF_AGENCY, DESKS, LifeEventData
from bot.domain.checklist.render import checklist_answer
from bot.domain.checklist.when import add_working_days, event_date
from bot.domain.knowledge.loader import DATA_DIR, KnowledgeError, knowledge
from bot.i18n.catalogs import MessageCatalogs
from bot.nlg.renderer import Renderer
from bot.nlg.responses import load_responses
from bot.shared.settings import SUPPORTED_LANGUAGES
from bot.shared.text_keys import COMPOSED_RESPONSE

TODAY = dt.date(2026, 11, 30)  # a Monday
KEY_LIKE = re.compile(r"\b[a-z_]+\.[a-z_]+(\.[a-z_]+)*\b")


@pytest.fixture(scope="module")
def data() -> LifeEventData:
    return load_life_events()


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(load_responses(), MessageCatalogs(), default_language="nl")


def render(renderer: Renderer, checklist: Checklist, language: str, data: LifeEventData) -> str:
    answer = checklist_answer(data, knowledge(), checklist)
    tracker: dict[str, Any] = {"slots": {"language": language}, "latest_message": {}}
    texts = [
        renderer.render(COMPOSED_RESPONSE, tracker, {"parts": message, "options": []})["text"]
        for message in answer.messages
    ]
    return "\n".join(texts)


def test_every_event_has_a_sourced_cell_for_every_desk(data: LifeEventData) -> None:
    assert len(data.events) >= 20
    for event in data.events.values():
        assert set(event.cells) == set(DESKS), event.id
        for cells in event.cells.values():
            for cell in (cells.default, *cells.by_benefit.values()):
                assert cell.source.strip(), event.id


def test_a_cell_without_a_source_is_refused(tmp_path: Path) -> None:
    for path in DATA_DIR.glob("*.yml"):
        shutil.copy(path, tmp_path / path.name)
    events = tmp_path / "life_events.yml"
    text = events.read_text(encoding="utf-8")
    broken = text.replace(
        'brp: {duty: none, source: "rules-reference §3.1"}', "brp: {duty: none}", 1
    )
    assert broken != text
    events.write_text(broken, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="source"):
        load_life_events(tmp_path, knowledge())


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_event_and_benefit_renders_in_words(
    data: LifeEventData, renderer: Renderer, language: str
) -> None:
    kb = knowledge()
    for event_id in data.events:
        for benefit in kb.benefits:
            checklist = build_checklist(data, kb, [event_id], [benefit], TODAY)
            text = render(renderer, checklist, language, data)
            leftovers = [m.group(0) for m in KEY_LIKE.finditer(text)]
            leftovers = [k for k in leftovers if k.split(".")[0] in {"event", "desk", "checklist"}]
            assert leftovers == [], (event_id, benefit, leftovers)
            assert "…" not in text, (event_id, benefit)


def test_desks_people_think_are_informed_are_named_as_not_automatic(
    data: LifeEventData, renderer: Renderer
) -> None:
    kb = knowledge()
    checked = 0
    for event in data.events.values():
        for benefit_id, benefit in kb.benefits.items():
            desk = DESK_OF_AGENCY[benefit.agency]
            if not event.cells[desk].for_benefit(benefit_id).warn:
                continue
            checklist = build_checklist(data, kb, [event.id], [benefit_id], TODAY)
            assert "Let op: dit gaat niet vanzelf." in render(renderer, checklist, "nl", data)
            checked += 1
    assert checked > 30


def test_toeslagen_never_gets_new_income_by_itself(data: LifeEventData, renderer: Renderer) -> None:
    checklist = build_checklist(data, knowledge(), ["work_start"], ["huurtoeslag"], TODAY)
    text = render(renderer, checklist, "nl", data)
    assert "Dienst Toeslagen (Huurtoeslag)" in text
    assert "nooit vanzelf" in text and "binnen 4 weken" in text and "Mijn toeslagen" in text


def test_agencies_with_nothing_to_do_are_said_so(data: LifeEventData, renderer: Renderer) -> None:
    checklist = build_checklist(data, knowledge(), ["child_born"], ["kinderbijslag"], TODAY)
    text = render(renderer, checklist, "nl", data)
    assert "binnen 3 dagen" in text
    assert "SVB (Kinderbijslag): niets doen. Dit gaat vanzelf" in text


def test_only_the_persons_own_agencies_appear(data: LifeEventData, renderer: Renderer) -> None:
    checklist = build_checklist(data, knowledge(), ["child_leaves"], ["kinderbijslag"], TODAY)
    text = render(renderer, checklist, "nl", data)
    assert "SVB" in text and "UWV" not in text and "DUO" not in text


def test_the_most_urgent_thing_comes_first(data: LifeEventData) -> None:
    kb = knowledge()
    day = dt.date(2027, 3, 1)
    checklist = build_checklist(
        data, kb, ["moving"], ["bijstand", "ww", "huurtoeslag"], TODAY, None, day
    )
    order = [item.desk for item in checklist.to_do]
    # Bijstand does not move along to another gemeente: apply there before the move.
    assert order == ["bijstand", "brp", "uwv", "toeslagen"]
    dues = [item.due for item in checklist.to_do]
    assert dues == sorted(d for d in dues if d is not None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ik ga volgende maand verhuizen", dt.date(2026, 12, 1)),
        ("op 1 maart ga ik samenwonen", dt.date(2027, 3, 1)),
        ("vorige week is mijn zoon 18 geworden", dt.date(2026, 11, 23)),
        ("ik ben op 2-11 verhuisd", dt.date(2026, 11, 2)),
        ("we move on 15 January", dt.date(2027, 1, 15)),
        ("next month", dt.date(2026, 12, 1)),
        ("over 2 weken", dt.date(2026, 12, 14)),
        ("3 dagen geleden", dt.date(2026, 11, 27)),
        ("morgen", dt.date(2026, 12, 1)),
        ("ik heb 30 euro gekregen", None),
        ("ik ben 45 jaar", None),
    ],
)
def test_event_dates_are_read_from_the_message(text: str, expected: dt.date | None) -> None:
    assert event_date(text, TODAY) == expected


def test_working_days_skip_the_weekend() -> None:
    assert add_working_days(dt.date(2026, 12, 4), 1) == dt.date(2026, 12, 7)  # Fri → Mon
    assert add_working_days(dt.date(2026, 11, 30), 5) == dt.date(2026, 12, 7)


def test_deadlines_become_dates_and_past_ones_say_today(data: LifeEventData) -> None:
    kb = knowledge()
    future = build_checklist(data, kb, ["moving"], ["ww"], TODAY, None, dt.date(2027, 3, 1))
    due = {item.desk: item.due for item in future.to_do}
    assert due == {"brp": dt.date(2027, 3, 6), "uwv": dt.date(2027, 3, 8)}
    assert not future.late
    past = build_checklist(data, kb, ["moving"], ["ww"], TODAY, None, dt.date(2026, 10, 1))
    assert past.late and all(item.late for item in past.to_do)


def test_a_past_event_gets_today_and_honest_mistake_guidance(
    data: LifeEventData, renderer: Renderer
) -> None:
    day = event_date("ik ben vorige maand verhuisd", TODAY)
    checklist = build_checklist(data, knowledge(), ["moving"], ["bijstand"], TODAY, None, day)
    text = render(renderer, checklist, "nl", data)
    assert "Doe het vandaag nog." in text
    assert "terugbetalen" in text and "boete" in text


def test_a_future_deadline_is_a_real_weekday(data: LifeEventData, renderer: Renderer) -> None:
    day = dt.date(2027, 3, 1)
    checklist = build_checklist(data, knowledge(), ["moving"], ["ww"], TODAY, None, day)
    text = render(renderer, checklist, "nl", data)
    assert "Uiterlijk zaterdag 6 maart 2027." in text
    assert "Uiterlijk maandag 8 maart 2027." in text


def test_several_events_give_one_merged_list(data: LifeEventData) -> None:
    text = "ik ga samenwonen en begin een nieuwe baan"
    events = checklist_events(text, data)
    assert set(events) == {"partner_moving_in", "work_start"}
    checklist = build_checklist(data, knowledge(), events, ["bijstand", "zorgtoeslag"], TODAY)
    assert {item.event for item in checklist.to_do} == set(events)
    numbers = [item.desk for item in checklist.to_do]
    assert numbers.count("bijstand") == 2  # one desk, both events
    answer = checklist_answer(data, knowledge(), checklist)
    desk_messages = [m for m in answer.messages if any(p["key"] == "checklist.item" for p in m)]
    per_desk = Counter((item.desk, item.benefits) for item in checklist.to_do)
    assert len(desk_messages) == len(per_desk)  # one message per desk, however many events
    shared = [m for m in desk_messages if any(p["key"] == "checklist.for_event" for p in m)]
    assert len(shared) == sum(1 for count in per_desk.values() if count > 1) > 0
    for message in shared:  # each desk's channel and warning are said once
        keys = [p["key"] for p in message]
        assert keys.count("checklist.warn") <= 1
        channels = [key for key in keys if key.startswith("channel.")]
        assert len(channels) == len(set(channels))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ik ga verhuizen, wie moet dat allemaal weten", ["moving"]),
        ("mijn dochter wordt volgende maand 27", ["child_turns_27"]),
        ("my son turns 18 next week", ["child_turns_18"]),
        ("ik ga emigreren naar spanje", ["emigrating"]),
        ("mijn man is overleden", ["partner_died"]),
        # "mag dit?" questions keep their own answer
        ("ik bak taarten voor de buren, mag dat met bijstand", []),
        ("mijn vriend komt bij me wonen, ik heb aow", []),
    ],
)
def test_when_a_checklist_is_made(data: LifeEventData, text: str, expected: list[str]) -> None:
    assert checklist_events(text, data) == expected


def test_a_long_stay_abroad_is_not_also_a_holiday(data: LifeEventData) -> None:
    assert detect_events("ik ga 3 maanden naar marokko", data) == ["abroad_long"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ik woon in Den Bosch", "'s-Hertogenbosch"),
        ("ik woon in s-Hertogenbosch", "'s-Hertogenbosch"),
        ("gemeente apeldorn", "Apeldoorn"),
        ("i live in The Hague", "'s-Gravenhage"),
        ("Súdwest-Fryslân", "Súdwest-Fryslân"),
        ("ik woon in sudwest fryslan", "Súdwest-Fryslân"),
        ("ik woon in utrect en heb bijstand", "Utrecht"),
        ("Rotterdam", "Rotterdam"),
        ("ik doe mijn best", None),
        ("ik woon in Springfield", None),
        ("ik zit in de bijstand", None),
    ],
)
def test_gemeenten_are_recognised(data: LifeEventData, text: str, expected: str | None) -> None:
    assert find_gemeente(text, data) == expected


def test_the_official_list_has_every_gemeente(data: LifeEventData) -> None:
    assert len(data.gemeenten) == 342
    assert len(set(data.gemeenten)) == 342


def test_a_gemeente_with_its_own_deadline_gets_it(data: LifeEventData, renderer: Renderer) -> None:
    kb = knowledge()
    day = dt.date(2026, 12, 4)  # a Friday: 5 working days later is Friday 11 December
    pekela = build_checklist(data, kb, ["work_start"], ["bijstand"], TODAY, "Pekela", day)
    assert [item.due for item in pekela.to_do if item.desk == "bijstand"] == [dt.date(2026, 12, 11)]
    hilversum = build_checklist(data, kb, ["work_start"], ["bijstand"], TODAY, "Hilversum", day)
    assert [item.due for item in hilversum.to_do if item.desk == "bijstand"] == [
        dt.date(2026, 12, 18)
    ]
    text = render(renderer, pekela, "nl", data)
    assert "binnen 5 werkdagen" in text and "vóór de 28e" in text


def test_where_the_address_desk_is_enough_bijstand_needs_nothing(data: LifeEventData) -> None:
    kb = knowledge()
    heerenveen = build_checklist(data, kb, ["moving"], ["bijstand"], TODAY, "Heerenveen")
    assert [i.cell.duty for i in heerenveen.items if i.desk == "bijstand"] == ["automatic"]
    elsewhere = build_checklist(data, kb, ["moving"], ["bijstand"], TODAY, "Zwolle")
    assert [i.cell.duty for i in elsewhere.items if i.desk == "bijstand"] == ["must"]


def test_an_unknown_gemeente_gets_the_general_rule(data: LifeEventData, renderer: Renderer) -> None:
    checklist = build_checklist(data, knowledge(), ["work_start"], ["bijstand"], TODAY)
    text = render(renderer, checklist, "nl", data)
    assert "Veel gemeenten willen het binnen 5 werkdagen weten." in text
    assert "vraag het na bij je gemeente" in text


def test_the_kept_checklist_is_rebuilt_the_same(data: LifeEventData) -> None:
    kb = knowledge()
    day = dt.date(2027, 1, 15)
    first = build_checklist(data, kb, ["moving", "work_start"], ["ww"], TODAY, "Zwolle", day)
    again = checklist_from_slot(data, kb, first.as_slot(), TODAY)
    assert again is not None and again.items == first.items
    assert checklist_from_slot(data, kb, {"events": ["nonsense"]}, TODAY) is None
    assert checklist_from_slot(data, kb, "junk", TODAY) is None


def test_asking_for_the_list_again() -> None:
    assert asks_for_the_list_again("stuur me dat lijstje nog een keer")
    assert asks_for_the_list_again("can you send the list again")
    assert not asks_for_the_list_again("can you list the rules for ww")


def test_the_gemeente_someone_moves_to_is_the_one_named(data: LifeEventData) -> None:
    assert find_gemeente("we verhuizen in maart van Leiden naar Gouda", data) == "Gouda"
    assert find_gemeente("ik woon in Leiden en wil naar Spanje", data) == "Leiden"
