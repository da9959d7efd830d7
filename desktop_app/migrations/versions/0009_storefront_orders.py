"""Orders from the storefront (SPEC section 9): an imported order keeps the storefront's name and its source.

``name`` (``#1001``) is unique within a store, so importing an export again finds the orders it already holds;
``source`` says where an order came from (``storefront``; empty for an order placed in the editor).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("name", sa.String(length=100), nullable=True))
    op.add_column("orders", sa.Column("source", sa.String(length=30), nullable=True))
    op.create_index("uq_orders_store_name", "orders", ["store_id", "name"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_orders_store_name", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("source")
        batch.drop_column("name")
