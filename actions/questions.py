"""Answer "mag dit?" questions and their follow-ups from the rules data and the frame.

Rasa's NLU gives the dialogue act (intent), the situation with a confidence and a feeling
(rasa_components/label_readers.py); bot/domain/conversation decides what the turn means
given the conversation frame in the slots, and the answer is a list of catalog keys that
the NLG endpoint turns into words.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import miss_kind
from actions.replies import send
from bot.domain.checklist.builder import checklist_from_slot
from bot.domain.checklist.loader import life_events
from bot.domain.checklist.render import checklist_reasons
from bot.domain.conversation.entities import MessageFacts
from bot.domain.conversation.frame import SITUATION_SLOT, Frame
from bot.domain.conversation.readings import (
    NOTHING,
    READ_MIN,
    READ_SURE,
    ranking_of,
    read_ranking,
    sentence_labels_of,
)
from bot.domain.conversation.safety import CRISIS_SURE, FEELING_SURE
from bot.domain.conversation.turn import (
    SMALLTALK_INTENTS,
    TurnInput,
    age_would_refine,
    answer_again,
    answer_turn,
    answer_yes_no,
)
from bot.domain.knowledge.answers import Answer, explain_answer, in_short, part
from bot.domain.knowledge.loader import knowledge
from bot.domain.knowledge.matcher import read_message
from bot.domain.knowledge.sources import source_answer
from bot.shared.clock import today
from bot.shared.words import sentence_spans

QUESTION_INTENTS = frozenset(
    {"ask_rules", "what_if", "ask_checklist", "ask_permission", "ask_own_case"}
)
TOPICS = ("hobby", "volunteering", "gifts", "abroad", "living", "agencies")
# Intents whose rules (stories/) say what follows this action; for any other intent it runs
# as Rasa's fallback action and must speak and listen itself.
RULED_INTENTS = QUESTION_INTENTS | SMALLTALK_INTENTS | {"nlu_fallback", "out_of_scope"}
AGE_NUMBER = re.compile(r"\b(\d{1,3})\b")
MISS_RESPONSES = {
    "out_of_scope": ("utter_out_of_scope", "utter_menu"),
    "not_understood": ("utter_not_understood", "utter_menu"),
    "offer_person": ("utter_offer_person",),
}


def age_reply(text: str) -> int | None:
    """A bare age ("45", "19 jaar") given as the answer to "how old are you?"."""
    if len(text.split()) > 6:
        return None
    match = AGE_NUMBER.search(text.lower())
    return int(match.group(1)) if match and 14 <= int(match.group(1)) <= 110 else None


def entity_value(latest_message: dict[str, Any], name: str) -> str | None:
    for entity in latest_message.get("entities") or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def chosen_topic(latest_message: dict[str, Any]) -> str | None:
    """The menu topic of a button press or a bare topic word, not of a real question."""
    topic = entity_value(latest_message, "topic")
    if topic not in TOPICS:
        return None
    text = str(latest_message.get("text") or "")
    bare = text.startswith("/") or (
        len(text.split()) <= 5 and not read_message(text, knowledge()).benefits
    )
    return topic if bare else None


SHORT = 10  # words: a sentence this short can carry a feeling on its own
SURELY_FELT = 0.15  # a message read as "no feeling" less surely than this has one


def feeling_of(latest_message: dict[str, Any]) -> str | None:
    """The feeling of the message, or of one of its sentences, when the reader is sure."""
    ranking = ranking_of(latest_message, "feelings")
    if any(name == "crisis" and sure >= CRISIS_SURE for name, sure in ranking):
        return "crisis"
    # A short sentence said with feeling ("wat een onzin!!", "ik ben zo bang"); in a long
    # one the words of the story outweigh it, so only the whole message is read.
    said = [
        (str(item.get("name")), float(item.get("confidence") or 0), str(item.get("sentence") or ""))
        for item in latest_message.get("feeling_sentences") or []
        if isinstance(item, dict)
    ]
    each = [(name, sure) for name, sure, sentence in said if len(sentence.split()) <= SHORT]
    candidates = [
        (name, sure)
        for name, sure in [*ranking[:1], *each]
        if name != NOTHING and sure >= FEELING_SURE
    ]
    if not candidates and dict(ranking).get(NOTHING, 1.0) < SURELY_FELT:
        # Surely some feeling, two of them close ("WAAROM moet ik dit betalen?? belachelijk"):
        # the sentence most sure of one, of any length, or else the best of the two.
        candidates = [(n, s) for n, s, _ in said if n != NOTHING and s >= FEELING_SURE]
        candidates = candidates or [(n, s) for n, s in ranking[:1] if n != NOTHING]
    return max(candidates, key=lambda item: item[1])[0] if candidates else None


SWITCH_LANGUAGE = "switch_language"


def _besides(latest_message: dict[str, Any], intent: str) -> str | None:
    """What the rest of a message does: the best intent after `intent`."""
    ranked = [str(item.get("name")) for item in latest_message.get("intent_ranking") or []]
    return next((name for name in ranked if name != intent), None)


def frame_events(frame: Frame) -> list[dict[str, Any]]:
    return [SlotSet(name, value) for name, value in frame.as_slots().items()]


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        latest = tracker.latest_message
        text = str(latest.get("text") or "")
        intent = (latest.get("intent") or {}).get("name")
        if intent == SWITCH_LANGUAGE:  # "terug naar Nederlands. moet ik het melden?"
            intent = _besides(latest, SWITCH_LANGUAGE)
        pending = tracker.get_slot("pending_question") or None
        # Called as Rasa's fallback action (no rule fits the intent), or after another action
        # (a question that ended the handoff): no rule speaks or listens after us, so we do
        # both, or Rasa would run this action again and again.
        as_fallback = intent not in RULED_INTENTS or tracker.latest_action_name != "action_listen"
        ending: list[dict[str, Any]] = [FollowupAction("action_listen")] if as_fallback else []
        topic = chosen_topic(latest)
        if topic and intent in QUESTION_INTENTS:
            return [SlotSet("answer_kind", f"topic_{topic}")]
        frame = Frame.from_slots(tracker.get_slot)
        turn = TurnInput(
            text=text,
            intent=intent,
            ranking=ranking_of(latest),
            sentence_labels=sentence_labels_of(latest),
            feeling=feeling_of(latest),
            frame=frame,
            pending=pending,
            kept_checklist=tracker.get_slot("checklist"),
            today=today(),
            chosen=entity_value(latest, "situation"),
            facts=MessageFacts.from_entities(latest.get("entities") or []),
        )
        refines = age_would_refine(frame, text) and not turn.facts.names_a_number_of_something
        age_answer = age_reply(text) if pending or refines else None
        result = answer_turn(turn, age_answer)
        for note in result.notes:
            send(dispatcher, note)
        kept = [SlotSet("checklist", result.checklist)] if result.checklist is not None else []
        state = [*frame_events(result.frame), *kept, SlotSet("pending_question", result.pending)]
        if result.answer is None:
            kind = result.kind
            if kind == "not_understood":
                kind = miss_kind(tracker.events, intent)
            if as_fallback and kind in MISS_RESPONSES:
                for response in MISS_RESPONSES[kind]:
                    dispatcher.utter_message(response=response)
            return [SlotSet("answer_kind", kind), *state, *ending]
        send(dispatcher, result.answer)
        return [SlotSet("answer_kind", "answered"), *state, *ending]


class ActionExplainAnswer(Action):
    """ "Waarom?": the reasons behind the last answer (the `last_answer` slot)."""

    def name(self) -> str:
        return "action_explain_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        question = str(tracker.latest_message.get("text") or "")
        current = tracker.get_slot(SITUATION_SLOT)
        ranking = ranking_of(tracker.latest_message)
        hint = read_message(question, knowledge()).situation
        heard = dict(ranking).get(str(hint), 0.0) >= READ_MIN  # the reader hears it too
        read = read_ranking(ranking, hint if heard else None, current)
        sure = read.confidence >= READ_SURE or (heard and read.label == hint)
        if read.label not in (None, current) and sure:
            # "waarom moet ik elke maand die opgave doen?": a why about another topic, asked
            # as its own question; its answer says why.
            return [FollowupAction("action_answer_question")]
        last = tracker.get_slot("last_answer") or {}
        rules = list(last.get("rules") or []) if isinstance(last, dict) else []
        kept = tracker.get_slot("checklist")
        if not rules and isinstance(last, dict) and last.get("kind") == "checklist" and kept:
            # "why would the SVB care?" after a list: the reasons its desks must hear it
            listed = checklist_from_slot(life_events(), knowledge(), kept, today())
            reasons = checklist_reasons(knowledge(), listed) if listed is not None else None
            if reasons is not None:
                send(dispatcher, reasons)
                return []
        send(dispatcher, explain_answer(knowledge(), rules, today(), question))
        return []


class ActionTellSource(Action):
    """ "Waar staat dat?": the law, website and page behind the last answer."""

    def name(self) -> str:
        return "action_tell_source"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        last = tracker.get_slot("last_answer") or {}
        last = last if isinstance(last, dict) else {}
        rules = [str(rule) for rule in last.get("rules") or last.get("sources") or []]
        agencies = [str(agency) for agency in last.get("agencies") or []]
        send(dispatcher, source_answer(knowledge(), rules, agencies))
        return []


def _asks_more(said: str, message: dict[str, Any]) -> bool:
    """A question besides the switch itself ("terug naar Nederlands. moet ik het melden?"),
    not "can you explain in English?", which asks only for the language."""
    spans = [
        (int(e.get("start") or 0), int(e.get("end") or 0))
        for e in message.get("entities") or []
        if e.get("entity") == "language"
    ]
    for begin, end in sentence_spans(said):
        about_language = any(begin <= start < end for start, _ in spans)
        if "?" in said[begin:end] and not about_language:
            return True
    return False


class ActionRepeatAnswer(Action):
    """The last answer again: after a language switch in the new language; after "ik snap
    het niet" shorter (the verdict and what to do), or a question when there was none."""

    def name(self) -> str:
        return "action_repeat_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        frame = Frame.from_slots(tracker.get_slot)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        simpler = intent == "say_simpler"
        text = str(tracker.latest_message.get("text") or "")
        if intent == SWITCH_LANGUAGE and _asks_more(text, tracker.latest_message):
            # "oké, terug naar Nederlands. moet ik het melden?": the question, in the new
            # language, rather than the last answer again.
            return await ActionAnswerQuestion().run(dispatcher, tracker, domain)
        if frame.situation is None:
            if simpler:
                send(dispatcher, Answer("simpler", [[part("simpler.nothing")]]))
            return []
        result = answer_again(frame, tracker.get_slot("checklist"), today())
        if result.answer is not None:
            send(dispatcher, in_short(result.answer) if simpler else result.answer)
        return frame_events(result.frame)


class ActionAnswerYesNo(Action):
    """A bare "ja" or "nee" right after an answer: the answer to its closing question ("Ben
    je alleenstaande ouder?"), or, when it asked none, a yes that asks what more and a no
    that is fine."""

    def name(self) -> str:
        return "action_answer_yes_no"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        yes = (tracker.latest_message.get("intent") or {}).get("name") == "affirm"
        frame = Frame.from_slots(tracker.get_slot)
        result = answer_yes_no(frame, yes, today())
        if result is None or result.answer is None:
            dispatcher.utter_message(response="utter_what_more" if yes else "utter_nothing_more")
            return []
        send(dispatcher, result.answer)
        return frame_events(result.frame)
