"""Answer "mag dit?" questions from the rules data, in the shape every answer has.

The message is read against bot/domain/knowledge (benefits, situation, age, mistake or
assumption); the answer is a list of catalog keys that the NLG endpoint turns into words.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.checklists import checklist_turn
from actions.conversation import miss_kind
from actions.replies import send
from actions.slots import merge_benefits
from bot.domain.knowledge.answers import (
    Answer,
    ask_age,
    ask_benefit,
    assumption_answer,
    benefit_noted,
    eligibility_answer,
    mistake_answer,
    no_benefit_answer,
    rules_answer,
    unclear_question_answer,
)
from bot.domain.knowledge.loader import knowledge
from bot.domain.knowledge.matcher import Reading, read_message
from bot.domain.knowledge.model import Situation
from bot.shared.clock import today

# One intent for everything the action reads: questions, facts ("ik heb ww", "45"), mistakes
# and "they know it anyway"; the words decide the answer, so the model need not split them.
QUESTION_INTENTS = frozenset({"ask_rules"})
TOPICS = ("hobby", "volunteering", "gifts", "abroad", "living", "agencies")
# Short social intents: their own rule speaks, unless the message clearly asks a question
# about the rules ("ik ben net bevallen, ik heb ww, moet ik iets doen?" read as small talk).
SMALLTALK_INTENTS = frozenset(
    {"greet", "goodbye", "thanks", "ask_capabilities", "bot_challenge", "ask_privacy", "complain"}
)
# Intents whose rules (stories/) say what follows this action; for any other intent it runs
# as Rasa's fallback action and must speak and listen itself.
RULED_INTENTS = QUESTION_INTENTS | SMALLTALK_INTENTS | {"nlu_fallback", "out_of_scope"}
AGE_NUMBER = re.compile(r"\b(\d{1,3})\b")
MISS_RESPONSES = {
    "out_of_scope": ("utter_out_of_scope", "utter_menu"),
    "not_understood": ("utter_not_understood", "utter_menu"),
    "offer_person": ("utter_offer_person",),
}


def needs_age(situation: Situation, benefits: list[str]) -> bool:
    """True when the rule for one of the person's benefits differs by age."""
    kb = knowledge()
    for benefit in benefits:
        rule_id = situation.rules.get(kb.benefits[benefit].family)
        if rule_id is not None and kb.rules[rule_id].variants:
            return True
    return False


def age_reply(text: str) -> str | None:
    """A bare age ("45", "19 jaar") given as the answer to "how old are you?"."""
    if len(text.split()) > 6:
        return None
    match = AGE_NUMBER.search(text.lower())
    return match.group(1) if match and 14 <= int(match.group(1)) <= 110 else None


def chosen_topic(latest_message: dict[str, Any], reading: Reading) -> str | None:
    """The menu topic of a button press or a bare topic word, not of a real question."""
    for entity in latest_message.get("entities") or []:
        topic = entity.get("value")
        if entity.get("entity") == "topic" and topic in TOPICS:
            text = str(latest_message.get("text") or "")
            bare = text.startswith("/") or (len(text.split()) <= 5 and not reading.benefits)
            return str(topic) if bare else None
    return None


def clearly_a_question(reading: Reading) -> bool:
    """A benefit or agency named together with a situation, a mistake or an assumption."""
    named = bool(reading.benefits or reading.agencies)
    situation = reading.situation is not None and reading.situation_score >= 2
    return named and (situation or reading.mistake or reading.assumption)


def decide(
    reading: Reading,
    intent: str | None,
    benefits: list[str],
    pending: str | None,
    day: dt.date,
) -> tuple[Answer | None, str | None]:
    """The answer (None: not understood) and the question to keep for later, if any."""
    kb = knowledge()
    # The words in the message decide; the intent only says how sure we are it is a question.
    if reading.mistake:
        return mistake_answer(kb, reading, benefits), None
    assumes = reading.assumption
    # A message Rasa found out of scope needs clear signs before it counts as a question.
    needed_score = 2 if intent in QUESTION_INTENTS else 4
    strong = (
        reading.situation_score >= needed_score
        or bool(reading.benefits or reading.agencies)
        or intent in QUESTION_INTENTS
    )
    if assumes and not (reading.situation and benefits and strong):
        return assumption_answer(kb, reading, benefits), None
    if reading.situation and strong:
        situation = kb.situations[reading.situation]
        if benefits and pending is None and reading.age is None and needs_age(situation, benefits):
            return ask_age(), reading.raw_text
        if benefits or not situation.rules:
            answer = rules_answer(kb, reading, benefits, day)
            if assumes:  # "regelt dat de rest?": first what is not automatic, then the rules
                known = assumption_answer(kb, reading, benefits).messages[:-1]
                answer.messages[0:0] = known
            return answer, None
        if pending is None:
            return ask_benefit(), reading.raw_text
        return no_benefit_answer(), None
    if reading.eligibility and (reading.benefits or intent in QUESTION_INTENTS):
        return eligibility_answer(kb, reading), None
    if reading.benefits and reading.asking and intent in QUESTION_INTENTS:
        return unclear_question_answer(kb, reading.benefits), None
    if reading.benefits:
        return benefit_noted(kb, reading.benefits), None
    return None, None


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = str(tracker.latest_message.get("text") or "")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        pending = tracker.get_slot("pending_question")
        benefits = list(tracker.get_slot("benefits") or [])
        reading = read_message(text, knowledge())
        age = age_reply(text)
        if pending and ((reading.benefits and not reading.situation) or age):
            extra = f" ik ben {age}" if age else ""
            reading = read_message(f"{pending} {text}{extra}", knowledge())
            pending_used = True
        else:
            pending_used = False
        # The slot already holds this message's benefits; merging keeps the action correct
        # when it runs without the slot extraction (e.g. as Rasa's fallback action).
        benefits = merge_benefits(benefits, reading.had)
        # Called as Rasa's fallback action (no rule fits the intent), or after another action
        # (a question that ended the handoff): no rule speaks or listens after us, so we do
        # both, or Rasa would run this action again and again.
        as_fallback = intent not in RULED_INTENTS or tracker.latest_action_name != "action_listen"
        ending: list[dict[str, Any]] = [FollowupAction("action_listen")] if as_fallback else []
        if not reading.mistake:
            turn = checklist_turn(
                reading.raw_text, reading, benefits, tracker.get_slot("checklist"), pending, today()
            )
            if turn is not None:
                send(dispatcher, turn.answer)
                kept = [SlotSet("checklist", turn.kept)] if turn.kept is not None else []
                return [
                    SlotSet("answer_kind", "answered"),
                    SlotSet("pending_question", turn.pending),
                    *kept,
                    *ending,
                ]
        if intent in SMALLTALK_INTENTS and not clearly_a_question(reading):
            return [
                SlotSet("answer_kind", "smalltalk"),
                SlotSet("pending_question", pending),
            ]
        topic = chosen_topic(tracker.latest_message, reading)
        if topic and intent in QUESTION_INTENTS:
            return [SlotSet("answer_kind", f"topic_{topic}")]
        answer, keep = decide(reading, intent, benefits, pending or None, today())
        if answer is None:
            kind = miss_kind(tracker.events, intent)
            if as_fallback:
                for response in MISS_RESPONSES[kind]:
                    dispatcher.utter_message(response=response)
            return [
                SlotSet("answer_kind", kind),
                SlotSet("pending_question", pending),
                *ending,
            ]
        send(dispatcher, answer)
        return [
            SlotSet("answer_kind", "answered"),
            SlotSet("pending_question", None if pending_used else keep),
            *ending,
        ]
