"""Command line: run the stack, chat, migrate, texts, evaluation and benchmark.

Every command validates the settings first and reports a bad setting in one sentence.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.shared.number_sealing import public_key
from bot.shared.settings import Settings, SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check-settings", help="validate the environment and stop")
    commands.add_parser("run", help="start Rasa, the action server and the app service")
    commands.add_parser(
        "internal-token", help="print the action server's token for the app's /internal API"
    )
    commands.add_parser("nlg-token", help="print the token Rasa sends to the app's /nlg")
    commands.add_parser("rasa-token", help="print the token of Rasa's HTTP API (--auth-token)")
    commands.add_parser(
        "seal-key", help="print the public key Rasa seals the handoff's phone numbers with"
    )
    chat = commands.add_parser("chat", help="chat in this terminal through the running stack")
    chat.add_argument("--sender", help="conversation id (a new one by default)")
    db = commands.add_parser("db", help="database migrations")
    db.add_argument("direction", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?")
    commands.add_parser("i18n", help="extract, update and compile the text catalogs")
    evaluate = commands.add_parser("eval", help="run conversation cases against the stack")
    evaluate.add_argument("files", nargs="+", help="case files (YAML)")
    evaluate.add_argument("--min-pass-rate", type=float, default=0.0)
    evaluate.add_argument("--workers", type=int, default=4)
    evaluate.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="FILE:RATE",
        help="another case file with its own required pass rate (skipped when missing)",
    )
    admin = commands.add_parser("admin", help="accounts for the caseworker inbox")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True)
    create = admin_commands.add_parser("create-caseworker", help="create an inbox account")
    create.add_argument("--username", required=True)
    create.add_argument("--team", required=True, help="a team from bot/handoff/data/teams.yml")
    password = admin_commands.add_parser(
        "set-password", help="a new password for an inbox account; its open sessions end"
    )
    password.add_argument("--username", required=True)
    deactivate = admin_commands.add_parser(
        "deactivate", help="an inbox account can no longer log in; its open sessions end"
    )
    deactivate.add_argument("--username", required=True)
    erase = admin_commands.add_parser(
        "erase", help="erase one person: our tables and Rasa's tracker store (audited)"
    )
    who = erase.add_mutually_exclusive_group(required=True)
    who.add_argument("--sender", help="the conversation id, as the inbox shows it (sms:…)")
    who.add_argument("--number", help="a phone number: its SMS and WhatsApp conversations")
    admin_commands.add_parser(
        "rotate-key",
        help="write everything again with WEGWIJS_SECRET_KEY (old: WEGWIJS_PREVIOUS_SECRET_KEYS)",
    )
    commands.add_parser("figures", help="warn about yearly figures that end soon or are missing")
    bench = commands.add_parser("bench", help="measure latency, throughput and memory")
    bench.add_argument("--conversations", type=int, default=10)
    bench.add_argument("--rounds", type=int, default=3)
    return parser


def _rotate_key(settings: Settings) -> int:
    """`admin rotate-key`: run with the services stopped (see bot/privacy/rotation.py)."""
    from bot.db.session import make_engine, make_session_factory
    from bot.privacy.rotation import rotate_key

    if not settings.previous_secret_keys:
        print("Set WEGWIJS_PREVIOUS_SECRET_KEYS to the old key first.", file=sys.stderr)
        return 2
    sessions = make_session_factory(make_engine(settings.database_url))
    tracker = make_engine(settings.tracker_store_url)
    done = rotate_key(sessions, tracker, settings.secret_key, settings.previous_secret_keys)
    print(f"rotate-key | {done.values} values written again, {done.people} conversation ids new")
    print("rotate-key | now restart every service with the new key")
    return 0


def _erase(settings: Settings, sender: str | None, number: str | None) -> int:
    """`admin erase`: the person's rows and tracker events go; the audit log says so."""
    from bot.channels.store import ChannelStore
    from bot.db.crypto import Cipher
    from bot.db.session import make_engine, make_session_factory
    from bot.privacy.erase import Eraser

    sessions = make_session_factory(make_engine(settings.database_url))
    eraser = Eraser(sessions, make_engine(settings.tracker_store_url))
    senders = [sender] if sender else []
    if number:
        cipher = Cipher(settings.secret_key, settings.previous_secret_keys)
        store = ChannelStore(sessions, cipher, settings.secret_key)
        senders = [
            store.contact("sms", number).sender_id,
            store.contact("wa", f"whatsapp:{number}").sender_id,
        ]
    for sender_id in senders:
        erased = eraser.erase(sender_id, actor="admin")
        print(
            f"erased {sender_id}: {erased.contacts} contact(s), {erased.handoffs} handoff(s), "
            f"tracker {'gone' if erased.tracker else 'NOT reachable'}"
        )
    return 0


