"""What the purchasing service hands out: purchase orders, their lines, units to add, reorder suggestions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

PO_STATES = ("draft", "ordered", "received", "closed", "cancelled")
TERMINAL_STATES = ("received", "closed", "cancelled")


def money_text(cents: int | None) -> str:
    """Whole cents as a plain decimal (``1234`` → ``12.34``); empty for none."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


@dataclass(frozen=True)
class PoLine:
    unit_id: int
    item_number: str | None
    label: str
    name: str
    barcode: str | None
    quantity: int
    received: int
    outstanding: int
    unit_cost_cents: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "item_number": self.item_number if self.item_number is not None else self.label,
            "name": self.name,
            "quantity": self.quantity,
            "received": self.received,
            "outstanding": self.outstanding,
            "unit_cost": money_text(self.unit_cost_cents) or None,
        }


@dataclass(frozen=True)
class PurchaseOrder:
    id: int
    supplier: str
    store: str | None
    state: str
    expected: dt.date | None
    created_at: dt.datetime
    ordered_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    who: str = ""
    lines: tuple[PoLine, ...] = field(default=())
    version: int = 0  # one more with every change: the editor saves a draft only over the one it opened

    @property
    def title(self) -> str:
        return f"PO {self.id} ({self.supplier})"

    @property
    def outstanding(self) -> int:
        return sum(line.outstanding for line in self.lines)

    @property
    def total_cents(self) -> int | None:
        costs = [
            line.quantity * line.unit_cost_cents for line in self.lines if line.unit_cost_cents is not None
        ]
        return sum(costs) if costs else None

    def line_for(self, unit_id: int) -> PoLine | None:
        return next((line for line in self.lines if line.unit_id == unit_id), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "supplier": self.supplier,
            "store": self.store,
            "state": self.state,
            "expected": self.expected.isoformat() if self.expected else None,
            "lines": [line.as_json() for line in self.lines],
        }


@dataclass(frozen=True)
class PoSummary:
    """One row of the purchase orders list."""

    id: int
    supplier: str
    store: str | None
    state: str
    expected: dt.date | None
    created_at: dt.datetime
    lines: int
    quantity: int
    outstanding: int


@dataclass(frozen=True)
class UnitChoice:
    """A stock unit a PO line may name (what a search or a scan finds)."""

    unit_id: int
    item_number: str | None
    label: str
    name: str
    barcode: str | None
    supplier: str | None
    on_hand: int
    on_order: int


@dataclass(frozen=True)
class Suggestion:
    """A tracked unit whose projected stock is at or below its reorder point (SPEC section 8)."""

    unit_id: int
    item_number: str | None
    label: str
    name: str
    supplier: str | None
    on_hand: int
    on_order: int
    committed: int
    low_stock_qty: int
    reorder_to: int

    @property
    def projected(self) -> int:
        return self.on_hand + self.on_order - self.committed

    @property
    def suggested(self) -> int:
        return self.reorder_to - self.projected

    def as_json(self) -> dict[str, Any]:
        return {
            "item_number": self.item_number if self.item_number is not None else self.label,
            "supplier": self.supplier,
            "projected": self.projected,
            "suggested": self.suggested,
            "on_hand": self.on_hand,
            "on_order": self.on_order,
            "committed": self.committed,
            "low_stock_qty": self.low_stock_qty,
            "reorder_to": self.reorder_to,
        }
