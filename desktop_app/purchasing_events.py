"""Purchase orders on one connection: reading them, editing drafts, and the PO events of SPEC section 8.

Every change of stock goes through the ledger (cause ``po ordered``/``po received``/``po closed``/
``po cancelled``, the PO's store when it has one); the ETA of each unit a PO event touched is set again from
the ordered POs that still have some of it outstanding, and the ledger records that field change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, and_, select

from desktop_app.catalog import get_unit
from desktop_app.errors import Conflict, InventoryError, NotFound
from desktop_app.ledger import Ledger, Unit, lock_unit_ids
from desktop_app.purchasing_eta import expected_dates
from desktop_app.purchasing_models import TERMINAL_STATES, PoLine, PurchaseOrder
from desktop_app.purchasing_read import get_po
from desktop_app.purchasing_schema import po_lines, purchase_orders
from desktop_app.schema import items
from desktop_app.settings import get_store_row
from desktop_app.values import CellError, check_field_text

LINE_MAX = COUNT_LIMIT = 1_000_000_000


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- drafts -------------------------------------------------------------------------------------------
def parse_expected(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    if text.lower() in ("", "none"):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InventoryError(f"expected date: '{text[:40]}' is not a date (YYYY-MM-DD)") from None


def _supplier(text: str | None) -> str:
    name = (text or "").strip()
    if not name:
        raise InventoryError("supplier: a purchase order needs a supplier")
    try:
        return check_field_text("supplier", name)
    except CellError as exc:
        raise InventoryError(f"supplier: {exc}") from None


def _store_id(conn: Connection, store: str | None) -> int | None:
    return get_store_row(conn, store).id if store and store.strip() else None


def _unit_for(conn: Connection, ref: str | int) -> Unit:
    if isinstance(ref, int):
        found = lock_unit_ids(conn, [ref])
        if not found:
            raise NotFound(f"There is no item {ref}")
        return found[ref]
    return get_unit(conn, ref)


def resolve_lines(conn: Connection, lines: Iterable[tuple], *, what: str = "line") -> dict[int, list]:
    """``(ITEM or unit id, quantity[, unit cost in cents])`` → ``{unit id: [quantity, cost]}``, checked.

    A unit named twice gets one line with the quantities added up. Each problem names the line.
    """
    merged: dict[int, list] = {}
    problems = []
    for n, entry in enumerate(lines, start=1):
        ref, qty = entry[0], entry[1]
        cost = entry[2] if len(entry) > 2 else None
        try:
            unit = _unit_for(conn, ref)
            if unit.use_variant_inventory:
                raise InventoryError(f"{unit.label} uses variant inventory: order one of its variants")
            if not isinstance(qty, int) or qty < 1 or qty > LINE_MAX:
                raise InventoryError(f"quantity {qty} is not a whole number from 1 to {LINE_MAX:,}")
            if cost is not None and (not isinstance(cost, int) or cost < 0 or cost > 2**31 - 1):
                raise InventoryError(f"unit cost {cost} is not an amount from 0 up")
            line = merged.setdefault(unit.id, [0, None])
            line[0] += qty
            if line[0] > LINE_MAX:
                raise InventoryError(f"{unit.label}: {line[0]:,} in all is more than {LINE_MAX:,}")
            if cost is not None:
                line[1] = cost
        except InventoryError as exc:
            label = ref if isinstance(ref, str) else f"item {ref}"
            problems.append(f"{what} {n} ({label}): {exc.message}")
    if problems:
        raise InventoryError("The purchase order was refused; nothing was changed.", details=problems)
    return merged


def create_po(
    conn: Connection,
    who: str,
    *,
    supplier: str,
    lines: Iterable[tuple] = (),
    store: str | None = None,
    expected: dt.date | str | None = None,
) -> int:
    """A new draft PO; returns its id."""
    values = {
        "supplier": _supplier(supplier),
        "store_id": _store_id(conn, store),
        "expected": parse_expected(expected),
    }
    merged = resolve_lines(conn, lines)
    po_id = conn.execute(
        purchase_orders.insert().values(state="draft", created_at=now(), who=who, **values)
    ).inserted_primary_key[0]
    _write_lines(conn, po_id, merged)
    return po_id


def _write_lines(conn: Connection, po_id: int, merged: dict[int, list]) -> None:
    if merged:
        conn.execute(
            po_lines.insert(),
            [
                {"po_id": po_id, "unit_id": uid, "quantity": q, "received": 0, "unit_cost_cents": c}
                for uid, (q, c) in merged.items()
            ],
        )


def check_version(po: PurchaseOrder, version: int | None, outcome: str) -> None:
    """Refuse (``Conflict``) when the PO changed after the editor opened it at ``version``."""
    if version is not None and po.version != version:
        raise Conflict(
            f"{po.title} was changed on another workstation after you opened it; {outcome}. "
            "Reload it to see the changes, then make yours again."
        )


def update_draft(
    conn: Connection,
    po_id: int,
    *,
    supplier: str,
    store: str | None,
    expected: dt.date | str | None,
    lines: Iterable[tuple],
    version: int | None = None,
) -> None:
    """Replace a draft's supplier, store, expected date and lines (a draft orders nothing yet).

    ``version``: the PO's version when the editor opened it; a save over a newer one is refused (``Conflict``),
    so the last save never silently wins over another workstation's.
    """
    po = get_po(conn, po_id, lock=True)
    if po.state != "draft":
        raise InventoryError(f"{po.title} is {po.state}: only a draft can be changed")
    check_version(po, version, "nothing was saved")
    values = {
        "supplier": _supplier(supplier),
        "store_id": _store_id(conn, store),
        "expected": parse_expected(expected),
    }
    merged = resolve_lines(conn, lines)
    conn.execute(
        purchase_orders.update()
        .where(purchase_orders.c.id == po_id)
        .values(version=purchase_orders.c.version + 1, **values)
    )
    conn.execute(po_lines.delete().where(po_lines.c.po_id == po_id))
    _write_lines(conn, po_id, merged)


# -- events -------------------------------------------------------------------------------------------
def _ledger(conn: Connection, who: str, cause: str, po_id: int) -> Ledger:
    store_id = conn.execute(select(purchase_orders.c.store_id).where(purchase_orders.c.id == po_id)).scalar()
    return Ledger(conn, cause=cause, who=who, store_id=store_id, note=f"PO {po_id}")


def _finish(conn: Connection, po_id: int, state: str) -> None:
    values = {"state": state, "version": purchase_orders.c.version + 1}
    if state == "ordered":
        values["ordered_at"] = now()
    elif state in TERMINAL_STATES:
        values["finished_at"] = now()
    conn.execute(purchase_orders.update().where(purchase_orders.c.id == po_id).values(**values))


def order_po(conn: Connection, who: str, po_id: int, version: int | None = None) -> Ledger:
    po = get_po(conn, po_id, lock=True)
    if po.state != "draft":
        raise InventoryError(f"{po.title} is {po.state}: only a draft can be ordered")
    check_version(po, version, "nothing was ordered")
    if not po.lines:
        raise InventoryError(f"{po.title} has no lines: add what to order first")
    units = lock_unit_ids(conn, [line.unit_id for line in po.lines])
    ledger = _ledger(conn, who, "po ordered", po_id)
    for line in po.lines:
        unit = units[line.unit_id]
        ledger.change(unit, on_order=unit.on_order + line.quantity)
    _finish(conn, po_id, "ordered")
    settle_etas(conn, ledger, units)
    ledger.flush()
    return ledger


def receive(conn: Connection, who: str, po_id: int, quantities: Iterable[tuple[str | int, int]]) -> Ledger:
    """Receive N of some lines (one transaction): N moves from on_order to on_hand, for the PO's store."""
    po = get_po(conn, po_id, lock=True)
    if po.state != "ordered":
        raise InventoryError(
            f"{po.title} is {po.state}, not ordered: nothing can be received on it"
            + (" (order it first)" if po.state == "draft" else "")
        )
    wanted: dict[int, int] = {}
    problems = []
    for n, (ref, qty) in enumerate(quantities, start=1):
        label = ref if isinstance(ref, str) else f"item {ref}"
        try:
            if not isinstance(qty, int) or qty < 1:
                raise InventoryError(f"receive a whole number of at least 1 (got {qty})")
            line = po.line_for(ref) if isinstance(ref, int) else _line_by_ref(conn, po, ref)
            if line is None:
                raise InventoryError(f"{po.title} has no line for it")
            label = line.label
            total = wanted.get(line.unit_id, 0) + qty
            if total > line.outstanding:
                raise InventoryError(
                    f"receiving {total} is more than the {line.outstanding} outstanding "
                    f"({line.quantity} ordered, {line.received} received)"
                )
            wanted[line.unit_id] = total
        except InventoryError as exc:
            problems.append(f"line {n} ({label}): {exc.message}")
    if problems:
        raise InventoryError(
            f"The receipt on {po.title} was refused; nothing was received.", details=problems
        )
    if not wanted:
        raise InventoryError(f"Nothing to receive on {po.title}: name a line and a quantity")
    units = lock_unit_ids(conn, wanted)
    ledger = _ledger(conn, who, "po received", po_id)
    for unit_id, qty in wanted.items():
        unit = units[unit_id]
        ledger.change(
            unit, on_hand=unit.on_hand + qty, on_order=unit.on_order - min(qty, max(unit.on_order, 0))
        )
        conn.execute(
            po_lines.update()
            .where(and_(po_lines.c.po_id == po_id, po_lines.c.unit_id == unit_id))
            .values(received=po_lines.c.received + qty)
        )
    conn.execute(
        purchase_orders.update()
        .where(purchase_orders.c.id == po_id)
        .values(version=purchase_orders.c.version + 1)
    )
    if all(wanted.get(line.unit_id, 0) == line.outstanding for line in po.lines):
        _finish(conn, po_id, "received")
    settle_etas(conn, ledger, units)
    ledger.flush()
    return ledger


