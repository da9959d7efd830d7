"""One import inside its transaction: chunks of rows go set-based where they can, the rest row by row.

``ImportJob`` holds what both paths share (the ledger, the statuses by name, which line claimed which item,
the summary); ``BulkStage`` (bulk.py) and ``RowByRow`` (rowwise.py) do the work.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from desktop_app.csvio.bulk import BulkStage, RawChunk, is_structurally_simple
from desktop_app.csvio.cells import parse_cells
from desktop_app.csvio.claims import Claims
from desktop_app.csvio.formats import RowInput
from desktop_app.csvio.rowwise import RowByRow
from desktop_app.csvio.summary import ImportSummary, RowError, RowRefused
from desktop_app.ledger import Ledger
from desktop_app.settings import get_store_row
from desktop_app.status_log import StatusChangeLog

CHECK_IN_ROWS = 250  # the row-by-row path reports progress and looks for Cancel this often


class ImportJob:
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
        self.ledger.status_changes = StatusChangeLog()  # a third of a million changes: no object each
        self.status_ids = {s.name.lower(): s.id for s in self.ledger.statuses.values()}
        self.seen = Claims(conn)  # which line claimed each item: duplicates are errors
        self.bulk = BulkStage(self) if set_based else None
        self.rows = RowByRow(self)
        self.check_in: Callable[[int, int], None] | None = None  # set by the run: progress and Cancel

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
                        values = parse_cells(row)
                    except RowRefused as refused:
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
        """The row-by-row path, with progress and Cancel every few hundred rows."""
        self.rows.prefetch(general)
        for n, row in enumerate(general):
            if n % CHECK_IN_ROWS == CHECK_IN_ROWS - 1 and self.check_in is not None:
                self.check_in(n, len(general))
            if not row.implied:
                self.summary.rows += 1
            try:
                outcome = self.rows.apply(row)
            except RowRefused as refused:
                self.summary.rejected.extend(refused.errors)
                continue
            if not row.implied:
                setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
        self.rows.flush()

    def error(self, line: int, column: str, reason: str) -> RowError:
        return RowError(line, column, reason)

    def finish(self) -> None:
        self.rows.flush()
        self.summary.rejected.sort(key=lambda e: e.line)  # the set-based path reports its rows last
        self.summary.status_changes = self.ledger.status_changes
        self.summary.batch = self.ledger.event_id
