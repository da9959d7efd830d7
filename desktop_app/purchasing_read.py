"""Reading purchase orders: one PO with its lines, the list, suppliers, and the units a line may name."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, case, func, or_, select

from desktop_app.errors import InventoryError, NotFound
from desktop_app.purchasing_models import TERMINAL_STATES, PoLine, PoSummary, PurchaseOrder, UnitChoice
from desktop_app.purchasing_schema import po_lines, purchase_orders
from desktop_app.schema import items, stores
from desktop_app.values import is_plain_key


def label(item_number: str | None, item_id: int | None, name: str) -> str:
    if item_number:
        return item_number
    return f"#{item_id}" if item_id is not None else name


# -- reading ------------------------------------------------------------------------------------------
def get_po(conn: Connection, po_id: int, *, lock: bool = False) -> PurchaseOrder:
    stmt = (
        select(purchase_orders, stores.c.name.label("store_name"))
        .select_from(purchase_orders.outerjoin(stores, stores.c.id == purchase_orders.c.store_id))
        .where(purchase_orders.c.id == po_id)
    )
    if lock:
        stmt = stmt.with_for_update(of=purchase_orders)
    row = conn.execute(stmt).first()
    if row is None:
        raise NotFound(f"There is no purchase order {po_id}")
    done = row.state in TERMINAL_STATES
    lines = tuple(
        PoLine(
            unit_id=r.unit_id,
            item_number=r.item_number,
            label=label(r.item_number, r.item_id, r.name),
            name=r.name,
            barcode=r.barcode,
            quantity=r.quantity,
            received=r.received,
            outstanding=0 if done else r.quantity - r.received,
            unit_cost_cents=r.unit_cost_cents,
        )
        for r in conn.execute(
            select(
                po_lines.c.unit_id,
                po_lines.c.quantity,
                po_lines.c.received,
                po_lines.c.unit_cost_cents,
                items.c.item_number,
                items.c.item_id,
                items.c.name,
                items.c.barcode,
            )
            .join(items, items.c.id == po_lines.c.unit_id)
            .where(po_lines.c.po_id == po_id)
            .order_by(po_lines.c.id)
        )
    )
    return PurchaseOrder(
        id=row.id,
        supplier=row.supplier,
        store=row.store_name,
        state=row.state,
        expected=row.expected,
        created_at=row.created_at,
        ordered_at=row.ordered_at,
        finished_at=row.finished_at,
        who=row.who,
        lines=lines,
        version=row.version,
    )


def list_pos(
    conn: Connection, *, states: Sequence[str] | None = None, supplier: str | None = None, limit: int = 1000
) -> list[PoSummary]:
    open_qty = case(
        (purchase_orders.c.state.in_(TERMINAL_STATES), 0), else_=po_lines.c.quantity - po_lines.c.received
    )
    stmt = (
        select(
            purchase_orders.c.id,
            purchase_orders.c.supplier,
            stores.c.name.label("store_name"),
            purchase_orders.c.state,
            purchase_orders.c.expected,
            purchase_orders.c.created_at,
            func.count(po_lines.c.id).label("n"),
            func.coalesce(func.sum(po_lines.c.quantity), 0).label("qty"),
            func.coalesce(func.sum(open_qty), 0).label("outstanding"),
        )
        .select_from(
            purchase_orders.outerjoin(stores, stores.c.id == purchase_orders.c.store_id).outerjoin(
                po_lines, po_lines.c.po_id == purchase_orders.c.id
            )
        )
        .group_by(purchase_orders.c.id, stores.c.name)
        .order_by(purchase_orders.c.id.desc())
        .limit(limit)
    )
    if states:
        stmt = stmt.where(purchase_orders.c.state.in_(list(states)))
    if supplier:
        stmt = stmt.where(func.lower(purchase_orders.c.supplier) == supplier.strip().lower())
    return [
        PoSummary(
            r.id, r.supplier, r.store_name, r.state, r.expected, r.created_at, r.n, r.qty, r.outstanding
        )
        for r in conn.execute(stmt)
    ]


def suppliers(conn: Connection) -> list[str]:
    """Every supplier named by a PO or an item, sorted whatever their case."""
    names = set(conn.execute(select(purchase_orders.c.supplier).distinct()).scalars())
    names |= set(
        conn.execute(select(items.c.supplier).where(items.c.supplier.is_not(None)).distinct()).scalars()
    )
    return sorted(names, key=str.lower)


def _choice(r) -> UnitChoice:
    return UnitChoice(
        r.id,
        r.item_number,
        label(r.item_number, r.item_id, r.name),
        r.name,
        r.barcode,
        r.supplier,
        r.on_hand,
        r.on_order,
    )


_CHOICE_COLUMNS = (
    items.c.id,
    items.c.item_number,
    items.c.item_id,
    items.c.name,
    items.c.barcode,
    items.c.supplier,
    items.c.on_hand,
    items.c.on_order,
)


def lookup(conn: Connection, code: str) -> UnitChoice:
    """The stock unit a scanned code names: its barcode exactly, else its item number in any case (SPEC 7)."""
    code = (code or "").strip()
    if not code or not is_plain_key(code):
        raise InventoryError(f"'{code[:40]}' is not a barcode or an item number")
    found = conn.execute(
        select(*_CHOICE_COLUMNS, items.c.use_variant_inventory).where(items.c.barcode == code)
    ).all()
    if not found:
        found = conn.execute(
            select(*_CHOICE_COLUMNS, items.c.use_variant_inventory).where(
                func.lower(items.c.item_number) == code.lower()
            )
        ).all()
    if not found:
        raise NotFound(f"No item has the barcode or item number '{code}'")
    if len(found) > 1:
        names = ", ".join(label(r.item_number, r.item_id, r.name) for r in found)
        raise InventoryError(f"'{code}' names several items ({names}): choose one of them")
    row = found[0]
    if row.use_variant_inventory:
        raise InventoryError(
            f"{label(row.item_number, row.item_id, row.name)} uses variant inventory: order one of its variants"
        )
    return _choice(row)


def search_units(conn: Connection, text: str, *, limit: int = 50) -> list[UnitChoice]:
    """Stock units whose item number, name or barcode contains ``text`` (any case)."""
    pattern = f"%{text.strip().lower()}%"
    stmt = (
        select(*_CHOICE_COLUMNS)
        .where(
            items.c.use_variant_inventory.is_(False),
            or_(
                func.lower(items.c.item_number).like(pattern),
                func.lower(items.c.name).like(pattern),
                items.c.barcode.like(pattern),
            ),
        )
        .order_by(func.lower(items.c.item_number), items.c.id)
        .limit(limit)
    )
    return [_choice(r) for r in conn.execute(stmt)]
