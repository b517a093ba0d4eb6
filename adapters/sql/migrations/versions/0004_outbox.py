"""The outbox: replies committed with their turn, kept until their platform has them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("replies", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_outbox_channel_lease_until", "outbox", ["channel", "lease_until"])


def downgrade() -> None:
    op.drop_index("ix_outbox_channel_lease_until", table_name="outbox")
    op.drop_table("outbox")
