"""reviewer salutation: greet by title and surname ("Guten Tag Frau Schmidt", "Dear Ms Schmidt")

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 'ms', 'mr' or none (then a message greets by the full name); checked by the import.
    op.add_column("reviewer", sa.Column("salutation", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reviewer") as batch:
        batch.drop_column("salutation")