def _line_by_ref(conn: Connection, po: PurchaseOrder, ref: str) -> PoLine | None:
    ref = ref.strip()
    for line in po.lines:  # the PO's own lines first: a barcode or item number in any case
        if line.barcode == ref or (line.item_number or "").lower() == ref.lower() or line.label == ref:
            return line
    try:
        unit = get_unit(conn, ref)
    except NotFound:
        raise InventoryError(f"there is no item '{ref}'") from None
    return po.line_for(unit.id)


def close_po(conn: Connection, who: str, po_id: int) -> Ledger:
    """The rest will not come: every line's outstanding quantity comes off on_order."""
    po = get_po(conn, po_id, lock=True)
    if po.state != "ordered":
        hint = " (cancel a draft instead)" if po.state == "draft" else ""
        raise InventoryError(f"{po.title} is {po.state}: only an ordered PO can be closed{hint}")
    return _take_off(conn, who, po, "po closed", "closed")


def cancel_po(conn: Connection, who: str, po_id: int) -> Ledger | None:
    """A PO with nothing received: all of it comes off on_order (a draft put nothing on)."""
    po = get_po(conn, po_id, lock=True)
    if po.state not in ("draft", "ordered"):
        raise InventoryError(f"{po.title} is {po.state}: it can no longer be cancelled")
    got = [f"{line.label} {line.received}" for line in po.lines if line.received]
    if got:
        raise InventoryError(
            f"{po.title} has goods received ({', '.join(got)}): close it instead, so the rest comes off on order"
        )
    if po.state == "draft":
        _finish(conn, po_id, "cancelled")
        return None
    return _take_off(conn, who, po, "po cancelled", "cancelled")


