"""The first parts of the human handoff: routing from data and caseworker accounts
(argon2 hashes, lock-out, audit log, the `admin create-caseworker` command)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.migrate import upgrade
from bot.db.models import AuditEntry, Caseworker
from bot.db.session import make_engine, make_session_factory
from bot.domain.knowledge.loader import KnowledgeError, knowledge
from bot.handoff.accounts import (
    IDLE,
    LOCK_OUT,
    MAX_FAILED_LOGINS,
    AccountError,
    close_session,
    close_sessions_of,
    create_caseworker,
    log_in,
    open_session,
    session_user,
)
from bot.handoff.routing import load_routing, routing
from bot.shared.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    upgrade(url)
    return make_session_factory(make_engine(url))


def test_routing_prefers_the_local_team_then_falls_back_to_the_national_one() -> None:
    data = routing()
    assert data.route("gemeente", "Zwolle", "hobby").id == "zwolle-werk-inkomen"
    assert data.route("gemeente", "Deventer", "hobby").id == "wegwijs-landelijk"
    assert data.route("uwv", None, None).id == "wegwijs-landelijk"
    assert "uwv" in data.agencies and knowledge().agencies["uwv"].phone == "0900 9294"
    team = data.teams["zwolle-werk-inkomen"]
    assert team.alert_number == "+3197010000101" and team.backup == "wegwijs-landelijk"


def test_office_hours_say_when_the_team_is_next_open() -> None:
    hours = routing().teams["zwolle-werk-inkomen"].hours
    friday_evening = dt.datetime(2026, 12, 4, 18, 0, tzinfo=dt.UTC)
    assert not hours.open_at(friday_evening)
    assert hours.next_opening(friday_evening) == dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC)
    tuesday_noon = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    assert hours.next_opening(tuesday_noon) == tuesday_noon


def test_bad_routing_data_is_refused(tmp_path: Path) -> None:
    source = (ROOT / "bot/handoff/data/teams.yml").read_text(encoding="utf-8")
    broken = tmp_path / "teams.yml"
    broken.write_text(source.replace('number: "+3197010000101"', 'number: "bel me"'))
    with pytest.raises(KnowledgeError, match="phone number"):
        load_routing(broken)
    broken.write_text(source.replace("gemeenten: [Zwolle]", "gemeenten: [Atlantis]"))
    with pytest.raises(KnowledgeError, match="Atlantis"):
        load_routing(broken, gemeenten=("Zwolle", "Utrecht"))


def test_passwords_are_stored_as_argon2_hashes(sessions: sessionmaker[Session]) -> None:
    create_caseworker(sessions, "Anna", "zwolle-werk-inkomen", PASSWORD, set(routing().teams))
    with sessions() as session:
        account = session.scalar(select(Caseworker))
        assert account is not None and account.username == "anna"
        assert account.password_hash.startswith("$argon2") and PASSWORD not in account.password_hash
    assert log_in(sessions, "ANNA", PASSWORD).team == "zwolle-werk-inkomen"
    assert not log_in(sessions, "anna", "wrong password!").ok
    assert not log_in(sessions, "nobody", PASSWORD).ok


def test_accounts_need_a_known_team_a_long_password_and_a_new_name(
    sessions: sessionmaker[Session],
) -> None:
    teams = set(routing().teams)
    with pytest.raises(AccountError, match="team"):
        create_caseworker(sessions, "bob", "no-such-team", PASSWORD, teams)
    with pytest.raises(AccountError, match="at least"):
        create_caseworker(sessions, "bob", "wegwijs-landelijk", "short", teams)
    create_caseworker(sessions, "bob", "wegwijs-landelijk", PASSWORD, teams)
    with pytest.raises(AccountError, match="already"):
        create_caseworker(sessions, "Bob", "wegwijs-landelijk", PASSWORD, teams)


def test_repeated_wrong_passwords_lock_the_account_for_a_while(
    sessions: sessionmaker[Session],
) -> None:
    create_caseworker(sessions, "carla", "wegwijs-landelijk", PASSWORD, set(routing().teams))
    start = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
    for _ in range(MAX_FAILED_LOGINS):
        assert not log_in(sessions, "carla", "not the password", start).ok
    locked = log_in(sessions, "carla", PASSWORD, start + dt.timedelta(minutes=1))
    assert not locked.ok and locked.locked_until == start + LOCK_OUT
    later = log_in(sessions, "carla", PASSWORD, start + LOCK_OUT + dt.timedelta(seconds=1))
    assert later.ok
    with sessions() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("login_failed") == MAX_FAILED_LOGINS
    assert "login_locked" in actions and actions[-1] == "login"


def test_wrong_passwords_sent_at_the_same_moment_all_count(
    sessions: sessionmaker[Session],
) -> None:
    create_caseworker(sessions, "dirk", "wegwijs-landelijk", PASSWORD, set(routing().teams))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: log_in(sessions, "dirk", "not it, no"), range(19)))
    assert not any(result.ok for result in results)
    assert not log_in(sessions, "dirk", PASSWORD).ok  # locked, although the password is right


def test_a_locked_account_takes_as_long_to_refuse_as_an_unknown_one(
    sessions: sessionmaker[Session],
) -> None:
    create_caseworker(sessions, "erik", "wegwijs-landelijk", PASSWORD, set(routing().teams))
    for _ in range(MAX_FAILED_LOGINS):
        log_in(sessions, "erik", "not the password")

    def slowest(name: str) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            assert not log_in(sessions, name, PASSWORD).ok
            times.append(time.perf_counter() - started)
        return min(times)

    locked, unknown = slowest("erik"), slowest("nobody-at-all")
    assert locked > 0.5 * unknown  # both do one argon2 hash


def test_sessions_end_at_log_out_when_idle_and_with_the_account(
    sessions: sessionmaker[Session],
) -> None:
    create_caseworker(sessions, "fien", "wegwijs-landelijk", PASSWORD, set(routing().teams))
    start = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    token = open_session(sessions, "fien", "wegwijs-landelijk", start)
    assert session_user(sessions, token, start) == ("fien", "wegwijs-landelijk")
    assert session_user(sessions, "a forged token", start) is None
    busy = start + IDLE - dt.timedelta(minutes=1)
    assert session_user(sessions, token, busy) is not None  # used: the idle time starts again
    assert session_user(sessions, token, busy + IDLE - dt.timedelta(minutes=1)) is not None
    assert session_user(sessions, token, busy + 3 * IDLE) is None  # idle too long: gone
    again = open_session(sessions, "fien", "wegwijs-landelijk", start)
    close_session(sessions, again)
    assert session_user(sessions, again, start) is None  # logged out: the cookie is dead
    other = open_session(sessions, "fien", "wegwijs-landelijk", start)
    assert close_sessions_of(sessions, "fien") == 1
    assert session_user(sessions, other, start) is None


def test_the_admin_command_creates_an_account(tmp_path: Path) -> None:
    env = {**os.environ, "WEGWIJS_DATA_DIR": str(tmp_path), "WEGWIJS_NEW_PASSWORD": PASSWORD}
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    command = [sys.executable, "-m", "bot", "admin", "create-caseworker", "--username", "dirk"]
    made = subprocess.run(
        [*command, "--team", "wegwijs-landelijk"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert made.returncode == 0 and "created" in made.stdout
    refused = subprocess.run(
        [*command, "--team", "atlantis"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert refused.returncode == 1 and "Unknown team" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_new_password_or_a_deactivated_account_ends_every_open_session(tmp_path: Path) -> None:
    env = {**os.environ, "WEGWIJS_DATA_DIR": str(tmp_path), "WEGWIJS_NEW_PASSWORD": PASSWORD}
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    sessions = make_session_factory(make_engine(load_settings(env).database_url))
    create_caseworker(sessions, "gijs", "wegwijs-landelijk", PASSWORD, set(routing().teams))
    start = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
    token = open_session(sessions, "gijs", "wegwijs-landelijk", start)
    new = {**env, "WEGWIJS_NEW_PASSWORD": "een heel ander wachtwoord 42"}
    admin = [sys.executable, "-m", "bot", "admin"]
    changed = subprocess.run(
        [*admin, "set-password", "--username", "gijs"], cwd=ROOT, env=new, capture_output=True,
        text=True,
    )  # fmt: skip
    assert changed.returncode == 0 and "1 open session(s) ended" in changed.stdout
    assert session_user(sessions, token, start) is None  # the old cookie is dead
    assert (
        not log_in(sessions, "gijs", PASSWORD).ok
        and log_in(sessions, "gijs", new["WEGWIJS_NEW_PASSWORD"]).ok
    )
    token = open_session(sessions, "gijs", "wegwijs-landelijk", start)
    gone = subprocess.run(
        [*admin, "deactivate", "--username", "gijs"], cwd=ROOT, env=env, capture_output=True,
        text=True,
    )  # fmt: skip
    assert gone.returncode == 0 and session_user(sessions, token, start) is None
    assert not log_in(sessions, "gijs", new["WEGWIJS_NEW_PASSWORD"]).ok
    unknown = subprocess.run(
        [*admin, "deactivate", "--username", "niemand"], cwd=ROOT, env=env, capture_output=True,
        text=True,
    )  # fmt: skip
    assert unknown.returncode == 1 and "no account" in unknown.stderr
