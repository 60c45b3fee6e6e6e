"""round.peers_named: whether the documents name the plans a municipality can learn from (#16)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Within an exchange plans and municipalities are known to each other: named by default.
    op.add_column(
        "round",
        sa.Column("peers_named", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    with op.batch_alter_table("round") as batch:
        batch.drop_column("peers_named")
