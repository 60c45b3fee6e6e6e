"""reply_window and plan_reply: the municipality's reply to its draft review (#16)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reply_window",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("round.id"), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("opened_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("plan_id"),
    )
    op.create_index("ix_reply_window_round_id", "reply_window", ["round_id"])
    op.create_table(
        "plan_reply",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("round.id"), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("rubric_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("criterion_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint(
            "plan_id", "rubric_id", "criterion_id", "kind", name="uq_plan_reply_criterion_kind"
        ),
        sa.CheckConstraint("kind IN ('correction', 'comment')", name="ck_plan_reply_kind"),
    )
    op.create_index("ix_plan_reply_round_id", "plan_reply", ["round_id"])
    op.create_index("ix_plan_reply_plan_id", "plan_reply", ["plan_id"])


def downgrade() -> None:
    op.drop_table("plan_reply")
    op.drop_table("reply_window")
