"""What a stock count is made of, as the windows and the command line see it (SPEC section 7)."""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass, field

from desktop_app.count_lookup import Candidate
from desktop_app.csvio.values import quote_text
from desktop_app.errors import InventoryError
from desktop_app.models import StatusChangeReport
from desktop_app.times import local_iso


@dataclass(frozen=True)
class CountLine:
    unit_id: int
    item_number: str | None
    label: str
    name: str
    barcode: str | None
    expected: int
    counted: int
    on_hand: int  # now
    changed_at: dt.datetime | None = None

    @property
    def difference(self) -> int:
        return self.counted - self.expected

    def as_json(self) -> dict:
        return {
            "item_number": self.item_number,
            "expected": self.expected,
            "counted": self.counted,
            "difference": self.difference,
        }


@dataclass(frozen=True)
class Unresolved:
    """A scan no unit took yet: its code, quantity and why."""

    id: int
    code: str
    quantity: int
    reason: str
    at: dt.datetime

    def as_json(self) -> dict:
        return {"id": self.id, "code": self.code, "quantity": self.quantity, "reason": self.reason}


@dataclass(frozen=True)
class StockCount:
    id: int
    store: str | None
    state: str
    started_at: dt.datetime
    started_by: str
    closed_at: dt.datetime | None
    batch: int | None
    lines: list[CountLine] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Count {self.id}" + (f" ({self.store})" if self.store else " (no store)")

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "store": self.store,
            "state": self.state,
            "started_at": local_iso(self.started_at),
            "started_by": self.started_by,
            "batch": self.batch,
            "lines": [line.as_json() for line in self.lines],
            "unresolved": [u.as_json() for u in self.unresolved],
        }


@dataclass
class CountPost:
    """What a post did (or, as a preview, would do)."""

    count_id: int
    batch: int | None
    changed: int
    status_changes: list[StatusChangeReport]
    # Per unit with a difference: (label, on hand before, on hand after, status before, status after)
    changes: list[tuple[str, int, int, str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_json(self) -> dict:
        return {
            "batch": self.batch,
            "changed": self.changed,
            "status_changes": [c.as_json() for c in self.status_changes],
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class ScanOutcome:
    """One scan in the editor: the line it changed, or why it went to the unresolved list."""

    code: str
    quantity: int
    line: CountLine | None = None
    problem: str | None = None
    candidates: tuple[Candidate, ...] = ()
    unresolved_id: int | None = None


def write_count_csv(count: StockCount, path: str | os.PathLike) -> int:
    """A count's lines (and its unresolved scans) as CSV, text cells guarded as the product export does."""
    try:
        with open(path, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["ItemNumber", "Name", "Barcode", "Expected", "Counted", "Difference", "OnHandNow"])
            for line in count.lines:
                out.writerow(
                    [
                        quote_text(line.label),
                        quote_text(line.name),
                        quote_text(line.barcode),
                        line.expected,
                        line.counted,
                        line.difference,
                        line.on_hand,
                    ]
                )
            for kept in count.unresolved:
                out.writerow(
                    [
                        "",
                        quote_text(f"unresolved scan: {kept.reason}"),
                        quote_text(kept.code),
                        "",
                        kept.quantity,
                        "",
                        "",
                    ]
                )
    except OSError as exc:
        raise InventoryError(f"Cannot write {path}: {exc.strerror or exc}") from None
    return len(count.lines) + len(count.unresolved)
