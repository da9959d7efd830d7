"""PostgreSQL: which views read their counts from ``item_counts`` (migration 0015), and that table's columns.

``item_counts`` mirrors ``items``' counts and statuses (kept in step by triggers) and carries the views' sort and
filter indexes on them, so that a count change on ``items`` writes no index entry there (a HOT update).
``queries`` builds the views' SQL; this module says when and from what.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Connection, Integer, column, table

from desktop_app.db import has_table

# A view that sorts or filters by one of these reads it from ``item_counts``, joined to ``items`` by key (or from
# ``item_counts`` alone where that picks the rows); any other view reads ``items`` alone.
COUNTED = ("on_hand", "on_order", "committed", "status_id")
ITEM_COUNTS = table(
    "item_counts", column("id", Integer), column("unit", Boolean), column("product", Boolean),
    *(column(name, Integer) for name in COUNTED),
)
_C = ITEM_COUNTS.c
COUNTS_SORT_KEYS = {
    "status": _C.status_id,
    "on_hand": _C.on_hand,
    "on_order": _C.on_order,
    "committed": _C.committed,
    "available": _C.on_hand + _C.on_order,
    "available_to_sell": _C.on_hand + _C.on_order - _C.committed,
}


def has_counts_table(conn: Connection) -> bool:
    """Whether the database has ``item_counts`` (PostgreSQL from migration 0015), asked once per engine."""
    return has_table(conn, "item_counts")


def counted(conn: Connection | None, q) -> bool:
    """Whether the view reads its counts from ``item_counts`` (PostgreSQL, sorting or filtering by a count)."""
    return (
        conn is not None
        and conn.dialect.name == "postgresql"
        and (q.sort in COUNTS_SORT_KEYS or q.status_id is not None or bool(q.stock))
        and has_counts_table(conn)
    )


def counts_alone(q) -> bool:
    """A counted view whose rows ``item_counts`` picks by itself (a count of them needs no ``items``)."""
    return not (q.search and q.search.strip()) and q.stock in ("", "out", "back_ordered") and q.scope != "variants_of"


