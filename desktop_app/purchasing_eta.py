"""The ETA purchase orders give a stock unit (SPEC section 8): the earliest expected date among the ordered POs
that still have some of it outstanding. Read-only; used by the PO events and by a product's manual ETA edit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, func, select

from desktop_app.purchasing_schema import po_lines, purchase_orders


def expected_dates(conn: Connection, unit_ids: Iterable[int]) -> dict[int, dt.date]:
    """Each unit's earliest expected date among ordered POs with some of it outstanding."""
    ids = sorted(set(unit_ids))
    found: dict[int, dt.date] = {}
    for start in range(0, len(ids), 900):
        rows = conn.execute(
            select(po_lines.c.unit_id, func.min(purchase_orders.c.expected))
            .join(purchase_orders, purchase_orders.c.id == po_lines.c.po_id)
            .where(
                purchase_orders.c.state == "ordered",
                purchase_orders.c.expected.is_not(None),
                po_lines.c.received < po_lines.c.quantity,
                po_lines.c.unit_id.in_(ids[start : start + 900]),
            )
            .group_by(po_lines.c.unit_id)
        )
        found.update({uid: when for uid, when in rows if when is not None})
    return found
