"""Indexes for the million-unit views, and (SQLite) a trigram full-text index for the search box.

Each table view filters by scope (stock units: ``use_variant_inventory`` false; products: ``parent_id``
null) and sorts by a column, so each sortable column has a partial index over its scope's rows. The FTS5 table indexes item numbers
and names by trigrams, so "contains" searches are index lookups; triggers keep it in step with ``items``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Partial indexes: the stock-unit views (the grid) and the product views each index only their own rows,
# so a count change updates the fewest index entries (every index costs about 1 µs per changed row).
UNITS = {"sqlite_where": sa.text("use_variant_inventory = 0"),
         "postgresql_where": sa.text("use_variant_inventory = false")}
PRODUCTS = {"sqlite_where": sa.text("parent_id IS NULL"), "postgresql_where": sa.text("parent_id IS NULL")}
VARIANTS = {"sqlite_where": sa.text("parent_id IS NOT NULL"), "postgresql_where": sa.text("parent_id IS NOT NULL")}
UNIT_COLUMNS = ("item_number", "name", "on_hand", "status_id", "on_order", "committed", "min_qty", "max_qty",
                "multiple_qty", "eta_date", "low_stock_qty", "discontinued", "non_inventory")
UNIT_EXPRESSIONS = {"available": "on_hand + on_order", "available_to_sell": "on_hand + on_order - committed"}
PRODUCT_COLUMNS = ("item_number", "name", "on_hand", "status_id")
FTS_TRIGGERS = (
    """CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
         INSERT INTO items_fts(rowid, item_number, name) VALUES (new.id, new.item_number, new.name);
       END""",
    """CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
         INSERT INTO items_fts(items_fts, rowid, item_number, name)
         VALUES ('delete', old.id, old.item_number, old.name);
       END""",
    """CREATE TRIGGER items_fts_update AFTER UPDATE OF item_number, name ON items BEGIN
         INSERT INTO items_fts(items_fts, rowid, item_number, name)
         VALUES ('delete', old.id, old.item_number, old.name);
         INSERT INTO items_fts(rowid, item_number, name) VALUES (new.id, new.item_number, new.name);
       END""",
)


def upgrade() -> None:
    for old in ("ix_items_on_hand", "ix_items_name", "ix_items_parent_id"):
        op.drop_index(old, table_name="items")
    for column in UNIT_COLUMNS:
        op.create_index(f"ix_units_{column}", "items", [column], **UNITS)
    for name, expression in UNIT_EXPRESSIONS.items():
        op.create_index(f"ix_units_{name}", "items", [sa.text(f"({expression})")], **UNITS)
    for column in PRODUCT_COLUMNS:
        op.create_index(f"ix_products_{column}", "items", [column], **PRODUCTS)
    op.create_index("ix_variants_parent", "items", ["parent_id", "item_number"], **VARIANTS)
    # The export's order: each product followed by its variants.
    op.create_index("ix_items_family", "items", [sa.text("(COALESCE(parent_id, id))"), "id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE items_fts USING fts5(item_number, name, content='items', "
            "content_rowid='id', tokenize='trigram')"
        )
        for trigger in FTS_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")
    op.execute("ANALYZE")  # the planner needs to know how many rows each scope holds


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("items_fts_insert", "items_fts_delete", "items_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS items_fts")
    for name in (*UNIT_COLUMNS, *UNIT_EXPRESSIONS):
        op.drop_index(f"ix_units_{name}", table_name="items")
    for column in PRODUCT_COLUMNS:
        op.drop_index(f"ix_products_{column}", table_name="items")
    op.drop_index("ix_variants_parent", table_name="items")
    op.drop_index("ix_items_family", table_name="items")
    op.create_index("ix_items_on_hand", "items", ["on_hand"])
    op.create_index("ix_items_name", "items", ["name"])
    op.create_index("ix_items_parent_id", "items", ["parent_id"])
