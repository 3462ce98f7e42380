"""The action server's way to the app service, which owns the database and the secret.

The action server keeps no engine, no cipher and no settings of the app: it asks the app
over its private `/internal` API, with a token the launcher (or the deployment) gives it.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote

import httpx

from bot.shared.settings import ActionServerSettings, action_server_settings

TIMEOUT = httpx.Timeout(10.0, connect=3.0)


class AppServiceError(RuntimeError):
    """The app service could not be reached or refused the request."""


class AppService:
    def __init__(self, settings: ActionServerSettings) -> None:
        self.base = settings.app_url
        self.headers = {"Authorization": f"Bearer {settings.internal_token}"}

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT, headers=self.headers) as client:
                response = await client.request(method, f"{self.base}{path}", **kwargs)
        except httpx.HTTPError as error:
            raise AppServiceError(f"{method} {path}: {error}") from error
        if response.status_code >= 500 or response.status_code in (401, 403):
            raise AppServiceError(f"{method} {path}: HTTP {response.status_code}")
        return response

    async def open_handoff(self, conversation: str) -> str | None:
        """The reference of the conversation's open handoff, if there is one."""
        response = await self._call(
            "GET", f"/internal/conversations/{quote(conversation, safe='')}/handoff"
        )
        reference = response.json().get("reference") if response.status_code == 200 else None
        return str(reference) if reference else None

    async def own_number(self, conversation: str) -> dict[str, str] | None:
        """The number the person writes from (SMS/WhatsApp), sealed and masked."""
        response = await self._call(
            "GET", f"/internal/contacts/{quote(conversation, safe='')}/number"
        )
        return _number(response)

    async def check_number(self, sealed: str) -> dict[str, str] | None:
        """A number Rasa's REST channel sealed, checked by the app: sealed again and masked
        ("shown"), or None when it is no valid phone number."""
        response = await self._call("POST", "/internal/numbers/check", json={"sealed": sealed})
        return _number(response)

    async def create_handoff(self, request: dict[str, Any]) -> dict[str, Any]:
        """Store the handoff (and the conversation so far); the app answers with the
        reference, the team's promise and its office hours."""
        response = await self._call("POST", "/internal/handoffs", json=request)
        if response.status_code != 201:
            raise AppServiceError(f"POST /internal/handoffs: HTTP {response.status_code}")
        return dict(response.json())


def _number(response: httpx.Response) -> dict[str, str] | None:
    if response.status_code != 200:
        return None
    body = response.json()
    return {"sealed": str(body["sealed"]), "shown": str(body["shown"])}


@cache
def app_service() -> AppService:
    return AppService(action_server_settings())
