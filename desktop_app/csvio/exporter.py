"""Product export in the storefront's columns (ItemID included) or as a Shopify product CSV.

The rows stream from one snapshot of the catalog straight into a temporary file that replaces the target only
when complete; a product is followed by its variants, so the file imports back with no change. For the
storefront format the database formats every cell; on SQLite it formats whole lines, slice by slice, in worker
threads at one snapshot (``export_slices``), and this thread only writes the finished blocks.
A target named .xlsx gets a real workbook (openpyxl's write-only mode streams it), which the import reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections import namedtuple
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Connection, func, select

from desktop_app.catalog import parse_options
from desktop_app.csvio import values as cv
from desktop_app.csvio.export_slices import sqlite_slices
from desktop_app.csvio.formats import SHOPIFY, SHOPIFY_HEADER, STOREFRONT, STOREFRONT_HEADER
from desktop_app.db import Database
from desktop_app.errors import InventoryError
from desktop_app.schema import items, statuses

FORMATS = (STOREFRONT, SHOPIFY)
XLSX = ".xlsx"
# Spreadsheet files the export cannot write: refused rather than given CSV text under their name.
NOT_WRITTEN = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers")
_FETCH = 5000
_Row = namedtuple(
    "_Row",
    "id parent_id item_id item_number name status_id on_hand on_order min_qty max_qty multiple_qty discontinued "
    "non_inventory eta_date low_stock_qty low_stock_warning use_variant_inventory options parent_number barcode",
)


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
    suffix = target.suffix.lower()
    if suffix in NOT_WRITTEN:
        raise InventoryError(f"The export cannot write {suffix} files; name a .csv or .xlsx file")
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook = suffix == XLSX

    def run(conn: Connection) -> int:
        fd, tmp = tempfile.mkstemp(
            prefix=".export-", suffix=suffix if workbook else ".csv", dir=target.parent
        )
        count = 0
        try:
            with _Sheet(fd, tmp, workbook, format) as sheet:
                sheet.writerow(STOREFRONT_HEADER if format == STOREFRONT else SHOPIFY_HEADER)
                if format == STOREFRONT and not workbook and conn.dialect.name == "sqlite":
                    # Whole lines from SQLite, read in slices by worker threads while this one writes them.
                    for block, rows, done in sqlite_slices(db, _STOREFRONT_LINES):
                        sheet.write_block(block)
                        count += rows
                        if progress:
                            progress(done)
                else:
                    total = conn.execute(select(func.count()).select_from(items)).scalar_one() or 1
                    if format == STOREFRONT:
                        batches = _storefront_batches(conn)
                    else:
                        batches = _batched(_shopify_rows(conn))
                    for batch in batches:
                        sheet.writerows(batch)
                        count += len(batch)
                        if progress:
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


class _Sheet:
    """Where the rows go: a CSV writer, or the one sheet of a write-only workbook (saved on close)."""

    def __init__(self, fd: int, tmp: str, workbook: bool, format: str) -> None:
        self.tmp, self.format = tmp, format
        if workbook:
            from openpyxl import Workbook

            os.close(fd)
            self.book = Workbook(write_only=True)
            self.sheet = self.book.create_sheet("Products")
            self.writerows = self._append_rows
            self.writerow = self.sheet.append
        else:
            self.book = None
            self.file = os.fdopen(fd, "w", newline="", encoding="utf-8")
            writer = csv.writer(self.file)
            self.writerows, self.writerow = writer.writerows, writer.writerow

    def write_block(self, block: bytes) -> None:
        """Whole CSV lines the database formatted (``_STOREFRONT_LINES``), as UTF-8: written as they are."""
        self.file.flush()  # the header, written as text, goes first
        self.file.buffer.write(block)

    def _append_rows(self, rows: list) -> None:
        from openpyxl.utils.exceptions import IllegalCharacterError

        for row in rows:
            if self.format == STOREFRONT and isinstance(row[_ETA], str):
                row = (*row[:_ETA], dt.date.fromisoformat(row[_ETA]), *row[_ETA + 1 :])  # a date cell
            try:
                self.sheet.append(row)
            except IllegalCharacterError:
                label = row[1] if self.format == STOREFRONT else row[8] or row[0]
                raise InventoryError(
                    f"Item {cv.unquote_text(str(label or ''))}: its text contains a control character that an "
                    ".xlsx workbook cannot hold; export to .csv, or correct the item first"
                ) from None

    def __enter__(self) -> _Sheet:
        return self

    def __exit__(self, kind, _value, _traceback) -> None:
        if self.book is None:
            self.file.close()
        elif kind is None:
            self.book.save(self.tmp)
        else:
            self.book.close()


_ETA = STOREFRONT_HEADER.index("ETADate")

# Products in id order, each followed by its variants (a variant is always newer than its product); the
# (COALESCE(parent_id, id), id) index of migration 0002 hands the rows over in this order, no sorting.
_FAMILY_ORDER = "ORDER BY COALESCE(i.parent_id, i.id), i.id"
_ORDERED = f"""SELECT i.id, i.parent_id, i.item_id, i.item_number, i.name, i.status_id, i.on_hand, i.on_order,
       i.min_qty, i.max_qty, i.multiple_qty, i.discontinued, i.non_inventory, i.eta_date, i.low_stock_qty,
       i.low_stock_warning, i.use_variant_inventory, i.options, p.item_number, i.barcode
