"""The caseworker inbox under /inbox: server-rendered pages (Jinja2), a signed session
cookie (itsdangerous, via Starlette's SessionMiddleware), a CSRF token in every form, and
lock-out after repeated wrong passwords. A caseworker only ever sees their own team's
handoffs; trying another team's gives 403 and an audit entry."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.channels.rasa_client import RasaUnavailableError
from bot.channels.store import now
from bot.domain.knowledge.topics import topic_key
from bot.handoff.accounts import close_session, log_in, open_session, session_user
from bot.handoff.service import OUTCOMES, CaseBook, OtherTeamError
from bot.shared.text_keys import N_

PAGES = Path(__file__).resolve().parent / "inbox_pages"
LANGUAGE = "nl"  # the inbox is for Dutch contact teams
router = APIRouter(prefix="/inbox")
# Texts the pages use (for `make i18n`).
PAGE_KEYS = (
    N_("inbox.title"), N_("inbox.logout"), N_("inbox.login_title"), N_("inbox.username"),
    N_("inbox.password"), N_("inbox.login"), N_("inbox.csrf"), N_("inbox.locked"),
    N_("inbox.wrong_login"), N_("inbox.open_title"), N_("inbox.reference"), N_("inbox.status"),
    N_("inbox.age"), N_("inbox.age_hours"), N_("inbox.due"), N_("inbox.nothing_open"),
    N_("inbox.back"),
    N_("inbox.benefits"), N_("inbox.topic"), N_("inbox.question"), N_("inbox.contact"),
    N_("inbox.claim"),
    N_("inbox.reply"), N_("inbox.send"), N_("inbox.outcome"), N_("inbox.resolve"),
    N_("inbox.forbidden_title"), N_("inbox.forbidden"),
    N_("inbox.outcome.rule_unclear"), N_("inbox.outcome.thought_agencies_share"),
    N_("inbox.outcome.hobby_became_work"), N_("inbox.outcome.needs_money_help"),
    N_("inbox.outcome.other"),
    N_("inbox.messages"), N_("inbox.from_person"), N_("inbox.to_person"), N_("inbox.hand_back"),
    N_("inbox.undelivered"),
    N_("handoff.bot_back"), N_("inbox.transcript"), N_("inbox.person"), N_("inbox.bot"),
)  # fmt: skip
_templates = Environment(loader=FileSystemLoader(PAGES), autoescape=select_autoescape(["html"]))
_templates.globals["topic_key"] = topic_key


def _t(request: Request, key: str, **args: Any) -> str:
    return str(request.app.state.catalogs.text(key, LANGUAGE, args or None))


def _csrf(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


async def _form(request: Request) -> dict[str, str] | None:
    """The posted form, or None when its CSRF token is missing or wrong."""
    try:
        form = {key: str(value) for key, value in (await request.form()).items()}
    except Exception:  # an unreadable body is refused like a forged one
        return None
    expected = request.session.get("csrf", "")
    given = form.get("csrf", "")
    if not expected or not secrets.compare_digest(given.encode(), str(expected).encode()):
        return None
    return form


def _render(
    request: Request,
    page: str,
    status: int = 200,
    who: tuple[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:
    html = _templates.get_template(page).render(
        t=lambda key, **args: _t(request, key, **args),
        csrf=_csrf(request),
        user=who[0] if who else None,
        team=who[1] if who else None,
        **values,
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


async def _who(request: Request) -> tuple[str, str] | None:
    """The logged-in caseworker, from the server-side session the cookie's token names."""
    token = str(request.session.get("sid") or "")
    if not token:
        return None
    return await asyncio.to_thread(session_user, request.app.state.sessions, token)


def _to_login() -> RedirectResponse:
    return RedirectResponse("/inbox/login", status_code=303)


def _book(request: Request) -> CaseBook:
    return CaseBook(request.app.state.handoffs)


