"""Files and grid batches for ``Inventory``: import, export, and the grid's pending edits applied as one batch.

The windows and the command line reach the import package only through these functions (called by the
``Inventory`` methods of the same names) and the types below. The grid's batch (``grid_batch.py``, re-exported
here) names its items by row id and gets its refusals back typed (item, field, reason, stale).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
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
from desktop_app.csvio.prepared import PreparedImport
from desktop_app.db import Database
from desktop_app.grid_batch import (  # noqa: F401  (re-exported: the grid's batch, for the service and windows)
    GRID_BOOLS,
    GridChange,
    GridRefused,
    GridRejection,
    GridResult,
    apply_grid,
    check_cell,
)

FORMAT_NAMES = {
    STOREFRONT: "Storefront product export (ItemID / ItemNumber columns)",
    SHOPIFY: "Shopify product CSV (Handle / Variant SKU columns)",
}


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


def prepare_import(
    db: Database,
    path: str | os.PathLike,
    *,
    store: str | None = None,
    skip_invalid: bool = False,
    update_only: bool = False,
) -> PreparedImport:
    """An import to preview (``preview``) and then apply from the preview's work (``apply``), or ``close``."""
    return PreparedImport(db, path, store=store, skip_invalid=skip_invalid, update_only=update_only)


def export_file(
    db: Database,
    path: str | os.PathLike,
    *,
    format: str = STOREFRONT,
    progress: Callable[[float], None] | None = None,
) -> int:
    """Write every product and variant to ``path``; returns the number of rows written."""
    return csvio.export_file(db, Path(path), format=format, progress=progress)
