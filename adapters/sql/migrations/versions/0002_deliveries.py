"""Deliveries already handled (Telegram update_id, Slack event_id), for exactly-once answers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("delivery_id", sa.String(100), primary_key=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_deliveries_handled_at", "deliveries", ["handled_at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_handled_at", table_name="deliveries")
    op.drop_table("deliveries")
