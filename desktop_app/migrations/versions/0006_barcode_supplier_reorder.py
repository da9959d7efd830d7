"""Barcode, supplier and reorder level of a stock unit (SPEC sections 1, 7 and 8).

``barcode`` is indexed (a scan finds its unit at a million units) but not unique: real exports repeat a GTIN.
``supplier`` is the product's (variants follow it); ``reorder_to`` is the level a reorder suggestion orders
up to, 0 = never suggest.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no table rebuild on SQLite): quick at a million rows.
    op.add_column("items", sa.Column("barcode", sa.String(length=200), nullable=True))
    op.add_column("items", sa.Column("supplier", sa.String(length=200), nullable=True))
    op.add_column("items", sa.Column("reorder_to", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_items_barcode", "items", ["barcode"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_items_barcode", table_name="items")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("reorder_to")
        batch.drop_column("supplier")
        batch.drop_column("barcode")
