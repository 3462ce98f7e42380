"""Handoffs keep the conversation before them (encrypted), the conversation the person
answers from when that is another channel, and sender ids of any length.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as table:
        # Rasa's REST channel takes any sender id; 64 characters cut some off.
        table.alter_column(
            "conversation", type_=sa.String(length=255), existing_type=sa.String(length=64)
        )
        table.add_column(sa.Column("reply_conversation", sa.String(length=255), nullable=True))
        table.add_column(sa.Column("transcript_enc", sa.Text(), nullable=True))
        table.create_index("ix_handoffs_reply_conversation", ["reply_conversation"])


def downgrade() -> None:
    with op.batch_alter_table("handoffs") as table:
        table.drop_index("ix_handoffs_reply_conversation")
        table.drop_column("transcript_enc")
        table.drop_column("reply_conversation")
        table.alter_column(
            "conversation", type_=sa.String(length=64), existing_type=sa.String(length=255)
        )
