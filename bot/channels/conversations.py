"""Remember that a conversation exists, by keyed hash only (no phone numbers in clear)."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Conversation


def sender_hash(secret_key: str, sender_id: str) -> str:
    return hmac.new(secret_key.encode(), sender_id.encode(), hashlib.sha256).hexdigest()


def record_message(
    sessions: sessionmaker[Session], secret_key: str, sender_id: str, channel: str
) -> None:
    """Create or touch the conversation row in one transaction."""
    key = sender_hash(secret_key, sender_id)
    with sessions.begin() as session:
        conversation = session.scalar(select(Conversation).where(Conversation.sender_hash == key))
        if conversation is None:
            conversation = Conversation(sender_hash=key, channel=channel, message_count=0)
            session.add(conversation)
        conversation.message_count = (conversation.message_count or 0) + 1
        conversation.last_seen_at = func.now()
