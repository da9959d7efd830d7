"""Files and grid batches for ``Inventory``: import, export, and the grid's pending edits applied as one batch.

The windows and the command line reach the import package only through these functions (called by the
``Inventory`` methods of the same names) and the types below; a grid batch names its items by row id and
gets its refusals back typed (item, field, reason, stale), never as file lines to translate.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app import csvio
from desktop_app.csvio import (  # noqa: F401  (re-exported: the types the windows and the CLI name)
    FORMATS,
    SHOPIFY,
    STOREFRONT,
    ImportCancelled,
    ImportRefused,
    ImportSummary,
)
from desktop_app.db import Database
from desktop_app.errors import InventoryError
from desktop_app.models import StatusChangeReport
from desktop_app.values import CellError, check_field_text, parse_int

FORMAT_NAMES = {
    STOREFRONT: "Storefront product export (ItemID / ItemNumber columns)",
    SHOPIFY: "Shopify product CSV (Handle / Variant SKU columns)",
}
GRID_BOOLS = frozenset({"discontinued", "non_inventory", "low_stock_warning"})


@dataclass(frozen=True)
class FileInfo:
    """What a product file is, read from its header only (the import wizard's first page)."""

    path: str
    format: str
    is_xlsx: bool
    encoding: str | None
    delimiter: str | None
    used: list[str]
    ignored: list[str]

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES.get(self.format, self.format)

    @property
    def kind(self) -> str:
        """'Excel workbook', or the text encoding and delimiter."""
        if self.is_xlsx:
            return "Excel workbook"
        delimiter = "tab" if self.delimiter == "\t" else repr(self.delimiter)
        return f"{self.encoding} text, delimiter {delimiter}"


@dataclass(frozen=True)
class GridChange:
    """One unit's pending grid edits: field -> text as typed ("" on eta_date clears the date).

    ``version`` is the version the grid loaded; if the unit has changed since, the edit is stale.
    """

    item_id: int
    values: Mapping[str, str]
    version: int | None = None


@dataclass(frozen=True)
class GridRejection:
    """Why one unit's grid edits cannot be applied: a field's value (``field`` set) or the whole row."""

    item_id: int
    field: str | None
    reason: str
    stale: bool = False  # changed by someone else since the grid loaded it


@dataclass
class GridResult:
    """What applying (or, in a dry run, previewing) grid edits changes."""

    dry_run: bool
    written: bool
    batch: int | None
    updated: int
    changes: list[dict] = field(default_factory=list)  # {"item", "field", "from", "to"}, item = its label
    status_changes: list[StatusChangeReport] = field(default_factory=list)


class GridRefused(InventoryError):
    """Grid edits that cannot be applied; nothing was changed. ``rejections`` says which and why."""

    def __init__(self, rejections: list[GridRejection]) -> None:
        super().__init__(
            "Some rows cannot be applied; nothing was changed.",
            details=[f"item {r.item_id}{f', {r.field}' if r.field else ''}: {r.reason}" for r in rejections],
        )
        self.rejections = rejections

    @property
    def stale_items(self) -> list[int]:
        """The items changed elsewhere since they were loaded, if that is the only problem; else []."""
        if self.rejections and all(r.stale for r in self.rejections):
            return sorted({r.item_id for r in self.rejections})
        return []


def check_cell(field_name: str, text: str) -> str | None:
    """Why ``text`` cannot go into a grid cell of ``field_name`` (the import's own cell rules); None if it can.

    Whether a status name exists is the caller's check; this one needs no database.
    """
    try:
        if field_name in csvio.INT_MINIMUM:
            parse_int(text, minimum=csvio.INT_MINIMUM[field_name], maximum=csvio.INT_MAXIMUM.get(field_name))
        elif field_name in GRID_BOOLS:
            csvio.parse_bool(text)
        elif field_name == "eta_date":
            if text:
                csvio.parse_date(text)
        else:
            check_field_text(field_name, text)  # the import's length and character limits, as typed
    except CellError as exc:
        return str(exc)
    return None


def inspect_file(path: str | os.PathLike) -> FileInfo:
    """Recognise a product file's format and columns without touching the database."""
    reader, layout = csvio.inspect_file(path)
    try:
        return FileInfo(
            str(path),
            layout.format,
            bool(reader.is_xlsx),
            reader.encoding,
            reader.delimiter,
            list(layout.used),
            list(layout.ignored),
        )
    finally:
        reader.close()


def import_file(
    db: Database,
    path: str | os.PathLike,
    *,
    store: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    update_only: bool = False,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportSummary:
    """Import (or preview) a product file as one batch; ``ImportRefused`` carries the summary of a refusal."""
    return csvio.import_file(
        db,
        path,
        store=store,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        update_only=update_only,
        progress=progress,
        cancelled=cancelled,
    )


def export_file(
    db: Database,
    path: str | os.PathLike,
    *,
    format: str = STOREFRONT,
    progress: Callable[[float], None] | None = None,
) -> int:
    """Write every product and variant to ``path``; returns the number of rows written."""
    return csvio.export_file(db, Path(path), format=format, progress=progress)


def apply_grid(
    db: Database,
    changes: Sequence[GridChange],
    *,
    store: str | None = None,
    dry_run: bool = False,
    note: str | None = None,
) -> GridResult:
    """Apply (or preview) the grid's pending edits as one batch; ``GridRefused`` lists every rejection."""
    rows, item_of = [], {}
    fields_of = {c.item_id: set(c.values) for c in changes}
    for line, change in enumerate(sorted(changes, key=lambda c: c.item_id), start=1):
        cells = {
            name: ("none" if name == "eta_date" and text == "" else text, name)
            for name, text in change.values.items()
        }
        rows.append(csvio.RowInput(line, cells, pk=change.item_id, version=change.version))
        item_of[line] = change.item_id
    try:
        summary = csvio.apply_rows(db, rows, store=store, dry_run=dry_run, note=note)
    except ImportRefused as refused:
        rejections = [
            GridRejection(
                item_of.get(error.line, 0),
                error.column if error.column in fields_of.get(item_of.get(error.line), ()) else None,
                error.reason,
                stale=error.reason == csvio.STALE,
            )
            for error in refused.summary.rejected
        ]
        raise GridRefused(rejections) from None
    return GridResult(
        dry_run=dry_run,
        written=summary.written,
        batch=summary.batch,
        updated=summary.updated,
        changes=list(summary.changes or []),
        status_changes=list(summary.status_changes),
    )
