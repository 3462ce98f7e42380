"""The privacy statement (/privacy) and the accessibility statement (/toegankelijkheid),
in plain language from the catalogs, linked from the kiosk. `?lang=en` for English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.shared.text_keys import N_

router = APIRouter()
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "pages"),
    autoescape=select_autoescape(["html"]),
)
STATEMENTS = {
    "privacy": (
        N_("statement.privacy.title"),
        (
            N_("statement.privacy.what"),
            N_("statement.privacy.kept"),
            N_("statement.privacy.not_kept"),
            N_("statement.privacy.person"),
            N_("statement.privacy.agencies"),
            N_("statement.privacy.erase"),
            N_("statement.privacy.questions"),
        ),
    ),
    "toegankelijkheid": (
        N_("statement.access.title"),
        (
            N_("statement.access.aim"),
            N_("statement.access.done"),
            N_("statement.access.not_yet"),
            N_("statement.access.help"),
        ),
    ),
}


def _page(request: Request, name: str, lang: str) -> HTMLResponse:
    state: Any = request.app.state
    catalogs, settings = state.catalogs, state.settings
    language = lang if lang in catalogs.languages else settings.default_language
    title, keys = STATEMENTS[name]
    args = {
        "days": settings.conversation_retention_days,
        "handoff_days": settings.handoff_retention_days,
    }
    html = _templates.get_template("statement.html").render(
        language=language,
        title=catalogs.text(title, language),
        paragraphs=[catalogs.text(key, language, args) for key in keys],
        back="/kiosk",
        back_text=catalogs.text(N_("statement.back"), language),
    )
    return HTMLResponse(html)


@router.get("/privacy", response_class=HTMLResponse)
async def privacy(request: Request, lang: str = "nl") -> HTMLResponse:
    return _page(request, "privacy", lang)


@router.get("/toegankelijkheid", response_class=HTMLResponse)
async def accessibility(request: Request, lang: str = "nl") -> HTMLResponse:
    return _page(request, "toegankelijkheid", lang)
