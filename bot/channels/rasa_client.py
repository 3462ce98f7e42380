"""Talk to Rasa's REST channel on its private address.

The real channel travels in the message metadata, because over REST Rasa always names
the channel `collector`.
"""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailableError(RuntimeError):
    """Rasa (or the action server behind it) did not answer properly."""


def transcript_lines(events: list[Any]) -> list[tuple[str, str]]:
    """(who, text) per message. A "rewind" (a turn that broke off and was undone, see
    rasa_channels/rest.py) takes back that turn, so a message sent again shows once."""
    lines: list[tuple[str, str]] = []
    for event in events:
        if not isinstance(event, dict):
            continue
        if event.get("event") == "rewind":
            while lines and lines[-1][0] == "bot":
                lines.pop()
            if lines:
                lines.pop()  # the person's message of the undone turn
            continue
        text = str(event.get("text") or "")
        if event.get("event") in ("user", "bot") and text and not text.startswith("/"):
            lines.append((str(event["event"]), text))
    return lines


class RasaClient:
    def __init__(
        self,
        base_url: str,
        timeout: float = 30.0,
        api_token: str | None = None,
        actions_url: str | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self._token = {"token": api_token} if api_token else {}
        self._actions_health = f"{actions_url}/health" if actions_url else None

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """One user message in, the bot's replies out."""
        try:
            response = await self._http.post(
                "/webhooks/rest/webhook",
                json={"sender": sender_id, "message": text, "metadata": metadata},
            )
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailableError(str(error)) from error
        if not isinstance(replies, list):
            raise RasaUnavailableError(f"unexpected reply from Rasa: {replies!r}")
        return replies

    async def slots(self, sender_id: str) -> dict[str, Any]:
        """The conversation's slots (Rasa's HTTP API, with the API token)."""
        try:
            response = await self._http.get(
                f"/conversations/{sender_id}/tracker",
                params={**self._token, "include_events": "NONE"},
            )
            response.raise_for_status()
            slots = response.json().get("slots")
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            raise RasaUnavailableError(str(error)) from error
        return slots if isinstance(slots, dict) else {}

    async def transcript(self, sender_id: str) -> list[tuple[str, str]]:
        """The conversation so far as (who, text): "user" or "bot"; menu payloads left out."""
        try:
            response = await self._http.get(
                f"/conversations/{sender_id}/tracker",
                params={**self._token, "include_events": "ALL"},
            )
            response.raise_for_status()
            events = response.json().get("events") or []
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            raise RasaUnavailableError(str(error)) from error
        return transcript_lines(events)

    async def forget(self, sender_id: str) -> None:
        """Restart the conversation in Rasa (its stored events are deleted separately)."""
        try:
            response = await self._http.post(
                f"/conversations/{sender_id}/tracker/events",
                params=self._token,
                json={"event": "restart"},
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise RasaUnavailableError(str(error)) from error

    async def healthy(self) -> bool:
        """Rasa answers, and so does the action server behind it (when we know where)."""
        try:
            response = await self._http.get("/")
            if response.status_code != 200:
                return False
            if self._actions_health is not None:
                actions = await self._http.get(self._actions_health)
                return actions.status_code == 200
        except httpx.HTTPError:
            return False
        return True

    async def close(self) -> None:
        await self._http.aclose()
