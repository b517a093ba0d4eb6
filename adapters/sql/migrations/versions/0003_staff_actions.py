"""Staff actions on inquiries (details viewed, answered), deleted with their inquiry.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "reference",
            sa.String(20),
            sa.ForeignKey("inquiries.reference", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("staff", sa.String(80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_staff_actions_reference", "staff_actions", ["reference"])
    op.create_table(
        "inquiry_answers",
        sa.Column(
            "reference",
            sa.String(20),
            sa.ForeignKey("inquiries.reference", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("answered_by", sa.String(80), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("inquiry_answers")
    op.drop_index("ix_staff_actions_reference", table_name="staff_actions")
    op.drop_table("staff_actions")
