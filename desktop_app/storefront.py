"""Orders from the storefront (SPEC section 9): its orders export becomes the order events of section 3.

An order is keyed by its storefront ``Name`` within the store. What the export says of it (paid, fulfilled,
cancelled) is compared with what the editor already holds, and only what happened since is applied, through
the order events of ``desktop_app.orders`` (which write stock only through the ledger): so importing a file
twice changes nothing, and an order never goes back. One file is one transaction: an invalid order refuses the
whole file unless invalid orders are skipped; a dry run does everything and rolls back, so its report is
exactly what the import then does.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, select

from desktop_app.errors import InventoryError
from desktop_app.models import StatusChangeReport
from desktop_app.schema import events, items, movements, status_changes
from desktop_app.schema import orders as orders_table
from desktop_app.settings import get_store_row
from desktop_app.storefront_apply import CHUNK_ORDERS, SetwiseEvents
from desktop_app.storefront_export import (
    MAX_LISTED,
    ExportOrder,
    LineProblem,
    ParsedExport,
    is_orders_header,
    read_export,
)

if TYPE_CHECKING:
    from desktop_app.service import Inventory

CHECK_EVERY = 200  # orders between looks at Cancel and reports of progress
_CHUNK = 900  # names or ids per IN (...) (SQLite's variable limit)


@dataclass
class OrdersImportSummary:
    """What an orders import did (or, in a dry run, would do)."""

    file: str
    store: str
    encoding: str | None = None
    delimiter: str | None = None
    line_items: int = 0
    orders: int = 0
    placed: int = 0
    paid: int = 0
    shipped: int = 0
    cancelled: int = 0
    unchanged: int = 0
    oversold: list[str] = field(default_factory=list)
    skipped_lines: list[dict] = field(default_factory=list)
    rejected: list[LineProblem] = field(default_factory=list)
    more_rejected: int = 0
    invalid_orders: list[str] = field(default_factory=list)
    # Shipped orders the storefront shows cancelled: reported, left shipped (SPEC section 9).
    not_cancelled: list[str] = field(default_factory=list)
    status_changes: list[StatusChangeReport] = field(default_factory=list)
    # Per order with something to apply: {"order": name, "new": bool, "events": ["placed", "paid", ...]}.
    events: list[dict] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    def reset(self) -> None:
        self.placed = self.paid = self.shipped = self.cancelled = self.unchanged = 0
        self.oversold, self.not_cancelled, self.status_changes, self.events = [], [], [], []

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "store": self.store,
            "line_items": self.line_items,
            "orders": self.orders,
            "placed": self.placed,
            "paid": self.paid,
            "shipped": self.shipped,
            "cancelled": self.cancelled,
            "unchanged": self.unchanged,
            "oversold": self.oversold,
            "skipped_lines": [{"line": s["line"], "reason": s["reason"]} for s in self.skipped_lines],
            "rejected": [p.as_json() for p in self.rejected],
            "more_rejected": self.more_rejected,
            "invalid_orders": self.invalid_orders,
            "not_cancelled": self.not_cancelled,
            "status_changes": [c.as_json() for c in self.status_changes],
            "events": self.events,
            "dry_run": self.dry_run,
            "written": self.written,
        }


class OrdersImportRefused(InventoryError):
    """An export with invalid orders (or one that cannot be read to its end): nothing was written."""

    def __init__(self, summary: OrdersImportSummary) -> None:
        count = len(summary.rejected) + summary.more_rejected
        more = [f"… and {summary.more_rejected:,} more errors"] if summary.more_rejected else []
        super().__init__(
            f"{summary.file}: {count:,} {'error' if count == 1 else 'errors'} in "
            f"{len(summary.invalid_orders):,} {'order' if len(summary.invalid_orders) == 1 else 'orders'}; "
            "nothing was imported (skip invalid orders to import the others).",
            details=[str(p) for p in summary.rejected] + more,
        )
        self.summary = summary


class _Rollback(Exception):
    def __init__(self, summary: OrdersImportSummary) -> None:
        super().__init__("rollback")
        self.summary = summary


@dataclass(frozen=True)
class ExportInfo:
    """What the import wizard shows of a recognised orders export before anything is read further."""

    encoding: str | None
    delimiter: str | None
    columns: int


class Storefront:
    """The storefront's orders, imported from its orders export; exposed as ``Inventory.storefront``."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory

    def recognise(self, path: str | os.PathLike) -> ExportInfo | None:
        """The export's encoding and delimiter if ``path`` is an orders export (by its header), else None."""
        from desktop_app.csvio.reader import SheetReader

        try:
            reader = SheetReader(path)
        except InventoryError:
            return None
        try:
            if not is_orders_header(reader.header):
                return None
            return ExportInfo(reader.encoding, reader.delimiter, len(reader.header))
        finally:
            reader.close()

    def import_orders(
        self,
        path: str | os.PathLike,
        *,
        store: str,
        dry_run: bool = False,
        skip_invalid: bool = False,
        progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> OrdersImportSummary:
        """Import an orders export into ``store``; ``OrdersImportRefused`` (nothing written) if an order is
        invalid and ``skip_invalid`` is off. ``progress`` gets 0..1; ``cancelled`` stops and rolls back."""
        summary = OrdersImportSummary(file=Path(path).name, store=store, dry_run=dry_run)
        reading = (lambda f: progress(f * 0.4)) if progress else None
        parsed = read_export(path, progress=reading, cancelled=cancelled)
        summary.encoding, summary.delimiter, summary.line_items = parsed.encoding, parsed.delimiter, parsed.line_items
        summary.skipped_lines = parsed.skipped_lines
        summary.orders = sum(1 for name in parsed.orders if name)
        inventory = self.inventory

        def run(conn: Connection) -> OrdersImportSummary:
            summary.reset()  # a transaction retried after a lost race starts its counts again
            job = _Import(conn, inventory.who, summary, parsed, store, progress, cancelled)
            job.check()
            if summary.rejected and not skip_invalid:
                raise _Rollback(summary)
            job.apply()
            if dry_run:
                raise _Rollback(summary)
            summary.written = True
            return summary

        try:
            return inventory._write(run)
        except _Rollback:
            summary.written = False
            if summary.rejected and not skip_invalid:
                raise OrdersImportRefused(summary) from None
            return summary


class _Import:
    def __init__(
        self,
        conn: Connection,
        who: str,
        summary: OrdersImportSummary,
        parsed: ParsedExport,
        store: str,
        progress: Callable[[float], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.conn, self.who, self.summary, self.parsed = conn, who, summary, parsed
        self.store = get_store_row(conn, store)
        self.progress, self.cancelled = progress, cancelled
        self.existing: dict[str, tuple[int, str, bool]] = {}
        self.valid: list[ExportOrder] = []

    # -- checking ---------------------------------------------------------------------------------
    def check(self) -> None:
        """Look up the orders the store already holds and the SKUs of new ones; mark invalid orders."""
        conn, parsed = self.conn, self.parsed
        names = [n for n in parsed.orders if n]
        for chunk in _chunks(names):
            rows = conn.execute(
                select(orders_table.c.name, orders_table.c.id, orders_table.c.state, orders_table.c.paid).where(
                    orders_table.c.store_id == self.store.id, orders_table.c.name.in_(chunk)
                )
            )
            self.existing.update({r.name: (r.id, r.state, bool(r.paid)) for r in rows})
        # SKUs matter only for orders new to the store: an order already imported keeps its lines.
        new = [o for o in parsed.orders.values() if o.name not in self.existing]
        skus = sorted({sku for o in new for sku, _, _ in o.lines})
        units: dict[str, bool] = {}
        for chunk in _chunks(skus):
            rows = conn.execute(
                select(items.c.item_number, items.c.use_variant_inventory).where(items.c.item_number.in_(chunk))
            )
            units.update({r.item_number: bool(r.use_variant_inventory) for r in rows})
        for order in new:
            for sku, _qty, line in order.lines:
                if sku not in units:
                    order.problems.append(LineProblem(line, "Lineitem sku", f"there is no item '{sku}'"))
                elif units[sku]:
                    order.problems.append(
                        LineProblem(line, "Lineitem sku", f"{sku} is sold by variant; the line must name a variant")
                    )
        problems = sorted((p for o in parsed.orders.values() for p in o.problems), key=lambda p: p.line)
        self.summary.rejected = problems[:MAX_LISTED]
        self.summary.more_rejected = max(0, len(problems) - MAX_LISTED)
        self.summary.invalid_orders = [o.name or "(no name)" for o in parsed.orders.values() if o.problems]
        self.valid = sorted(
            (o for o in parsed.orders.values() if not o.problems),
            key=lambda o: (o.created_at or dt.datetime.min.replace(tzinfo=dt.UTC), o.line),
        )

    # -- applying ---------------------------------------------------------------------------------
    def apply(self) -> None:
        """Apply each valid order's new events, oldest first, set-wise per chunk (``storefront_apply``); then
        report statuses and oversold orders."""
        conn, summary = self.conn, self.summary
        first_event = conn.execute(select(func.max(events.c.id))).scalar() or 0
        touched: dict[int, str] = {}
        total = max(1, len(self.valid))
        setwise = SetwiseEvents(conn, self.who, self.store.id)
        for start in range(0, len(self.valid), CHUNK_ORDERS):
            chunk = self.valid[start : start + CHUNK_ORDERS]
            setwise.begin(chunk, self.existing)
            applied = []
            for done, order in enumerate(chunk, start):
                if not done % CHECK_EVERY:
                    if self.cancelled is not None and self.cancelled():
                        raise InventoryError("The import was cancelled; nothing was changed.")
                    if self.progress is not None:
                        self.progress(0.4 + 0.55 * done / total)
                known = self.existing.get(order.name)
                record = self._new(setwise, order) if known is None else self._known(setwise, order, known[0])
                if record is not None:
                    applied.append((record, order.name, known is None))
                else:
                    summary.unchanged += 1
            ids = setwise.write()
            for (key, steps), name, new in applied:
                touched[ids.get(key, key)] = name
                summary.events.append({"order": name, "new": new, "events": steps})
        self._report(first_event, touched)
        if self.progress is not None:
            self.progress(1.0)

    def _new(self, setwise: SetwiseEvents, order: ExportOrder) -> tuple[int, list[str]] | None:
        if not order.lines:  # only lines without a SKU: nothing of it is stock
            return None
        summary = self.summary
        at = order.created_at or dt.datetime.now(dt.UTC)
        summary.placed += 1
        if order.cancelled and not order.shipped:
            # Cancelled before it reached us: recorded as cancelled; it never removed or committed anything.
            record = setwise.place(order, at, cancelled=True)
            summary.cancelled += 1
            return record.key, ["placed", "cancelled"]
        record = setwise.place(order, at, cancelled=False)
        return record.key, ["placed", *self._progressed(setwise, order, record)]

    def _known(self, setwise: SetwiseEvents, order: ExportOrder, order_id: int) -> tuple[int, list[str]] | None:
        record = setwise.known(order_id)
        if record.state in ("cancelled", "deleted"):
            return None  # over: an order never goes back (a deleted one is not brought back either)
        steps = self._progressed(setwise, order, record)
        return (order_id, steps) if steps else None

    def _progressed(self, setwise: SetwiseEvents, order: ExportOrder, record) -> list[str]:
        """Apply what the export says happened since (paid, shipped, cancelled); never go back."""
        summary = self.summary
        steps: list[str] = []
        shipped = record.state in ("shipped", "returned")
        if order.paid and not record.paid:
            setwise.pay(record)
            summary.paid += 1
            steps.append("paid")
        if order.shipped and not shipped:
            setwise.ship(record)
            summary.shipped += 1
            steps.append("shipped")
            shipped = True
        if order.cancelled:
            if shipped:
                if order.name not in summary.not_cancelled:
                    summary.not_cancelled.append(order.name)
            else:
                setwise.cancel(record)
                summary.cancelled += 1
                steps.append("cancelled")
        return steps

    # -- reporting --------------------------------------------------------------------------------
    def _report(self, first_event: int, touched: dict[int, str]) -> None:
        """Status changes the import's order events made, and the orders whose removal went below 0."""
        conn, summary = self.conn, self.summary
        oversold: set[int] = set()
        changes: list[tuple] = []
        for chunk in _chunks(sorted(touched)):
            ours = (events.c.id > first_event) & events.c.order_id.in_(chunk)
            oversold.update(
                conn.execute(
                    select(events.c.order_id)
                    .join(movements, movements.c.event_id == events.c.id)
                    .where(ours, movements.c.quantity == "on_hand", movements.c.delta < 0, movements.c.after < 0)
                    .distinct()
                ).scalars()
            )
            changes += conn.execute(
                select(
                    status_changes.c.id,
                    status_changes.c.unit_id,
                    items.c.item_number,
                    status_changes.c.from_status,
                    status_changes.c.to_status,
                    status_changes.c.rule,
                )
                .join(events, events.c.id == status_changes.c.event_id)
                .join(items, items.c.id == status_changes.c.unit_id)
                .where(ours)
            ).all()
        summary.oversold = [touched[i] for i in touched if i in oversold]
        summary.status_changes = [
            StatusChangeReport(r.unit_id, r.item_number, r.from_status, r.to_status, r.rule)
            for r in sorted(changes, key=lambda r: r.id)
        ]


def _chunks(values: Iterable) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]
