"""The tables of purchase orders (SPEC section 8), on the shared metadata; migration 0008 creates them."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table

from desktop_app.purchasing_models import PO_STATES  # noqa: F401  (the states the check allows)
from desktop_app.schema import metadata

purchase_orders = Table(
    "purchase_orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("supplier", String(200), nullable=False),
    Column("store_id", ForeignKey("stores.id")),  # whose rules apply to its receipts; none = manual
    Column("state", String(10), nullable=False, default="draft", index=True),
    Column("expected", Date),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("ordered_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),  # received, closed or cancelled
    Column("who", String(100), nullable=False, default=""),
    # One more with every change (migration 0012): a draft saved from a stale editor is refused.
    Column("version", Integer, nullable=False, default=0, server_default="0"),
    CheckConstraint("state IN ('draft', 'ordered', 'received', 'closed', 'cancelled')", name="state"),
)
Index("ix_purchase_orders_supplier", purchase_orders.c.supplier)

po_lines = Table(
    "po_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("po_id", ForeignKey("purchase_orders.id"), nullable=False, index=True),
    Column("unit_id", ForeignKey("items.id"), nullable=False, index=True),
    Column("quantity", Integer, nullable=False),
    Column("received", Integer, nullable=False, default=0),
    Column("unit_cost_cents", Integer),  # optional; whole cents, so SQLite and PostgreSQL agree
    CheckConstraint("quantity >= 1", name="quantity"),
    CheckConstraint("received >= 0 AND received <= quantity", name="received"),
)
Index("uq_po_lines_po_id_unit_id", po_lines.c.po_id, po_lines.c.unit_id, unique=True)
