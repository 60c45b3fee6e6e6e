"""review.document_id: the plan's document a submitted review assessed

A municipality may upload a new version while its plan is being reviewed; the consolidated
document then names the version the reviews assessed, not only the newest one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review") as batch:
        batch.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_review_document_id", "document", ["document_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("review") as batch:
        batch.drop_constraint("fk_review_document_id", type_="foreignkey")
        batch.drop_column("document_id")
