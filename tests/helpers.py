"""Checks shared by the integration tests."""

from __future__ import annotations

import csv

from sqlalchemy import func, select

from desktop_app.schema import items, movements, order_lines


def history_mismatches(db) -> list[str]:
    """Units whose movements do not add up to their counts, and products whose sums are off."""
    with db.connect(write=False) as conn:
        sums = {
            (r.unit_id, r.quantity): r.total
            for r in conn.execute(
                select(
                    movements.c.unit_id, movements.c.quantity, func.sum(movements.c.delta).label("total")
                ).group_by(movements.c.unit_id, movements.c.quantity)
            )
        }
        rows = conn.execute(select(items)).all()
        bad = []
        by_parent: dict[int, list] = {}
        for r in rows:
            if r.parent_id is not None:
                by_parent.setdefault(r.parent_id, []).append(r)
        for r in rows:
            if r.use_variant_inventory:
                kids = by_parent.get(r.id, [])
                for name in ("on_hand", "on_order", "committed"):
                    if getattr(r, name) != sum(getattr(k, name) for k in kids):
                        bad.append(f"{r.item_number}: {name} {getattr(r, name)} is not its variants' sum")
                continue
            for name in ("on_hand", "on_order"):
                if sums.get((r.id, name), 0) != getattr(r, name):
                    bad.append(
                        f"{r.item_number}: {name} {getattr(r, name)} but history sums to "
                        f"{sums.get((r.id, name), 0)}"
                    )
        return bad


def committed_mismatches(db) -> list[str]:
    with db.connect(write=False) as conn:
        counted = dict(
            conn.execute(
                select(order_lines.c.unit_id, func.sum(order_lines.c.committed)).group_by(
                    order_lines.c.unit_id
                )
            ).all()
        )
        return [
            f"{r.item_number}: committed {r.committed} but lines count {counted.get(r.id, 0)}"
            for r in conn.execute(select(items).where(items.c.use_variant_inventory.is_(False)))
            if r.committed != counted.get(r.id, 0)
        ]


def write_csv(path, header, rows, *, encoding="utf-8", delimiter=","):
    with open(path, "w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)
