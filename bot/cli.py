"""Command line: run the stack, chat, migrate, texts, evaluation and benchmark.

Every command validates the settings first and reports a bad setting in one sentence.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.settings import SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check-settings", help="validate the environment and stop")
    commands.add_parser("run", help="start Rasa, the action server and the app service")
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
    bench = commands.add_parser("bench", help="measure latency, throughput and memory")
    bench.add_argument("--conversations", type=int, default=10)
    bench.add_argument("--rounds", type=int, default=3)
    return parser


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
    if args.command == "bench":
        from bot.tools.bench import bench

        return bench(settings, args.conversations, args.rounds)
    return 2
