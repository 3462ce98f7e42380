"""Start the real stack (`python -m bot run`: Rasa, action server, app) once for all e2e tests.

Ports are free ones on 127.0.0.1 and the data lives in a temporary folder, so a running
`make run` is not disturbed. At the end the stack gets Ctrl-C (SIGINT), like a person would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.servers import free_port, serve
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 420


@dataclass
class RunningStack:
    process: subprocess.Popen[str]
    env: dict[str, str]
    data_dir: Path
    rasa_url: str
    app_url: str
    actions_url: str
    output: list[str] = field(default_factory=list)

    def rasa(self, sender: str, message: str) -> list[dict[str, Any]]:
        """One turn over Rasa's REST channel, as the judges send it."""
        response = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        return list(response.json())

    def app(self, sender: str, message: str, **extra: str) -> httpx.Response:
        """One turn through the app service's chat API."""
        return httpx.post(
            f"{self.app_url}/api/messages",
            json={"sender": sender, "message": message, **extra},
            timeout=60,
        )


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"


@contextmanager
def started_stack(data_dir: Path, **settings: str) -> Iterator[RunningStack]:
    """`python -m bot run` on free ports; Ctrl-C (SIGINT) at the end, like a person."""
    ports = {name: free_port() for name in ("APP", "RASA", "ACTIONS")}
    env = {
        **os.environ,
        "WEGWIJS_DATA_DIR": str(data_dir),
        "WEGWIJS_APP_PORT": str(ports["APP"]),
        "WEGWIJS_RASA_PORT": str(ports["RASA"]),
        "WEGWIJS_ACTIONS_PORT": str(ports["ACTIONS"]),
        **settings,
    }
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    running = RunningStack(
        process=process,
        env=env,
        data_dir=data_dir,
        rasa_url=f"http://127.0.0.1:{ports['RASA']}",
        app_url=f"http://127.0.0.1:{ports['APP']}",
        actions_url=f"http://127.0.0.1:{ports['ACTIONS']}",
    )
    ready = threading.Event()

    def read_output() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            running.output.append(line.rstrip())
            if "Wegwijs is ready" in line:
                ready.set()

    threading.Thread(target=read_output, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    while not ready.is_set():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            tail = "\n".join(running.output[-40:])
            pytest.fail(f"the stack did not start:\n{tail}")
        time.sleep(0.5)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        # Kept next to the stack's data, so a red CI run can be read afterwards.
        (data_dir / "stack-output.log").write_text("\n".join(running.output) + "\n")


PUBLIC_BASE_URL = "https://wegwijs.example.org"  # as if behind a proxy


@dataclass
class AppBeside:
    url: str
    env: dict[str, str]  # the environment it runs with


@contextmanager
def app_beside(
    data_dir: Path, settings: dict[str, str], leave_out: tuple[str, ...] = ()
) -> Iterator[AppBeside]:
    """An app service of its own (its own database and settings) beside the shared stack.
    The environment variables starting with `leave_out` are not passed on. At the end it is
    stopped, and a traceback in its output fails the test."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(leave_out)}
    env |= {"WEGWIJS_DATA_DIR": str(data_dir), "WEGWIJS_APP_PORT": str(port), **settings}
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    log = data_dir / "app-output.log"  # a file: a pipe nobody reads would fill and block
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bot.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, text=True, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail(f"the app service did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)
    try:
        yield AppBeside(url, env)
    finally:
        process.terminate()
        process.wait(timeout=30)
        output = log.read_text()
        assert "Traceback" not in output, output[-3000:]


@dataclass
class Fakes:
    twilio: FakeTwilio
    twilio_url: str
    telegram: FakeTelegram
    telegram_url: str

    def channel_settings(self) -> dict[str, str]:
        return {
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "TWILIO_ACCOUNT_SID": self.twilio.account_sid,
            "TWILIO_AUTH_TOKEN": self.twilio.auth_token,
            "TWILIO_SMS_FROM": "+3197010000000",
            "TWILIO_WHATSAPP_FROM": "whatsapp:+3197010000001",
            "TWILIO_API_BASE": self.twilio_url,
            "TWILIO_WHATSAPP_TEMPLATE_SID": "HX" + "1" * 32,
            "TELEGRAM_BOT_TOKEN": self.telegram.token,
            "TELEGRAM_SECRET_TOKEN": "telegram-secret-for-tests",
            "TELEGRAM_API_BASE": self.telegram_url,
            "WEGWIJS_RATE_LIMIT_PER_MINUTE": "12",
            "WEGWIJS_KIOSK_LIBRARY": "Bibliotheek Teststad",
            "WEGWIJS_KIOSK_GEMEENTE": "Zwolle",
            "WEGWIJS_KIOSK_IDLE_SECONDS": "6",
        }


@pytest.fixture(scope="session")
def fakes() -> Iterator[Fakes]:
    """Local fakes of the Twilio and Telegram APIs: nothing reaches the internet."""
    twilio, telegram = FakeTwilio(), FakeTelegram()
    with serve(twilio.app()) as twilio_url, serve(telegram.app()) as telegram_url:
        yield Fakes(twilio, twilio_url, telegram, telegram_url)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, fakes: Fakes) -> Iterator[RunningStack]:
    settings = fakes.channel_settings()
    with started_stack(tmp_path_factory.mktemp("stack"), **settings) as running:
        yield running


# The numbers the fault, fuzz and privacy tests measure, printed at the end of the run
# (`faults | …` lines), also when pytest captures the tests' own output.
FAULT_LINES: list[str] = []


def report_fault(line: str) -> None:
    FAULT_LINES.append(f"faults | {line}")
    print(FAULT_LINES[-1], flush=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in FAULT_LINES:
        terminalreporter.write_line(line)
