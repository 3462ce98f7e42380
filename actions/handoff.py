"""The handoff conversation: say what will happen, ask consent to share a summary, then the
way of contact and the number, and confirm with the reference and the expected answer time.

No consent: the agencies' own contact ways, and nothing is stored. Asking twice does not
make two handoffs. The steps are kept in the `handoff_step` slot; the buttons send
`/ask_rules{"handoff": ...}` so every answer comes back to `action_answer_question`.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.replies import send
from bot.channels.store import ChannelStore
from bot.db.crypto import Cipher
from bot.db.models import Contact
from bot.db.session import make_engine, make_session_factory
from bot.domain.checklist.gemeenten import find_gemeente
from bot.domain.checklist.loader import life_events
from bot.domain.knowledge.answers import Answer, keyed, part
from bot.domain.knowledge.loader import knowledge
from bot.domain.knowledge.matcher import normalise, read_message
from bot.handoff.routing import routing
from bot.handoff.service import WAYS, HandoffRequest, HandoffService, phone_number
from bot.shared.settings import load_settings
from bot.shared.text_keys import N_

log = logging.getLogger(__name__)
YES = frozenset({"ja", "yes", "ok", "oke", "okay", "graag", "prima", "goed", "jazeker", "sure"})
NO = frozenset({"nee", "no", "niet", "liever", "nope"})
WAY_WORDS = {
    "sms": "sms",
    "whatsapp": "whatsapp",
    "app": "whatsapp",
    "bel": "call",
    "bellen": "call",
    "call": "call",
    "phone": "call",
    "telefoon": "call",
}
THIS_NUMBER = "this"
TEXT_CHANNELS = {"sms": "sms", "whatsapp": "wa"}


def choice(value: str) -> str:
    return "/ask_rules" + json.dumps({"handoff": value})


@cache
def service() -> HandoffService:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    cipher = Cipher(settings.secret_key)
    store = ChannelStore(sessions, cipher, settings.secret_key)
    return HandoffService(sessions, cipher, store, routing(), settings.public_base_url)


def _agency(benefits: list[str]) -> str | None:
    kb = knowledge()
    agencies = [kb.benefits[b].agency for b in benefits if b in kb.benefits]
    return agencies[0] if agencies else None


def _question(tracker: Tracker) -> str:
    """The person's own words: their last real question before the handoff began.

    Not the request for a person, not a button, and not what they typed during the
    handoff steps (a way of contact, a phone number).
    """
    events = list(tracker.events)
    began = next(
        (
            index
            for index in range(len(events) - 1, -1, -1)
            if events[index].get("event") == "slot"
            and events[index].get("name") == "handoff_step"
            and events[index].get("value") == "consent"
        ),
        len(events),
    )
    for event in reversed(events[:began]):
        if event.get("event") != "user":
            continue
        said = str(event.get("text") or "")
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if said and not said.startswith("/") and intent not in ("request_human", "greet"):
            return said[:1000]
    return ""


def _channel(tracker: Tracker) -> str:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata") or {}
            return str(metadata.get("channel") or "rest")
    return "rest"


def ask_consent(agency: str | None) -> Answer:
    unknown = N_("handoff.agency_unknown")
    who = {"key": "agency." + agency if agency else unknown}
    return Answer(
        kind="handoff",
        messages=[[part("handoff.intro", agency=who), part("handoff.consent")]],
        buttons=[
            (N_("handoff.button.yes"), choice("yes")),
            (N_("handoff.button.no"), choice("no")),
        ],
    )


def _with_contact_ways(first: str, agency: str | None) -> Answer:
    """A message, then how to reach the agency (or the main ones) directly."""
    agencies = [agency] if agency else ["gemeente", "uwv", "svb", "toeslagen"]
    ways = [keyed("handoff.contact." + name) for name in agencies]
    return Answer(kind="handoff", messages=[[part(first), *ways]])


def no_consent(agency: str | None) -> Answer:
    return _with_contact_ways(N_("handoff.no_consent"), agency)


def not_stored(agency: str | None) -> Answer:
    """Storing failed: nothing was kept, so the person contacts the agency themselves."""
    return _with_contact_ways(N_("handoff.not_stored"), agency)


def ask_way() -> Answer:
    return Answer(
        kind="handoff",
        messages=[[part("handoff.ask_way")]],
        buttons=[
            (N_("handoff.way.sms"), choice("sms")),
            (N_("handoff.way.whatsapp"), choice("whatsapp")),
            (N_("handoff.way.call"), choice("call")),
        ],
    )


def ask_number(offer_this: bool, invalid: bool = False) -> Answer:
    key = N_("handoff.number_invalid") if invalid else N_("handoff.ask_number")
    buttons = [(N_("handoff.button.this_number"), choice(THIS_NUMBER))] if offer_this else []
    return Answer(kind="handoff", messages=[[part(key)]], buttons=buttons)


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        existing = service().open_reference(tracker.sender_id or "")
        if existing:
            send(dispatcher, Answer("handoff", [[part("handoff.already", reference=existing)]]))
            return [SlotSet("handoff_step", None)]
        benefits = list(tracker.get_slot("benefits") or [])
        send(dispatcher, ask_consent(_agency(benefits)))
        return [SlotSet("handoff_step", "consent")]


def handoff_turn(
    tracker: Tracker, said: str, step: str
) -> tuple[Answer, str | None, dict[str, Any]] | None:
    """The next step: (answer, next step, values to keep), or None to leave the handoff."""
    chosen = next(
        (str(e.get("value")) for e in tracker.latest_message.get("entities") or []
         if e.get("entity") == "handoff"),
        None,
    )  # fmt: skip
    words = set(normalise(said))
    benefits = list(tracker.get_slot("benefits") or [])
    channel = _channel(tracker)
    if step == "consent":
        if chosen == "yes" or (chosen is None and words & YES and not words & NO):
            return ask_way(), "way", {}
        if chosen == "no" or (chosen is None and words & NO):
            return no_consent(_agency(benefits)), None, {}
        return None
    if step == "way":
        way = (
            chosen
            if chosen in WAYS
            else next((WAY_WORDS[w] for w in words if w in WAY_WORDS), None)
        )
        if way is None:
            return ask_way(), "way", {}
        return ask_number(channel in TEXT_CHANNELS), "number", {"handoff_way": way}
    if step == "number":
        way = str(tracker.get_slot("handoff_way") or "call")
        if chosen == THIS_NUMBER and channel in TEXT_CHANNELS:
            number = own_number(tracker.sender_id or "", TEXT_CHANNELS[channel])
        else:
            number = phone_number(said)
        if number is None:
            return ask_number(channel in TEXT_CHANNELS, invalid=True), "number", {}
        try:
            made = create(tracker, way, number)
        except Exception:  # the database failed: nothing was stored, and the person hears so
            log.exception("a handoff could not be stored")
            made = not_stored(_agency(benefits))
        return made, None, {"handoff_way": None}
    return None


def own_number(sender_id: str, channel: str) -> str | None:
    """The number the person writes from (the gateway stored it, encrypted)."""
    store = service().store
    with store.sessions() as session:
        key_prefix = sender_id.split(":", 1)[-1]
        contact = session.scalar(
            select(Contact).where(
                Contact.channel == channel, Contact.sender_hash.startswith(key_prefix)
            )
        )
        if contact is None:
            return None
        return phone_number(store.cipher.decrypt(contact.address_enc), from_carrier=True)


def create(tracker: Tracker, way: str, number: str) -> Answer:
    benefits = list(tracker.get_slot("benefits") or [])
    kept = tracker.get_slot("checklist") or {}
    gemeente = kept.get("gemeente") if isinstance(kept, dict) else None
    question = _question(tracker)
    gemeente = gemeente or find_gemeente(question, life_events())
    topic = read_message(question, knowledge()).situation if question else None
    language = str(tracker.get_slot("language") or "nl")
    request = HandoffRequest(
        conversation=tracker.sender_id or "",
        agency=_agency(benefits),
        gemeente=gemeente,
        topic=topic,
        benefits=tuple(benefits),
        question=question,
        way=way,
        number=number,
        language=language,
    )
    created = service().create(request)
    way_name = {"key": "handoff.way." + way}
    message = [
        part(
            "handoff.confirmed",
            reference=created.reference,
            days=created.team.respond_within_days,
            way=way_name,
        )
    ]
    if not created.open_now:
        message.append(
            part(
                "handoff.closed_now",
                day=created.opens_at.date().isoformat(),
                time=created.opens_at.strftime("%H:%M"),
            )
        )
    return Answer(kind="handoff", messages=[message])
