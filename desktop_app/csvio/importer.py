"""Product import (SPEC section 5): one file is one batch and one transaction.

Rows stream through in chunks; each chunk is looked up with one query per key kind, checked cell by cell,
and written set-wise (one statement per kind of change) through the ledger. Any invalid row, a dry run or a
cancel rolls the whole transaction back, so what a preview reports is exactly what applying then does.
"""

from __future__ import annotations

import dataclasses
import os
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from sqlalchemy import Connection, bindparam, select

from desktop_app.catalog import format_options, parse_options
from desktop_app.csvio import values as cv
from desktop_app.csvio.bulk import SIMPLE_FIELDS, BulkStage, RawChunk, is_structurally_simple
from desktop_app.csvio.formats import STOREFRONT, Layout, RowInput, detect_layout, rows_for
from desktop_app.csvio.reader import SheetError, SheetReader
from desktop_app.db import Database
from desktop_app.errors import InventoryError
from desktop_app.ledger import Ledger, Unit, load_statuses
from desktop_app.schema import FOLLOWED_FIELDS, items, statuses
from desktop_app.settings import BACK_ORDER, get_store_row

CHUNK_ROWS = 20000
CHECK_IN_ROWS = 250  # the row-by-row path reports progress and looks for Cancel this often
MAX_LISTED_ERRORS = 1000  # a file of a million bad rows lists the first thousand and counts the rest
TEXT_FIELDS = ("item_number", "name", "status", "parent", "options", "barcode", "supplier")
INT_MINIMUM = {
    "item_id": 1,
    "on_hand": -cv.COUNT_MAX,
    "on_order": 0,
    "min_qty": 0,
    "max_qty": 0,
    "multiple_qty": 1,
    "low_stock_qty": 0,
    "reorder_to": 0,
}
INT_MAXIMUM = {"on_hand": cv.COUNT_MAX, "on_order": cv.COUNT_MAX}  # others: the 32-bit range
BOOL_FIELDS = ("discontinued", "non_inventory", "low_stock_warning")
PLAIN_FIELDS = (
    "name", "item_id", "item_number", "low_stock_qty", "options", "barcode", "reorder_to", *FOLLOWED_FIELDS
)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"

    def as_json(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason}


@dataclass
class ImportSummary:
    file: str
    format: str
    store: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    more_rejected: int = 0  # errors after the first MAX_LISTED_ERRORS, counted, not listed
    status_changes: list = field(default_factory=list)
    created_statuses: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    used_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    batch: int | None = None
    # Every field each row changes ({"item", "field", "from", "to"}), when asked for (previews).
    changes: list[dict] | None = None

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "format": self.format,
            "store": self.store,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [e.as_json() for e in self.rejected],
            "more_rejected": self.more_rejected,
            "status_changes": [c.as_json() for c in self.status_changes],
            "created_statuses": self.created_statuses,
            "ignored_columns": self.ignored_columns,
            "dry_run": self.dry_run,
            "written": self.written,
            "batch": self.batch,
        }

    @property
    def error_count(self) -> int:
        return len(self.rejected) + self.more_rejected

    def cap_rejected(self) -> None:
        """Keep the first MAX_LISTED_ERRORS errors (by line) and count the rest."""
        self.rejected.sort(key=lambda e: e.line)
        if len(self.rejected) > MAX_LISTED_ERRORS:
            self.more_rejected += len(self.rejected) - MAX_LISTED_ERRORS
            del self.rejected[MAX_LISTED_ERRORS:]


class ImportCancelled(InventoryError):
    """The user cancelled an import; the transaction was rolled back."""


class _Rollback(Exception):
    def __init__(self, summary: ImportSummary, *, refused: bool = False) -> None:
        super().__init__("rollback")
        self.summary = summary
        self.refused = refused  # the file cannot be read to its end: refused even with --skip-invalid


class _RowRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("row refused")
        self.errors = errors


