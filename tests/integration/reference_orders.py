"""The order path as it was before its statements were built once (issue 13): the reference the fast path
must equal, database row for database row (tests/integration/test_order_fast_path.py). Test code only.

It writes through ``ReferenceLedger``: the ledger's event and flush as they were before they ran on the
driver's cursor and assigned only the columns that change, so the equality covers those too.
"""
# ruff: noqa
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select

from desktop_app import rules
from desktop_app.models import StatusChangeReport
from desktop_app.schema import events, movements, status_changes

from desktop_app.catalog import item_where
from desktop_app.errors import InventoryError, NotFound
from desktop_app.ledger import Ledger, Unit, load_statuses, lock_unit_ids, lock_units
from desktop_app.models import Order, OrderLine
from desktop_app.schema import OPEN_ORDER_STATES, items, order_lines, orders, stores
from desktop_app.settings import get_store_row


@dataclass
class _Line:
    id: int
    unit_id: int
    quantity: int
    removed: int
    restored: int
    returned: int
    committed: int


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


def _save_lines(conn: Connection, lines: list[_Line]) -> None:
    if lines:
        conn.execute(
            order_lines.update()
            .where(order_lines.c.id == bindparam("b_id"))
            .values(
                removed=bindparam("b_removed"),
                restored=bindparam("b_restored"),
                returned=bindparam("b_returned"),
                committed=bindparam("b_committed"),
            ),
            [
                {
                    "b_id": ln.id,
                    "b_removed": ln.removed,
                    "b_restored": ln.restored,
                    "b_returned": ln.returned,
                    "b_committed": ln.committed,
                }
                for ln in lines
            ],
        )


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


def place_order(conn: Connection, who: str, store_name: str, wanted: Sequence[tuple[str, int]]) -> int:
    """Place an order; refused as a whole (naming each bad line and why) if any line is not acceptable."""
    store = get_store_row(conn, store_name)
    if not wanted:
        raise InventoryError("An order needs at least one line (ITEM=QTY)")
    statuses_by_id = load_statuses(conn)
    refs = [ref for ref, _ in wanted]
    units: dict[str, Unit] = {}
    for ref in dict.fromkeys(refs):
        found = lock_units(conn, item_where(ref))
        if found:
            units[ref] = next(iter(found.values()))
    problems: list[str] = []
    totals: dict[int, int] = defaultdict(int)
    for n, (ref, qty) in enumerate(wanted, start=1):
        where = f"line {n} ({ref}={qty})"
        unit = units.get(ref)
        if not isinstance(qty, int) or isinstance(qty, bool) or qty < 1:
            problems.append(f"{where}: the quantity must be a whole number of at least 1")
            continue
        if unit is None:
            problems.append(f"{where}: there is no item '{ref}'")
            continue
        if unit.use_variant_inventory:
            problems.append(f"{where}: {unit.label} is sold by variant; order one of its variants")
            continue
        status = statuses_by_id[unit.status_id]
        if status.unavailable:
            problems.append(f"{where}: {unit.label} is {status.name} and cannot be ordered")
            continue
        if unit.min_qty and qty < unit.min_qty:
            problems.append(f"{where}: the minimum quantity of {unit.label} is {unit.min_qty}")
        if unit.max_qty and qty > unit.max_qty:
            problems.append(f"{where}: the maximum quantity of {unit.label} is {unit.max_qty}")
        if unit.multiple_qty > 1 and qty % unit.multiple_qty:
            problems.append(f"{where}: {unit.label} is sold in multiples of {unit.multiple_qty}")
        totals[unit.id] += qty
    if store.track_inventory:
        for unit in {u.id: u for u in units.values()}.values():
            ref = unit.label
            asked = totals.get(unit.id, 0)
            if not asked or not unit.tracked or statuses_by_id[unit.status_id].back_order:
                continue
            available = unit.on_hand + unit.on_order - unit.committed
            if asked > available:
                lines = [f"line {n}" for n, (r, _) in enumerate(wanted, 1) if units.get(r) is unit]
                lines = lines if len(lines) == 1 else [f"lines {', '.join(x[5:] for x in lines)}"]
                problems.append(
                    f"{', '.join(lines)} ({ref}): asks for {asked} but only {max(available, 0)} "
                    f"{'is' if available == 1 else 'are'} available to sell"
                )
    if problems:
        raise InventoryError("The order was refused; nothing was changed.", details=problems)
    order_id = conn.execute(
        orders.insert().values(
            store_id=store.id, state="placed", paid=False, placed_at=dt.datetime.now(dt.UTC), who=who
        )
    ).inserted_primary_key[0]
    conn.execute(
        order_lines.insert().values(
            order_id=order_id,
            unit_id=bindparam("u"),
            quantity=bindparam("q"),
            removed=0,
            restored=0,
            returned=0,
            committed=0,
        ),
        [{"u": units[ref].id, "q": qty} for ref, qty in wanted],
    )
    ledger = ReferenceLedger(
        conn,
        cause="order placed",
        who=who,
        store_id=store.id,
        order_id=order_id,
        statuses_by_id=statuses_by_id,
        store_row=store,
    )
    lines = _load_lines(conn, order_id)
    by_id = {u.id: u for u in units.values()}
    _settle(
        ledger,
        by_id,
        lines,
        open_=True,
        track=bool(store.track_inventory),
        remove=store.remove_when == "ordered",
    )
    _save_lines(conn, lines)
    ledger.flush()
    return order_id


