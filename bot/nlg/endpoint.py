"""`POST /nlg`: the endpoint Rasa calls for every `utter_*` response (see endpoints.yml)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request

log = logging.getLogger(__name__)
router = APIRouter()


@router.post("/nlg")
async def nlg(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    renderer = request.app.state.renderer
    tracker = body.get("tracker") if isinstance(body.get("tracker"), dict) else {}
    arguments = body.get("arguments") if isinstance(body.get("arguments"), dict) else {}
    name = str(body.get("response") or "")
    try:
        return renderer.render(name, tracker, arguments)  # type: ignore[no-any-return]
    except LookupError:  # unknown response or text key: never leave the person without words
        log.error("Rasa asked for unknown response %r; answering with the generic text", name)
        language = renderer.language_for(tracker)
        return {"text": renderer.catalogs.text("error.generic", language), "buttons": []}
