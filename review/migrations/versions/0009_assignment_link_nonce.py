"""assignment.link_nonce: a reviewer's current link in messages queued later

A reviewer who accepted gets a message when the plan gets a new version mid-review, with their
personal link. Like the invitation it holds the link's placeholder, derived from the link key
when sent; so the nonce of a derived link is kept beside its hash (as 0007 did for the
municipality's link). Links issued before keep none: their messages point to the invitation.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "assignment",
        sa.Column("link_nonce", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.drop_column("link_nonce")
