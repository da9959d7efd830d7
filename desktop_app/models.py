"""Plain records the services return: what a dialog, the command line or a test reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from desktop_app.errors import InventoryError
from desktop_app.times import local_iso

STATUS_FLAGS = ("unavailable", "back_order", "hidden", "show_quantity")
# How windows and messages name the fields a field change (history) records.
FIELD_TITLES = {
    "item_number": "Item number",
    "item_id": "ItemID",
    "name": "Name",
    "options": "Options",
    "discontinued": "Discontinued",
    "non_inventory": "Non-inventory",
    "min_qty": "Min",
    "max_qty": "Max",
    "multiple_qty": "Multiple",
    "eta_date": "ETA",
    "low_stock_qty": "Low stock",
    "low_stock_warning": "Low-stock warning",
    "barcode": "Barcode",
    "supplier": "Supplier",
    "reorder_to": "Reorder to",
}


# -- the rules every door shares: how a unit is named, its order limits, its option text -----------------------
def unit_label(item_number: str | None, item_id: int | None, name: str = "") -> str:
    """How messages and windows name a unit: its item number, else its ItemID as ``#12``, else its name."""
    if item_number:
        return item_number
    return f"#{item_id}" if item_id is not None else name


def min_above_max(min_qty: int | None, max_qty: int | None) -> bool:
    """The one order-limit check: a minimum above the maximum (a maximum of 0 means none)."""
    return bool(max_qty) and (min_qty or 0) > max_qty


def limits_problem(min_qty: int | None, max_qty: int | None) -> str | None:
    """The import's and the grid's words for ``min_above_max``; None when the limits agree."""
    if not min_above_max(min_qty, max_qty):
        return None
    return f"the minimum ({min_qty}) is above the maximum ({max_qty}); 0 = no maximum"


def parse_options(pairs: Sequence[str] | str | None) -> list[tuple[str, str]]:
    """``["Size=L", "Color=Blue"]`` or ``"Size=L;Color=Blue"`` → ``[("Size", "L"), ("Color", "Blue")]``."""
    if pairs is None:
        return []
    if isinstance(pairs, str):
        pairs = [p for p in pairs.split(";") if p.strip()]
    options: list[tuple[str, str]] = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InventoryError(f"Option '{pair}' is not of the form Name=Value (e.g. Size=L)")
        if any(n.lower() == name.strip().lower() for n, _ in options):
            raise InventoryError(f"Option '{name.strip()}' is given twice")
        options.append((name.strip(), value.strip()))
    return options


def format_options(options: Sequence[tuple[str, str]]) -> str:
    """Options as stored and written in files: ``Size=L;Color=Blue``."""
    return ";".join(f"{n}={v}" for n, v in options)


def options_text(stored: str | None) -> str:
    """Stored options as a window shows them: ``Size: L, Color: Blue`` ('' for none)."""
    return (stored or "").replace(";", ", ").replace("=", ": ")


def options_label(name: str, stored: str | None) -> str:
    """A variant's name with its options, ``Mug (Size: L)``; the name alone without options."""
    options = options_text(stored)
    return f"{name} ({options})" if options else name


@dataclass(frozen=True)
class Status:
    id: int
    name: str
    unavailable: bool = False
    back_order: bool = False
    hidden: bool = False
    show_quantity: bool = False
    ships_in: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "id"}


@dataclass(frozen=True)
class Store:
    id: int
    name: str
    track_inventory: bool
    remove_when: str
    default_in_stock: str
    default_out_of_stock: str
    default_back_order: str
    default_discontinued: str

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "id"}


