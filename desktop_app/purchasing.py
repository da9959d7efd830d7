"""``Purchasing``: purchase orders, receiving and reorder suggestions (SPEC section 8), as a service object.

Exposed as ``Inventory.purchasing``; the windows and the command line call only this. Each method is one
transaction; a refused operation raises ``InventoryError`` naming the PO, the line and the reason, and
changes nothing.

"Tracked" for a reorder suggestion (SPEC 8 leaves a unit without a store open): a stock unit (a product
without variant inventory, or a variant) that is not ``non_inventory``; no store's settings are consulted.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, select

from desktop_app import purchasing_events as events
from desktop_app import purchasing_read as read
from desktop_app.models import StatusChangeReport
from desktop_app.purchasing_models import PoSummary, PurchaseOrder, Suggestion, UnitChoice, money_text
from desktop_app.schema import items

if TYPE_CHECKING:
    from desktop_app.service import Inventory


def reorder_suggestions(conn: Connection) -> list[Suggestion]:
    """Tracked units with reorder_to > 0 whose projected stock is at or below their reorder point."""
    projected = items.c.on_hand + items.c.on_order - items.c.committed
    rows = conn.execute(
        select(
            items.c.id,
            items.c.item_number,
            items.c.item_id,
            items.c.name,
            items.c.supplier,
            items.c.on_hand,
            items.c.on_order,
            items.c.committed,
            items.c.low_stock_qty,
            items.c.reorder_to,
        )
        .where(
            items.c.use_variant_inventory.is_(False),
            items.c.non_inventory.is_(False),
            items.c.reorder_to > 0,
            projected <= func.coalesce(items.c.low_stock_qty, 0),
            items.c.reorder_to - projected >= 1,
        )
        .order_by(
            func.lower(func.coalesce(items.c.supplier, "\uffff")), func.lower(items.c.item_number), items.c.id
        )
    )
    return [
        Suggestion(
            unit_id=r.id,
            item_number=r.item_number,
            label=read.label(r.item_number, r.item_id, r.name),
            name=r.name,
            supplier=r.supplier,
            on_hand=r.on_hand,
            on_order=r.on_order,
            committed=r.committed,
            low_stock_qty=r.low_stock_qty or 0,
            reorder_to=r.reorder_to,
        )
        for r in rows
    ]


class Purchasing:
    """Purchase orders of one inventory database."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory

    @property
    def _db(self):
        return self.inventory.db

    def _write(self, fn):
        return self.inventory._write(fn)

    # -- reading ------------------------------------------------------------------------------------
    def get(self, po_id: int) -> PurchaseOrder:
        return self._db.read(lambda c: read.get_po(c, po_id))

    def list(
        self, *, states: Sequence[str] | None = None, supplier: str | None = None, limit: int = 1000
    ) -> list[PoSummary]:
        return self._db.read(lambda c: read.list_pos(c, states=states, supplier=supplier, limit=limit))

    def suppliers(self) -> list[str]:
        return self._db.read(read.suppliers)

    def lookup(self, code: str) -> UnitChoice:
        """The stock unit a scanned barcode or typed item number names (refused when it names several)."""
        return self._db.read(lambda c: read.lookup(c, code))

    def search(self, text: str, *, limit: int = 50) -> list[UnitChoice]:
        return self._db.read(lambda c: read.search_units(c, text, limit=limit))

    def suggestions(self) -> list[Suggestion]:
        return self._db.read(reorder_suggestions)

    # -- drafts -------------------------------------------------------------------------------------
    def create(
        self,
        supplier: str,
        lines: Iterable[tuple] = (),
        *,
        store: str | None = None,
        expected: dt.date | str | None = None,
    ) -> int:
        """A new draft PO: lines are ``(ITEM or unit id, quantity[, unit cost in cents])``; returns its id."""
        lines = list(lines)
        return self._write(
            lambda c: events.create_po(
                c, self.inventory.who, supplier=supplier, lines=lines, store=store, expected=expected
            )
        )

    def update_draft(
        self,
        po_id: int,
        *,
        supplier: str,
        store: str | None,
        expected: dt.date | str | None,
        lines: Iterable[tuple],
        version: int | None = None,
    ) -> PurchaseOrder:
        """Replace a draft; with ``version`` (the one it was opened at) a save over a newer one is refused."""
        lines = list(lines)

        def run(conn: Connection) -> PurchaseOrder:
            events.update_draft(
                conn, po_id, supplier=supplier, store=store, expected=expected, lines=lines, version=version
            )
            return read.get_po(conn, po_id)

        return self._write(run)

    def create_from_suggestions(self, chosen: Iterable[tuple[int, int]] | None = None) -> list[int]:
        """Draft POs, one per supplier, from ``(unit id, quantity)`` (default: the current suggestions).

        Units with no supplier get no PO; a quantity below 1 leaves its unit out.
        """

        def run(conn: Connection) -> list[int]:
            wanted = (
                [(s.unit_id, s.suggested) for s in reorder_suggestions(conn)]
                if chosen is None
                else list(chosen)
            )
            ids = [uid for uid, qty in wanted if qty >= 1]
            supplier_of = {}
            for start in range(0, len(ids), 900):
                supplier_of.update(
                    conn.execute(
                        select(items.c.id, items.c.supplier).where(items.c.id.in_(ids[start : start + 900]))
                    ).all()
                )
            # One PO per supplier, whatever the case of its name on each item (the first spelling names it).
            by_supplier: dict[str, tuple[str, list[tuple[int, int]]]] = {}
            for uid, qty in wanted:
                name = (supplier_of.get(uid) or "").strip()
                if qty >= 1 and name:
                    by_supplier.setdefault(name.lower(), (name, []))[1].append((uid, qty))
            return [
                events.create_po(conn, self.inventory.who, supplier=name, lines=lines)
                for _, (name, lines) in sorted(by_supplier.items())
            ]

        return self._write(run)

    # -- events -------------------------------------------------------------------------------------
    def order(self, po_id: int, *, version: int | None = None) -> PurchaseOrder:
        """Draft → ordered: each line's quantity goes on order (cause ``po ordered``).

        With ``version`` (the one the editor shows), a draft changed since is refused rather than ordered unseen.
        """
        return self._event(lambda c: events.order_po(c, self.inventory.who, po_id, version), po_id)[0]

    def receive(
        self, po_id: int, quantities: Iterable[tuple[str | int, int]]
    ) -> tuple[PurchaseOrder, list[StatusChangeReport]]:
        """Receive ``(item number, barcode or unit id, N)`` pairs on an ordered PO, as one transaction."""
        quantities = list(quantities)
        return self._event(lambda c: events.receive(c, self.inventory.who, po_id, quantities), po_id)

    def close(self, po_id: int) -> PurchaseOrder:
        """Ordered → closed: the rest will not come; its outstanding quantities come off on order."""
        return self._event(lambda c: events.close_po(c, self.inventory.who, po_id), po_id)[0]

    def cancel(self, po_id: int) -> PurchaseOrder:
        """A PO with nothing received is cancelled; what it put on order comes off."""
        return self._event(lambda c: events.cancel_po(c, self.inventory.who, po_id), po_id)[0]

    def _event(self, fn, po_id: int) -> tuple[PurchaseOrder, list[StatusChangeReport]]:
        def run(conn: Connection):
            ledger = fn(conn)
            return read.get_po(conn, po_id), list(ledger.status_changes) if ledger else []

        return self._write(run)

    # -- export -------------------------------------------------------------------------------------
    def export_csv(self, po_id: int, path: str | os.PathLike) -> PurchaseOrder:
        """Write a PO as CSV: a header block (PO, supplier, store, state, expected) and one row per line."""
        po = self.get(po_id)
        try:
            with open(path, "w", newline="", encoding="utf-8") as f:
                write_po_csv(f, po)
        except OSError as exc:
            from desktop_app.db import explain

            raise explain(exc, os.fspath(path)) or events.InventoryError(str(exc)) from exc
        return po


def write_po_csv(f, po: PurchaseOrder) -> None:
    """The PO as CSV; every text cell gets the product export's formula guard (one leading apostrophe)."""
    from desktop_app.csvio.values import quote_text  # the one guard (imported here: the CLI starts faster)

    writer = csv.writer(f)
    writer.writerow(["PO", "Supplier", "Store", "State", "Expected"])
    writer.writerow(
        [po.id, quote_text(po.supplier), quote_text(po.store), po.state,
         po.expected.isoformat() if po.expected else ""]
    )
    writer.writerow([])
    writer.writerow(["Item number", "Name", "Barcode", "Quantity", "Received", "Outstanding", "Unit cost"])
    for line in po.lines:
        writer.writerow(
            [
                quote_text(line.label),
                quote_text(line.name),
                quote_text(line.barcode),
                line.quantity,
                line.received,
                line.outstanding,
                money_text(line.unit_cost_cents),
            ]
        )
