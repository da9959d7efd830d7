"""PostgreSQL at scale: sort indexes that serve the views' ORDER BY, and a trigram index for the search box.

PostgreSQL only (SQLite already has both: its indexes end with the rowid, which is ``items.id``, and the FTS5
trigram table of 0002).

- A view sorts by ``key, id``. A PostgreSQL btree on ``key`` alone leaves ties in heap order, so every page of
  a sort by on hand (a million units, ~60 distinct values) sorted a whole group of ties; each sort index is
  rebuilt as ``(key, id)``, like SQLite's. The two keys that can be empty (item number, ETA) sort empty values
  first ascending and last descending (``queries.order_by``): their indexes are ``NULLS FIRST`` to match, so
  both directions are one index scan (forward, or backward for descending).
- "Contains" searches (``ILIKE '%…%'`` on item number or name) use a ``pg_trgm`` GIN index. Creating the
  extension needs a role allowed to (pg_trgm is a trusted extension from PostgreSQL 13: the database's owner
  may; before that, a superuser). If it cannot be created, the migration goes on without the index and logs
  why: searches still work, by scanning the table.

Revision ID: 0010
Revises: 0005
Create Date: 2026-11-27
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0005"
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
TRIGRAM_INDEX = "ix_items_search_trgm"


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
            "index, by scanning the table. To add it, a superuser runs in this database: CREATE EXTENSION "
            "pg_trgm; CREATE INDEX %s ON items USING gin (item_number gin_trgm_ops, name gin_trgm_ops)",
            str(getattr(exc, "orig", exc)).strip().splitlines()[0],
            TRIGRAM_INDEX,
        )
        return
    op.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON items "
        "USING gin (item_number gin_trgm_ops, name gin_trgm_ops)"
    )
    op.execute("ANALYZE items")


def downgrade() -> None:
    if not _is_postgresql():
        return
    op.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
    for name, (expression, where) in SORT_INDEXES.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON items ({OLD_EXPRESSIONS.get(name, expression)}) WHERE {where}")
