"""The handoff to a person, as a Rasa form: consent → way → number → read back → stored.

Rasa decides what a turn means (domain.yml: the `handoff_form` slots map `affirm`, `deny`
and the named way or number, each only at its own step; stories/handoff.yml: `stop`, a new
question or the menu end the form). These actions ask the questions, check the answers and
say how it ended. Anything that ends the form early stores nothing and gives the agency's
own contact ways. The app service stores the handoff: the action server has no database.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.app_service import AppServiceError, app_service
from actions.questions import feeling_of, frame_events
from actions.replies import send
from bot.domain.checklist.gemeenten import find_gemeente
from bot.domain.checklist.loader import life_events
from bot.domain.conversation.frame import Frame
from bot.domain.conversation.readings import ranking_of, sentence_labels_of
from bot.domain.conversation.safety import feeling_first
from bot.domain.conversation.turn import with_the_context_of
from bot.domain.knowledge.answers import Answer, agencies_of, keyed, part
from bot.domain.knowledge.loader import knowledge
from bot.domain.knowledge.matcher import read_message
from bot.shared.phones import EXAMPLE_NUMBER
from bot.shared.private_numbers import PHONE_PLACEHOLDER, contains_private_number
from bot.shared.sealed_numbers import SEALED, without_sealed
from bot.shared.text_keys import N_

log = logging.getLogger(__name__)
FORM = "handoff_form"
FORM_SLOTS = ("handoff_consent", "handoff_way", "handoff_number", "handoff_confirmed")
STATE_SLOTS = ("handoff_outcome", "handoff_number_tries", "handoff_number_shown")
WAYS = ("sms", "whatsapp", "call")
DECLINED = "declined"  # the value `deny` gives at the way and number steps
OWN_NUMBER = "own"  # the value of "dit nummer" (entity contact_number)
MAX_NUMBER_TRIES = 3
TEXT_CHANNELS = ("sms", "whatsapp")  # channels whose own number can be used
TRANSCRIPT_LINES = 60
YES_NO_BUTTONS = [(N_("handoff.button.yes"), "/affirm"), (N_("handoff.button.no"), "/deny")]
CONFIRM_BUTTONS = [(N_("handoff.button.right"), "/affirm"), (N_("handoff.button.wrong"), "/deny")]
ASK_WAY = Answer(
    kind="handoff",
    messages=[[part("handoff.ask_way")]],
    buttons=[
        (N_("handoff.way.sms"), '/inform{"contact_way": "sms"}'),
        (N_("handoff.way.whatsapp"), '/inform{"contact_way": "whatsapp"}'),
        (N_("handoff.way.call"), '/inform{"contact_way": "call"}'),
    ],
)
ENDINGS = {
    "declined": N_("handoff.no_consent"),
    "stopped": N_("handoff.stopped"),
    "left": N_("handoff.left_for_question"),
    "gave_up": N_("handoff.gave_up"),
    "not_stored": N_("handoff.not_stored"),
}


def cleared() -> list[EventType]:
    """Every handoff slot empty: a new handoff starts from the beginning."""
    return [SlotSet(name, None) for name in (*FORM_SLOTS, *STATE_SLOTS)]


def agency_of(tracker: Tracker) -> str | None:
    """The agency of the person's first known benefit: it gets the handoff."""
    kb = knowledge()
    known = [b for b in tracker.get_slot("benefits") or [] if b in kb.benefits]
    agencies = agencies_of(kb, known)
    return agencies[0] if agencies else None


async def checked_number(said: str) -> dict[str, Any] | None:
    """The number in `said`, as the slots it fills. Rasa's REST channel sealed it (the
    action server never sees a number in clear); the app opens and checks it, and gives it
    back sealed, with a masked form to read back."""
    if SEALED.search(said) is None:
        return None
    try:
        checked = await app_service().check_number(said)
    except AppServiceError as error:
        log.warning("could not check a number: %s", error)
        return None
    if checked is None:
        return None
    return {"handoff_number": checked["sealed"], "handoff_number_shown": checked["shown"]}


