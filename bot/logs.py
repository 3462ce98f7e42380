"""The app service logs one JSON object per line: time, level, logger, message, and the
conversation id (the keyed sender id, never a phone number) when there is one. No log call
gets a message's text; `tests/e2e/test_privacy.py` searches the logs for it."""

from __future__ import annotations

import datetime as dt
import json
import logging
from contextvars import ContextVar

# The conversation being handled in this task (set by the gateway and the outbox).
CONVERSATION: ContextVar[str | None] = ContextVar("conversation", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        conversation = CONVERSATION.get()
        if conversation:
            entry["conversation"] = conversation
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str) -> None:
    """JSON lines on stderr for our loggers (uvicorn keeps its own)."""
    root = logging.getLogger()
    if not root.handlers:  # under uvicorn only its own loggers are set up
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    logging.getLogger("bot").setLevel(level.upper())
