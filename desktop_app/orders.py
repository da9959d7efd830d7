"""Orders and when stock is removed (SPEC section 3).

Each line remembers how much was removed from stock, put back, returned, and how much is counted in its
unit's ``committed`` right now; every event moves those figures towards what the order's state and the
store's settings *at that moment* say, so a quantity is removed exactly once and put back at most once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, select

from desktop_app import order_checks, order_sql, order_sqlite
from desktop_app.catalog import ITEM_ID_FORM, item_where
from desktop_app.driver import Driver
from desktop_app.errors import InventoryError, NotFound
from desktop_app.ledger import Ledger, Unit, lock_unit_ids, lock_units
from desktop_app.models import Order, OrderLine, unit_label
from desktop_app.order_sql import Line as _Line
from desktop_app.schema import OPEN_ORDER_STATES, items, order_lines, orders, stores
from desktop_app.settings import get_store_row


def parse_quantity(text: str, what: str) -> int:
    text = str(text).strip()
    if not text.lstrip("+-").isdigit():
        raise InventoryError(f"{what}: quantity '{text}' is not a whole number")
    return int(text)


def _load_order(conn: Connection, order_id: int, *, lock: bool = True):
    stmt = select(orders).where(orders.c.id == order_id)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None or row.state == "deleted":
        raise NotFound(f"There is no order {order_id}")
    return row


def _load_lines(conn: Connection, order_id: int) -> list[_Line]:
    rows = conn.execute(
        select(
            order_lines.c.id,
            order_lines.c.unit_id,
            order_lines.c.quantity,
            order_lines.c.removed,
            order_lines.c.restored,
            order_lines.c.returned,
            order_lines.c.committed,
        )
        .where(order_lines.c.order_id == order_id)
        .order_by(order_lines.c.id)
    )
    return [_Line(*r) for r in rows]


def _settle(
    ledger: Ledger, units: dict[int, Unit], lines: list[_Line], *, open_: bool, track: bool, remove: bool
) -> None:
    """Move each line's removal and commitment to what the order's state and store settings now say.

    ``remove`` asks to take out of stock what was not removed yet (only where the store tracks inventory
    and the unit is tracked); committed is the rest of an open order's line in a tracking store.
    """
    for line in lines:
        unit = units[line.unit_id]
        if remove and track and unit.tracked and line.removed < line.quantity:
            amount = line.quantity - line.removed
            line.removed = line.quantity
            ledger.change(unit, on_hand=unit.on_hand - amount)
        target = line.quantity - line.removed if (open_ and track) else 0
        if target != line.committed:
            ledger.change(unit, committed_delta=target - line.committed)
            line.committed = target


def _put_back(ledger: Ledger, unit: Unit, line: _Line, amount: int) -> None:
    amount = min(amount, line.removed - line.restored)
    if amount > 0:
        line.restored += amount
        ledger.change(unit, on_hand=unit.on_hand + amount)


def place_order(
    conn: Connection,
    who: str,
    store_name: str,
    wanted: Sequence[tuple[str, int]],
    *,
    accepted: bool = False,
) -> int:
    """Place an order; refused as a whole (naming each bad line and why) if any line is not acceptable.

    ``accepted``: the storefront already accepted the order (SPEC section 9), so the placement refusals of
    section 3 (unavailable status, order limits, available to sell) do not apply; a line still needs a unit
    that exists and is not sold by variant, and a quantity of at least 1.
    """
    drv = Driver(conn)
    refs = [ref for ref, _ in wanted]
    if drv.sqlite:  # the store, statuses and units in one query (``order_sqlite``)
        numbers, others = _refs_by_number(refs)
        found = order_sqlite.place_reads(drv.raw, store_name, list(numbers))
        if found is None:
            get_store_row(conn, store_name)  # raises, naming the stores there are
        store, rules, statuses_by_id, by_number = found
        if not wanted:
            raise InventoryError("An order needs at least one line (ITEM=QTY)")
        units = _units_of_refs(refs, numbers, _lock_others(conn, others), by_number)
    else:  # the store, statuses and units by item number in one query (``order_sql.place_reads``)
        numbers, others = _refs_by_number(refs)
        if numbers:
            found, by_number = order_sql.place_reads(drv, store_name.strip().lower(), list(numbers))
        else:
            found, by_number = drv.run(order_sql.STORE_BY_NAME, {"name": store_name.strip().lower()}).fetchone(), {}
        if found is None:
            get_store_row(conn, store_name)  # raises, naming the stores there are
        store = rules = order_sql.store_row(found)
        if not wanted:
            raise InventoryError("An order needs at least one line (ITEM=QTY)")
        statuses_by_id = order_sql.load_statuses(drv, found[-1])
        units = _units_of_refs(refs, numbers, _lock_others(conn, others), by_number)
    problems = order_checks.refusals(
        wanted, units, statuses_by_id, track=bool(store.track_inventory), accepted=accepted
    )
    if problems:
        raise InventoryError("The order was refused; nothing was changed.", details=problems)
    placed_at = drv.when(dt.datetime.now(dt.UTC))
    if drv.sqlite:
        order_id = order_sqlite.insert_order(drv.raw, store.id, placed_at, who)
    else:
        order_id = drv.run(
            order_sql.INSERT_ORDER, {"store_id": store.id, "paid": False, "placed_at": placed_at, "who": who}
        ).fetchone()[0]
    ledger = Ledger(
        conn,
        cause="order placed",
        who=who,
        store_id=store.id,
        order_id=order_id,
        statuses_by_id=statuses_by_id,
        store_row=rules,
    )
    ledger._drv = drv  # the same driver connection (one wrapper less per transaction)
    # The lines are settled before they are written, so each is written once, with its final figures.
    lines = [_Line(None, units[ref].id, qty, 0, 0, 0, 0) for ref, qty in wanted]
    by_id = {u.id: u for u in units.values()}
    _settle(
        ledger,
        by_id,
        lines,
        open_=True,
        track=bool(store.track_inventory),
        remove=store.remove_when == "ordered",
    )
    if drv.sqlite:
        order_sqlite.insert_lines(drv.raw, order_id, lines)
        ledger.flush()
        return order_id
    with drv.batch():  # on a server, one round trip
        drv.run_many(
            order_sql.INSERT_LINE,
            [
                {"order_id": order_id, "u": ln.unit_id, "q": ln.quantity, "removed": ln.removed,
                 "committed": ln.committed}
                for ln in lines
            ],
        )
        ledger.flush()
    return order_id


def _refs_by_number(refs: list) -> tuple[dict[str, list], list]:
    """The ITEM arguments that are item numbers (by number, stripped), and the others (``#N``)."""
    by_number: dict[str, list] = defaultdict(list)
    others = []
    for ref in dict.fromkeys(refs):
        text = (ref or "").strip() if isinstance(ref, str) else ref
        if isinstance(text, str) and not ITEM_ID_FORM.fullmatch(text):
            by_number[text].append(ref)
        else:
            others.append(ref)
    return by_number, others


def _lock_others(conn: Connection, others: list) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for ref in others:
        locked = lock_units(conn, item_where(ref))
        if locked:
            units[ref] = next(iter(locked.values()))
    return units


def _units_of_refs(refs: list, by_number: dict, units: dict, found: dict) -> dict[str, Unit]:
    """Each ITEM argument's unit, in the order's order: ``units`` (``#N``), and ``found`` by item number."""
    for number, unit in found.items():
        for ref in by_number.get(number, ()):
            units[ref] = unit
    return {ref: units[ref] for ref in dict.fromkeys(refs) if ref in units}


def _event(conn: Connection, who: str, order_id: int, cause: str, allowed: tuple[str, ...], verb: str):
    drv = Driver(conn)
    rules = None
    if drv.sqlite:  # one query, and the store's rules kept (``order_sqlite``)
        found, rules = order_sqlite.load_event(drv.raw, order_id) or (None, None)
    else:
        found = order_sql.load_event(drv, order_id)
    if found is None:  # no such order (or, never made by this code, one with no lines)
        found = _event_without_lines(conn, order_id)
    if found.state == "deleted":
        raise NotFound(f"There is no order {order_id}")
    if found.state not in allowed:
        raise InventoryError(f"Order {order_id} is {found.state} and cannot be {verb}")
    ledger = Ledger(
        conn,
        cause=cause,
        who=who,
        store_id=found.store.id,
        order_id=order_id,
        statuses_by_id=found.statuses,
        store_row=rules or found.store,
    )
    ledger._drv = drv
    found.before = {ln.id: ln.values() for ln in found.lines}
    found.driver = drv
    return found, found.store, found.lines, found.units, ledger


def _event_without_lines(conn: Connection, order_id: int) -> order_sql.EventRows:
    order = _load_order(conn, order_id)
    drv = Driver(conn)
    store = order_sql.store_row(drv.run(order_sql.STORE_BY_ID, {"store_id": order.store_id}).fetchone())
    return order_sql.EventRows(order.state, bool(order.paid), store, [], {}, order_sql.load_statuses(drv))


def _finish(conn: Connection, order_id: int, ledger: Ledger, event, **values) -> None:
    if event.driver.sqlite:
        order_sqlite.save_lines(event.driver.raw, event.lines, event.before)
        ledger.flush()
        changed = {k: v for k, v in values.items() if getattr(event, k) != v}
        if changed:
            order_sqlite.update_order(event.driver.raw, order_id, changed)
        return
    with event.driver.batch():  # on a server, one round trip
        order_sql.save_lines(event.driver, event.lines, event.before)
        ledger.flush()
        changed = {k: v for k, v in values.items() if getattr(event, k) != v}
        if changed:
            order_sql.update_order(event.driver, order_id, changed)


def pay_order(conn: Connection, who: str, order_id: int) -> None:
    event, store, lines, units, ledger = _event(
        conn, who, order_id, "order paid", ("placed", "paid", "shipped", "returned"), "paid"
    )
    if event.paid:
        raise InventoryError(f"Order {order_id} is already paid")
    if event.state == "placed":
        _settle(
            ledger,
            units,
            lines,
            open_=True,
            track=bool(store.track_inventory),
            remove=store.remove_when == "paid",
        )
        _finish(conn, order_id, ledger, event, paid=True, state="paid")
    else:  # shipped before it was paid: shipping already removed everything
        _finish(conn, order_id, ledger, event, paid=True)


def ship_order(conn: Connection, who: str, order_id: int) -> None:
    event, store, lines, units, ledger = _event(
        conn, who, order_id, "order shipped", OPEN_ORDER_STATES, "shipped"
    )
    # Goods that left cannot still be on hand: shipping removes whatever was not removed yet.
    _settle(ledger, units, lines, open_=False, track=bool(store.track_inventory), remove=True)
    _finish(conn, order_id, ledger, event, state="shipped")


def cancel_order(conn: Connection, who: str, order_id: int) -> None:
    event, _, lines, units, ledger = _event(
        conn, who, order_id, "order cancelled", OPEN_ORDER_STATES, "cancelled"
    )
    _close_and_put_back(ledger, units, lines)
    _finish(conn, order_id, ledger, event, state="cancelled")


def delete_order(conn: Connection, who: str, order_id: int) -> None:
    event, _, lines, units, ledger = _event(
        conn,
        who,
        order_id,
        "order deleted",
        ("placed", "paid", "shipped", "returned", "cancelled"),
        "deleted",
    )
    if event.state in OPEN_ORDER_STATES:
        _close_and_put_back(ledger, units, lines)
    _finish(conn, order_id, ledger, event, state="deleted")


def _close_and_put_back(ledger: Ledger, units: dict[int, Unit], lines: list[_Line]) -> None:
    for line in lines:
        unit = units[line.unit_id]
        if line.committed:
            ledger.change(unit, committed_delta=-line.committed)
            line.committed = 0
        _put_back(ledger, unit, line, line.removed - line.restored)


def return_order(conn: Connection, who: str, order_id: int, wanted: Sequence[tuple[str, int]] = ()) -> None:
    """A return of shipped lines (all of them when none are named) puts back what was removed for them."""
    event, _, lines, units, ledger = _event(conn, who, order_id, "order returned", ("shipped",), "returned")
    if not wanted:
        requests = {ln.id: ln.quantity - ln.returned for ln in lines if ln.quantity > ln.returned}
    else:
        requests = {}
        problems = []
        for n, (ref, qty) in enumerate(wanted, start=1):
            where = f"line {n} ({ref}={qty})"
            if qty < 1:
                problems.append(f"{where}: the quantity must be a whole number of at least 1")
                continue
            candidates = [
                ln for ln in lines if units[ln.unit_id].label == ref or units[ln.unit_id].item_number == ref
            ]
            if not candidates:
                problems.append(f"{where}: order {order_id} has no line for '{ref}'")
                continue
            left = qty
            for ln in candidates:
                take = min(left, ln.quantity - ln.returned - requests.get(ln.id, 0))
                if take > 0:
                    requests[ln.id] = requests.get(ln.id, 0) + take
                    left -= take
            if left:
                returnable = sum(ln.quantity - ln.returned for ln in candidates)
                problems.append(f"{where}: only {returnable} of {ref} can still be returned")
        if problems:
            raise InventoryError("The return was refused; nothing was changed.", details=problems)
    if not requests:
        raise InventoryError(f"Everything on order {order_id} was already returned")
    for line in lines:
        amount = requests.get(line.id, 0)
        if amount:
            line.returned += amount
            _put_back(ledger, units[line.unit_id], line, amount)
    state = "returned" if all(ln.returned >= ln.quantity for ln in lines) else "shipped"
    _finish(conn, order_id, ledger, event, state=state)


def resettle_store(conn: Connection, who: str, store_id: int) -> None:
    """After a store's tracking changed, count its open orders' lines in ``committed`` (or stop counting)."""
    store = conn.execute(select(stores).where(stores.c.id == store_id)).one()
    open_ids = (
        conn.execute(
            select(orders.c.id).where(orders.c.store_id == store_id, orders.c.state.in_(OPEN_ORDER_STATES))
        )
        .scalars()
        .all()
    )
    if not open_ids:
        return
    ledger = Ledger(conn, cause="settings", who=who)
    for order_id in open_ids:
        lines = _load_lines(conn, order_id)
        units = lock_unit_ids(conn, [ln.unit_id for ln in lines])
        _settle(ledger, units, lines, open_=True, track=bool(store.track_inventory), remove=False)
        order_sql.save_lines(Driver(conn), lines, {})
    ledger.flush()


# -- reading -------------------------------------------------------------------------------------
def get_order(conn: Connection, order_id: int) -> Order:
    row = _load_order(conn, order_id, lock=False)
    return _order(conn, row)


def _order(conn: Connection, row) -> Order:
    return _orders(conn, [row])[0]


_ORDER_LINES = (
    select(order_lines, items.c.item_number, items.c.item_id)
    .join(items, items.c.id == order_lines.c.unit_id)
    .where(order_lines.c.order_id.in_(bindparam("order_ids", expanding=True)))
    .order_by(order_lines.c.id)
)
_STORE_NAMES = select(stores.c.id, stores.c.name)


def _orders(conn: Connection, rows) -> list[Order]:
    """Orders with their lines: two queries for any number of orders (the orders window lists 500)."""
    if not rows:
        return []
    names = dict(conn.execute(_STORE_NAMES).all())
    lines_of: dict[int, list[OrderLine]] = defaultdict(list)
    for start in range(0, len(rows), 900):
        ids = [row.id for row in rows[start : start + 900]]
        for ln in conn.execute(_ORDER_LINES, {"order_ids": ids}):
            lines_of[ln.order_id].append(
                OrderLine(
                    id=ln.id,
                    unit_id=ln.unit_id,
                    item_number=unit_label(ln.item_number, ln.item_id) or None,
                    quantity=ln.quantity,
                    removed=ln.removed,
                    restored=ln.restored,
                    returned=ln.returned,
                )
            )
    return [
        Order(
            id=row.id,
            store=names[row.store_id],
            state=row.state,
            paid=bool(row.paid),
            placed_at=row.placed_at,
            lines=tuple(lines_of[row.id]),
            name=row.name,
            source=row.source,
        )
        for row in rows
    ]


def list_orders(
    conn: Connection, *, store: str | None = None, states: Sequence[str] | None = None, limit: int = 500
) -> list[Order]:
    stmt = select(orders).where(orders.c.state != "deleted").order_by(orders.c.id.desc()).limit(limit)
    if store:
        stmt = stmt.where(orders.c.store_id == get_store_row(conn, store).id)
    if states:
        stmt = stmt.where(orders.c.state.in_(states))
    return _orders(conn, conn.execute(stmt).all())
