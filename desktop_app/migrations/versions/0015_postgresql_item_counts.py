"""PostgreSQL: the counts the views sort and filter by live in a narrow side table, so count updates are HOT.

PostgreSQL only. An ``UPDATE`` of a row is HOT (heap-only: a new row version on the same page, no index entry
written) when no column of any of the table's indexes changes and the page has room. ``on_hand``,
``on_order``, ``committed`` and ``status_id`` were in the views' sort and filter indexes on ``items`` (0002,
0010), so every count change wrote a new entry into each index of ``items`` whose condition the row meets —
22 to 24 for a stock unit: a stock import of a million units wrote some 24 million index entries.

- The eight indexes on those columns leave ``items`` for ``item_counts`` (id, scope flags, the four columns),
  which carries the same partial indexes, so a sort by on hand or a filter by status is still one index scan
  (joined to ``items`` by its key for the rows of the window). A changed unit now writes its ``items`` row
  heap-only and its ``item_counts`` row with 7 index entries (9 for a plain product, 3 for a product using
  variant inventory).
- ``items`` is given a fill factor of 45 and rewritten (``CLUSTER`` on its key), so that a page keeps room for
  a new version of each of its rows: an import changes every unit once per transaction, and the old versions
  only leave the page (pruned on a later visit) once that transaction has ended.
- Triggers on ``items`` keep ``item_counts`` in step, per statement (transition tables: an import of 20,000
  rows is one ``UPDATE`` of ``item_counts``, not 20,000 calls), for every writer, whoever is connected (SECURITY
  DEFINER: staff need no grant on the table to change an item; everyone may read it). Nothing else writes it.
  ``unit`` and ``product`` are the scopes (``use_variant_inventory`` false; no parent), so that a view's
  scope condition names the index's.

The history guarantees of 0004/0013 are untouched: they watch ``items``, which is still what every writer
changes (the ledger, the one door); ``item_counts`` holds no history and no count of its own.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

FILLFACTOR = 45
UNITS = "use_variant_inventory = false"
PRODUCTS = "parent_id IS NULL"
# The indexes that move (0010's definitions: ``items`` gets them back on a downgrade).
MOVED = {
    "ix_units_on_hand": ("on_hand", UNITS),
    "ix_units_status_id": ("status_id", UNITS),
    "ix_units_on_order": ("on_order", UNITS),
    "ix_units_committed": ("committed", UNITS),
    "ix_units_available": ("(on_hand + on_order)", UNITS),
    "ix_units_available_to_sell": ("(on_hand + on_order - committed)", UNITS),
    "ix_products_on_hand": ("on_hand", PRODUCTS),
    "ix_products_status_id": ("status_id", PRODUCTS),
}
# What a row of ``item_counts`` holds, from a row of ``items`` named ``r``.
MIRROR = (
    "r.id, NOT r.use_variant_inventory, r.parent_id IS NULL, r.on_hand, r.on_order, r.committed, r.status_id"
)
COLUMNS = "id, unit, product, on_hand, on_order, committed, status_id"
TABLE = (
    """CREATE TABLE item_counts (
        id integer PRIMARY KEY, unit boolean NOT NULL, product boolean NOT NULL, on_hand integer NOT NULL,
        on_order integer NOT NULL, committed integer NOT NULL, status_id integer NOT NULL)""",
    f"INSERT INTO item_counts ({COLUMNS}) SELECT {MIRROR} FROM items r",
    *(
        f"CREATE INDEX {name.replace('ix_', 'ix_counts_', 1)} ON item_counts ({expression}, id) "
        f"WHERE {'unit' if where == UNITS else 'product'}"
        for name, (expression, where) in MOVED.items()
    ),
    "GRANT SELECT ON item_counts TO PUBLIC",
)
TRIGGERS = (
    """CREATE FUNCTION item_counts_added() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
       SET search_path = {schema}, pg_temp AS $$
       BEGIN
         INSERT INTO item_counts (%s) SELECT %s FROM counts_added r;
         RETURN NULL;
       END $$""" % (COLUMNS, MIRROR),
    """CREATE FUNCTION item_counts_removed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
       SET search_path = {schema}, pg_temp AS $$
       BEGIN
         DELETE FROM item_counts WHERE id IN (SELECT id FROM counts_removed);
         RETURN NULL;
       END $$""",
    # The changed rows are found by key (= ANY of the statement's ids): joined as a table of unknown size, the
    # planner may read all of item_counts to change a few rows. Rows whose mirrored values did not change (a
    # rename, a version bump) are not written.
    """CREATE FUNCTION item_counts_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
       SET search_path = {schema}, pg_temp AS $$
       BEGIN
         UPDATE item_counts c SET unit = NOT r.use_variant_inventory, product = r.parent_id IS NULL,
                on_hand = r.on_hand, on_order = r.on_order, committed = r.committed, status_id = r.status_id
         FROM counts_changed r
         WHERE c.id = r.id AND c.id = ANY (ARRAY(SELECT id FROM counts_changed))
           AND (c.unit, c.product, c.on_hand, c.on_order, c.committed, c.status_id) IS DISTINCT FROM
               (NOT r.use_variant_inventory, r.parent_id IS NULL, r.on_hand, r.on_order, r.committed, r.status_id);
         RETURN NULL;
       END $$""",
    "CREATE TRIGGER item_counts_insert AFTER INSERT ON items REFERENCING NEW TABLE AS counts_added "
    "FOR EACH STATEMENT EXECUTE FUNCTION item_counts_added()",
    "CREATE TRIGGER item_counts_delete AFTER DELETE ON items REFERENCING OLD TABLE AS counts_removed "
    "FOR EACH STATEMENT EXECUTE FUNCTION item_counts_removed()",
    "CREATE TRIGGER item_counts_update AFTER UPDATE ON items REFERENCING NEW TABLE AS counts_changed "
    "FOR EACH STATEMENT EXECUTE FUNCTION item_counts_changed()",
    # TRUNCATE fires no DELETE trigger: without this an owner's TRUNCATE items (RESTART IDENTITY) would leave
    # rows for items that no longer exist, and the next new item's id would collide with one of them.
    """CREATE FUNCTION item_counts_emptied() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
       SET search_path = {schema}, pg_temp AS $$
       BEGIN
         TRUNCATE item_counts;
         RETURN NULL;
       END $$""",
    "CREATE TRIGGER item_counts_truncate AFTER TRUNCATE ON items FOR EACH STATEMENT EXECUTE FUNCTION item_counts_emptied()",
)
SEARCH_TRUNCATE = (
    """CREATE FUNCTION item_search_emptied() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
       SET search_path = {schema}, pg_temp AS $$
       BEGIN
         TRUNCATE item_search;
         RETURN NULL;
       END $$""",
    "CREATE TRIGGER item_search_truncate AFTER TRUNCATE ON items FOR EACH STATEMENT EXECUTE FUNCTION item_search_emptied()",
)
TRIGGER_NAMES = (
    "item_counts_insert", "item_counts_delete", "item_counts_update", "item_counts_truncate", "item_search_truncate"
)
FUNCTION_NAMES = (
    "item_counts_added", "item_counts_removed", "item_counts_changed", "item_counts_emptied", "item_search_emptied"
)


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _is_postgresql():
        return
    schema = op.get_bind().exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
    for name in MOVED:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for statement in TABLE:
        op.execute(statement)
    for statement in TRIGGERS:
        op.execute(statement.replace("{schema}", schema))
    if op.get_bind().exec_driver_sql("SELECT to_regclass('item_search') IS NOT NULL").scalar_one():
        for statement in SEARCH_TRUNCATE:  # migration 0010's search rows had the same gap
            op.execute(statement.replace("{schema}", schema))
    op.execute(f"ALTER TABLE items SET (fillfactor = {FILLFACTOR})")
    op.execute("CLUSTER items USING pk_items")  # rewritten with the room (CLUSTER may run in a transaction)
    op.execute("ALTER TABLE items SET WITHOUT CLUSTER")
    op.execute("ANALYZE items")
    op.execute("ANALYZE item_counts")


def downgrade() -> None:
    if not _is_postgresql():
        return
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON items")
    for name in FUNCTION_NAMES:
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP TABLE IF EXISTS item_counts")
    op.execute("ALTER TABLE items RESET (fillfactor)")
    op.execute("CLUSTER items USING pk_items")
    op.execute("ALTER TABLE items SET WITHOUT CLUSTER")
    for name, (expression, where) in MOVED.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON items ({expression}, id) WHERE {where}")
    op.execute("ANALYZE items")
