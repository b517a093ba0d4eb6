"""Reminders: "message me when it opens", one pending per conversation and line.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("conversation", sa.String(200), nullable=False),
        sa.Column("line", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("hours_language", sa.String(10), nullable=True),
        sa.Column("need", sa.String(40), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("conversation", "line", name="uq_reminders_conversation_line"),
    )
    op.create_index("ix_reminders_due_at", "reminders", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_reminders_due_at", table_name="reminders")
    op.drop_table("reminders")
