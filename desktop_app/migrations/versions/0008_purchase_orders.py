"""Purchase orders and their lines (SPEC section 8).

A PO has a supplier, an optional store (whose rules apply to its receipts), an optional expected date and a
state; a line is one stock unit with its quantity, what was received of it, and an optional unit cost in
whole cents. One line per unit and PO (adding a unit again adds to its line).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "purchase_orders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("supplier", sa.String(length=200), nullable=False),
        sa.Column(
            "store_id",
            sa.Integer(),
            sa.ForeignKey("stores.id", name=op.f("fk_purchase_orders_store_id_stores")),
        ),
        sa.Column("state", sa.String(length=10), nullable=False, server_default="draft"),
        sa.Column("expected", sa.Date()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("who", sa.String(length=100), nullable=False, server_default=""),
        sa.CheckConstraint(
            "state IN ('draft', 'ordered', 'received', 'closed', 'cancelled')",
            name=op.f("ck_purchase_orders_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_orders")),
    )
    op.create_index("ix_purchase_orders_state", "purchase_orders", ["state"])
    op.create_index("ix_purchase_orders_supplier", "purchase_orders", ["supplier"])
    op.create_table(
        "po_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "po_id",
            sa.Integer(),
            sa.ForeignKey("purchase_orders.id", name=op.f("fk_po_lines_po_id_purchase_orders")),
            nullable=False,
        ),
        sa.Column(
            "unit_id",
            sa.Integer(),
            sa.ForeignKey("items.id", name=op.f("fk_po_lines_unit_id_items")),
            nullable=False,
        ),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("unit_cost_cents", sa.Integer()),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_po_lines_quantity")),
        sa.CheckConstraint("received >= 0 AND received <= quantity", name=op.f("ck_po_lines_received")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_po_lines")),
    )
    op.create_index("ix_po_lines_po_id", "po_lines", ["po_id"])
    op.create_index("ix_po_lines_unit_id", "po_lines", ["unit_id"])
    op.create_index("uq_po_lines_po_id_unit_id", "po_lines", ["po_id", "unit_id"], unique=True)


def downgrade() -> None:
    op.drop_table("po_lines")
    op.drop_table("purchase_orders")