FROM items i LEFT JOIN items p ON p.id = i.parent_id {_FAMILY_ORDER}"""


def _guarded(column: str, sqlite: bool) -> str:
    """SQL for ``values.quote_text``: a cell a spreadsheet could take for a formula gets one apostrophe."""
    if not sqlite:
        leads = ", ".join(f"chr({ord(c)})" for c in cv.FORMULA_LEADS)
        return f"CASE WHEN SUBSTR({column}, 1, 1) IN ({leads}) THEN chr(39) || {column} ELSE {column} END"
    # Compared byte by byte (BINARY), nearly every cell starts at or after 'A' (letters, any non-ASCII text)
    # and is settled by that one comparison; the rest test each lead as a range [lead, next character). No
    # function runs per row (SUBSTR ... IN took about a fifth of the export's time).
    assert max(cv.FORMULA_LEADS) < "A"
    ranges = " OR ".join(
        f"{column} >= {_binary(c)} AND {column} < {_binary(chr(ord(c) + 1))}" for c in cv.FORMULA_LEADS
    )
    return f"CASE WHEN {column} >= {_binary('A')} THEN {column} WHEN {ranges} THEN '''' || {column} ELSE {column} END"


def _binary(char: str) -> str:
    """A one-character SQLite literal compared byte by byte whatever the column's collation."""
    return ("''''" if char == "'" else f"'{char}'") + " COLLATE BINARY"


def _yes(column: str) -> str:
    return f"CASE WHEN {column} THEN 'True' ELSE 'False' END"


# A product with variants exports empty counts: they are its variants' sums, not values to import back.
def _storefront_cells(sqlite: bool) -> list[tuple[str, str | None]]:
    """The storefront columns as SQL: (the cell, the text column when the cell is guarded text)."""

    def g(column: str) -> tuple[str, str]:
        return _guarded(column, sqlite), column

    def n(cell: str) -> tuple[str, None]:
        return cell, None

    return [
        n("i.item_id"), g("i.item_number"), g("i.name"), g("s.name"),
        n("CASE WHEN i.use_variant_inventory THEN NULL ELSE i.on_hand END"),
        n("CASE WHEN i.use_variant_inventory THEN NULL ELSE i.on_order END"),
        n("i.min_qty"), n("i.max_qty"), n("i.multiple_qty"), n(_yes("i.discontinued")), n(_yes("i.non_inventory")),
        n("i.eta_date"), n("i.low_stock_qty"), n(_yes("i.low_stock_warning")), g("p.item_number"), g("i.options"),
        g("i.barcode"), g("i.supplier"), n("i.reorder_to"),
    ]  # fmt: skip


