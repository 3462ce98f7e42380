"""Start the three services on localhost, show their logs, keep them running, stop them
cleanly on Ctrl-C.

The Rasa server (REST channel), the action server (rasa-sdk, our `actions/`) and the app
service (this package) each run as a child process in its own process group; their output
is prefixed per service. One that dies is restarted (its whole group killed first, so no
worker keeps its port), after a pause that grows when it keeps dying; the others go on, and
the app's gateway keeps what people send meanwhile and answers it when Rasa is back.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import httpx

from bot.shared.number_sealing import SEAL_KEY_VARIABLE, public_key
from bot.shared.settings import PROJECT_ROOT, Settings, process_environment

MODEL_FILE = PROJECT_ROOT / "models" / "wegwijs.tar.gz"
APP_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"
RASA_BIN = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
START_TIMEOUT_SECONDS = 300.0
FIRST_RESTART_PAUSE, LONGEST_RESTART_PAUSE = 1.0, 30.0
STABLE_AFTER_SECONDS = 120.0  # up this long: the next death starts the pauses again
COLOURS = {"rasa": "35", "actions": "36", "app": "32"}


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    health_url: str
    env: dict[str, str] = field(default_factory=dict)  # what only this service gets


class StartupError(RuntimeError):
    """A service could not start; the message is one sentence for the operator."""


def rasa_api_token(settings: Settings) -> str:
    """Token for Rasa's HTTP API (model/parse, status); derived so nobody has to set it."""
    return settings.rasa_api_token


def services(settings: Settings) -> list[Service]:
    host = settings.host
    return [
        Service(
            "app",
            [
                str(APP_PYTHON),
                "-m",
                "uvicorn",
                "bot.app:create_app",
                "--factory",
                "--host",
                host,
                "--port",
                str(settings.app_port),
                "--log-level",
                settings.log_level,
                "--no-access-log",
            ],
            f"{settings.app_url}/health",
        ),
        Service(
            "actions",
            [
                str(APP_PYTHON),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(settings.actions_port),
            ],
            f"{settings.actions_url}/health",
            settings.actions_environment(),
        ),
        Service(
            "rasa",
            [
                str(RASA_BIN),
                "run",
                "--enable-api",
                "--auth-token",
                rasa_api_token(settings),
                "--interface",
                host,
                "--port",
                str(settings.rasa_port),
                "--model",
                str(MODEL_FILE),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
                "--log-file",
                os.devnull,
            ],
            f"http://{host}:{settings.rasa_port}/",
        ),
    ]


def child_environment(settings: Settings) -> dict[str, str]:
    env = process_environment()
    env.update(settings.rasa_environment())
    # Rasa's REST channel seals the handoff's phone numbers with it; only the app opens them.
    env[SEAL_KEY_VARIABLE] = public_key(settings.secret_key)
    env["SANIC_HOST"] = settings.host  # rasa-sdk binds 0.0.0.0 unless told otherwise
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONWARNINGS"] = "ignore"  # Rasa's dependencies print pages of deprecation notes
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1"
    return env


class Stack:
    """The running services; `stop()` ends them all, whatever state they are in."""

    def __init__(self, settings: Settings, quiet: bool = False) -> None:
        self.settings = settings
        self.quiet = quiet
        self.processes: dict[str, subprocess.Popen[str]] = {}
        self.started_at: dict[str, float] = {}
        self.pauses: dict[str, float] = {}
        self.restarts: dict[str, int] = {}

    def start(self) -> None:
        if not MODEL_FILE.exists():
            raise StartupError(f"No trained model at {MODEL_FILE}; run `make train` first.")
        for service in services(self.settings):
            self._spawn(service)
        self._wait_until_healthy(services(self.settings))

    def _spawn(self, service: Service) -> None:
        env = child_environment(self.settings)
        process = subprocess.Popen(
            service.command,
            cwd=PROJECT_ROOT,
            env={**env, **service.env},
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[service.name] = process
        self.started_at[service.name] = time.monotonic()
        threading.Thread(target=self._relay, args=(service.name, process), daemon=True).start()

    def restart(self, name: str) -> None:
        """Kill what is left of the service's process group and start it again."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # workers that outlived it free the port
        process.wait()
        up_for = time.monotonic() - self.started_at.get(name, 0.0)
        pause = self.pauses.get(name, 0.0)
        pause = FIRST_RESTART_PAUSE if up_for > STABLE_AFTER_SECONDS or not pause else pause
        self.pauses[name] = min(LONGEST_RESTART_PAUSE, pause * 2)
        _say(f"the {name} service stopped (exit code {process.returncode}); "
             f"starting it again in {pause:.0f} s")  # fmt: skip
        time.sleep(pause)
        service = next(s for s in services(self.settings) if s.name == name)
        self._spawn(service)
        self.restarts[name] = self.restarts.get(name, 0) + 1

    def _relay(self, name: str, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        prefix = (
            f"\033[{COLOURS[name]}m{name:>7}\033[0m |" if sys.stdout.isatty() else f"{name:>7} |"
        )
        for line in process.stdout:
            if not self.quiet:
                print(prefix, line.rstrip(), flush=True)

    def _wait_until_healthy(self, pending: list[Service]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        waiting = list(pending)
        while waiting:
            for service in list(waiting):
                code = self.processes[service.name].poll()
                if code is not None:
                    raise StartupError(
                        f"The {service.name} service stopped during start-up (exit code {code}); "
                        "see its log lines above."
                    )
                try:
                    if httpx.get(service.health_url, timeout=2).status_code == 200:
                        waiting.remove(service)
                        _say(f"{service.name} is up: {service.health_url}")
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                names = ", ".join(s.name for s in waiting)
                raise StartupError(f"Not healthy after {START_TIMEOUT_SECONDS:.0f} s: {names}.")
            if waiting:
                time.sleep(0.5)

    def failed_service(self) -> str | None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                return name
        return None

    def stop(self) -> None:
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGTERM)  # also workers of a dead leader
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _say(text: str) -> None:
    print(f"wegwijs | {text}", flush=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(settings: Settings) -> int:
    """`make run`: start everything, print where to chat, wait for Ctrl-C."""
    # Installed explicitly: a shell that starts us in the background ignores SIGINT.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    stack = Stack(settings)
    try:
        _say("starting Rasa (loading the model takes about a minute), actions and app ...")
        stack.start()
        _say("Wegwijs is ready. Press Ctrl-C to stop.")
        _say("  chat in this terminal:  make chat")
        _say(
            f"  chat over HTTP:         POST {settings.app_url}/api/messages "
            '{"sender": "me", "message": "hoi"}'
        )
        _say(f"  Rasa REST channel:      POST {settings.rasa_url}/webhooks/rest/webhook")
        _say(
            f"  health: {settings.app_url}/health  {settings.actions_url}/health  "
            f"{settings.rasa_url}/"
        )
        while True:  # supervise: a service that dies is started again, the others go on
            failed = stack.failed_service()
            if failed:
                stack.restart(failed)
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    except StartupError as error:
        _say(str(error))
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop
        _say("stopping ...")
        stack.stop()
        _say("stopped.")
