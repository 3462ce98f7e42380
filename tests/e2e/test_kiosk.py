"""The library kiosk in a real headless Chromium (Debian's package) driven by Playwright:
a conversation, the language switch, read-aloud, the print view, the idle reset, and an
axe-core accessibility scan (axe.min.js from the axe-playwright-python package, served
locally into the page)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import axe_playwright_python
import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select

from bot.db.models import Contact, InboundMessage
from bot.shared.settings import load_settings
from tests.e2e.conftest import RunningStack
from tests.e2e.test_channels import store_for

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js")
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (said) => window.__spoken.push([said.lang, said.text]);
}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test-services installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def kiosk(browser: Browser, stack: RunningStack) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 1024})
    page = context.new_page()
    page.add_init_script(RECORD_SPEECH)
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((stack.app_url, "data:", "about:"))
            else None
        ),
    )
    blocked: list[str] = []  # the CSP must never have to block the kiosk's own code
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{stack.app_url}/kiosk")
    expect(page.locator(".message.bot").first).to_contain_text("Wegwijs", timeout=30_000)
    yield page
    assert outside == [], f"the kiosk loaded something from elsewhere: {outside}"
    assert blocked == [], blocked
    context.close()


def bot_texts(page: Page) -> str:
    return "\n".join(page.locator(".message.bot").all_inner_texts())


def test_a_conversation_with_big_buttons_and_typing(kiosk: Page) -> None:
    topics = kiosk.locator("#options button")
    expect(topics).to_have_count(6)
    expect(kiosk.locator(".brand .place")).to_contain_text("Bibliotheek Teststad · Zwolle")
    topics.filter(has_text="Hobby en bijverdienen").click()
    expect(kiosk.locator(".message.bot").last).to_contain_text("Vertel me wat je doet")
    kiosk.get_by_label("Typ je vraag").fill("ik heb aow en geef pianoles aan kinderen, mag dat?")
    kiosk.get_by_role("button", name="Stuur").click()
    expect(kiosk.locator(".message.you").last).to_contain_text("pianoles")
    # The answer ends with the light offer of more help, in the same message as the rule.
    expect(kiosk.locator(".message.bot").last).to_contain_text("Wil je meer weten", timeout=30_000)
    assert "AOW" in bot_texts(kiosk)


def test_read_aloud_speaks_the_answer_in_the_right_language(kiosk: Page) -> None:
    read = kiosk.get_by_role("button", name="Lees voor").first
    expect(read).to_be_visible()
    read.click()
    spoken = kiosk.evaluate("window.__spoken")
    assert spoken and spoken[0][0] == "nl-NL" and "Wegwijs" in spoken[0][1]


def test_the_language_switch_changes_the_page_and_the_bot(kiosk: Page) -> None:
    kiosk.get_by_role("button", name="English").click()
    expect(kiosk.get_by_label("Type your question")).to_be_visible()
    expect(kiosk.locator("html")).to_have_attribute("lang", "en")
    expect(kiosk.locator(".message.bot").last).to_contain_text("English")
    kiosk.get_by_label("Type your question").fill("what can you do")
    kiosk.get_by_role("button", name="Send").click()
    expect(kiosk.locator(".message.bot").last).to_contain_text("topic", ignore_case=True)


def test_print_my_list_shows_the_checklist(kiosk: Page) -> None:
    kiosk.get_by_label("Typ je vraag").fill("ik ga verhuizen, wie moet het weten? ik heb bijstand")
    kiosk.get_by_role("button", name="Stuur").click()
    expect(kiosk.locator(".message.bot").last).to_contain_text("Wil je meer weten", timeout=30_000)
    kiosk.get_by_role("button", name="Print mijn lijstje").click()
    dialog = kiosk.get_by_role("dialog")
    expect(dialog).to_be_visible()
    frame = kiosk.frame_locator("#print-frame")
    expect(frame.locator("h1")).to_have_text("Mijn lijstje")
    expect(frame.locator("#checklist")).to_contain_text("Burgerzaken")
    expect(frame.locator("#checklist")).to_contain_text("werk en inkomen")
    dialog.get_by_role("button", name="Terug").click()
    expect(dialog).to_be_hidden()


def test_the_idle_reset_clears_everything_and_forgets_the_session(
    kiosk: Page, stack: RunningStack
) -> None:
    kiosk.get_by_label("Typ je vraag").fill("ik heb bijstand en bak taarten, mag dat?")
    kiosk.get_by_role("button", name="Stuur").click()
    expect(kiosk.locator(".message.you")).to_have_count(1)
    old_session = kiosk.evaluate(
        "document.getElementById('print').click(), document.getElementById('print-frame').src"
    )
    kiosk.get_by_role("button", name="Terug").click()
    session = old_session.split("session=")[1]
    store = store_for(stack)
    key = store._key("kiosk", session)
    with store.sessions() as db:
        assert db.scalar(select(Contact).where(Contact.sender_hash == key)) is not None
    countdown = kiosk.get_by_role("alertdialog")
    expect(countdown).to_be_visible(timeout=20_000)
    expect(countdown).to_contain_text("seconden")
    expect(countdown).to_be_hidden(timeout=20_000)
    expect(kiosk.locator(".message.you")).to_have_count(0)
    expect(kiosk.locator(".message.bot").first).to_contain_text("Wegwijs", timeout=30_000)
    with store.sessions() as db:  # emptied and closed: only the row is left
        closed = db.scalar(select(Contact).where(Contact.sender_hash == key))
        assert closed is not None and closed.opted_out and closed.options is None
        assert store.cipher.decrypt(closed.address_enc) == ""
        assert (
            db.scalar(select(InboundMessage).where(InboundMessage.contact_id == closed.id)) is None
        )
    again = httpx.post(  # the page sends a message again for the old session: not answered
        f"{stack.app_url}/kiosk/api/message",
        json={"session": session, "text": "hoi", "message_id": "again1"},
        timeout=30,
    )
    assert again.status_code == 410 and again.json()["messages"] == []
    sender = f"kiosk:{key[:32]}"
    token = {"token": load_settings(stack.env).rasa_api_token}
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker", params=token).json()
    assert not [e for e in tracker.get("events", []) if e.get("event") == "user"]


def test_begin_opnieuw_starts_a_new_conversation(kiosk: Page) -> None:
    kiosk.get_by_label("Typ je vraag").fill("hallo")
    kiosk.get_by_role("button", name="Stuur").click()
    expect(kiosk.locator(".message.you")).to_have_count(1)
    kiosk.get_by_role("button", name="Begin opnieuw").click()
    expect(kiosk.locator(".message.you")).to_have_count(0)
    expect(kiosk.locator("#options button")).to_have_count(6, timeout=30_000)


def test_no_serious_accessibility_violations(kiosk: Page) -> None:
    # Evaluated, not added as a <script>: the page's CSP allows no inline script.
    kiosk.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = kiosk.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (violation["id"], violation["impact"], len(violation["nodes"]))
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []
