"""municipality.upload_link_nonce: the municipality's link in queued messages (#16)

The reply notice and its reminders carry the municipality's link (`/m/{token}/reply`); like a
reviewer's invitation they hold its placeholder, derived from the link key when sent, so the
nonce of a derived link is kept beside its hash.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "municipality",
        sa.Column("upload_link_nonce", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("upload_link_nonce")
