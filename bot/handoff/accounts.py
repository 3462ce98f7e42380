"""Caseworker accounts: created from the command line, passwords hashed with argon2
(argon2-cffi), and locked for a while after repeated wrong passwords (counted in the
database in one statement, so wrong passwords sent at the same moment all count). Every
log-in attempt is written to the audit log, and every answer costs one argon2 hash, so an
unknown, a locked and a known account cannot be told apart by time.

A log-in opens a session kept on the server (`inbox_sessions`): the cookie holds only a
random token. Logging out deletes it; one unused for `IDLE` expires."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.store import aware, now
from bot.db.models import AuditEntry, Caseworker, InboxSession

MAX_FAILED_LOGINS = 5
LOCK_OUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
IDLE = dt.timedelta(minutes=30)  # an inbox session unused this long has ended
SEEN_EVERY = dt.timedelta(seconds=30)  # how often a session's last use is written
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
        account_id, stored_hash = account.id, account.password_hash
        locked = aware(account.locked_until)
        if locked is not None and locked > moment:
            _hasher.hash(password)  # as slow as any other answer
            session.add(AuditEntry(actor=name, action="login_locked"))
            return LoginResult(False, locked_until=locked)
    try:
        _hasher.verify(stored_hash, password)
        right = True
    except (VerificationError, InvalidHashError):
        right = False
    with sessions.begin() as session:
        if not right:  # counted in the database: parallel wrong passwords all count
            failed = session.scalar(
                update(Caseworker)
                .where(Caseworker.id == account_id)
                .values(failed_logins=Caseworker.failed_logins + 1)
                .returning(Caseworker.failed_logins)
            )
            until = None
            if failed is not None and failed >= MAX_FAILED_LOGINS:
                until = moment + LOCK_OUT
                session.execute(
                    update(Caseworker)
                    .where(Caseworker.id == account_id)
                    .values(locked_until=until, failed_logins=0)
                )
            session.add(AuditEntry(actor=name, action="login_failed"))
            return LoginResult(False, locked_until=until)
        # Right, unless the account was locked meanwhile by wrong passwords sent with it.
        opened = session.execute(
            update(Caseworker)
            .where(
                Caseworker.id == account_id,
                (Caseworker.locked_until.is_(None)) | (Caseworker.locked_until <= moment),
            )
            .values(failed_logins=0, locked_until=None)
        )
        if opened.rowcount == 0:  # type: ignore[attr-defined]
            session.add(AuditEntry(actor=name, action="login_locked"))
            account = session.get(Caseworker, account_id)
            return LoginResult(False, locked_until=aware(account.locked_until) if account else None)
        account = session.get(Caseworker, account_id)
        assert account is not None
        if _hasher.check_needs_rehash(account.password_hash):
            account.password_hash = _hasher.hash(password)
        session.add(AuditEntry(actor=name, action="login"))
        return LoginResult(True, team=account.team)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    sessions: sessionmaker[Session], username: str, team: str, moment: dt.datetime | None = None
) -> str:
    """A new inbox session; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    with sessions.begin() as session:
        session.add(
            InboxSession(
                token_hash=_token_hash(token),
                username=username,
                team=team,
                last_seen_at=moment or now(),
            )
        )
    return token


def session_user(
    sessions: sessionmaker[Session], token: str, moment: dt.datetime | None = None
) -> tuple[str, str] | None:
    """(username, team) of a live session: not logged out, not idle too long, and the
    account still active. An expired session is deleted."""
    moment = moment or now()
    if not token:
        return None
    with sessions.begin() as session:
        found = session.execute(
            select(InboxSession, Caseworker.active)
            .join(Caseworker, Caseworker.username == InboxSession.username)
            .where(InboxSession.token_hash == _token_hash(token))
        ).first()
        if found is None:
            return None
        row, active = found
        seen = aware(row.last_seen_at) or moment
        if not active or moment - seen > IDLE:
            session.delete(row)
            return None
        if moment - seen > SEEN_EVERY:
            row.last_seen_at = moment
        return row.username, row.team


def close_session(sessions: sessionmaker[Session], token: str) -> None:
    with sessions.begin() as session:
        session.execute(delete(InboxSession).where(InboxSession.token_hash == _token_hash(token)))


def close_sessions_of(sessions: sessionmaker[Session], username: str) -> int:
    """End every session of one caseworker (a new password, a deactivated account)."""
    with sessions.begin() as session:
        return _close_sessions(session, username)


def _close_sessions(session: Session, username: str) -> int:
    done = session.execute(delete(InboxSession).where(InboxSession.username == username))
    return int(done.rowcount)  # type: ignore[attr-defined]


def set_password(sessions: sessionmaker[Session], username: str, password: str) -> int:
    """A new password (a forgotten or leaked one): the lock-out is lifted and every open
    session of the account ends, in one transaction; how many sessions ended."""
    name = username.strip().lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    with sessions.begin() as session:
        changed = session.execute(
            update(Caseworker)
            .where(Caseworker.username == name)
            .values(password_hash=_hasher.hash(password), failed_logins=0, locked_until=None)
        )
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            raise AccountError(f"There is no account {name!r}.")
        session.add(AuditEntry(actor="system", action="password_changed", detail=name))
        return _close_sessions(session, name)


def deactivate(sessions: sessionmaker[Session], username: str) -> int:
    """The account can no longer log in and its sessions end; how many sessions ended."""
    name = username.strip().lower()
    with sessions.begin() as session:
        changed = session.execute(
            update(Caseworker).where(Caseworker.username == name).values(active=False)
        )
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            raise AccountError(f"There is no account {name!r}.")
        session.add(AuditEntry(actor="system", action="account_deactivated", detail=name))
        return _close_sessions(session, name)
