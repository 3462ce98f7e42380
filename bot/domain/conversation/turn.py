"""One turn of a conversation: what it means given the frame, and the answer to give.

The learned reader says which situation a message is about (and how sure it is); the words
in the message give the benefits and whose they are, ages, amounts and mistakes; the frame
says what the conversation already established. A message without a situation of its own
that changes a fact ("en als het 300 euro is?", "en voor mijn huurtoeslag?", "34") is read
as a follow-up about the situation in the frame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from bot.domain.checklist.builder import build_checklist, checklist_from_slot
from bot.domain.checklist.detect import (
    asks_for_the_list_again,
    asks_who_needs_to_know,
    detect_events,
)
from bot.domain.checklist.gemeenten import find_gemeente
from bot.domain.checklist.loader import life_events
from bot.domain.checklist.model import AGENCY_OF_DESK
from bot.domain.checklist.render import checklist_answer, gemeente_notes, no_checklist_yet
from bot.domain.checklist.when import event_date
from bot.domain.conversation.facts import amount_in, duration_days, period_in
from bot.domain.conversation.frame import Frame
from bot.domain.conversation.readings import (
    READ_MIN,
    SituationReading,
    events_of,
    label_of_event,
    read_ranking,
    situation_of,
    title_key,
)
from bot.domain.conversation.safety import feeling_first, private_data_warning
from bot.domain.knowledge.answers import (
    Answer,
    agency_follow_up,
    ask_age,
    ask_benefit,
    assumption_answer,
    benefit_noted,
    clarify_answer,
    eligibility_answer,
    mistake_answer,
    no_benefit_answer,
    other_person_answer,
    own_case_answer,
    part,
    rules_answer,
    unclear_question_answer,
    with_offer,
)
from bot.domain.knowledge.loader import knowledge
from bot.domain.knowledge.matcher import Reading, read_message, without_generic_toeslag
from bot.domain.knowledge.model import Situation

# Turns that change or add a fact to the situation being talked about, or ask more about it.
FOLLOW_UP_INTENTS = frozenset(
    {
        "what_if",
        "inform",
        "ask_rules",
        "nlu_fallback",
        "out_of_scope",
        "ask_checklist",
        "ask_permission",
    }
)
BENEFIT_ONLY = 8  # words: "ik heb ww" says which benefit; a longer message says more
CONTINUING_TURN = 10  # words: a turn this short carries on the topic unless clearly new
SHORT_TURN = 15  # words: a question this short without a situation of its own is a follow-up
SURE_NEW_TOPIC = 0.7  # a short "en …?" turn is a follow-up unless the reader is this sure
QUESTION_INTENTS = frozenset({"ask_rules", "what_if", "ask_checklist"})
CHECKLIST_INTENT = "ask_checklist"
REPORTING_VERDICTS = frozenset({"allowed_report", "report_before"})
# Short social turns speak through their own rules unless the message clearly asks more.
SMALLTALK_INTENTS = frozenset(
    {"greet", "goodbye", "thanks", "ask_capabilities", "bot_challenge", "ask_privacy", "complain"}
)


@dataclass
class TurnInput:
    text: str
    intent: str | None
    ranking: list[tuple[str, float]]  # the SituationReader's ranking (readings.ranking_of)
    feeling: str | None
    frame: Frame
    pending: str | None  # the question kept while Wegwijs asked for a fact
    kept_checklist: Any  # the `checklist` slot
    today: dt.date
    chosen: str | None = None  # a situation chosen with a button
    # Filled by answer_turn: the situation the words name clearly, and the reading of the
    # ranking weighed with it.
    hint: str | None = None
    reading: SituationReading = field(default_factory=SituationReading)
    gemeente: str | None = None  # the gemeente this message names


@dataclass
class TurnResult:
    kind: str  # answered | smalltalk | not_understood (see actions/conversation.py)
    answer: Answer | None
    frame: Frame
    pending: str | None = None
    checklist: dict[str, Any] | None = None  # a new checklist to keep (None: unchanged)
    notes: list[Answer] = field(default_factory=list)  # said before the answer


def merge(known: list[str], new: list[str]) -> list[str]:
    merged = list(known)
    merged += [benefit for benefit in new if benefit not in merged]
    return without_generic_toeslag(merged, knowledge())


def _needs_age(situation: Situation, benefits: list[str]) -> bool:
    kb = knowledge()
    for benefit in benefits:
        rule_id = situation.rules.get(kb.benefits[benefit].family)
        if rule_id is not None and kb.rules[rule_id].variants:
            return True
    return False


def _facts(text: str, reading: Reading, frame: Frame, age_answer: int | None) -> dict[str, Any]:
    facts = dict(frame.facts)
    age = reading.age or age_answer
    if age is not None:
        facts["age"] = age
    amount = amount_in(text)
    if amount is not None:
        facts["amount"] = amount.euros
        facts["period"] = amount.period
    elif "amount" in facts and period_in(text):  # "en als hij het elke maand geeft?"
        facts["period"] = period_in(text)
    days = duration_days(text)
    if days is not None:
        facts["days"] = days
    return facts


def _is_follow_up(turn: TurnInput, facts_changed: bool) -> bool:
    """A turn without a situation of its own that adds to, or asks more about, the one being
    talked about: a changed fact, another benefit or agency, "hoeveel hou ik over?"."""
    if turn.frame.situation is None or turn.intent not in FOLLOW_UP_INTENTS:
        return False
    return turn.intent == "what_if" or facts_changed or len(turn.text.split()) <= SHORT_TURN


def _names_new_topic(turn: TurnInput) -> bool:
    """The words name another situation, and the reader hears it too. A word alone ("zij
    werkt niet", "hij betaalt niks mee") is no new topic in a conversation about something
    else."""
    if turn.hint in (None, turn.frame.situation):
        return False
    return dict(turn.ranking).get(str(turn.hint), 0.0) >= READ_MIN


def _continues(turn: TurnInput) -> bool:
    """ "en voor mijn zorgtoeslag?", "moet ik dat ook elke maand opgeven": short turns that
    carry on the same topic, even when the reader hears another situation in them, unless
    it is sure or the words and the reader both name a new one."""
    words = turn.text.lower().split()
    return (
        turn.frame.situation is not None
        and len(words) <= CONTINUING_TURN
        and turn.reading.confidence < SURE_NEW_TOPIC
        and not _names_new_topic(turn)
        and turn.intent in FOLLOW_UP_INTENTS
    )


def _answers_our_question(turn: TurnInput) -> bool:
    """Wegwijs asked for a benefit or an age: a short reply answers that question, even
    when a word in it ("woon in Rotterdam") sounds like a situation of its own."""
    return (
        turn.pending is not None
        and turn.frame.situation is not None
        and turn.chosen is None
        and len(turn.text.split()) <= SHORT_TURN
        and turn.reading.confidence < SURE_NEW_TOPIC
    )


def _focus(reading: Reading, own: list[str], follow_up: bool) -> list[str]:
    """The benefits to answer for: those a follow-up names (or its agency pays), else all
    the person's own."""
    if not follow_up:
        return own
    kb = knowledge()
    named = [benefit for benefit in reading.had if benefit in own]
    paid_by = [b for b in own if kb.benefits[b].agency in reading.agencies]
    return named or paid_by or own


def word_hint(reading: Reading, text: str, intent: str | None, data: Any) -> str | None:
    """The situation or life event the words in the message name clearly: a feature the
    reader's ranking is weighed with (readings.read_ranking). A message Rasa found out of
    scope, or small talk, needs the reader itself to be sure."""
    if intent == "out_of_scope" or intent in SMALLTALK_INTENTS:
        return None
    if reading.situation is not None:
        return reading.situation
    events = detect_events(text, data)
    return label_of_event(events[0], data) if events else None


def answer_turn(turn: TurnInput, age_answer: int | None = None) -> TurnResult:
    kb, data = knowledge(), life_events()
    frame = turn.frame
    reading = read_message(turn.text, kb)
    hint = word_hint(reading, turn.text, turn.intent, data)
    gemeente = find_gemeente(turn.text, data)
    turn = replace(turn, hint=hint, reading=read_ranking(turn.ranking, hint), gemeente=gemeente)
    if turn.chosen and turn.pending:  # a button answers "which did you mean?": reread the question
        benefits = reading.benefits
        reading = read_message(turn.pending, kb)
        reading.benefits = merge(reading.benefits, benefits)
    frame.note_others(reading.others)
    frame.benefits = merge(frame.benefits, reading.had)
    if gemeente is not None:
        frame.facts["gemeente"] = gemeente
    notes = [note for note in (private_data_warning(turn.text),) if note is not None]
    feeling = feeling_first(turn.feeling)
    if feeling is not None:
        notes.append(feeling)
    result = _answer(turn, reading, frame, kb, data, age_answer)
    if feeling is not None and result.kind == "not_understood":
        # Only a feeling, no question ("jullie zijn allemaal fraudejagers"): it is heard, and
        # the person is invited to say more; "ik begrijp je niet" would read as not listening.
        result = TurnResult("answered", with_offer("feeling", [[part("feeling.tell_more")]]), frame)
    elif feeling is not None and result.kind == "smalltalk" and turn.intent == "complain":
        notes.remove(feeling)  # the complaint's own reply acknowledges it
    result.notes = notes + result.notes
    return result


def _answer(
    turn: TurnInput,
    reading: Reading,
    frame: Frame,
    kb: Any,
    data: Any,
    age_answer: int | None,
) -> TurnResult:
    label = turn.chosen or turn.reading.label
    if turn.intent == "ask_own_case":
        return TurnResult("answered", own_case_answer(kb, frame.benefits), frame)
    if reading.mistake:
        if label is not None:
            frame.new_situation(label)
        frame.last_answer = {"kind": "mistake", "agencies": reading.agencies}
        return TurnResult("answered", mistake_answer(kb, reading, frame.benefits), frame)
    if _continues(turn) or _answers_our_question(turn):
        label = None
    if turn.chosen is None and turn.reading.ask_between:
        choices = [(title_key(label, kb, data), label) for label in turn.reading.ask_between]
        return TurnResult("answered", clarify_answer(choices), frame, turn.text)
    facts = _facts(turn.text, reading, frame, age_answer)
    facts_changed = facts != frame.facts
    follow_up = False
    if label is None and _is_follow_up(turn, facts_changed):
        if frame.last_answer.get("kind") == "mistake":  # "hoeveel moet ik terugbetalen?"
            reading.agencies = list(frame.last_answer.get("agencies") or []) + reading.agencies
            return TurnResult("answered", mistake_answer(kb, reading, frame.benefits), frame)
        label, follow_up = frame.situation, True
    wants_list = turn.intent == CHECKLIST_INTENT or asks_who_needs_to_know(turn.text)
    if label is None:
        return _without_situation(turn, reading, frame, kb, data, wants_list)
    frame.new_situation(label)
    frame.facts = facts
    situation_id = situation_of(label, kb, data)
    kept_events = list(frame.last_answer.get("events") or [])
    if follow_up and kept_events:  # the same events as the answer this follows up on
        events = kept_events
    else:
        events = events_of(label, turn.pending or turn.text, data)
    for other in turn.reading.also:
        events += [e for e in events_of(other, turn.text, data) if e not in events]
    life = [e for e in events if data.events[e].kind == "life"]
    if events and (wants_list or situation_id is None or (len(events) >= 2 and life)):
        elsewhere = _agencies_not_on_the_list(turn, reading, frame, data, kb) if follow_up else []
        if elsewhere:  # "moet de gemeente het ook weten?" after a list without the gemeente
            answer = with_offer("agency", [agency_follow_up(kb, elsewhere, situation_id or "")])
            return TurnResult("answered", answer, frame)
        return _checklist(turn, frame, events, data, kb, list(reading.others))
    assert situation_id is not None
    situation = kb.situations[situation_id]
    benefits = _focus(reading, frame.benefits, follow_up)
    if not benefits and situation.kind == "permission" and reading.others:
        # A relative's own benefit ("mijn zus heeft ww en verkoopt taarten"): theirs to report.
        answer = other_person_answer(kb, reading.other_words, situation_id, turn.today)
        frame.last_answer = {"situation": situation_id, "kind": "other_person"}
        return TurnResult("answered", answer, frame)
    reading.situation = situation_id
    reading.age = facts.get("age")
    asks_age = benefits and facts.get("age") is None and _needs_age(situation, benefits)
    if asks_age and turn.pending is None:
        return TurnResult("answered", ask_age(), frame, turn.text)
    if not benefits and situation.rules:
        if turn.pending is None:
            return TurnResult("answered", ask_benefit(), frame, turn.text)
        return TurnResult("answered", no_benefit_answer(), frame)
    change = (label in data.events and data.events[label].kind == "life") or label == "inheritance"
    answer = rules_answer(kb, reading, benefits, turn.today, facts, change)
    if turn.intent == "ask_permission":  # "dus ik hoef het niet te melden?"
        answer.messages.insert(0, [part("no_decision.short")])
    if reading.assumption:
        known = assumption_answer(kb, reading, benefits).messages[:-1]
        answer.messages[0:0] = known
    if "gemeente" in facts and _reports_to_gemeente(kb, answer.rules):
        answer.messages.insert(-1, gemeente_notes(data, facts["gemeente"]))
    if (
        follow_up
        and reading.agencies
        and not any(kb.benefits[b].agency in reading.agencies for b in frame.benefits)
    ):  # "moet de belastingdienst het ook weten?": an agency that pays them nothing
        answer.messages[0:0] = [agency_follow_up(kb, reading.agencies, situation_id)]
    frame.last_answer = {
        "situation": situation_id,
        "rules": answer.rules,
        "benefits": benefits,
        "events": events,
    }
    return TurnResult("answered", answer, frame)


def _agencies_not_on_the_list(
    turn: TurnInput, reading: Reading, frame: Frame, data: Any, kb: Any
) -> list[str]:
    """The agencies a follow-up asks about when the checklist it follows gives none of them
    anything to do (empty when it names none, or one that is on the list, or a benefit: "en
    de belastingdienst voor mijn zorgtoeslag?" asks for the list with that benefit)."""
    if frame.last_answer.get("kind") != "checklist" or not reading.agencies or reading.benefits:
        return []
    previous = checklist_from_slot(data, kb, turn.kept_checklist, turn.today)
    if previous is None:
        return []
    listed = {AGENCY_OF_DESK[item.desk] for item in previous.items if item.needs_action}
    if any(agency in listed for agency in reading.agencies):
        return []
    return list(reading.agencies)


def _reports_to_gemeente(kb: Any, rules: list[str]) -> bool:
    """The answer has something to report to the gemeente: its own deadlines then matter."""
    return any(
        kb.rules[rule].agency == "gemeente" and kb.rules[rule].verdict in REPORTING_VERDICTS
        for rule in rules
    )


def _without_situation(
    turn: TurnInput, reading: Reading, frame: Frame, kb: Any, data: Any, wants_list: bool
) -> TurnResult:
    """No situation in this message or the frame: lists, assumptions, benefits alone."""
    previous = checklist_from_slot(data, kb, turn.kept_checklist, turn.today)
    if previous is not None and turn.gemeente is not None:  # "ik woon in Zwolle" afterwards
        again = build_checklist(
            data,
            kb,
            previous.events,
            previous.benefits,
            turn.today,
            turn.gemeente,
            previous.event_day,
        )
        return TurnResult(
            "answered", checklist_answer(data, kb, again), frame, None, again.as_slot()
        )
    if wants_list or asks_for_the_list_again(turn.text):
        if previous is None:
            return TurnResult("answered", no_checklist_yet(), frame)
        return TurnResult("answered", checklist_answer(data, kb, previous), frame)
    if turn.intent in SMALLTALK_INTENTS:
        return TurnResult("smalltalk", None, frame, turn.pending)
    if turn.intent == "ask_own_case":
        return TurnResult("answered", own_case_answer(kb, frame.benefits), frame)
    if reading.assumption:
        return TurnResult("answered", assumption_answer(kb, reading, frame.benefits), frame)
    if reading.eligibility and (reading.benefits or turn.intent in QUESTION_INTENTS):
        return TurnResult("answered", eligibility_answer(kb, reading), frame)
    if reading.benefits and reading.asking and turn.intent in QUESTION_INTENTS:
        return TurnResult("answered", unclear_question_answer(kb, reading.benefits), frame)
    if turn.intent == "ask_permission":
        return TurnResult("answered", Answer("no_decision", [[part("no_decision")]]), frame)
    if reading.had and len(turn.text.split()) <= BENEFIT_ONLY:
        return TurnResult("answered", benefit_noted(kb, reading.had), frame)
    return TurnResult("not_understood", None, frame, turn.pending)


def _checklist(
    turn: TurnInput, frame: Frame, events: list[str], data: Any, kb: Any, others: list[str]
) -> TurnResult:
    # Without benefits of their own, a person asks for the one whose benefits they name
    # ("mijn vader heeft aio en wil 3 maanden naar marokko").
    benefits = frame.benefits or others
    if not benefits and turn.pending is None:
        return TurnResult("answered", ask_benefit(), frame, turn.text)
    previous = checklist_from_slot(data, kb, turn.kept_checklist, turn.today)
    text = turn.pending or turn.text
    gemeente = frame.facts.get("gemeente") or (previous.gemeente if previous else None)
    checklist = build_checklist(
        data, kb, events, benefits, turn.today, gemeente, event_date(text, turn.today)
    )
    frame.last_answer = {"situation": frame.situation, "events": events, "kind": "checklist"}
    return TurnResult(
        "answered", checklist_answer(data, kb, checklist), frame, None, checklist.as_slot()
    )


def answer_again(frame: Frame, kept_checklist: Any, today: dt.date) -> TurnResult:
    """The answer for the situation in the frame, again (after a language switch, or
    shorter after "ik snap het niet"): a follow-up that changes nothing."""
    turn = TurnInput("", "what_if", [], None, frame, None, kept_checklist, today)
    return answer_turn(turn)
