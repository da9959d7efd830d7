"""Product import (SPEC section 5): one file is one batch and one transaction.

Rows stream through in chunks; each chunk is looked up with one query per key kind, checked cell by cell,
and written set-wise (one statement per kind of change) through the ledger. Any invalid row, a dry run or a
cancel rolls the whole transaction back, so what a preview reports is exactly what applying then does.

This module holds the entry points (``import_file``, ``apply_rows``, ``inspect_file``); the rest of the
package: ``summary`` (what an import reports), ``cells`` (a row's values and their limits), ``job`` (one
import's transaction), ``bulk`` (the set-based path) and ``rowwise`` (the row-by-row path). The names other
code imports from here stay importable from here.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

from sqlalchemy import Connection

from desktop_app.csvio.bulk import SIMPLE_FIELDS, RawChunk
from desktop_app.csvio.cells import BOOL_FIELDS, INT_MAXIMUM, INT_MINIMUM, PLAIN_FIELDS, TEXT_FIELDS
from desktop_app.csvio.collector import collector_held_back
from desktop_app.csvio.formats import STOREFRONT, Layout, RowInput, detect_layout, rows_for
from desktop_app.csvio.job import CHECK_IN_ROWS, ImportJob
from desktop_app.csvio.reader import SheetError, SheetReader
from desktop_app.csvio.summary import (
    MAX_LISTED_ERRORS,
    STALE,
    ImportCancelled,
    ImportRefused,
    ImportSummary,
    RowError,
)
from desktop_app.db import Database

__all__ = [
    "BOOL_FIELDS",
    "CHECK_IN_ROWS",
    "CHUNK_ROWS",
    "INT_MAXIMUM",
    "INT_MINIMUM",
    "MAX_LISTED_ERRORS",
    "PLAIN_FIELDS",
    "STALE",
    "TEXT_FIELDS",
    "ImportCancelled",
    "ImportRefused",
    "ImportSummary",
    "RowError",
    "apply_rows",
    "drive",
    "file_chunks",
    "import_file",
    "inspect_file",
]

CHUNK_ROWS = 20000


class _Rollback(Exception):
    def __init__(self, summary: ImportSummary, *, refused: bool = False) -> None:
        super().__init__("rollback")
        self.summary = summary
        self.refused = refused  # the file cannot be read to its end: refused even with --skip-invalid


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

    def rows(summary: ImportSummary) -> Iterator[tuple[list[RowInput] | RawChunk, float]]:
        return file_chunks(path, summary, set_based=set_based)

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


def file_chunks(
    path: str | os.PathLike, summary: ImportSummary, *, set_based: bool = True
) -> Iterator[tuple[list[RowInput] | RawChunk, float]]:
    """A file's rows in chunks, each with how far through the file it ends; fills in the summary's format."""
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


def drive(
    job: ImportJob,
    chunks: Iterator[tuple[list[RowInput] | RawChunk, float]],
    *,
    progress: Callable[[float], None] | None,
    cancelled: Callable[[], bool] | None,
) -> None:
    """Take every chunk through ``job`` with progress and Cancel; a file that cannot be read to its end is
    ``ImportRefused`` (its summary listing why) and Cancel is ``ImportCancelled``. Then ``job.finish()``."""
    summary = job.summary
    started = 0.0  # the progress when the current chunk began
    done = 0.0

    def check_in(rows_done: int, rows: int) -> None:
        # Every few hundred rows of the row-by-row path: a chunk of new items takes long enough that a
        # person would see a frozen bar and a Cancel that does not answer.
        if cancelled and cancelled():
            raise ImportCancelled("The import was cancelled; nothing was changed.")
        if progress:
            progress(started + (done - started) * rows_done / max(1, rows))

    job.check_in = check_in
    try:
        for chunk, done in chunks:
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
        raise ImportRefused(summary) from None  # the file cannot be read to its end: even with --skip-invalid
    job.finish()
    summary.cap_rejected()


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
    chunks: Callable[[ImportSummary], Iterator[tuple[list[RowInput] | RawChunk, float]]],
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
        job = ImportJob(
            conn,
            db.who,
            summary,
            store=store,
            update_only=update_only,
            cause=cause,
            note=note,
            set_based=set_based,
        )
        drive(job, chunks(summary), progress=progress, cancelled=cancelled)
        if dry_run or (summary.rejected and not skip_invalid):
            raise _Rollback(summary)
        summary.written = True
        return summary

    try:
        with collector_held_back():  # the chunks' rows would set the collector walking the whole heap
            return db.write(run)
    except _Rollback as rollback:
        summary = rollback.summary
        summary.batch = None
        if rollback.refused or (summary.rejected and not skip_invalid):
            raise ImportRefused(summary) from None
        return summary


def _chunks(rows: Iterable[RowInput], size: int) -> Iterator[list[RowInput]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk
