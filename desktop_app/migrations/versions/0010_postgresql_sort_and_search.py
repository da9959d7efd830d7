"""PostgreSQL at scale: sort indexes that serve the views' ORDER BY, and a trigram index for the search box.

PostgreSQL only (SQLite already has both: its indexes end with the rowid, which is ``items.id``, and the FTS5
trigram table of 0002).

- A view sorts by ``key, id``. A PostgreSQL btree on ``key`` alone leaves ties in heap order, so every page of
  a sort by on hand (a million units, ~60 distinct values) sorted a whole group of ties; each sort index is
  rebuilt as ``(key, id)``, like SQLite's. The two keys that can be empty (item number, ETA) sort empty values
  first ascending and last descending (``queries.order_by``): their indexes are ``NULLS FIRST`` to match, so
  both directions are one index scan (forward, or backward for descending).
- "Contains" searches (``ILIKE '%…%'`` on item number or name) use a ``pg_trgm`` GIN index, on a side table
  ``item_search`` (id, item number, name) kept in step with ``items`` by triggers, as SQLite's FTS5 table is:
  a GIN index on ``items`` itself would be written for every stock change (a count change is not a HOT
  update: on_hand is indexed), which made a stock import several times slower; the side table changes only
  when an item is added, removed, renumbered or renamed. Creating the extension needs a role allowed to
  (pg_trgm is a trusted extension from PostgreSQL 13: the database's owner may; before that, a superuser).
  If it cannot be created, the migration goes on without the table and logs why: searches still work, by
  scanning ``items`` (``queries`` looks for the table).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

log = logging.getLogger("desktop_app.migrations")

UNITS = "use_variant_inventory = false"
PRODUCTS = "parent_id IS NULL"
# index name -> (expression, where). The expressions are those of ``queries.SORT_KEYS``.
SORT_INDEXES = {
    "ix_units_item_number": ("lower(item_number) NULLS FIRST", UNITS),
    "ix_units_name": ("lower(name)", UNITS),
    "ix_units_eta_date": ("eta_date NULLS FIRST", UNITS),
    "ix_units_available": ("(on_hand + on_order)", UNITS),
    "ix_units_available_to_sell": ("(on_hand + on_order - committed)", UNITS),
    **{
        f"ix_units_{column}": (column, UNITS)
        for column in ("on_hand", "status_id", "on_order", "committed", "min_qty", "max_qty", "multiple_qty",
                       "low_stock_qty", "discontinued", "non_inventory")
    },
    "ix_products_item_number": ("lower(item_number) NULLS FIRST", PRODUCTS),
    "ix_products_name": ("lower(name)", PRODUCTS),
    "ix_products_on_hand": ("on_hand", PRODUCTS),
    "ix_products_status_id": ("status_id", PRODUCTS),
}
# 0002/0005's definitions, for the downgrade.
OLD_EXPRESSIONS = {"ix_units_item_number": "lower(item_number)", "ix_units_eta_date": "eta_date",
                   "ix_products_item_number": "lower(item_number)"}
TRIGRAM_INDEX = "ix_item_search_trgm"
# The side table, its index, and the triggers that keep it in step (SECURITY DEFINER: whoever changes an item,
# staff included, updates its search row without a grant on the table). New and removed items are handled
# per statement (an import of a million new items is one INSERT … SELECT); a rename per row, and only for an
# UPDATE that names item_number or name.
SEARCH_TABLE = (
    "CREATE TABLE item_search (id integer PRIMARY KEY, item_number varchar(200), name varchar(500) NOT NULL)",
    "INSERT INTO item_search (id, item_number, name) SELECT id, item_number, name FROM items",
    f"CREATE INDEX {TRIGRAM_INDEX} ON item_search USING gin (item_number gin_trgm_ops, name gin_trgm_ops)",
    "GRANT SELECT ON item_search TO PUBLIC",
    """CREATE FUNCTION item_search_added() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
       SET search_path = public AS $$
       BEGIN
         INSERT INTO item_search (id, item_number, name) SELECT id, item_number, name FROM added_items;
         RETURN NULL;
       END $$""",
    """CREATE FUNCTION item_search_removed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
       SET search_path = public AS $$
       BEGIN
         DELETE FROM item_search WHERE id IN (SELECT id FROM removed_items);
         RETURN NULL;
       END $$""",
    """CREATE FUNCTION item_search_renamed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
       SET search_path = public AS $$
       BEGIN
         UPDATE item_search SET item_number = NEW.item_number, name = NEW.name WHERE id = NEW.id;
         RETURN NULL;
       END $$""",
    "CREATE TRIGGER item_search_insert AFTER INSERT ON items REFERENCING NEW TABLE AS added_items "
    "FOR EACH STATEMENT EXECUTE FUNCTION item_search_added()",
    "CREATE TRIGGER item_search_delete AFTER DELETE ON items REFERENCING OLD TABLE AS removed_items "
    "FOR EACH STATEMENT EXECUTE FUNCTION item_search_removed()",
    "CREATE TRIGGER item_search_update AFTER UPDATE OF item_number, name ON items FOR EACH ROW "
    "WHEN (OLD.item_number IS DISTINCT FROM NEW.item_number OR OLD.name IS DISTINCT FROM NEW.name) "
    "EXECUTE FUNCTION item_search_renamed()",
)


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _is_postgresql():
        return
    for name, (expression, where) in SORT_INDEXES.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON items ({expression}, id) WHERE {where}")
    bind = op.get_bind()
    try:
        with bind.begin_nested():  # a savepoint: a refusal must not end the migration's transaction
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        log.warning(
            "PostgreSQL: the pg_trgm extension could not be created (%s); text search works without its "
            "index, by scanning the table. To add it later: have a superuser run CREATE EXTENSION pg_trgm in "
            "this database, then run the statements of SEARCH_TABLE in migration 0010 (index %s).",
            str(getattr(exc, "orig", exc)).strip().splitlines()[0],
            TRIGRAM_INDEX,
        )
        return
    for statement in SEARCH_TABLE:
        op.execute(statement)
    op.execute("ANALYZE items")


def downgrade() -> None:
    if not _is_postgresql():
        return
    for name in ("item_search_insert", "item_search_delete", "item_search_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON items")
    for name in ("item_search_added", "item_search_removed", "item_search_renamed"):
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP TABLE IF EXISTS item_search")
    for name, (expression, where) in SORT_INDEXES.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON items ({OLD_EXPRESSIONS.get(name, expression)}) WHERE {where}")