def inspect_file(path: str | os.PathLike) -> tuple[SheetReader, Layout]:
    """Open a file and recognise its format, without touching the database (the wizard's first page)."""
    reader = SheetReader(path)
    try:
        return reader, detect_layout(reader.header)
    except Exception:
        reader.close()
        raise


def import_file(
    db: Database,
    path: str | os.PathLike,
    *,
    store: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    update_only: bool = False,
    cause: str = "import",
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    collect_changes: bool = False,
    set_based: bool = True,
) -> ImportSummary:
    """Import a product file; refused (``ImportRefused`` carrying the summary) if any row is invalid.

    ``set_based=False`` takes every row through the row-by-row path (the tests compare the two).
    """
    name = Path(path).name

    def rows(summary: ImportSummary) -> Iterator[tuple[list[RowInput], float]]:
        reader, layout = inspect_file(path)
        try:
            summary.format, summary.encoding, summary.delimiter = (
                layout.format,
                reader.encoding,
                reader.delimiter,
            )
            summary.ignored_columns, summary.used_columns = layout.ignored, layout.used
            if set_based and layout.format == STOREFRONT and set(layout.columns) <= SIMPLE_FIELDS:
                # A stock file (keys, counts, statuses): rows stay raw until one needs the row-by-row path.
                for chunk in _chunks(iter(reader), CHUNK_ROWS):
                    yield RawChunk(layout, chunk), reader.progress
            else:
                for chunk in _chunks(rows_for(layout, reader), CHUNK_ROWS):
                    yield chunk, reader.progress
            reader.check_unchanged()  # every row is applied, nothing is committed yet
        finally:
            reader.close()

    summary = ImportSummary(file=name, format="", store=store, dry_run=dry_run)
    return _run(
        db,
        summary,
        rows,
        store=store,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        update_only=update_only,
        cause=cause,
        note=f"import of {name}",
        progress=progress,
        cancelled=cancelled,
        collect_changes=collect_changes,
        set_based=set_based,
    )


def apply_rows(
    db: Database,
    rows: list[RowInput],
    *,
    store: str | None = None,
    dry_run: bool = False,
    cause: str = "grid",
    note: str | None = None,
    collect_changes: bool = True,
) -> ImportSummary:
    """Apply rows that did not come from a file (the grid's pending edits) through the import's own path."""

    def chunks(_summary: ImportSummary) -> Iterator[tuple[list[RowInput], float]]:
        for start in range(0, len(rows), CHUNK_ROWS):
            yield rows[start : start + CHUNK_ROWS], min(1.0, (start + CHUNK_ROWS) / max(1, len(rows)))

    summary = ImportSummary(file="(grid)", format="grid", store=store, dry_run=dry_run)
    return _run(
        db,
        summary,
        chunks,
        store=store,
        dry_run=dry_run,
        skip_invalid=False,
        update_only=True,
        cause=cause,
        note=note,
        progress=None,
        cancelled=None,
        collect_changes=collect_changes,
        set_based=True,
    )


