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
    except LookupError as error:  # unknown response or text key: never leave them without words
        log.error("no text for response %r (%r); answering with the generic text", name, error)
        language = renderer.language_for(tracker)
        return {"text": renderer.catalogs.text("error.generic", language), "buttons": []}