async def corrections(tracker: Tracker) -> dict[str, Any]:
    """A way or a valid number given in the latest message, as the slots they fill."""
    found: dict[str, Any] = {}
    for entity in tracker.latest_message.get("entities") or []:
        value = entity.get("value")
        if entity.get("entity") == "contact_way" and value in WAYS:
            found["handoff_way"] = value
        elif entity.get("entity") == "phone_number" and isinstance(value, str):
            found.update(await checked_number(value) or {})
    return found


def wants_to_stop(tracker: Tracker) -> bool:
    """ "laat maar, ik ga morgen zelf wel langs": not sure enough for the `stop` intent (it
    fell back), but with no digit in it the message is no phone number, and stopping is
    one of the two best readings."""
    latest = tracker.latest_message
    text = str(latest.get("text") or "")
    ranking = [item.get("name") for item in (latest.get("intent_ranking") or [])[:3]]
    readings = [name for name in ranking if name != "nlu_fallback"][:2]
    return not any(c.isdigit() for c in text) and bool({"stop", "deny"} & set(readings))


def yes_or_no(value: Any, dispatcher: CollectingDispatcher) -> bool | None:
    """`affirm` and `deny` map to True and False; anything else is asked again."""
    if isinstance(value, bool):
        return value
    send(dispatcher, Answer("handoff", [[part("handoff.yes_or_no")]]))
    return None


