"""PostgreSQL: fewer index entries written per changed item (a stock import changes a million of them).

PostgreSQL only. A change of a count or a status is never a HOT update on PostgreSQL (on_hand and status_id are
indexed, for the views' sorts and filters), so each changed item writes a new entry into every index of
``items`` whose condition it meets: 24 of the 26 for a stock unit. Two of them serve no view and no lookup that
another index does not serve as well:

- ``ix_items_status_id`` (every item, by status): each view's status filter is answered by its scope's
  ``(status_id, id)`` index (``ix_units_status_id``, ``ix_products_status_id``; a product's variants by
  ``ix_variants_parent``). What is left, counting who uses a status before it is deleted, is a rare action
  that may read the table once. (SQLite keeps its index: there an index entry is only written when its
  column changes.)
- ``ix_items_barcode`` holds an entry for every item, most of which have no barcode; it is rebuilt over the
  items that have one (a lookup by barcode, ``barcode = ...`` or ``LIKE``, never looks for an empty one).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _is_postgresql():
        return
    op.execute("DROP INDEX IF EXISTS ix_items_status_id")
    op.execute("DROP INDEX IF EXISTS ix_items_barcode")
    op.execute("CREATE INDEX ix_items_barcode ON items (barcode) WHERE barcode IS NOT NULL")


def downgrade() -> None:
    if not _is_postgresql():
        return
    op.execute("DROP INDEX IF EXISTS ix_items_barcode")
    op.execute("CREATE INDEX ix_items_barcode ON items (barcode)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_items_status_id ON items (status_id)")