_JOINS = "FROM items i JOIN statuses s ON s.id = i.status_id LEFT JOIN items p ON p.id = i.parent_id"
_FROM = f"{_JOINS} {_FAMILY_ORDER}"
# One slice of the products (``export_slices``): those whose id (their variants' parent_id) is in [?, ?).
_SLICE = f"{_JOINS} WHERE COALESCE(i.parent_id, i.id) >= ? AND COALESCE(i.parent_id, i.id) < ? {_FAMILY_ORDER}"


def _storefront_sql(sqlite: bool) -> str:
    return f"SELECT {', '.join(cell for cell, _ in _storefront_cells(sqlite))} {_FROM}"


def _storefront_lines_sql() -> str:
    """SQLite: each row of a slice as one finished CSV line, byte for byte what csv.writer writes (QUOTE_MINIMAL,
    CRLF), as a BLOB (its UTF-8 bytes: no text object is made per row, nothing is encoded again).

    printf's %s writes NULL as nothing and numbers as digits; a text cell holding a comma, a double quote, CR
    or LF is quoted, its double quotes doubled (%w). Python then only joins the lines and writes them."""
    cells = [cell if text is None else _line_cell(text) for cell, text in _storefront_cells(True)]
    line = f"printf('{','.join(['%s'] * len(cells))}' || char(13, 10), {', '.join(cells)})"
    # One row per slice: its line count and its lines joined, in the subquery's order (SQLite keeps a FROM
    # subquery's ORDER BY when the outer query aggregates with anything but count/min/max, for group_concat).
    return f"SELECT COUNT(*), CAST(group_concat(line, '') AS BLOB) FROM (SELECT {line} AS line {_SLICE})"


def _line_cell(column: str) -> str:
    """SQLite: a text cell of a CSV line, guarded (``_guarded``) and quoted when it holds a comma, a double
    quote, CR or LF. A cell from 'A' on (nearly all) needs no guard, and NULL is settled by the first test;
    each quote character is looked for on its own (GLOB's '*c*' is a C string search, a class is not)."""
    needs_quotes = " OR ".join(f"{column} GLOB '*{c}*'" for c in ',"\r\n')
    guarded = _guarded(column, True)
    return (
        f"CASE WHEN {column} < {_binary('A')} THEN "
        f"""(CASE WHEN {needs_quotes} THEN printf('"%w"', {guarded}) ELSE {guarded} END) """
        f"""WHEN {needs_quotes} THEN printf('"%w"', {column}) ELSE {column} END"""
    )


_STOREFRONT = {True: _storefront_sql(True), False: _storefront_sql(False)}  # by "is SQLite"
_STOREFRONT_LINES = _storefront_lines_sql()


def _cursor_batches(conn: Connection, sql: str) -> Iterator[list[tuple]]:
    """Plain tuples straight from the driver, a batch at a time (a server-side cursor on PostgreSQL)."""
    dbapi = conn.connection.dbapi_connection
    cursor = dbapi.cursor() if conn.dialect.name == "sqlite" else dbapi.cursor(name="inventory_export")
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(_FETCH):
            yield batch
    finally:
        cursor.close()


def _storefront_batches(conn: Connection) -> Iterator[list[tuple]]:
    return _cursor_batches(conn, _STOREFRONT[conn.dialect.name == "sqlite"])


def _ordered(conn: Connection) -> Iterator[tuple]:
    for batch in _cursor_batches(conn, _ORDERED):
        yield from batch


def _batched(rows: Iterator[list[str]]) -> Iterator[list[list[str]]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _FETCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _shopify_rows(conn: Connection) -> Iterator[list[str]]:
    back_order = {sid for sid, flag in conn.execute(select(statuses.c.id, statuses.c.back_order)) if flag}
    handle, first_variant = None, False
    for values in _ordered(conn):
        r = _Row(*values)
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
                r.on_hand,
                policy,
                cv.quote_text(r.barcode),
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
            r.on_hand,
            policy,
            cv.quote_text(r.barcode),
        ]
        first_variant = False
