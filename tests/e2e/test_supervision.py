"""`make run` keeps its services running: Rasa or the action server killed under the test
stack is started again by the launcher, the other services keep running, and what people
sent meanwhile is answered afterwards, in order, once, and is once in Rasa's tracker.

These tests kill services of the shared test stack, so they are in the file that runs last,
and each waits until the stack is whole again.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import httpx
import pytest

from bot.shared.settings import load_settings
from tests.e2e.conftest import Fakes, RunningStack, new_sender, report_fault
from tests.e2e.test_channels import sms, store_for

pytestmark = pytest.mark.e2e


def report(line: str) -> None:
    report_fault(line)


def child_pids(parent: int) -> dict[int, str]:
    """The launcher's children and their command lines (from /proc)."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = next(
            (line.split()[1] for line in status.splitlines() if line.startswith("PPid")), ""
        )
        if ppid == str(parent):
            found[int(entry.name)] = command
    return found


def service_pid(stack: RunningStack, marker: str) -> int:
    for pid, command in child_pids(stack.process.pid).items():
        if marker in command:
            return pid
    raise AssertionError(f"no {marker!r} service under the launcher")


MARKERS = {"rasa": " run --enable-api", "actions": "rasa_sdk", "app": "uvicorn"}


def wait_healthy(stack: RunningStack, timeout: float = 240) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            rasa = httpx.get(f"{stack.rasa_url}/", timeout=2).status_code == 200
            actions = httpx.get(f"{stack.actions_url}/health", timeout=2).status_code == 200
            if rasa and actions:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("the stack did not come back")


def user_events(stack: RunningStack, number: str) -> list[str]:
    """The person's messages as Rasa's tracker store has them (every event, not only those
    still in effect)."""
    sender = store_for(stack).contact("sms", number).sender_id
    token = load_settings(stack.env).rasa_api_token
    response = httpx.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": token, "include_events": "ALL"},
        timeout=30,
    )
    response.raise_for_status()
    return [str(e.get("text")) for e in response.json()["events"] if e.get("event") == "user"]


def wait_for_reply(fakes: Fakes, number: str, seen: int, expected: str, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if any(expected in str(m["body"]) for m in fakes.twilio.sent_to(number)[seen:]):
            return time.monotonic() - started
        time.sleep(0.5)
    bodies = [str(m["body"])[:60] for m in fakes.twilio.sent_to(number)[seen:]]
    raise AssertionError(f"no reply with {expected!r}; got {bodies}")


@pytest.mark.parametrize("killed", ["actions", "rasa"])
def test_a_killed_service_is_restarted_and_nothing_is_lost(
    stack: RunningStack, fakes: Fakes, killed: str
) -> None:
    number = f"+3162{random.randint(1_000_000, 9_999_999)}"
    seen = len(fakes.twilio.sent_to(number))
    sms(stack, fakes, number, "hoi")
    wait_for_reply(fakes, number, seen, "Wegwijs", 60)
    others = {name: service_pid(stack, marker) for name, marker in MARKERS.items()}
    victim = others.pop(killed)
    os.killpg(victim, signal.SIGKILL)
    time.sleep(1)
    seen = len(fakes.twilio.sent_to(number))
    sms(stack, fakes, number, "ik heb ww en wil taarten verkopen, mag dat?")
    sms(stack, fakes, number, "dank je wel")
    back_after = wait_healthy(stack)
    answered_after = wait_for_reply(fakes, number, seen, "Graag gedaan", 180)
    text = "\n".join(str(m["body"]) for m in fakes.twilio.sent_to(number)[seen:])
    in_order = 0 <= text.find("WW") < text.find("Graag gedaan")
    told = text.count("niet bereikbaar")
    events = user_events(stack, number)
    twice = len(events) - len(set(events))
    kept = all(service_pid(stack, MARKERS[name]) == pid for name, pid in others.items())
    restarted = service_pid(stack, MARKERS[killed]) != victim
    report(
        f"{killed} killed under make run: restarted {restarted}, others kept {kept}, "
        f"healthy again after {back_after:.0f} s, answered after {answered_after:.0f} s, "
        f"in order {in_order}, told {told} time(s), {twice} message(s) twice in the tracker"
    )
    assert restarted and kept and in_order
    assert told <= 1
    assert twice == 0, events


def test_a_turn_that_broke_off_does_not_silence_the_person(stack: RunningStack) -> None:
    """The action server died during a turn: Rasa logged the message and ten failed actions
    and never came back to listening. The next message is still answered."""
    sender = new_sender()
    stack.rasa(sender, "hoi")
    parsed = {"intent": {"name": "ask_rules", "confidence": 1.0}, "entities": []}
    broken = [{"event": "user", "text": "ik heb ww", "parse_data": parsed}]
    broken += [{"event": "action", "name": "action_answer_question"}] * 10
    token = load_settings(stack.env).rasa_api_token
    response = httpx.post(
        f"{stack.rasa_url}/conversations/{sender}/tracker/events",
        params={"token": token},
        json=broken,
        timeout=30,
    )
    response.raise_for_status()
    answer = stack.rasa(sender, "ik heb ww en wil taarten verkopen, mag dat?")
    assert any("WW" in str(message.get("text")) for message in answer), answer
