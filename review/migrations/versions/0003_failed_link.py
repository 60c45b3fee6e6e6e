"""failed personal-link tries per client, for the portal's lock-out (#17)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "failed_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("failed_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_failed_link_at"), ["at"], unique=False)
        batch_op.create_index("ix_failed_link_client_at", ["client", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("failed_link", schema=None) as batch_op:
        batch_op.drop_index("ix_failed_link_client_at")
        batch_op.drop_index(batch_op.f("ix_failed_link_at"))
    op.drop_table("failed_link")
