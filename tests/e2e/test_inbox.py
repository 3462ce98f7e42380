"""The caseworker inbox in a real headless Chromium: log-in (and lock-out), the team's list,
claim, a reply that reaches the person by SMS through the real twilio client and the fake
Twilio API, resolve with an outcome, and no access to another team's handoff."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from bot.db.models import AuditEntry, Handoff
from tests.e2e.conftest import ROOT, Fakes, RunningStack
from tests.e2e.test_channels import new_number, sms, sms_until, store_for
from tests.e2e.test_kiosk import browser  # noqa: F401 (the shared Chromium fixture)

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


def create_account(stack: RunningStack, username: str, team: str) -> None:
    env = {**stack.env, "WEGWIJS_NEW_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "bot", "admin", "create-caseworker"]
    subprocess.run(
        [*command, "--username", username, "--team", team], cwd=ROOT, env=env, check=True
    )


@pytest.fixture(scope="module")
def handoff(stack: RunningStack, fakes: Fakes) -> tuple[str, str, int]:
    create_account(stack, "anna", "wegwijs-landelijk")
    create_account(stack, "zeno", "zwolle-werk-inkomen")
    return new_handoff(stack, fakes)


def new_handoff(stack: RunningStack, fakes: Fakes) -> tuple[str, str, int]:
    """A person asks for a person over SMS; returns their number, reference and id."""
    number = new_number()
    sms_until(
        stack, fakes, number, "mag ik met bijstand 3 weken op vakantie naar spanje", "4 weken"
    )
    sms_until(stack, fakes, number, "ik wil iemand spreken", "Mag ik je vraag")
    sms_until(stack, fakes, number, "1", "Hoe wil je contact")
    sms_until(stack, fakes, number, "1", "Op welk telefoonnummer")
    sms_until(stack, fakes, number, "1", "Klopt dat?")
    done = sms_until(stack, fakes, number, "1", "Gelukt")
    reference = "H-" + done.split("H-")[1][:6]
    with store_for(stack).sessions() as session:
        made = session.scalars(select(Handoff).where(Handoff.reference == reference)).one()
        return number, reference, made.id


@pytest.fixture
def page(browser: Browser, stack: RunningStack) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context()
    yield context.new_page()
    context.close()


def log_in(page: Page, stack: RunningStack, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{stack.app_url}/inbox")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_claim_reply_and_resolve(
    page: Page, stack: RunningStack, fakes: Fakes, handoff: tuple[str, str, int]
) -> None:
    number, reference, _ = handoff
    log_in(page, stack, "anna", "wrong password here")
    expect(page.get_by_role("alert")).to_contain_text("klopt niet")
    log_in(page, stack, "anna")
    expect(page.get_by_role("heading", name="Open vragen van je team")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference))
    expect(row).to_contain_text("0 uur")  # its age, from the catalogs
    expect(row).to_contain_text("naar het buitenland")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("#question")).to_contain_text("vakantie")
    expect(page.locator("#topic")).to_contain_text("naar het buitenland")
    expect(page.locator("#transcript")).to_contain_text("Mag ik je vraag")
    expect(page.locator("#contact")).to_contain_text(number)
    page.get_by_role("button", name="Ik pak dit op").click()
    expect(page.locator("#status")).to_contain_text("claimed (anna)")
    page.get_by_label("Antwoord aan de persoon").fill("Hoi, ik bel je morgen om 10 uur. Anna")
    page.get_by_role("button", name="Stuur").click()
    sent = fakes.twilio.wait_for(number, len(fakes.twilio.sent_to(number)) + 1)
    assert any("ik bel je morgen" in str(message["body"]) for message in sent)
    page.get_by_label("Uitkomst").select_option("rule_unclear")
    page.get_by_role("button", name="Afronden").click()
    expect(page.get_by_role("heading", name="Open vragen van je team")).to_be_visible()
    expect(page.get_by_role("link", name=reference)).to_have_count(0)


def test_another_team_gets_no_access_and_it_is_audited(
    page: Page, stack: RunningStack, handoff: tuple[str, str, int]
) -> None:
    _, reference, handoff_id = handoff
    log_in(page, stack, "zeno")
    expect(page.get_by_role("link", name=reference)).to_have_count(0)
    response = page.goto(f"{stack.app_url}/inbox/handoffs/{handoff_id}")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Geen toegang")).to_be_visible()
    with store_for(stack).sessions() as session:
        refused = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "forbidden", AuditEntry.actor == "zeno")
        ).all()
    assert refused


def test_forms_without_the_csrf_token_are_refused(
    page: Page, stack: RunningStack, handoff: tuple[str, str, int]
) -> None:
    forged = httpx.post(
        f"{stack.app_url}/inbox/login", data={"username": "anna", "password": PASSWORD}
    )
    assert forged.status_code == 403
    log_in(page, stack, "anna")  # a real session, but a form without its token
    claim = page.request.post(f"{stack.app_url}/inbox/handoffs/{handoff[2]}/claim", form={})
    assert claim.status == 403


def test_repeated_wrong_passwords_lock_the_account(page: Page, stack: RunningStack) -> None:
    create_account(stack, "lisa", "wegwijs-landelijk")
    for _ in range(5):
        log_in(page, stack, "lisa", "not the password at all")
    log_in(page, stack, "lisa")
    expect(page.get_by_role("alert")).to_contain_text("Te veel mislukte pogingen")


def test_while_claimed_a_person_answers_not_the_bot(
    page: Page, stack: RunningStack, fakes: Fakes, handoff: tuple[str, str, int]
) -> None:
    number, reference, _ = new_handoff(stack, fakes)
    log_in(page, stack, "anna")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Ik pak dit op").click()
    expect(page.locator("#status")).to_contain_text("claimed")
    before = len(fakes.twilio.sent_to(number))
    sms(stack, fakes, number, "hallo, wanneer bel je mij?")
    page.reload()
    expect(page.locator("#messages")).to_contain_text("wanneer bel je mij?")
    assert len(fakes.twilio.sent_to(number)) == before  # the bot stays quiet
    page.get_by_role("button", name="Terug naar Wegwijs").click()
    back = fakes.twilio.wait_for(number, before + 1)[before]["body"]
    assert "weer met Wegwijs" in back
    sms(stack, fakes, number, "hoi")
    again = fakes.twilio.wait_for(number, before + 2)[before + 1]["body"]
    assert "Wegwijs" in again


def test_a_twilio_outage_loses_no_handoff_and_the_alert_follows(
    stack: RunningStack, fakes: Fakes, handoff: tuple[str, str, int]
) -> None:
    team_phone = "+3197010000199"
    alerts_before = len(fakes.twilio.sent_to(team_phone))
    number = new_number()
    sms_until(stack, fakes, number, "ik wil iemand spreken", "Mag ik je vraag")
    sms_until(stack, fakes, number, "1", "Hoe wil je contact")
    sms_until(stack, fakes, number, "1", "Op welk telefoonnummer")
    sms_until(stack, fakes, number, "1", "Klopt dat?")
    newest = select(Handoff).order_by(Handoff.id.desc())
    with store_for(stack).sessions() as session:
        before = session.scalars(newest).first()
    fakes.twilio.fail_next(503, 503, 503, 503)  # Twilio is down when the handoff is made
    sms(stack, fakes, number, "1")
    conversation = None
    deadline = time.monotonic() + 30
    while conversation is None and time.monotonic() < deadline:
        with store_for(stack).sessions() as session:
            latest = session.scalars(newest).first()
        if latest is not None and (before is None or latest.id > before.id):
            conversation = latest
        time.sleep(0.2)
    assert conversation is not None and conversation.status == "new"  # it exists
    alert = fakes.twilio.wait_for(team_phone, alerts_before + 1, timeout=60)
    assert len(alert) == alerts_before + 1 and conversation.reference in alert[-1]["body"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the person was told, once Twilio was back too
        told = [str(message["body"]) for message in fakes.twilio.sent_to(number)]
        if any(conversation.reference in text for text in told):
            break
        time.sleep(0.2)
    assert any(conversation.reference in text for text in told)
