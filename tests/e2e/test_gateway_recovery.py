"""Rasa down and back up: the person is told the truth once, nothing is lost, and the kept
messages are answered in order when Rasa returns. The app service runs in Telegram polling
mode here (what `make run` does when a token is set and no PUBLIC_BASE_URL), against the
Telegram stub, and reaches the real Rasa through a proxy the test switches off and on."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import Fakes, RunningStack, app_beside
from tests.e2e.test_channels import telegram_update
from tests.fakes.servers import free_port
from tests.fakes.tcp_proxy import SwitchableProxy

pytestmark = pytest.mark.e2e


@pytest.fixture
def proxy(stack: RunningStack) -> Iterator[SwitchableProxy]:
    switch = SwitchableProxy(int(urlsplit(stack.rasa_url).port or 0), free_port())
    yield switch
    switch.down()


@pytest.fixture
def polling_app(
    tmp_path: Path, proxy: SwitchableProxy, fakes: Fakes, stack: RunningStack
) -> Iterator[tuple[str, list[str]]]:
    settings = {
        "WEGWIJS_RASA_URL": f"http://127.0.0.1:{proxy.port}",
        "WEGWIJS_ACTION_SERVER_URL": stack.actions_url,
        "TELEGRAM_BOT_TOKEN": fakes.telegram.token,
        "TELEGRAM_API_BASE": fakes.telegram_url,
    }
    with app_beside(tmp_path, settings, ("TWILIO_", "TELEGRAM_", "PUBLIC_BASE_URL")) as app:
        yield app.url, []


def test_messages_kept_while_rasa_is_down_are_answered_later(
    polling_app: tuple[str, list[str]], proxy: SwitchableProxy, fakes: Fakes
) -> None:
    chat = random.randint(1_000_000, 9_999_999)
    base = random.randint(100_000_000, 900_000_000)
    fakes.telegram.queue(telegram_update(base, chat, text="hoi"))
    notice = fakes.telegram.wait_for(chat, 1)
    assert notice and "niet bereikbaar" in notice[0]["text"]
    fakes.telegram.queue(telegram_update(base + 1, chat, text="wat kun je allemaal"))
    time.sleep(3)
    assert len(fakes.telegram.sent_to(chat)) == 1  # told once, not for every message
    proxy.up()
    answers = fakes.telegram.wait_for(chat, 4, timeout=60)
    texts = [message["text"] for message in answers]
    assert texts[1].startswith("Hoi! Ik ben Wegwijs")
    assert len(texts) >= 4
    assert "getUpdates" in fakes.telegram.calls and "deleteWebhook" in fakes.telegram.calls