def _run(
    db: Database,
    summary_template: ImportSummary,
    chunks: Callable[[ImportSummary], Iterator[tuple[list[RowInput], float]]],
    *,
    store: str | None,
    dry_run: bool,
    skip_invalid: bool,
    update_only: bool,
    cause: str,
    note: str | None,
    progress: Callable[[float], None] | None,
    cancelled: Callable[[], bool] | None,
    collect_changes: bool,
    set_based: bool,
) -> ImportSummary:
    def run(conn: Connection) -> ImportSummary:
        summary = dataclasses.replace(
            summary_template,
            rejected=[],
            status_changes=[],
            created_statuses=[],
            changes=[] if collect_changes else None,
        )
        job = _Import(
            conn,
            db.who,
            summary,
            store=store,
            update_only=update_only,
            cause=cause,
            note=note,
            set_based=set_based,
        )
        started = 0.0  # the progress when the current chunk began

        def check_in(rows_done: int, rows: int) -> None:
            # Every few hundred rows of the row-by-row path: a chunk of new items takes long enough that a
            # person would see a frozen bar and a Cancel that does not answer.
            if cancelled and cancelled():
                raise ImportCancelled("The import was cancelled; nothing was changed.")
            if progress:
                progress(started + (done - started) * rows_done / max(1, rows))

        job.check_in = check_in
        try:
            for chunk, done in chunks(summary):
                job.apply(chunk)
                summary.cap_rejected()
                if progress:
                    progress(done)
                if cancelled and cancelled():
                    raise ImportCancelled("The import was cancelled; nothing was changed.")
                started = done
        except SheetError as exc:
            summary.rejected.append(RowError(exc.line, exc.column, exc.reason))
            summary.cap_rejected()
            raise _Rollback(summary, refused=True) from None
        job.finish()
        summary.cap_rejected()
        if dry_run or (summary.rejected and not skip_invalid):
            raise _Rollback(summary)
        summary.written = True
        return summary

    try:
        return db.write(run)
    except _Rollback as rollback:
        summary = rollback.summary
        summary.batch = None
        if rollback.refused or (summary.rejected and not skip_invalid):
            raise ImportRefused(summary) from None
        return summary


class ImportRefused(InventoryError):
    """A file with invalid rows: nothing was written; the summary lists every error."""

    def __init__(self, summary: ImportSummary) -> None:
        count = summary.error_count
        more = [f"… and {summary.more_rejected:,} more errors"] if summary.more_rejected else []
        super().__init__(
            f"{summary.file}: {count:,} {'error' if count == 1 else 'errors'}; nothing was imported.",
            details=[str(e) for e in summary.rejected] + more,
        )
        self.summary = summary