def _event(conn: Connection, who: str, order_id: int, cause: str, allowed: tuple[str, ...], verb: str):
    order = _load_order(conn, order_id)
    if order.state not in allowed:
        raise InventoryError(f"Order {order_id} is {order.state} and cannot be {verb}")
    store = conn.execute(select(stores).where(stores.c.id == order.store_id)).one()
    lines = _load_lines(conn, order_id)
    units = lock_unit_ids(conn, [ln.unit_id for ln in lines])
    ledger = ReferenceLedger(conn, cause=cause, who=who, store_id=store.id, order_id=order_id, store_row=store)
    return order, store, lines, units, ledger


def _finish(conn: Connection, order_id: int, ledger: Ledger, lines: list[_Line], **values) -> None:
    _save_lines(conn, lines)
    ledger.flush()
    conn.execute(orders.update().where(orders.c.id == order_id).values(**values))


def pay_order(conn: Connection, who: str, order_id: int) -> None:
    order, store, lines, units, ledger = _event(
        conn, who, order_id, "order paid", ("placed", "paid", "shipped", "returned"), "paid"
    )
    if order.paid:
        raise InventoryError(f"Order {order_id} is already paid")
    if order.state == "placed":
        _settle(
            ledger,
            units,
            lines,
            open_=True,
            track=bool(store.track_inventory),
            remove=store.remove_when == "paid",
        )
        _finish(conn, order_id, ledger, lines, paid=True, state="paid")
    else:  # shipped before it was paid: shipping already removed everything
        _finish(conn, order_id, ledger, lines, paid=True)


def ship_order(conn: Connection, who: str, order_id: int) -> None:
    _, store, lines, units, ledger = _event(
        conn, who, order_id, "order shipped", OPEN_ORDER_STATES, "shipped"
    )
    # Goods that left cannot still be on hand: shipping removes whatever was not removed yet.
    _settle(ledger, units, lines, open_=False, track=bool(store.track_inventory), remove=True)
    _finish(conn, order_id, ledger, lines, state="shipped")


def cancel_order(conn: Connection, who: str, order_id: int) -> None:
    _, _, lines, units, ledger = _event(
        conn, who, order_id, "order cancelled", OPEN_ORDER_STATES, "cancelled"
    )
    _close_and_put_back(ledger, units, lines)
    _finish(conn, order_id, ledger, lines, state="cancelled")


def delete_order(conn: Connection, who: str, order_id: int) -> None:
    order, _, lines, units, ledger = _event(
        conn,
        who,
        order_id,
        "order deleted",
        ("placed", "paid", "shipped", "returned", "cancelled"),
        "deleted",
    )
    if order.state in OPEN_ORDER_STATES:
        _close_and_put_back(ledger, units, lines)
    _finish(conn, order_id, ledger, lines, state="deleted")


def _close_and_put_back(ledger: Ledger, units: dict[int, Unit], lines: list[_Line]) -> None:
    for line in lines:
        unit = units[line.unit_id]
        if line.committed:
            ledger.change(unit, committed_delta=-line.committed)
            line.committed = 0
        _put_back(ledger, unit, line, line.removed - line.restored)


def return_order(conn: Connection, who: str, order_id: int, wanted: Sequence[tuple[str, int]] = ()) -> None:
    """A return of shipped lines (all of them when none are named) puts back what was removed for them."""
    _, _, lines, units, ledger = _event(conn, who, order_id, "order returned", ("shipped",), "returned")
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
    _finish(conn, order_id, ledger, lines, state=state)


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
    ledger = ReferenceLedger(conn, cause="settings", who=who)
    for order_id in open_ids:
        lines = _load_lines(conn, order_id)
        units = lock_unit_ids(conn, [ln.unit_id for ln in lines])
        _settle(ledger, units, lines, open_=True, track=bool(store.track_inventory), remove=False)
        _save_lines(conn, lines)
    ledger.flush()



