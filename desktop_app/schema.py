"""The tables, as SQLAlchemy Core metadata (the Alembic migrations are written against these).

Products and variants share one table, ``items``: a *stock unit* is a row with
``use_variant_inventory`` false (a plain product, or a variant). One table keeps item numbers unique across
products and variants with a plain unique index, and lets the million-row grid filter and sort with one
indexed query. A variant carries copies of the product fields it follows (``FOLLOWED_FIELDS``); the
catalog service writes them to the product and its variants in the same statement, so a unit row alone is
enough for the rules, the grid and the order checks.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Product fields a variant follows; stored on both so a unit row is self-contained.
FOLLOWED_FIELDS = (
    "discontinued",
    "non_inventory",
    "min_qty",
    "max_qty",
    "multiple_qty",
    "eta_date",
    "low_stock_warning",
    "supplier",
)

REMOVE_WHEN = ("ordered", "paid", "shipped")
ORDER_STATES = ("placed", "paid", "shipped", "returned", "cancelled", "deleted")
OPEN_ORDER_STATES = ("placed", "paid")

statuses = Table(
    "statuses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("unavailable", Boolean, nullable=False, default=False),
    Column("back_order", Boolean, nullable=False, default=False),
    Column("hidden", Boolean, nullable=False, default=False),
    Column("show_quantity", Boolean, nullable=False, default=False),
    Column("ships_in", String(200)),
)
Index("uq_statuses_name_ci", func.lower(statuses.c.name), unique=True)

stores = Table(
    "stores",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("track_inventory", Boolean, nullable=False, default=False),
    Column("remove_when", String(10), nullable=False, default="ordered"),
    Column("default_in_stock_id", ForeignKey("statuses.id"), nullable=False),
    Column("default_out_of_stock_id", ForeignKey("statuses.id"), nullable=False),
    Column("default_back_order_id", ForeignKey("statuses.id"), nullable=False),
    Column("default_discontinued_id", ForeignKey("statuses.id"), nullable=False),
    CheckConstraint("remove_when IN ('ordered', 'paid', 'shipped')", name="remove_when"),
)
Index("uq_stores_name_ci", func.lower(stores.c.name), unique=True)

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("parent_id", ForeignKey("items.id")),
    Column("item_id", Integer, unique=True),
    Column("item_number", String(200), unique=True),
    Column("name", String(500), nullable=False, default=""),
    Column("options", String(500)),
    Column("status_id", ForeignKey("statuses.id"), nullable=False, index=True),
    Column("discontinued", Boolean, nullable=False, default=False),
    Column("non_inventory", Boolean, nullable=False, default=False),
    Column("min_qty", Integer, nullable=False, default=0),
    Column("max_qty", Integer, nullable=False, default=0),
    Column("multiple_qty", Integer, nullable=False, default=1),
    Column("on_hand", Integer, nullable=False, default=0),
    Column("on_order", Integer, nullable=False, default=0),
    Column("committed", Integer, nullable=False, default=0),
    Column("eta_date", Date),
    Column("low_stock_qty", Integer, nullable=False, default=0),
    Column("low_stock_warning", Boolean, nullable=False, default=False),
    Column("use_variant_inventory", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False, default=1),
    Column("barcode", String(200), index=True),  # not unique: real exports repeat a GTIN (SPEC 7)
    Column("supplier", String(200)),
    Column("reorder_to", Integer, nullable=False, default=0, server_default="0"),
    CheckConstraint("min_qty >= 0 AND max_qty >= 0 AND multiple_qty >= 1", name="order_limits"),
)
# The views filter by scope and sort by a column: partial indexes per scope (migration 0002), so that a
# count change touches as few index entries as possible.
_UNITS = {
    "sqlite_where": text("use_variant_inventory = 0"),
    "postgresql_where": text("use_variant_inventory = false"),
}
_PRODUCTS = {"sqlite_where": text("parent_id IS NULL"), "postgresql_where": text("parent_id IS NULL")}
for _name in (
    "item_number",
    "name",
    "on_hand",
    "status_id",
    "on_order",
    "committed",
    "min_qty",
    "max_qty",
    "multiple_qty",
    "eta_date",
    "low_stock_qty",
    "discontinued",
    "non_inventory",
):
    Index(f"ix_units_{_name}", items.c[_name], **_UNITS)
Index("ix_units_available", items.c.on_hand + items.c.on_order, **_UNITS)
Index("ix_units_available_to_sell", items.c.on_hand + items.c.on_order - items.c.committed, **_UNITS)
for _name in ("item_number", "name", "on_hand", "status_id"):
    Index(f"ix_products_{_name}", items.c[_name], **_PRODUCTS)
Index(
    "ix_variants_parent",
    items.c.parent_id,
    items.c.item_number,
    sqlite_where=text("parent_id IS NOT NULL"),
    postgresql_where=text("parent_id IS NOT NULL"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cause", String(30), nullable=False),
    Column("store_id", ForeignKey("stores.id")),
    Column("order_id", ForeignKey("orders.id")),
    Column("reverts_id", ForeignKey("events.id"), index=True),
    Column("who", String(100), nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
)

movements = Table(
    "movements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", ForeignKey("events.id"), nullable=False, index=True),
    Column("unit_id", ForeignKey("items.id"), nullable=False),
    Column("quantity", String(10), nullable=False),
    Column("delta", Integer, nullable=False),
    Column("after", Integer, nullable=False),
    CheckConstraint("quantity IN ('on_hand', 'on_order')", name="quantity"),
)
Index("ix_movements_unit", movements.c.unit_id, movements.c.id)

status_changes = Table(
    "status_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", ForeignKey("events.id"), nullable=False, index=True),
    Column("unit_id", ForeignKey("items.id"), nullable=False),
    # Names as they were at the time: history outlives renames and deleted statuses.
    Column("from_status", String(100), nullable=False),
    Column("to_status", String(100), nullable=False),
    Column("rule", String(30), nullable=False),
)
Index("ix_status_changes_unit", status_changes.c.unit_id, status_changes.c.id)

# Every other field a batch (import, grid) changes on an item, as text: what a revert puts back.
field_changes = Table(
    "field_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", ForeignKey("events.id"), nullable=False, index=True),
    Column("item_pk", ForeignKey("items.id"), nullable=False),
    Column("field", String(30), nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
)
Index("ix_field_changes_item", field_changes.c.item_pk, field_changes.c.id)

orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("store_id", ForeignKey("stores.id"), nullable=False, index=True),
    Column("state", String(10), nullable=False, default="placed", index=True),
    Column("paid", Boolean, nullable=False, default=False),
    Column("placed_at", DateTime(timezone=True), nullable=False),
    Column("who", String(100), nullable=False, default=""),
    # The storefront's own name of an imported order (``#1001``, unique within its store) and where it came
    # from (``storefront``); both empty for an order placed in the editor (migration 0009).
    Column("name", String(100)),
    Column("source", String(30)),
    CheckConstraint(
        "state IN ('placed', 'paid', 'shipped', 'returned', 'cancelled', 'deleted')", name="state"
    ),
)

Index("uq_orders_store_name", orders.c.store_id, orders.c.name, unique=True)

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("unit_id", ForeignKey("items.id"), nullable=False, index=True),
    Column("quantity", Integer, nullable=False),
    # How much of the line was taken out of stock, put back into stock, and returned by the customer.
    Column("removed", Integer, nullable=False, default=0),
    Column("restored", Integer, nullable=False, default=0),
    Column("returned", Integer, nullable=False, default=0),
    # How much of the line is counted in its unit's ``committed`` right now.
    Column("committed", Integer, nullable=False, default=0),
    CheckConstraint("quantity >= 1", name="quantity"),
    CheckConstraint("restored <= removed AND removed <= quantity", name="removal"),
)