@dataclass(frozen=True)
class Item:
    """A product or a variant, with its derived figures (SPEC section 1)."""

    id: int
    item_number: str | None
    item_id: int | None
    name: str
    status: str
    on_hand: int
    on_order: int
    committed: int
    discontinued: bool
    non_inventory: bool
    min_qty: int
    max_qty: int
    multiple_qty: int
    eta_date: dt.date | None
    low_stock_qty: int
    low_stock_warning: bool
    use_variant_inventory: bool
    parent: str | None = None
    parent_id: int | None = None
    options: str | None = None
    version: int = 1
    variants: tuple[Item, ...] = field(default=())
    barcode: str | None = None
    supplier: str | None = None
    reorder_to: int = 0

    @property
    def available(self) -> int:
        return self.on_hand + self.on_order

    @property
    def available_to_sell(self) -> int:
        return self.available - self.committed

    @property
    def is_unit(self) -> bool:
        return not self.use_variant_inventory

    @property
    def low_stock(self) -> bool:
        """Low stock, as the warning shows it: warnings on and on-hand at or below the threshold."""
        return self.low_stock_warning and self.on_hand <= self.low_stock_qty

    @property
    def label(self) -> str:
        """How messages name the item: its item number, else its ItemID, else its name."""
        return unit_label(self.item_number, self.item_id, self.name)

    def as_json(self) -> dict[str, Any]:
        out = {
            "item_number": self.item_number,
            "item_id": self.item_id,
            "name": self.name,
            "status": self.status,
            "on_hand": self.on_hand,
            "on_order": self.on_order,
            "committed": self.committed,
            "available": self.available,
            "available_to_sell": self.available_to_sell,
            "discontinued": self.discontinued,
            "non_inventory": self.non_inventory,
            "min_qty": self.min_qty,
            "max_qty": self.max_qty,
            "multiple_qty": self.multiple_qty,
            "eta_date": self.eta_date.isoformat() if self.eta_date else None,
            "low_stock_qty": self.low_stock_qty,
            "low_stock_warning": self.low_stock_warning,
            "barcode": self.barcode,
            "supplier": self.supplier,
            "reorder_to": self.reorder_to,
            "use_variant_inventory": self.use_variant_inventory,
            "parent": self.parent,
            "options": self.options,
            "version": self.version,
        }
        if self.use_variant_inventory:
            out["variants"] = [v.as_json() for v in self.variants]
        return out


@dataclass(frozen=True)
class OrderLine:
    id: int
    unit_id: int
    item_number: str | None
    quantity: int
    removed: int
    restored: int
    returned: int

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k not in ("id", "unit_id")}


@dataclass(frozen=True)
class Order:
    id: int
    store: str
    state: str
    paid: bool
    placed_at: dt.datetime
    lines: tuple[OrderLine, ...]
    name: str | None = None  # the storefront's order name (#1001) of an imported order
    source: str | None = None  # where it came from: "storefront", or None when placed in the editor

    @property
    def is_open(self) -> bool:
        return self.state in ("placed", "paid")

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "store": self.store,
            "state": self.state,
            "paid": self.paid,
            "placed_at": local_iso(self.placed_at),
            "lines": [line.as_json() for line in self.lines],
            "name": self.name,
            "source": self.source,
        }


@dataclass(frozen=True)
class HistoryEntry:
    """One movement, status change or field change, with what caused it.

    ``from_status`` and ``to_status`` hold the old and new status names, or for a field change (kind "field")
    the field's old and new values as text (``None`` where the field was empty).
    """

    kind: str  # "movement", "status" or "field"
    item_number: str | None
    quantity: str | None
    delta: int | None
    after: int | None
    from_status: str | None
    to_status: str | None
    rule: str | None
    cause: str
    store: str | None
    order: int | None
    batch: int
    who: str
    at: dt.datetime | None
    note: str | None = None
    field: str | None = None  # the field a "field" entry changed, e.g. "max_qty"

    def describe_field(self) -> str:
        """A field change as one line, e.g. "Max 24 → 0" (an empty value shows as "none")."""
        title = FIELD_TITLES.get(self.field or "", self.field or "")
        return f"{title} {self.from_status or 'none'} → {self.to_status or 'none'}"

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "field": self.field,
            "item_number": self.item_number,
            "quantity": self.quantity,
            "delta": self.delta,
            "after": self.after,
            "from": self.from_status,
            "to": self.to_status,
            "rule": self.rule,
            "cause": self.cause,
            "store": self.store,
            "order": self.order,
            "batch": self.batch,
            "who": self.who,
            "at": local_iso(self.at),
        }


@dataclass
class StatusChangeReport:
    """A status change made (or, in a dry run, that would be made) by a mass change or an order."""

    unit_id: int
    item_number: str | None
    from_status: str
    to_status: str
    rule: str

    def as_json(self) -> dict[str, Any]:
        return {
            "item_number": self.item_number,
            "from": self.from_status,
            "to": self.to_status,
            "rule": self.rule,
        }