def _take_off(conn: Connection, who: str, po: PurchaseOrder, cause: str, state: str) -> Ledger:
    units = lock_unit_ids(conn, [line.unit_id for line in po.lines])
    ledger = _ledger(conn, who, cause, po.id)
    for line in po.lines:
        unit = units[line.unit_id]
        take = min(line.outstanding, max(unit.on_order, 0))  # on_order never goes below 0
        if take:
            ledger.change(unit, on_order=unit.on_order - take)
    _finish(conn, po.id, state)
    settle_etas(conn, ledger, units)
    ledger.flush()
    return ledger


def settle_etas(conn: Connection, ledger: Ledger, units: dict[int, Unit]) -> None:
    """After a PO event: each touched unit's ETA becomes its earliest open expected date, or none.

    The ledger records the change (so the history explains the new ETA); the item row is written here.
    """
    if not units:
        return
    dates = expected_dates(conn, units)
    current = dict(
        conn.execute(select(items.c.id, items.c.eta_date).where(items.c.id.in_(list(units)))).all()
    )
    for unit_id in sorted(units):
        new = dates.get(unit_id)
        if current.get(unit_id) != new:
            ledger.fields_changed(unit_id, {"eta_date": (current.get(unit_id), new)})
            conn.execute(items.update().where(items.c.id == unit_id).values(eta_date=new))