def channel_of(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    return str(metadata.get("channel") or "rest")


def contact_ways(agency: str | None) -> list[dict[str, Any]]:
    """How to reach the agency (or the main ones) directly, from the agencies data."""
    kb = knowledge()
    names = [agency] if agency in kb.agencies else ["gemeente", "uwv", "svb", "toeslagen"]
    return [
        keyed(
            kb.agencies[name].contact_key,
            online=kb.agencies[name].online,
            phone=kb.agencies[name].phone or "",
        )
        for name in names
    ]


def ending(kind: str, agency: str | None) -> Answer:
    """How a handoff ends without being sent: nothing kept, the contact ways."""
    return Answer(kind="handoff", messages=[[part(ENDINGS[kind]), *contact_ways(agency)]])


def ask_consent(agency: str | None) -> Answer:
    who = {"key": f"agency.{agency}" if agency else N_("handoff.agency_unknown")}
    return Answer(
        kind="handoff",
        messages=[[part("handoff.intro", agency=who), part("handoff.consent")]],
        buttons=list(YES_NO_BUTTONS),
    )


def ask_number(offer_own: bool, tries: int) -> Answer:
    key = N_("handoff.number_invalid") if tries else N_("handoff.ask_number")
    own = [(N_("handoff.button.this_number"), '/inform{"contact_number": "own"}')]
    return Answer(
        kind="handoff",
        messages=[[part(key, example=EXAMPLE_NUMBER)]],
        buttons=own if offer_own else [],
    )


def read_back(way: str, shown: str) -> Answer:
    """The way and the number, masked: the gateway shows the person the whole number."""
    key = N_("handoff.read_back.call") if way == "call" else N_("handoff.read_back.text")
    way_name = {"key": "handoff.way." + way}
    return Answer(
        kind="handoff",
        messages=[[part(key, way=way_name, number=shown)]],
        buttons=list(CONFIRM_BUTTONS),
    )


def the_question(tracker: Tracker) -> str:
    """The person's own words: their last real question before the handoff began.

    Not a bare request for a person, not a button, not a greeting and not what they typed
    during the handoff (a way of contact, a phone number).
    """
    events = list(tracker.events)
    began = next(
        (
            index
            for index in range(len(events) - 1, -1, -1)
            if events[index].get("event") == "action"
            and events[index].get("name") == "action_handoff_check"
        ),
        len(events),
    )
    kb = knowledge()
    for event in reversed(events[:began]):
        if event.get("event") != "user":
            continue
        said = str(event.get("text") or "")
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if not said or said.startswith("/") or intent == "greet":
            continue
        reading = read_message(said, kb)
        if intent == "request_human" and not (reading.benefits or reading.situation):
            continue
        return said[:1000]
    return ""


def transcript(tracker: Tracker) -> list[dict[str, str]]:
    """The conversation so far, as the person and Wegwijs said it (buttons left out)."""
    lines = [
        {
            "who": str(event["event"]),
            "text": without_sealed(str(event.get("text")), PHONE_PLACEHOLDER)[:1000],
        }
        for event in tracker.events
        if event.get("event") in ("user", "bot")
        and event.get("text")
        and not str(event.get("text")).startswith("/")
    ]
    return lines[-TRANSCRIPT_LINES:]


class ActionHandoffCheck(Action):
    """Before the form: a conversation with an open handoff gets its reference again."""

    def name(self) -> str:
        return "action_handoff_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            reference = await app_service().open_handoff(tracker.sender_id or "")
        except AppServiceError as error:  # the form goes on; storing will say if it fails
            log.warning("could not ask for an open handoff: %s", error)
            reference = None
        if reference:
            send(dispatcher, Answer("handoff", [[part("handoff.already", reference=reference)]]))
            return [SlotSet("handoff_open", True)]
        latest = tracker.latest_message
        kind_word = feeling_first(feeling_of(latest), str(latest.get("text") or ""))
        if kind_word is not None:  # "ik kan dit niet meer aan, kan iemand me helpen": first
            send(dispatcher, kind_word)
        return [*cleared(), SlotSet("handoff_open", False), *context_events(tracker)]


def context_events(tracker: Tracker) -> list[EventType]:
    """What the message that asked for a person says about the person and the topic, kept
    in the conversation frame (a question during or after the handoff goes on from it)."""
    latest = tracker.latest_message
    text = str(latest.get("text") or "")
    if not text or text.startswith("/"):  # a button: nothing said
        return []
    frame = with_the_context_of(
        text,
        ranking_of(latest),
        sentence_labels_of(latest),
        Frame.from_slots(tracker.get_slot),
    )
    return frame_events(frame)


class ActionAskHandoffConsent(Action):
    def name(self) -> str:
        return "action_ask_handoff_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        send(dispatcher, ask_consent(agency_of(tracker)))
        return []


class ActionAskHandoffWay(Action):
    def name(self) -> str:
        return "action_ask_handoff_way"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        send(dispatcher, ASK_WAY)
        return []


class ActionAskHandoffNumber(Action):
    def name(self) -> str:
        return "action_ask_handoff_number"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        tries = int(tracker.get_slot("handoff_number_tries") or 0)
        send(dispatcher, ask_number(channel_of(tracker) in TEXT_CHANNELS, tries))
        return []


class ActionAskHandoffConfirmed(Action):
    """Read the way and the number back before anything is stored."""

    def name(self) -> str:
        return "action_ask_handoff_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        way = str(tracker.get_slot("handoff_way") or "call")
        shown = str(tracker.get_slot("handoff_number_shown") or "")
        sealed = str(tracker.get_slot("handoff_number") or "")
        send(dispatcher, read_back(way, shown), reveal={"shown": shown, "sealed": sealed})
        return []


class ValidateHandoffForm(FormValidationAction):
    """Checks each answer; an answer that ends the handoff sets `handoff_outcome`, and then
    no slot is required any more, so the form ends and `action_handoff_submit` says why."""

    def name(self) -> str:
        return "validate_handoff_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [] if tracker.get_slot("handoff_outcome") else domain_slots

    async def validate_handoff_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # emptied when the form starts: nothing was said yet
            return {"handoff_consent": None}
        if not isinstance(value, bool) and wants_to_stop(tracker):
            # "nee dank je, ik bel ze zelf wel": not sure enough for `deny`, but a no.
            return {"handoff_consent": False, "handoff_outcome": "declined"}
        agreed = yes_or_no(value, dispatcher)
        if agreed is False:
            return {"handoff_consent": False, "handoff_outcome": "declined"}
        # "ja, whatsapp op 06 …": the way and number said with the yes are kept too.
        return {"handoff_consent": agreed, **(await corrections(tracker) if agreed else {})}

    async def validate_handoff_way(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # emptied when the form starts: nothing was said yet
            return {"handoff_way": None}
        if value == DECLINED:
            return {"handoff_way": None, "handoff_outcome": "stopped"}
        if value in WAYS:  # "sms naar 06 …": the number said with it is kept too
            return {**await corrections(tracker), "handoff_way": value}
        if wants_to_stop(tracker):
            return {"handoff_way": None, "handoff_outcome": "stopped"}
        send(dispatcher, Answer("handoff", [[part("handoff.way_unclear")]]))
        return {"handoff_way": None}

    async def validate_handoff_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # emptied when the form starts: nothing was said yet
            return {"handoff_number": None}
        if value == DECLINED or wants_to_stop(tracker):
            return {"handoff_number": None, "handoff_outcome": "stopped"}
        number = None
        if value == OWN_NUMBER and channel_of(tracker) in TEXT_CHANNELS:
            try:
                own = await app_service().own_number(tracker.sender_id or "")
            except AppServiceError as error:
                log.warning("could not look up the person's own number: %s", error)
                own = None
            if own is not None:
                number = {"handoff_number": own["sealed"], "handoff_number_shown": own["shown"]}
        elif isinstance(value, str):
            if contains_private_number(value):  # a BSN or IBAN where the number was asked
                send(dispatcher, Answer("private_data", [[part("safety.private_data")]]))
                return {"handoff_number": None}
            number = await checked_number(value)
        if number is not None:
            return {**number, "handoff_number_tries": 0}
        tries = int(tracker.get_slot("handoff_number_tries") or 0) + 1
        if tries >= MAX_NUMBER_TRIES:
            return {
                "handoff_number": None,
                "handoff_number_tries": tries,
                "handoff_outcome": "gave_up",
            }
        return {"handoff_number": None, "handoff_number_tries": tries}

    async def validate_handoff_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # emptied when the form starts: nothing was said yet
            return {"handoff_confirmed": None}
        # "nee, toch liever whatsapp op 06 …": a way or number in the answer is a correction,
        # whatever else it says, and the form reads back again.
        corrected = await corrections(tracker) if value is not True else {}
        if corrected:
            return {"handoff_confirmed": None, **corrected}
        right = yes_or_no(value, dispatcher)
        if right is False:  # most often the number is wrong: ask it again
            send(dispatcher, Answer("handoff", [[part("handoff.correct_it")]]))
            return {"handoff_confirmed": None, "handoff_number": None}
        return {"handoff_confirmed": right}


class ActionHandoffSubmit(Action):
    """The form is done: send the confirmed handoff to the app, or say why it ended."""

    def name(self) -> str:
        return "action_handoff_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        benefits = list(tracker.get_slot("benefits") or [])
        agency = agency_of(tracker)
        outcome = tracker.get_slot("handoff_outcome")
        if outcome in ENDINGS or tracker.get_slot("handoff_confirmed") is not True:
            send(dispatcher, ending(str(outcome or "stopped"), agency))
            return cleared()
        way = str(tracker.get_slot("handoff_way"))
        try:
            made = await app_service().create_handoff(self.request(tracker, benefits, agency, way))
        except AppServiceError as error:  # nothing was stored, and the person hears so
            log.error("a handoff could not be stored: %s", error)
            send(dispatcher, ending("not_stored", agency))
            return cleared()
        way_name = {"key": "handoff.way." + way}
        message = [
            part(
                "handoff.confirmed",
                reference=made["reference"],
                days=made["respond_within_days"],
                way=way_name,
            )
        ]
        if not made["open_now"]:
            message.append(
                part("handoff.closed_now", day=made["opens_day"], time=made["opens_time"])
            )
        send(dispatcher, Answer(kind="handoff", messages=[message]))
        return cleared()

    @staticmethod
    def request(
        tracker: Tracker, benefits: list[str], agency: str | None, way: str
    ) -> dict[str, Any]:
        question = the_question(tracker)
        kept = tracker.get_slot("checklist") or {}
        gemeente = kept.get("gemeente") if isinstance(kept, dict) else None
        return {
            "conversation": tracker.sender_id or "",
            "agency": agency,
            "gemeente": gemeente or find_gemeente(question, life_events()),
            "topic": read_message(question, knowledge()).situation if question else None,
            "benefits": benefits,
            "question": question,
            "way": way,
            "number": str(tracker.get_slot("handoff_number")),
            "language": str(tracker.get_slot("language") or "nl"),
            "transcript": transcript(tracker),
        }


class ActionHandoffStopped(Action):
    """`stop`, a new question or the menu ended the form (stories/handoff.yml). After a new
    question the person hears that they can ask for a person again."""

    def name(self) -> str:
        return "action_handoff_stopped"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        kind = "stopped" if intent in ("stop", "goodbye") else "left"
        send(dispatcher, ending(kind, agency_of(tracker)))
        return cleared()