class ReferenceLedger(Ledger):
    """``Ledger`` with its event, change and flush as they were: SQLAlchemy Core statements, every count assigned,
    and every change through ``rules.decide_status``."""

    def change(
        self,
        unit: Unit,
        *,
        on_hand: int | None = None,
        on_order: int | None = None,
        status: int | None = None,
        committed_delta: int = 0,
        choice_rule: str = rules.MANUAL,
    ) -> None:
        """Set a unit's counts and (optionally) a status the user chose; the rules decide the rest.

        ``choice_rule`` names a chosen status in the history: "manual", or "revert" when a batch is undone.
        """
        old_hand, old_order, old_status = unit.on_hand, unit.on_order, unit.status_id
        new_hand = old_hand if on_hand is None else on_hand
        new_order = old_order if on_order is None else on_order
        if unit.use_variant_inventory and (new_hand != old_hand or new_order != old_order):
            raise InventoryError(
                f"{unit.label} uses variant inventory: its counts are the sums of its variants' counts; "
                "change a variant instead"
            )
        decision = rules.decide_status(
            old=old_hand,
            new=new_hand,
            status=old_status,
            status_allows_back_order=self.statuses[old_status].back_order,
            discontinued=unit.discontinued,
            non_inventory=unit.non_inventory,
            store=self.rules,
            requested_status=status,
        )
        new_status = decision.status if decision.changes(old_status) else old_status
        if new_hand == old_hand and new_order == old_order and new_status == old_status:
            if committed_delta:
                self._pending(unit)[2] += committed_delta
                unit.committed += committed_delta
                self._parent(unit, 0, 0, committed_delta)
            return
        event_id = self.ensure_event()
        pending = self._pending(unit)
        if new_hand != old_hand:
            self._movements.append(
                {"e": event_id, "u": unit.id, "q": "on_hand", "d": new_hand - old_hand, "a": new_hand}
            )
        if new_order != old_order:
            self._movements.append(
                {"e": event_id, "u": unit.id, "q": "on_order", "d": new_order - old_order, "a": new_order}
            )
        if new_status != old_status:
            old_name, new_name = self.statuses[old_status].name, self.statuses[new_status].name
            rule = choice_rule if decision.rule == rules.MANUAL else decision.rule
            self._status_rows.append({"e": event_id, "u": unit.id, "f": old_name, "t": new_name, "r": rule})
            self.status_changes.append(
                StatusChangeReport(unit.id, unit.item_number, old_name, new_name, rule)
            )
        pending[0] += new_hand - old_hand
        pending[1] += new_order - old_order
        pending[2] += committed_delta
        pending[3] = new_status
        self._parent(unit, new_hand - old_hand, new_order - old_order, committed_delta)
        unit.on_hand, unit.on_order, unit.status_id = new_hand, new_order, new_status
        unit.committed += committed_delta
        unit.version += 1

    def _pending(self, unit: Unit) -> list:
        pending = self._updates.get(unit.id)
        if pending is None:
            # on hand, on order and committed deltas, the new status, the status as it was
            pending = self._updates[unit.id] = [0, 0, 0, unit.status_id, unit.status_id]
        return pending

    def _parent(self, unit: Unit, d_hand: int, d_order: int, d_committed: int) -> None:
        if unit.parent_id is not None and (d_hand or d_order or d_committed):
            sums = self._parent_deltas[unit.parent_id]
            sums[0] += d_hand
            sums[1] += d_order
            sums[2] += d_committed

    def ensure_event(self) -> int:
        if self.event_id is None:
            self.event_id = self.conn.execute(
                events.insert().values(
                    cause=self.cause, store_id=self.store_id, order_id=self.order_id, reverts_id=self.reverts_id,
                    who=self.who, at=self.at, note=self.note,
                )
            ).inserted_primary_key[0]
        return self.event_id

    def flush(self) -> None:
        assert not self._created_statuses and not self._field_rows  # the order path makes neither
        conn = self.conn
        if self._updates:
            conn.execute(
                items.update()
                .where(items.c.id == bindparam("b_id"))
                .values(
                    on_hand=items.c.on_hand + bindparam("b_hand"),
                    on_order=items.c.on_order + bindparam("b_order"),
                    committed=items.c.committed + bindparam("b_committed"),
                    status_id=bindparam("b_status"),
                    version=items.c.version + 1,
                ),
                [
                    {"b_id": uid, "b_hand": p[0], "b_order": p[1], "b_committed": p[2], "b_status": p[3]}
                    for uid, p in self._updates.items()
                ],
            )
            self._updates.clear()
        if self._parent_deltas:
            conn.execute(
                items.update()
                .where(items.c.id == bindparam("b_id"))
                .values(
                    on_hand=items.c.on_hand + bindparam("b_hand"),
                    on_order=items.c.on_order + bindparam("b_order"),
                    committed=items.c.committed + bindparam("b_committed"),
                    version=items.c.version + 1,
                ),
                [
                    {"b_id": pid, "b_hand": d[0], "b_order": d[1], "b_committed": d[2]}
                    for pid, d in sorted(self._parent_deltas.items())
                ],
            )
            self._parent_deltas.clear()
        if self._movements:
            conn.execute(
                movements.insert().values(
                    event_id=bindparam("e"), unit_id=bindparam("u"), quantity=bindparam("q"),
                    delta=bindparam("d"), after=bindparam("a"),
                ),
                self._movements,
            )
            self.movement_count += len(self._movements)
            self._movements.clear()
        if self._status_rows:
            conn.execute(
                status_changes.insert().values(
                    event_id=bindparam("e"), unit_id=bindparam("u"), from_status=bindparam("f"),
                    to_status=bindparam("t"), rule=bindparam("r"),
                ),
                self._status_rows,
            )
            self._status_rows.clear()
