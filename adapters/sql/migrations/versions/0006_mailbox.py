"""The web chat's mailbox: every message of a conversation, numbered, for its stream to resume.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("conversation", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("sender", sa.String(4), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("lang", sa.String(10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("conversation", "seq", name="uq_mailbox_conversation_seq"),
        sa.UniqueConstraint("conversation", "key", name="uq_mailbox_conversation_key"),
    )
    op.create_index("ix_mailbox_created_at", "mailbox", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_mailbox_created_at", table_name="mailbox")
    op.drop_table("mailbox")
