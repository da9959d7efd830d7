"""Product export in the storefront's columns (ItemID included) or as a Shopify product CSV.

The rows stream from one read transaction straight into a temporary file that replaces the target only
when complete; a product is followed by its variants, so the file imports back with no change.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Connection, case, func, select

from desktop_app.catalog import parse_options
from desktop_app.csvio import values as cv
from desktop_app.csvio.formats import SHOPIFY, SHOPIFY_HEADER, STOREFRONT, STOREFRONT_HEADER
from desktop_app.db import Database
from desktop_app.errors import InventoryError
from desktop_app.schema import items, statuses

FORMATS = (STOREFRONT, SHOPIFY)
_FETCH = 5000


def export_file(
    db: Database,
    path: str | os.PathLike,
    *,
    format: str = STOREFRONT,
    progress: Callable[[float], None] | None = None,
) -> int:
    """Write every product and variant to ``path``; returns the number of rows written."""
    if format not in FORMATS:
        raise InventoryError(f"Unknown export format '{format}' (formats: {', '.join(FORMATS)})")
    target = Path(path)
    if target.is_dir():
        raise InventoryError(f"{target} is a folder; name a file to export to")
    target.parent.mkdir(parents=True, exist_ok=True)

    def run(conn: Connection) -> int:
        total = conn.execute(select(func.count()).select_from(items)).scalar_one() or 1
        fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".csv", dir=target.parent)
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                rows = _storefront_rows(conn) if format == STOREFRONT else _shopify_rows(conn)
                writer.writerow(STOREFRONT_HEADER if format == STOREFRONT else SHOPIFY_HEADER)
                count = 0
                for count, row in enumerate(rows, start=1):  # noqa: B007 - count is the result
                    writer.writerow(row)
                    if progress and count % _FETCH == 0:
                        progress(count / total)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if progress:
            progress(1.0)
        return count

    try:
        return db.read(run)
    except OSError as exc:
        raise InventoryError(f"Cannot write {target}: {exc.strerror or exc}") from None


def _ordered(conn: Connection):
    parent = items.alias("parent")
    stmt = (
        select(items, statuses.c.name.label("status_name"), parent.c.item_number.label("parent_number"))
        .join(statuses, statuses.c.id == items.c.status_id)
        .outerjoin(parent, parent.c.id == items.c.parent_id)
        .order_by(
            func.coalesce(items.c.parent_id, items.c.id),
            case((items.c.parent_id.is_(None), 0), else_=1),
            items.c.id,
        )
    )
    return conn.execution_options(yield_per=_FETCH).execute(stmt)


def _storefront_rows(conn: Connection) -> Iterator[list[str]]:
    for r in _ordered(conn):
        sums = r.use_variant_inventory  # its counts are its variants' sums: not a value to import back
        yield [
            "" if r.item_id is None else str(r.item_id),
            cv.quote_text(r.item_number),
            cv.quote_text(r.name),
            cv.quote_text(r.status_name),
            "" if sums else str(r.on_hand),
            "" if sums else str(r.on_order),
            str(r.min_qty),
            str(r.max_qty),
            str(r.multiple_qty),
            cv.format_bool(r.discontinued),
            cv.format_bool(r.non_inventory),
            cv.format_date(r.eta_date),
            str(r.low_stock_qty),
            cv.format_bool(r.low_stock_warning),
            cv.quote_text(r.parent_number),
            cv.quote_text(r.options),
        ]


def _shopify_rows(conn: Connection) -> Iterator[list[str]]:
    back_order = {sid for sid, flag in conn.execute(select(statuses.c.id, statuses.c.back_order)) if flag}
    handle, first_variant = None, False
    for r in _ordered(conn):
        policy = "continue" if r.status_id in back_order else "deny"
        if r.parent_id is None:
            handle = r.item_number or (f"item-{r.item_id}" if r.item_id is not None else f"item-{r.id}")
            if r.use_variant_inventory:
                first_variant = True
                continue
            yield [
                cv.quote_text(handle),
                cv.quote_text(r.name),
                "Title",
                "Default Title",
                "",
                "",
                "",
                "",
                cv.quote_text(r.item_number),
                "shopify",
                str(r.on_hand),
                policy,
            ]
            continue
        options = parse_options(r.options) if r.options else []
        cells = []
        for n in range(3):
            name, value = options[n] if n < len(options) else ("", "")
            cells += [cv.quote_text(name), cv.quote_text(value)]
        yield [
            cv.quote_text(handle),
            cv.quote_text(r.name) if first_variant else "",
            *cells,
            cv.quote_text(r.item_number),
            "shopify",
            str(r.on_hand),
            policy,
        ]
        first_variant = False
