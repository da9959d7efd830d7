"""What an import reports: each refused cell (``RowError``), the summary of a file, and the refusals.

A leaf of the import package: every other module of it may import this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.errors import InventoryError

MAX_LISTED_ERRORS = 1000  # a file of a million bad rows lists the first thousand and counts the rest
# A grid row whose item changed after the grid loaded it: a conflict, never an overwrite.
STALE = "changed by someone else since you loaded it; reload and choose which values to keep"


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


class RowRefused(Exception):
    """A row the import refuses, with every reason (one per cell)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("row refused")
        self.errors = errors
