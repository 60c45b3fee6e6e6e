"""coordinators' personal links to a round's page (#13)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coordinator_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("coordinator_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordinator_link_round_id"), ["round_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("coordinator_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordinator_link_round_id"))
    op.drop_table("coordinator_link")
