"""SQLite: fewer index pages written per order (each page an order event changes is written to the WAL).

SQLite only. Counted from the WAL (``benchmarks/order_pages.py``: 46 pages per order placed, paid and shipped),
two indexes are written by every order and serve nothing another index does not serve as well. (A third,
``ix_items_status_id``, 1.4 pages per order, stays: "who uses a status" lists a rare status's items by it, and
deleting a status checks its foreign key by it; without it both read the million items.)

- ``ix_events_reverts_id`` holds an entry for every event, NULL for all but reverts: one page per order. It
  becomes partial (``reverts_id IS NOT NULL``), which still answers ``reverts_id = ?`` and the reverted
  events' list.
- ``ix_orders_state``: each of an order's three events moves it (placed, paid, shipped), a page each. The orders
  list reads the newest orders backwards by id (at 500,000 orders, 0.5-16 ms for any state without the index,
  measured); a store's open orders are found by ``ix_orders_store_id``.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if not _is_sqlite():
        return
    op.execute("DROP INDEX IF EXISTS ix_orders_state")
    op.execute("DROP INDEX IF EXISTS ix_events_reverts_id")
    op.execute("CREATE INDEX ix_events_reverts_id ON events (reverts_id) WHERE reverts_id IS NOT NULL")


def downgrade() -> None:
    if not _is_sqlite():
        return
    op.execute("DROP INDEX IF EXISTS ix_events_reverts_id")
    op.execute("CREATE INDEX ix_events_reverts_id ON events (reverts_id)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_orders_state ON orders (state)")