def _chunks(rows: Iterable[RowInput], size: int) -> Iterator[list[RowInput]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


STALE = "changed by someone else since you loaded it; reload and choose which values to keep"


def _label(record: dict) -> str:
    if record["item_number"]:
        return record["item_number"]
    return f"#{record['item_id']}" if record["item_id"] is not None else record["name"]


class _LineMarks:
    """The file line that first touched each item (by row id): duplicate keys are caught in O(1) memory/row."""

    def __init__(self) -> None:
        self._lines = array("l")

    def get(self, pk: int) -> int:
        return self._lines[pk] if pk < len(self._lines) else 0

    def set(self, pk: int, line: int) -> None:
        if pk >= len(self._lines):
            self._lines.extend(array("l", [0]) * (max(pk + 1, 2 * len(self._lines)) - len(self._lines)))
        self._lines[pk] = line


class _Import:
    """The state of one import inside its transaction."""

    def __init__(
        self,
        conn: Connection,
        who: str,
        summary: ImportSummary,
        *,
        store: str | None,
        update_only: bool,
        cause: str,
        note: str | None,
        set_based: bool = True,
    ) -> None:
        self.conn = conn
        self.summary = summary
        self.update_only = update_only
        store_id = get_store_row(conn, store).id if store else None
        self.ledger = Ledger(conn, cause=cause, who=who, store_id=store_id, note=note)
        self.status_ids = {s.name.lower(): s.id for s in self.ledger.statuses.values()}
        self.seen = _LineMarks()
        self.bulk = BulkStage(self) if set_based else None
        self.check_in: Callable[[int, int], None] | None = None  # set by the run: progress and Cancel
        self._plain_updates: dict[tuple[str, ...], list[dict]] = {}
        self._follow_updates: list[tuple[int, dict]] = []
        self._by_pk: dict[int, dict] = {}
        self._by_number: dict[str, dict | None] = {}
        self._by_storefront_id: dict[int, dict | None] = {}
        # Products this import created without a status (1; 2 when back orders are allowed): a product's
        # status then follows the sum of the variants the import adds to it.
        self._derived = _LineMarks()

    # -- per chunk --------------------------------------------------------------------------------
    def apply(self, chunk: list[RowInput] | RawChunk) -> None:
        """Rows that only set counts or the status of existing units go set-based; the rest row by row."""
        if isinstance(chunk, RawChunk):
            self._apply_rows(self.bulk.stage_raw(chunk))
            self.bulk.apply()
            return
        general = chunk
        if self.bulk is not None:
            general, simple = [], []
            for row in chunk:
                if is_structurally_simple(row):
                    try:
                        values = self._parse(row)
                    except _RowRefused as refused:
                        self.summary.rows += 1
                        self.summary.rejected.extend(refused.errors)
                        continue
                    status = values.get("status")
                    if status and status.lower() not in self.status_ids:
                        # A new status is made (or refused) by the row-by-row path, after the row's own checks
                        # (a duplicate row creates none), as a stock file's unknown status is.
                        general.append(row)
                        continue
                    self.summary.rows += 1
                    if status:
                        values["status_id"] = self.status_ids[status.lower()]
                    simple.append((row, values))
                else:
                    general.append(row)
            if simple:
                returned = self.bulk.stage(simple)
                self.summary.rows -= len(returned)
                general = sorted(general + returned, key=lambda r: r.line)
        self._apply_rows(general)
        if self.bulk is not None:
            self.bulk.apply()

    def _apply_rows(self, general: list[RowInput]) -> None:
        """The row-by-row path."""
        self._prefetch(general)
        for n, row in enumerate(general):
            if n % CHECK_IN_ROWS == CHECK_IN_ROWS - 1 and self.check_in is not None:
                self.check_in(n, len(general))
            if not row.implied:
                self.summary.rows += 1
            try:
                outcome = self._row(row)
            except _RowRefused as refused:
                self.summary.rejected.extend(refused.errors)
                continue
            if not row.implied:
                setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
        self._flush()

    def error(self, line: int, column: str, reason: str) -> RowError:
        return RowError(line, column, reason)

    def finish(self) -> None:
        self._flush()
        self.summary.rejected.sort(key=lambda e: e.line)  # the set-based path reports its rows last
        self.summary.status_changes = self.ledger.status_changes
        self.summary.batch = self.ledger.event_id

    def _prefetch(self, chunk: list[RowInput]) -> None:
        """Load (and lock) every item the chunk names by ItemID, ItemNumber or ParentItemNumber."""
        self._by_number.clear()
        self._by_storefront_id.clear()
        self._by_pk = {}
        pks = sorted({row.pk for row in chunk if row.pk is not None})
        for start in range(0, len(pks), 900):
            stmt = select(items).where(items.c.id.in_(pks[start : start + 900])).order_by(items.c.id)
            for r in self.conn.execute(stmt.with_for_update()):
                record = dict(r._mapping)
                self._by_pk[record["id"]] = record
                self._remember(record)
        numbers, ids = set(), set()
        for row in chunk:
            for name in ("item_number", "parent"):
                text = cv.unquote_text(row.text(name))
                if text and cv.is_plain_key(text):  # a key the cell checks refuse is never looked up
                    numbers.add(text)
            if (item_id := cv.int_or_none(row.text("item_id"))) is not None:
                ids.add(item_id)
        for column, keys, cache in (
            (items.c.item_number, numbers, self._by_number),
            (items.c.item_id, ids, self._by_storefront_id),
        ):
            keys = sorted(keys)
            for start in range(0, len(keys), 900):
                part = keys[start : start + 900]
                stmt = select(items).where(column.in_(part)).order_by(items.c.id).with_for_update()
                for r in self.conn.execute(stmt):
                    record = dict(r._mapping)
                    self._remember(record)
            for key in keys:
                cache.setdefault(key, None)

    def _remember(self, record: dict) -> None:
        if record["item_number"]:
            self._by_number[record["item_number"]] = record
        if record["item_id"] is not None:
            self._by_storefront_id[record["item_id"]] = record

    def _lookup_number(self, number: str) -> dict | None:
        if number not in self._by_number:
            r = self.conn.execute(
                select(items).where(items.c.item_number == number).with_for_update()
            ).first()
            self._by_number[number] = dict(r._mapping) if r else None
        return self._by_number[number]

    def _lookup_storefront_id(self, item_id: int) -> dict | None:
        if item_id not in self._by_storefront_id:
            r = self.conn.execute(select(items).where(items.c.item_id == item_id).with_for_update()).first()
            self._by_storefront_id[item_id] = dict(r._mapping) if r else None
        return self._by_storefront_id[item_id]

    # -- per row ----------------------------------------------------------------------------------
    def _parse(self, row: RowInput) -> dict:
        values: dict = {}
        errors: list[RowError] = []
        for name, (text, column) in row.cells.items():
            if not text.strip():
                continue
            try:
                if name in TEXT_FIELDS:
                    values[name] = cv.check_field_text(name, cv.unquote_text(text.strip()))
                elif name in INT_MINIMUM:
                    values[name] = cv.parse_int(
                        text, minimum=INT_MINIMUM[name], maximum=INT_MAXIMUM.get(name)
                    )
                elif name in BOOL_FIELDS:
                    values[name] = cv.parse_bool(text)
                elif name == "eta_date":
                    # "none" clears the date (an empty cell, as everywhere, leaves it as it is).
                    values[name] = None if text.strip().lower() == "none" else cv.parse_date(text)
            except cv.CellError as exc:
                errors.append(RowError(row.line, column, str(exc)))
        if "options" in values:
            try:
                values["options"] = format_options(parse_options(values["options"]))
            except InventoryError as exc:
                errors.append(RowError(row.line, row.column("options"), exc.message))
        if errors:
            raise _RowRefused(errors)
        return values

    def _row(self, row: RowInput) -> str:
        if row.error:
            raise _RowRefused([RowError(row.line, *row.error)])
        values = self._parse(row)
        record, key_column, key = self._match(row, values)
        if record is not None:
            first = self.seen.get(record["id"])
            staged = first and first > row.line and self.bulk is not None and self.bulk.owns(first)
            if first and not staged:
                raise _RowRefused([RowError(row.line, key_column, f"'{key}' is also on line {first}")])
            outcome = self._update(row, values, record)
            # The later, staged row is the duplicate (unless this row was refused: it claims nothing).
            if staged:
                self.bulk.give_up(first, row.line)
        else:
            if self.update_only:
                raise _RowRefused(
                    [
                        RowError(
                            row.line, key_column, f"there is no item '{key}' (--update-only creates nothing)"
                        )
                    ]
                )
            record = self._create(row, values)
            outcome = "created"
        self.seen.set(record["id"], row.line)
        return outcome

    def _match(self, row: RowInput, values: dict) -> tuple[dict | None, str, str]:
        if row.pk is not None:
            record = self._by_pk.get(row.pk)
            if record is None:
                raise _RowRefused([RowError(row.line, "Item", "this item no longer exists")])
            if row.version is not None and record["version"] != row.version:
                raise _RowRefused([RowError(row.line, "Item", STALE)])
            return record, "Item", _label(record)
        item_id, number = values.get("item_id"), values.get("item_number")
        if item_id is None and number is None:
            column = row.column("item_number") if "item_number" in row.cells else row.column("item_id")
            raise _RowRefused([RowError(row.line, column, "the row has neither an ItemID nor an ItemNumber")])
        if item_id is not None:
            record = self._lookup_storefront_id(item_id)
            if record is not None:
                return record, row.column("item_id"), str(item_id)
        if number is not None:
            return self._lookup_number(number), row.column("item_number"), number
        return None, row.column("item_id"), str(item_id)

    def _status_id(self, row: RowInput, name: str, column: str) -> int:
        found = self.status_ids.get(name.lower())
        if found is not None:
            return found
        if self.update_only:
            raise _RowRefused([RowError(row.line, column, f"there is no status '{name}' (--update-only)")])
        new_id = self.conn.execute(
            statuses.insert().values(
                name=name, unavailable=False, back_order=False, hidden=False, show_quantity=False
            )
        ).inserted_primary_key[0]
        self.status_ids[name.lower()] = new_id
        self.ledger.statuses = load_statuses(self.conn)
        self.summary.created_statuses.append(name)
        return new_id

    def _check_limits(self, row: RowInput, merged: dict) -> None:
        if merged["max_qty"] and merged["min_qty"] > merged["max_qty"]:
            raise _RowRefused(
                [
                    RowError(
                        row.line,
                        row.column("min_qty") if "min_qty" in row.cells else row.column("max_qty"),
                        f"the minimum ({merged['min_qty']}) is above the maximum ({merged['max_qty']}); 0 = no maximum",
                    )
                ]
            )

    def _check_free(self, row: RowInput, record_id: int | None, values: dict) -> None:
        """An item number or ItemID the row gives must not belong to another item."""
        for name, lookup in (("item_number", self._lookup_number), ("item_id", self._lookup_storefront_id)):
            if name in values:
                other = lookup(values[name])
                if other is not None and other["id"] != record_id:
                    raise _RowRefused(
                        [
                            RowError(
                                row.line,
                                row.column(name),
                                f"'{values[name]}' already belongs to another item",
                            )
                        ]
                    )

    def _create(self, row: RowInput, values: dict) -> dict:
        self._check_free(row, None, values)
        parent = None
        if values.get("parent"):
            parent = self._parent_for_new_variant(row, values)
        elif "options" in values:
            raise _RowRefused(
                [
                    RowError(
                        row.line,
                        row.column("options"),
                        "VariantOptions needs a ParentItemNumber on the same row",
                    )
                ]
            )
        record = {
            "parent_id": parent["id"] if parent else None,
            "item_id": values.get("item_id"),
            "item_number": values.get("item_number"),
            "name": values.get("name", parent["name"] if parent else ""),
            "options": values.get("options"),
            "on_hand": values.get("on_hand", 0),
            "on_order": values.get("on_order", 0),
            "committed": 0,
            "low_stock_qty": values.get("low_stock_qty", 0),
            "barcode": values.get("barcode"),
            "reorder_to": values.get("reorder_to", 0),
            "use_variant_inventory": False,
            "version": 1,
        }
        followed = {
            "discontinued": False,
            "non_inventory": False,
            "min_qty": 0,
            "max_qty": 0,
            "multiple_qty": 1,
            "eta_date": None,
            "low_stock_warning": False,
            "supplier": None,
        }
        if parent:
            for name in FOLLOWED_FIELDS:
                if name in values and values[name] != parent[name]:
                    raise self._follows(row, name, parent)
            followed = {name: parent[name] for name in FOLLOWED_FIELDS}
        else:
            followed.update({k: values[k] for k in FOLLOWED_FIELDS if k in values})
        record.update(followed)
        self._check_limits(row, record)
        # The other platform's rows carry their inventory policy, `continue` (back orders) or `deny`.
        allows_back_order = (row.new_status or "").lower() == BACK_ORDER.lower()
        if values.get("status"):  # a status given at creation is kept
            record["status_id"] = self._status_id(row, values["status"], row.column("status"))
        else:  # else the one its stock calls for (SPEC section 1)
            record["status_id"] = self.ledger.status_for_new_item(
                on_hand=record["on_hand"],
                non_inventory=record["non_inventory"],
                discontinued=record["discontinued"],
                allows_back_order=allows_back_order,
            )
        if parent and not parent["use_variant_inventory"]:
            self._flush()  # the parent's pending changes first
            self.conn.execute(
                items.update()
                .where(items.c.id == parent["id"])
                .values(use_variant_inventory=True, version=items.c.version + 1)
            )
            parent["use_variant_inventory"] = True
        record["id"] = self.conn.execute(items.insert().values(**record)).inserted_primary_key[0]
        self.ledger.created(_unit(record))
        if not parent and not values.get("status"):
            self._derived.set(record["id"], 2 if allows_back_order else 1)
        if parent:
            parent["on_hand"] += record["on_hand"]
            parent["on_order"] += record["on_order"]
            self._rederive(parent, allows_back_order)
        self._remember(record)
        return record

    def _rederive(self, product: dict, allows_back_order: bool) -> None:
        """A product this import created without a status gets what its variants' sum calls for."""
        derived = self._derived.get(product["id"])
        if not derived:
            return
        back_order = derived == 2 or allows_back_order  # it or any of its variants allows back orders
        self._derived.set(product["id"], 2 if back_order else 1)
        status_id = self.ledger.status_for_new_item(
            on_hand=product["on_hand"],
            non_inventory=bool(product["non_inventory"]),
            discontinued=bool(product["discontinued"]),
            allows_back_order=back_order,
        )
        if status_id != product["status_id"]:
            self.ledger.created_status(product["id"], status_id)
            product["status_id"] = status_id

    def _parent_for_new_variant(self, row: RowInput, values: dict) -> dict:
        parent = self._lookup_number(values["parent"])
        column = row.column("parent")
        if parent is None:
            raise _RowRefused([RowError(row.line, column, f"there is no product '{values['parent']}'")])
        if parent["parent_id"] is not None:
            raise _RowRefused(
                [RowError(row.line, column, f"'{values['parent']}' is a variant, not a product")]
            )
        if not values.get("options"):
            raise _RowRefused(
                [
                    RowError(
                        row.line,
                        row.column("options"),
                        "a new variant needs its option values, e.g. Size=L;Color=Blue",
                    )
                ]
            )
        if not parent["use_variant_inventory"] and (
            parent["on_hand"] or parent["on_order"] or parent["committed"]
        ):
            raise _RowRefused(
                [
                    RowError(
                        row.line,
                        column,
                        f"product '{values['parent']}' still has its own stock (on hand {parent['on_hand']}, on order "
                        f"{parent['on_order']}); set both to 0 before adding its first variant",
                    )
                ]
            )
        wanted = _option_key(values["options"])
        siblings = self.conn.execute(
            select(items.c.options).where(items.c.parent_id == parent["id"])
        ).scalars()
        if any(_option_key(s) == wanted for s in siblings if s):
            raise _RowRefused(
                [
                    RowError(
                        row.line,
                        row.column("options"),
                        f"product '{values['parent']}' already has a variant {values['options']}",
                    )
                ]
            )
        return parent

    def _follows(self, row: RowInput, name: str, parent: dict) -> _RowRefused:
        return _RowRefused(
            [
                RowError(
                    row.line,
                    row.column(name),
                    f"a variant follows its product '{parent['item_number']}' here; "
                    "change the product's row instead",
                )
            ]
        )

    def _update(self, row: RowInput, values: dict, record: dict) -> str:
        self._check_free(row, record["id"], values)
        is_variant = record["parent_id"] is not None
        if "parent" in values:
            actual = self._parent_number(record)
            if actual != values["parent"]:
                where = f"belongs to product '{actual}'" if actual else "is a product, not a variant"
                raise _RowRefused([RowError(row.line, row.column("parent"), f"this item {where}")])
        plain = {k: values[k] for k in PLAIN_FIELDS if k in values and values[k] != record[k]}
        if "options" in plain and not is_variant:
            raise _RowRefused([RowError(row.line, row.column("options"), "only a variant has option values")])
        if is_variant:
            for name in FOLLOWED_FIELDS:
                if name in plain:
                    parent = self.conn.execute(select(items).where(items.c.id == record["parent_id"])).one()
                    raise self._follows(row, name, dict(parent._mapping))
        if record["use_variant_inventory"]:
            for name, label in (("on_hand", "on-hand"), ("on_order", "on-order")):
                if name in values and values[name] != record[name]:
                    raise _RowRefused(
                        [
                            RowError(
                                row.line,
                                row.column(name),
                                f"this product uses variant inventory: its {label} count is the sum of its variants' "
                                f"({record[name]}); change the variants' rows instead",
                            )
                        ]
                    )
        merged = {**record, **plain}
        self._check_limits(row, merged)
        status_id = (
            self._status_id(row, values["status"], row.column("status")) if "status" in values else None
        )
        unit = _unit(merged)  # the rules see the flags (discontinued, non-inventory) the row sets
        before = (unit.on_hand, unit.on_order, unit.status_id)
        self.ledger.change(
            unit, on_hand=values.get("on_hand"), on_order=values.get("on_order"), status=status_id
        )
        counts_changed = before != (unit.on_hand, unit.on_order, unit.status_id)
        if self.summary.changes is not None:
            self._note_changes(record, plain, before, unit)
        if plain:
            self.ledger.fields_changed(record["id"], {k: (record[k], v) for k, v in plain.items()})
            self._plain_updates.setdefault(tuple(sorted(plain)), []).append(
                {"b_id": record["id"], **{f"p_{k}": v for k, v in plain.items()}}
            )
            followed = {k: v for k, v in plain.items() if k in FOLLOWED_FIELDS}
            if followed and record["use_variant_inventory"]:
                self._follow_updates.append((record["id"], followed))
            if "item_number" in plain and record["item_number"]:
                self._by_number[record["item_number"]] = None
            record.update(plain)
            self._remember(record)
        record["on_hand"], record["on_order"], record["status_id"] = (
            unit.on_hand,
            unit.on_order,
            unit.status_id,
        )
        return "updated" if plain or counts_changed else "unchanged"

    def _note_changes(self, record: dict, plain: dict, before: tuple, unit: Unit) -> None:
        label = _label(record)
        for field_name, value in plain.items():
            self.summary.changes.append(
                {"item": label, "field": field_name, "from": record[field_name], "to": value}
            )
        for field_name, old, new in (
            ("on_hand", before[0], unit.on_hand),
            ("on_order", before[1], unit.on_order),
        ):
            if old != new:
                self.summary.changes.append({"item": label, "field": field_name, "from": old, "to": new})
        if before[2] != unit.status_id:
            names = self.ledger.statuses
            self.summary.changes.append(
                {
                    "item": label,
                    "field": "status",
                    "from": names[before[2]].name,
                    "to": names[unit.status_id].name,
                }
            )

    def _parent_number(self, record: dict) -> str | None:
        if record["parent_id"] is None:
            return None
        return self.conn.execute(
            select(items.c.item_number).where(items.c.id == record["parent_id"])
        ).scalar()

    def _flush(self) -> None:
        for columns, rows in self._plain_updates.items():
            self.conn.execute(
                items.update()
                .where(items.c.id == bindparam("b_id"))
                .values(version=items.c.version + 1, **{c: bindparam(f"p_{c}") for c in columns}),
                rows,
            )
        self._plain_updates.clear()
        for product_id, followed in self._follow_updates:
            self.conn.execute(
                items.update()
                .where(items.c.parent_id == product_id)
                .values(version=items.c.version + 1, **followed)
            )
        self._follow_updates.clear()
        self.ledger.flush()


def _unit(record: dict) -> Unit:
    return Unit(
        record["id"],
        record["parent_id"],
        record["item_id"],
        record["item_number"],
        record["name"],
        record["status_id"],
        record["on_hand"],
        record["on_order"],
        record["committed"],
        bool(record["discontinued"]),
        bool(record["non_inventory"]),
        record["min_qty"],
        record["max_qty"],
        record["multiple_qty"],
        bool(record["use_variant_inventory"]),
        record["version"],
    )


def _option_key(text: str) -> frozenset:
    return frozenset((n.lower(), v.lower()) for n, v in parse_options(text))
