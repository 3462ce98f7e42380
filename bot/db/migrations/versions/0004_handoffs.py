"""Handoffs (question and number encrypted) and consent records.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    now = sa.func.now()
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=20), nullable=True),
        sa.Column("topic", sa.String(length=40), nullable=True),
        sa.Column("benefits", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("question_enc", sa.Text(), nullable=False),
        sa.Column("way", sa.String(length=20), nullable=False),
        sa.Column("number_enc", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False, server_default="nl"),
        sa.Column("status", sa.String(length=20), nullable=False, server_default="new"),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
    )
    op.create_index("ix_handoffs_reference", "handoffs", ["reference"], unique=True)
    op.create_index("ix_handoffs_conversation", "handoffs", ["conversation"])
    op.create_index("ix_handoffs_team", "handoffs", ["team"])
    op.create_index("ix_handoffs_status", "handoffs", ["status"])
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("handoff_id", sa.Integer(), sa.ForeignKey("handoffs.id"), nullable=False),
        sa.Column("text_key", sa.String(length=60), nullable=False),
        sa.Column("text_version", sa.String(length=20), nullable=False),
        sa.Column("shared", sa.String(length=200), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
    )
    op.create_index("ix_consent_records_handoff_id", "consent_records", ["handoff_id"])


def downgrade() -> None:
    op.drop_table("consent_records")
    op.drop_table("handoffs")
