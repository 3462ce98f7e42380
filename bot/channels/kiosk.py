"""The library kiosk: a touch page served by the app service, its JSON API, and a print view
of the person's checklist. Every file is served from here: no third-party assets.

A kiosk conversation is anonymous (a random session id) and "Begin opnieuw" deletes it, in
Rasa and in our database.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field

from bot.channels.gateway import MAX_MESSAGE_LENGTH, RASA_SECONDS, Gateway
from bot.channels.mailbox_delivery import MailboxDeliverer
from bot.channels.rasa_client import RasaUnavailableError
from bot.channels.tracker_store import forget_tracker
from bot.db.calls import DatabaseBusyError
from bot.domain.checklist.builder import checklist_from_slot
from bot.domain.checklist.loader import life_events
from bot.domain.checklist.render import checklist_answer
from bot.domain.knowledge.loader import knowledge
from bot.shared.clock import today
from bot.shared.text_keys import COMPOSED_RESPONSE, N_

CHANNEL = "kiosk"
PAGE_DIR = Path(__file__).resolve().parent / "kiosk_page"
STATIC_FILES = {"kiosk.js": "text/javascript", "kiosk.css": "text/css"}
SESSION = re.compile(r"^[a-f0-9]{32}$")
UI_KEYS = (
    N_("kiosk.link.privacy"),
    N_("kiosk.link.access"),
    N_("kiosk.title"),
    N_("kiosk.intro"),
    N_("kiosk.input_label"),
    N_("kiosk.send"),
    N_("kiosk.restart"),
    N_("kiosk.read_aloud"),
    N_("kiosk.print"),
    N_("kiosk.language"),
    N_("kiosk.idle_title"),
    N_("kiosk.idle_seconds"),
    N_("kiosk.still_here"),
    N_("kiosk.you"),
    N_("kiosk.bot"),
    N_("kiosk.thinking"),
    N_("kiosk.error"),
    N_("kiosk.privacy"),
    N_("kiosk.back"),
)
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
router = APIRouter()
_templates = Environment(
    loader=FileSystemLoader(PAGE_DIR), autoescape=select_autoescape(["html"]), auto_reload=False
)


class KioskMessage(BaseModel):
    session: Annotated[str, Field(pattern=SESSION.pattern)]
    text: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_LENGTH * 2)]
    message_id: Annotated[str | None, Field(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")] = None


class KioskSession(BaseModel):
    session: Annotated[str, Field(pattern=SESSION.pattern)]


def _ui_texts(request: Request) -> dict[str, dict[str, str]]:
    state = request.app.state
    return {
        language: {
            key.removeprefix("kiosk."): state.catalogs.text(key, language, {"seconds": "__S__"})
            for key in UI_KEYS
        }
        for language in state.settings.kiosk.languages
    }


@router.get("/kiosk", response_class=HTMLResponse)
async def page(request: Request) -> HTMLResponse:
    settings = request.app.state.settings
    languages = list(settings.kiosk.languages)
    texts = _ui_texts(request)
    html = _templates.get_template("kiosk.html").render(
        kiosk=settings.kiosk,
        language=languages[0],
        languages=[(code, LANGUAGE_NAMES[code]) for code in languages],
        texts=texts[languages[0]],
        all_texts=texts,
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/kiosk/static/{name}")
async def static(name: str) -> Response:
    if name not in STATIC_FILES:
        return JSONResponse({"error": "not found"}, status_code=404)
    return FileResponse(PAGE_DIR / name, media_type=STATIC_FILES[name])


@router.post("/kiosk/api/session")
async def new_session() -> dict[str, str]:
    return {"session": secrets.token_hex(16)}


@router.post("/kiosk/api/message")
async def message(body: KioskMessage, request: Request) -> JSONResponse:
    state = request.app.state
    gateway: Gateway = state.gateway
    deliverer: MailboxDeliverer = state.deliverers[CHANNEL]
    if await gateway.db(state.channel_store.is_closed, CHANNEL, body.session):
        # A session that was reset: a message sent again for it is not answered twice.
        return JSONResponse({"messages": [], "ended": True}, status_code=410)
    external_id = body.message_id or secrets.token_hex(12)
    message_key = f"{body.session}:{external_id}"
    started = time.perf_counter()
    RASA_SECONDS.set(0.0)
    try:
        await gateway.handle(CHANNEL, message_key, body.session, body.text, deliverer)
    except DatabaseBusyError:  # not stored: the page may send it again (same message id)
        text = state.catalogs.text("error.unavailable", state.settings.kiosk.languages[0])
        return JSONResponse({"messages": [{"text": text, "buttons": []}]}, status_code=503)
    app_ms = (time.perf_counter() - started) * 1000
    timing = f"rasa;dur={RASA_SECONDS.get() * 1000:.1f}, app;dur={app_ms:.1f}"
    return JSONResponse(
        {"messages": await deliverer.take(body.session)}, headers={"Server-Timing": timing}
    )


@router.get("/kiosk/api/updates")
async def updates(session: str, request: Request) -> JSONResponse:
    if not SESSION.match(session):
        return JSONResponse({"error": "invalid session"}, status_code=422)
    return JSONResponse({"messages": await request.app.state.deliverers[CHANNEL].take(session)})


@router.post("/kiosk/api/reset")
async def reset(body: KioskSession, request: Request) -> JSONResponse:
    """Forget the conversation everywhere and hand out a new anonymous session."""
    state = request.app.state
    contact = await state.gateway.db(state.channel_store.contact, CHANNEL, body.session)
    await state.deliverers[CHANNEL].forget(body.session)
    forgotten = True
    try:
        await state.rasa.forget(contact.sender_id)
    except RasaUnavailableError:
        forgotten = False  # the rows below go anyway; the session id is never used again
    await asyncio.to_thread(forget_tracker, state.tracker_store, contact.sender_id)
    await state.gateway.db(state.channel_store.forget_contact, CHANNEL, body.session)
    return JSONResponse({"session": secrets.token_hex(16), "forgotten": forgotten})


@router.get("/kiosk/print", response_class=HTMLResponse)
async def print_view(session: str, request: Request, embedded: bool = False) -> Response:
    """The person's checklist as a page to print ("Print mijn lijstje")."""
    state = request.app.state
    if not SESSION.match(session):
        return JSONResponse({"error": "invalid session"}, status_code=422)
    contact = await state.gateway.db(state.channel_store.contact, CHANNEL, session)
    try:
        slots = await state.rasa.slots(contact.sender_id)
    except RasaUnavailableError:
        slots = {}
    language = slots.get("language") or state.settings.kiosk.languages[0]
    checklist = checklist_from_slot(life_events(), knowledge(), slots.get("checklist"), today())
    blocks: list[str] = []
    if checklist is not None:
        answer = checklist_answer(life_events(), knowledge(), checklist)
        tracker = {"slots": {"language": language}, "latest_message": {}}
        for parts in answer.messages[:-1]:  # all but the offer to talk to a person
            rendered = state.renderer.render(COMPOSED_RESPONSE, tracker, {"parts": parts})
            blocks.append(rendered["text"])
    html = _templates.get_template("print.html").render(
        kiosk=state.settings.kiosk,
        language=language,
        title=state.catalogs.text("kiosk.print_title", language),
        empty=state.catalogs.text("kiosk.print_empty", language),
        print_label=state.catalogs.text("kiosk.print", language),
        back=state.catalogs.text("kiosk.back", language),
        blocks=[block.split("\n") for block in blocks],
        embedded=embedded,
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
