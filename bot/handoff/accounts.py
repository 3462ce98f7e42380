"""Caseworker accounts: created from the command line, passwords hashed with argon2
(argon2-cffi), and locked for a while after repeated wrong passwords. Every log-in attempt
is written to the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.store import aware, now
from bot.db.models import AuditEntry, Caseworker

MAX_FAILED_LOGINS = 5
LOCK_OUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()


class AccountError(ValueError):
    """An account cannot be created; the message says why in one sentence."""


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    team: str | None = None
    locked_until: dt.datetime | None = None


def create_caseworker(
    sessions: sessionmaker[Session], username: str, team: str, password: str, teams: set[str]
) -> int:
    username = username.strip().lower()
    if not username or len(username) > 64:
        raise AccountError("The username must be 1 to 64 characters.")
    if team not in teams:
        raise AccountError(f"Unknown team {team!r}; teams are in bot/handoff/data/teams.yml.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    try:
        with sessions.begin() as session:
            account = Caseworker(username=username, team=team, password_hash=_hasher.hash(password))
            session.add(account)
            session.flush()
            session.add(AuditEntry(actor="system", action="account_created", detail=username))
            return account.id
    except IntegrityError as error:
        raise AccountError(f"There is already an account {username!r}.") from error


def log_in(
    sessions: sessionmaker[Session], username: str, password: str, moment: dt.datetime | None = None
) -> LoginResult:
    """Check a password; the same answer for an unknown user and a wrong password."""
    moment = moment or now()
    name = username.strip().lower()[:64]
    with sessions.begin() as session:
        account = session.scalar(select(Caseworker).where(Caseworker.username == name))
        if account is None or not account.active:
            _hasher.hash(password)  # the same work as a real check: no timing hint
            session.add(AuditEntry(actor=name or "?", action="login_failed", detail="unknown"))
            return LoginResult(False)
        locked = aware(account.locked_until)
        if locked is not None and locked > moment:
            session.add(AuditEntry(actor=name, action="login_locked"))
            return LoginResult(False, locked_until=locked)
        try:
            _hasher.verify(account.password_hash, password)
        except (VerificationError, InvalidHashError):
            account.failed_logins += 1
            if account.failed_logins >= MAX_FAILED_LOGINS:
                account.locked_until = moment + LOCK_OUT
                account.failed_logins = 0
            session.add(AuditEntry(actor=name, action="login_failed"))
            return LoginResult(False, locked_until=aware(account.locked_until))
        account.failed_logins = 0
        account.locked_until = None
        if _hasher.check_needs_rehash(account.password_hash):
            account.password_hash = _hasher.hash(password)
        session.add(AuditEntry(actor=name, action="login"))
        return LoginResult(True, team=account.team)
