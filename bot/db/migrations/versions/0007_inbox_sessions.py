"""Inbox sessions kept on the server: the cookie holds only a random token, so a log-out
(or a deactivated account) ends the session for good, and an idle one expires.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_inbox_sessions_token_hash", "inbox_sessions", ["token_hash"], unique=True)
    op.create_index("ix_inbox_sessions_username", "inbox_sessions", ["username"])


def downgrade() -> None:
    op.drop_table("inbox_sessions")