@router.get("/static/inbox.css")
async def stylesheet() -> FileResponse:
    """The inbox's styles, served here: the pages allow no inline styles (CSP)."""
    return FileResponse(PAGES / "inbox.css", media_type="text/css")


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> HTMLResponse:
    return _render(request, "login.html", error=None)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await _form(request)
    if form is None:
        return _render(request, "login.html", status=403, error=_t(request, "inbox.csrf"))
    result = await asyncio.to_thread(
        log_in, request.app.state.sessions, form.get("username", ""), form.get("password", "")
    )
    if not result.ok:
        if result.locked_until is not None and result.locked_until > now():
            until = result.locked_until.astimezone().strftime("%H:%M")
            error = _t(request, "inbox.locked", time=until)
        else:
            error = _t(request, "inbox.wrong_login")
        return _render(request, "login.html", status=401, error=error)
    assert result.team is not None
    user = form["username"].strip().lower()
    token = await asyncio.to_thread(open_session, request.app.state.sessions, user, result.team)
    request.session.clear()
    request.session.update({"sid": token, "csrf": secrets.token_urlsafe(24)})
    return RedirectResponse("/inbox", status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    if await _form(request) is not None:
        token = str(request.session.get("sid") or "")
        if token:  # ended on the server: a copy of the cookie no longer works
            await asyncio.to_thread(close_session, request.app.state.sessions, token)
        request.session.clear()
    return _to_login()


@router.get("", response_class=HTMLResponse)
async def overview(request: Request) -> Response:
    who = await _who(request)
    if who is None:
        return _to_login()
    cases = await asyncio.to_thread(_book(request).open_cases, who[1])
    moment = now()
    rows = [
        {
            "case": case,
            "age_hours": int((moment - case.created_at).total_seconds() // 3600),
            "urgency": "late" if case.due_at < moment
            else "soon" if case.due_at - moment < dt.timedelta(hours=24) else "ok",
        }
        for case in cases
    ]  # fmt: skip
    return _render(request, "list.html", who=who, rows=rows)


# A row id: a database integer (ids beyond it are not found, never a database error).
HandoffId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]


@router.get("/handoffs/{handoff_id}", response_class=HTMLResponse)
async def case_page(handoff_id: HandoffId, request: Request) -> Response:
    who = await _who(request)
    if who is None:
        return _to_login()
    try:
        case = await asyncio.to_thread(_book(request).open_case, handoff_id, *who)
    except OtherTeamError:
        return _render(request, "forbidden.html", status=403, who=who)
    messages = await asyncio.to_thread(request.app.state.handoffs.messages, handoff_id)
    # The person agreed to share their question; the conversation shows its context. It was
    # stored with the handoff (a kiosk reset deletes Rasa's copy); older handoffs ask Rasa.
    transcript = await asyncio.to_thread(request.app.state.handoffs.transcript, handoff_id)
    if transcript is None:
        try:
            transcript = await request.app.state.rasa.transcript(case.conversation)
        except RasaUnavailableError:
            transcript = []
    return _render(
        request,
        "handoff.html",
        who=who,
        case=case,
        outcomes=OUTCOMES,
        messages=messages,
        transcript=transcript[-30:],
    )


@router.post("/handoffs/{handoff_id}/{verb}")
async def act(handoff_id: HandoffId, verb: str, request: Request) -> Response:
    who = await _who(request)
    if who is None:
        return _to_login()
    form = await _form(request)
    if form is None:
        return _render(request, "forbidden.html", status=403, who=who)
    book = _book(request)
    try:
        if verb == "claim":
            await asyncio.to_thread(book.claim, handoff_id, *who)
        elif verb == "resolve" and form.get("outcome") in OUTCOMES:
            await asyncio.to_thread(book.resolve, handoff_id, *who, form["outcome"])
            return RedirectResponse("/inbox", status_code=303)
        elif verb == "handback":
            case = await asyncio.to_thread(book.open_case, handoff_id, *who)
            notice = request.app.state.catalogs.text("handoff.bot_back", case.language)
            await asyncio.to_thread(book.hand_back, handoff_id, *who, notice)
            request.app.state.outbox_wake.set()
            return RedirectResponse("/inbox", status_code=303)
        elif verb == "reply" and form.get("text", "").strip():
            await asyncio.to_thread(book.reply, handoff_id, *who, form["text"].strip())
            request.app.state.outbox_wake.set()
        else:
            return _render(request, "forbidden.html", status=400, who=who)
    except OtherTeamError:
        return _render(request, "forbidden.html", status=403, who=who)
    return RedirectResponse(f"/inbox/handoffs/{handoff_id}", status_code=303)
