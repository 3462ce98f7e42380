"""`POST /nlg`: the endpoint Rasa calls for every `utter_*` response (see endpoints.yml),
with its token; a request without it is refused, a malformed one gets a 400."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)
router = APIRouter()


# Not Rasa's shape (a field of the wrong type): refused. An unknown response or text key
# (a LookupError) still gets words.
MALFORMED = (TypeError, AttributeError, ValueError, RecursionError)


@router.post("/nlg", response_model=None)
async def nlg(request: Request) -> dict[str, Any] | JSONResponse:
    expected = request.app.state.settings.nlg_token
    given = request.query_params.get("token", "")
    if not secrets.compare_digest(given.encode(), expected.encode()):
        log.warning("an NLG request without Rasa's token refused")
        return JSONResponse({"error": "Rasa's token is required"}, status_code=403)
    try:
        body = await request.json()
    except (ValueError, RecursionError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    renderer = request.app.state.renderer
    tracker = body.get("tracker") if isinstance(body.get("tracker"), dict) else {}
    arguments = body.get("arguments") if isinstance(body.get("arguments"), dict) else {}
    name = str(body.get("response") or "")
    try:
        return renderer.render(name, tracker, arguments)  # type: ignore[no-any-return]
    except MALFORMED as error:
        log.warning("malformed NLG request for %r refused: %s", name[:40], type(error).__name__)
        return JSONResponse({"error": "malformed request"}, status_code=400)
    except LookupError as error:  # unknown response or text key: never leave them without words
        log.error("no text for response %r (%r); answering with the generic text", name, error)
        try:
            language = renderer.language_for(tracker)
        except MALFORMED:
            language = renderer.default_language
        return {"text": renderer.catalogs.text("error.generic", language), "buttons": []}