def _asked_password() -> str | None:
    """From WEGWIJS_NEW_PASSWORD, or asked twice (never an argument); None if they differ."""
    import getpass

    from bot.shared.settings import new_password

    password = new_password()
    if password is None:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("The passwords differ; nothing was changed.", file=sys.stderr)
            return None
    return password


def _account_change(database_url: str, command: str, username: str) -> int:
    """`admin set-password` and `admin deactivate`: both end the account's sessions."""
    from bot.db.session import make_engine, make_session_factory
    from bot.handoff.accounts import AccountError, deactivate, set_password

    sessions = make_session_factory(make_engine(database_url))
    try:
        if command == "set-password":
            password = _asked_password()
            if password is None:
                return 1
            ended = set_password(sessions, username, password)
        else:
            ended = deactivate(sessions, username)
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{command} {username.strip().lower()!r}: done, {ended} open session(s) ended")
    return 0


def _create_caseworker(database_url: str, username: str, team: str) -> int:
    """The password comes from WEGWIJS_NEW_PASSWORD or is asked twice (never an argument)."""
    from bot.db.session import make_engine, make_session_factory
    from bot.handoff.accounts import AccountError, create_caseworker
    from bot.handoff.routing import routing

    password = _asked_password()
    if password is None:
        return 1
    sessions = make_session_factory(make_engine(database_url))
    try:
        create_caseworker(sessions, username, team, password, set(routing().teams))
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"caseworker {username.strip().lower()!r} created in team {team!r}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"Wegwijs cannot start: {error}", file=sys.stderr)
        return 2

    if args.command == "check-settings":
        print(f"settings OK ({settings.environment})")
        return 0
    if args.command == "internal-token":
        print(settings.internal_api_token)
        return 0
    if args.command == "nlg-token":
        print(settings.nlg_token)
        return 0
    if args.command == "rasa-token":
        print(settings.rasa_api_token)
        return 0
    if args.command == "seal-key":
        print(public_key(settings.secret_key))
        return 0
    if args.command == "run":
        from bot.launcher import run

        return run(settings)
    if args.command == "chat":
        from bot.tools.chat import chat

        return chat(settings, args.sender)
    if args.command == "db":
        from bot.db import migrate

        if args.direction == "upgrade":
            migrate.upgrade(settings.database_url, args.revision or "head")
        else:
            migrate.downgrade(settings.database_url, args.revision or "base")
        return 0
    if args.command == "i18n":
        from bot.i18n.maintenance import main as i18n_main

        return i18n_main()
    if args.command == "eval":
        from bot.tools.evaluate import evaluate_files

        return evaluate_files(settings, args.files, args.min_pass_rate, args.workers, args.also)
    if args.command == "admin" and args.admin_command == "rotate-key":
        return _rotate_key(settings)
    if args.command == "admin" and args.admin_command == "erase":
        return _erase(settings, args.sender, args.number)
    if args.command == "admin" and args.admin_command in ("set-password", "deactivate"):
        return _account_change(settings.database_url, args.admin_command, args.username)
    if args.command == "admin":
        return _create_caseworker(settings.database_url, args.username, args.team)
    if args.command == "figures":  # warnings only: an unverified figure is hedged, not stated
        from bot.shared.clock import today
        from bot.tools.figures_report import report

        report(today())
        return 0
    if args.command == "bench":
        from bot.tools.bench import bench

        return bench(settings, args.conversations, args.rounds)
    return 2
