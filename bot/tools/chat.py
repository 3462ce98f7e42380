"""`make chat`: a terminal chat through the app service, Rasa, the actions and the NLG."""

from __future__ import annotations

import uuid

import httpx

from bot.shared.settings import Settings
from bot.tools.stack import stack_is_up


def chat(settings: Settings, sender: str | None = None) -> int:
    if not stack_is_up(settings):
        print("Wegwijs is not running. Start it in another terminal with: make run")
        return 1
    sender = sender or f"terminal-{uuid.uuid4().hex[:8]}"
    print("Chat with Wegwijs. Type a message, a button number, or /quit to stop.")
    buttons: list[dict[str, str]] = []
    with httpx.Client(base_url=settings.app_url, timeout=60) as client:
        while True:
            try:
                text = input("jij > ").strip()
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            if text in ("/quit", "/exit"):
                return 0
            if not text:
                continue
            if text.isdigit() and 0 < int(text) <= len(buttons):
                text = buttons[int(text) - 1]["payload"]
            response = client.post("/api/messages", json={"sender": sender, "message": text})
            if response.status_code == 422:
                print("(dat bericht kan ik niet versturen: te lang of leeg)")
                continue
            buttons = []
            for message in response.json().get("messages", []):
                if message.get("text"):
                    print(f"wegwijs > {message['text']}")
                for button in message.get("buttons") or []:
                    buttons.append(button)
                    print(f"   [{len(buttons)}] {button['title']}")
