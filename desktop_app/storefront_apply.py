"""Applying a storefront orders export's order events set-wise (SPEC sections 3 and 9; issue 16's speed).

The orders are applied oldest first, in chunks. For each chunk, one query (or a few of 900) loads and locks
every unit the chunk's orders name, and one more the lines of the orders the store already holds; then every
order's events (placed, paid, shipped, cancelled) are decided in Python by the order path's own rules
(``orders._settle`` and ``orders._close_and_put_back``, which ask ``Ledger.change``, which asks the status rules),
on units kept up to date from one event to the next — so a unit that several orders take below zero fires its
rule once, at the event that crossed, as it would one event at a time. Then each table is written once per
chunk: the new orders and their lines here; the events, counts, statuses and history through the ledger
(``Ledger.next_event`` / ``write_events``, the one door). The database is row for row what applying each event
on its own wrote (tests/integration/test_storefront_setwise.py compares them); only far fewer statements run.

The store's settings and the statuses are read at each chunk, inside the import's one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select

from desktop_app import bulk_sql, order_sql
from desktop_app.driver import Driver
from desktop_app.ledger import Ledger, Unit, lock_unit_ids
from desktop_app.order_sql import Line
from desktop_app.orders import _close_and_put_back, _settle
from desktop_app.schema import order_lines
from desktop_app.schema import orders as orders_table
from desktop_app.storefront_export import ExportOrder

SOURCE = "storefront"
CHUNK_ORDERS = 2000  # orders decided and written together
_IN = 900  # names or ids per IN (...) (SQLite's variable limit)

_LOCK_ORDERS = (
    select(orders_table.c.id, orders_table.c.state, orders_table.c.paid)
    .where(orders_table.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(orders_table.c.id)
    .with_for_update()
)
_LINES_OF = (
    select(
        order_lines.c.order_id, order_lines.c.id, order_lines.c.unit_id, order_lines.c.quantity,
        order_lines.c.removed, order_lines.c.restored, order_lines.c.returned, order_lines.c.committed,
    )
    .where(order_lines.c.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(order_lines.c.id)
)


@dataclass(slots=True)
class _Order:
    """An order as the events move it: ``key`` is its id, or a stand-in (negative) until a new one is written."""

    key: int
    name: str
    state: str
    paid: bool
    lines: list[Line]
    new: bool
    placed_at: dt.datetime | None = None
    before: dict | None = None  # a known order's figures as loaded (line id -> values), and its (state, paid)


class SetwiseEvents:
    """The order events of one import, decided per chunk and written set-wise (see the module's text)."""

    def __init__(self, conn: Connection, who: str, store_id: int) -> None:
        self.conn, self.who, self.store_id = conn, who, store_id
        self.units: dict[int, Unit] = {}  # every unit loaded (and locked) so far, kept up to date
        self.by_number: dict[str, Unit] = {}
        self.next_key = -1

    # -- one chunk --------------------------------------------------------------------------------
    def begin(self, chunk: list[ExportOrder], known: dict[str, tuple[int, str, bool]]) -> None:
        """Read what the chunk's orders work on: the store's settings, the statuses, the units (locked),
        the lines (and state) of the orders already held."""
        conn = self.conn
        drv = Driver(conn)
        self.store = order_sql.store_row(drv.run(order_sql.STORE_BY_ID, {"store_id": self.store_id}).fetchone())
        self.ledger = Ledger(
            conn, cause="order placed", who=self.who, store_id=self.store_id,
            statuses_by_id=order_sql.load_statuses(drv), store_row=self.store,
        )
        self.orders: list[_Order] = []
        self.held: dict[int, _Order] = {}
        ids = sorted({known[o.name][0] for o in chunk if o.name in known})
        lines_of: dict[int, list[Line]] = {}
        for start in range(0, len(ids), _IN):  # the orders first, then their units, as the order path locks
            part = ids[start : start + _IN]
            for row in conn.execute(_LOCK_ORDERS, {"ids": part}):
                lines = lines_of[row.id] = []
                self.held[row.id] = _Order(row.id, "", row.state, bool(row.paid), lines, False)
            for row in conn.execute(_LINES_OF, {"ids": part}):
                lines_of[row[0]].append(Line(*row[1:]))
        numbers = sorted({sku for o in chunk if o.name not in known for sku, _, _ in o.lines} - set(self.by_number))
        for start in range(0, len(numbers), _IN):
            for unit in order_sql.lock_units_by_number(drv, numbers[start : start + _IN]).values():
                self._keep(unit)
        wanted = {ln.unit_id for lines in lines_of.values() for ln in lines} - set(self.units)
        for unit in lock_unit_ids(conn, wanted).values():
            self._keep(unit)
        for order in self.held.values():
            order.before = {ln.id: ln.values() for ln in order.lines} | {None: (order.state, order.paid)}

    def _keep(self, unit: Unit) -> None:
        self.units[unit.id] = unit
        if unit.item_number is not None:
            self.by_number[unit.item_number] = unit

    # -- the events -------------------------------------------------------------------------------
    def place(self, export: ExportOrder, at: dt.datetime, *, cancelled: bool) -> _Order:
        """A new order: placed (taking stock if the store removes it when ordered), or recorded as cancelled."""
        lines = [Line(None, self.by_number[sku].id, qty, 0, 0, 0, 0) for sku, qty, _ in export.lines]
        order = _Order(self.next_key, export.name, "placed", False, lines, True, at)
        self.next_key -= 1
        self.orders.append(order)
        if cancelled:  # cancelled before it reached us: it never removed or committed anything
            order.state, order.paid = "cancelled", export.paid
            return order
        self.ledger.next_event("order placed", order.key, self.units)
        _settle(self.ledger, self.units, lines, open_=True, track=bool(self.store.track_inventory),
                remove=self.store.remove_when == "ordered")
        return order

    def known(self, order_id: int) -> _Order:
        order = self.held[order_id]
        self.orders.append(order)
        return order

    def pay(self, order: _Order) -> None:
        self.ledger.next_event("order paid", order.key, self.units)
        if order.state == "placed":
            _settle(self.ledger, self.units, order.lines, open_=True, track=bool(self.store.track_inventory),
                    remove=self.store.remove_when == "paid")
            order.state = "paid"
        order.paid = True  # shipped before it was paid: shipping already removed everything

    def ship(self, order: _Order) -> None:
        # Goods that left cannot still be on hand: shipping removes whatever was not removed yet.
        self.ledger.next_event("order shipped", order.key, self.units)
        _settle(self.ledger, self.units, order.lines, open_=False, track=bool(self.store.track_inventory),
                remove=True)
        order.state = "shipped"

    def cancel(self, order: _Order) -> None:
        self.ledger.next_event("order cancelled", order.key, self.units)
        _close_and_put_back(self.ledger, self.units, order.lines)
        order.state = "cancelled"

    # -- writing ----------------------------------------------------------------------------------
    def write(self) -> dict[int, int]:
        """Write the chunk: new orders and lines, then (through the ledger) events, counts, statuses and
        history, then the held orders' changed lines and states. Returns stand-in -> order id."""
        conn = self.conn
        new = [o for o in self.orders if o.new]
        ids = dict(zip((o.key for o in new), bulk_sql.reserve_ids(conn, "orders", len(new)), strict=True))
        at = bulk_sql.bind(conn, orders_table.c.placed_at)
        bulk_sql.insert_many(
            conn, "orders", ("id", "store_id", "state", "paid", "placed_at", "who", "name", "source"),
            ("int", "int", "text", "bool", "timestamptz", "text", "text", "text"),
            [(ids[o.key], self.store_id, o.state, o.paid, at(o.placed_at), self.who, o.name, SOURCE) for o in new],
        )
        bulk_sql.insert_many(
            conn, "order_lines", ("order_id", "unit_id", "quantity", "removed", "restored", "returned", "committed"),
            ("int",) * 7,
            [(ids[o.key], ln.unit_id, ln.quantity, ln.removed, 0, 0, ln.committed) for o in new for ln in o.lines],
        )
        self.ledger.write_events(ids)
        held = [o for o in self.orders if not o.new]
        bulk_sql.update_many(
            conn, "order_lines", "removed = {}, restored = {}, returned = {}, committed = {}", ("int",) * 5,
            [(*ln.values(), ln.id) for o in held for ln in o.lines if ln.values() != o.before.get(ln.id)],
        )
        bulk_sql.update_many(
            conn, "orders", "state = {}, paid = {}", ("text", "bool", "int"),
            [(o.state, o.paid, o.key) for o in held if (o.state, o.paid) != o.before[None]],
        )
        self.orders = []
        return ids
