"""The statements of the order path, built once with bound parameters (SQLAlchemy caches their compiled form).

Building a Core statement and computing its cache key cost more than SQLite takes to run it, and an order's
three transactions ran about thirty of them; here each is built at import and only executed. One query
loads (and on a server locks) what an order event works on: the order, its store, its lines and their units.
The statuses are read in the same transaction by one more small query, so a status or store edited by
anyone (another workstation too) is what the next order sees, with nothing to invalidate. (They are not
joined to the locked units: on PostgreSQL a unit whose status changed while we waited for its lock would
drop out of the join when the row is re-checked.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, func, select

from desktop_app.ledger import UNIT_COLUMNS, StatusInfo, Unit
from desktop_app.schema import items, order_lines, orders, statuses, stores


@dataclass(slots=True)
class Line:
    id: int | None  # None until a new order's line is inserted
    unit_id: int
    quantity: int
    removed: int
    restored: int
    returned: int
    committed: int

    def values(self) -> tuple[int, int, int, int]:
        return (self.removed, self.restored, self.returned, self.committed)


@dataclass(frozen=True, slots=True)
class StoreRow:
    """What the order path and ``ledger.store_rules`` read of a store."""

    id: int
    name: str
    track_inventory: bool
    remove_when: str
    default_in_stock_id: int
    default_out_of_stock_id: int
    default_back_order_id: int
    default_discontinued_id: int


_STORE_COLUMNS = (
    stores.c.id,
    stores.c.name,
    stores.c.track_inventory,
    stores.c.remove_when,
    *(stores.c[f"default_{role}_id"] for role in ("in_stock", "out_of_stock", "back_order", "discontinued")),
)
_STATUS_COLUMNS = (statuses.c.id, statuses.c.name, statuses.c.unavailable, statuses.c.back_order)
_LINE_COLUMNS = (
    order_lines.c.id,
    order_lines.c.unit_id,
    order_lines.c.quantity,
    order_lines.c.removed,
    order_lines.c.restored,
    order_lines.c.returned,
    order_lines.c.committed,
)
_N_STORE, _N_LINE, _N_UNIT = len(_STORE_COLUMNS), len(_LINE_COLUMNS), len(UNIT_COLUMNS)

# An order event: the order and its units locked (on a server, the order first, then the units in id order,
# as every writer locks units); the store is only read.
EVENT = (
    select(orders.c.state, orders.c.paid, *_STORE_COLUMNS, *_LINE_COLUMNS, *UNIT_COLUMNS)
    .select_from(
        orders.join(stores, stores.c.id == orders.c.store_id)
        .join(order_lines, order_lines.c.order_id == orders.c.id)
        .join(items, items.c.id == order_lines.c.unit_id)
    )
    .where(orders.c.id == bindparam("order_id"))
    .order_by(items.c.id, order_lines.c.id)
    .with_for_update(of=[orders, items])
)
STORE_BY_NAME = select(*_STORE_COLUMNS).where(func.lower(stores.c.name) == bindparam("name"))
STORE_BY_ID = select(*_STORE_COLUMNS).where(stores.c.id == bindparam("store_id"))
UNITS_BY_NUMBER = (
    select(*UNIT_COLUMNS)
    .where(items.c.item_number.in_(bindparam("numbers", expanding=True)))
    .order_by(items.c.id)
    .with_for_update()
)
STATUSES = select(*_STATUS_COLUMNS)
INSERT_ORDER = orders.insert().values(
    store_id=bindparam("store_id"),
    state="placed",
    paid=False,
    placed_at=bindparam("placed_at"),
    who=bindparam("who"),
)
INSERT_LINE = order_lines.insert().values(
    order_id=bindparam("order_id"),
    unit_id=bindparam("u"),
    quantity=bindparam("q"),
    removed=bindparam("removed"),
    restored=0,
    returned=0,
    committed=bindparam("committed"),
)
SAVE_LINE = (
    order_lines.update()
    .where(order_lines.c.id == bindparam("b_id"))
    .values(
        removed=bindparam("b_removed"),
        restored=bindparam("b_restored"),
        returned=bindparam("b_returned"),
        committed=bindparam("b_committed"),
    )
)
_ORDER_UPDATES: dict[tuple[str, ...], object] = {}


def update_order(conn: Connection, order_id: int, values: dict) -> None:
    """``UPDATE orders SET …`` for the given columns (one statement per set of column names, built once)."""
    names = tuple(sorted(values))
    stmt = _ORDER_UPDATES.get(names)
    if stmt is None:
        stmt = _ORDER_UPDATES[names] = (
            orders.update()
            .where(orders.c.id == bindparam("b_order"))
            .values({name: bindparam(f"b_{name}") for name in names})
        )
    conn.execute(stmt, {"b_order": order_id, **{f"b_{name}": value for name, value in values.items()}})


def load_statuses(conn: Connection) -> dict[int, StatusInfo]:
    """Every status, as the database holds it now (a handful of rows)."""
    return {r[0]: StatusInfo(r[0], r[1], bool(r[2]), bool(r[3])) for r in conn.execute(STATUSES)}


@dataclass
class EventRows:
    state: str
    paid: bool
    store: StoreRow
    lines: list[Line]  # in line order
    units: dict[int, Unit]
    statuses: dict[int, StatusInfo]
    before: dict[int, tuple] = field(default_factory=dict)  # each line's figures as loaded


def load_event(conn: Connection, order_id: int) -> EventRows | None:
    """Everything an order event works on, in one query, and the statuses (None: no such order)."""
    rows = conn.execute(EVENT, {"order_id": order_id}).all()
    if not rows:
        return None
    first = rows[0]
    store = StoreRow(*first[2 : 2 + _N_STORE])
    lines: list[Line] = []
    units: dict[int, Unit] = {}
    at_line = 2 + _N_STORE
    at_unit = at_line + _N_LINE
    for row in rows:
        lines.append(Line(*row[at_line:at_unit]))
        unit_id = row[at_unit]
        if unit_id not in units:
            units[unit_id] = Unit(*row[at_unit:])
    lines.sort(key=lambda line: line.id)
    return EventRows(first[0], bool(first[1]), store, lines, units, load_statuses(conn))


def lock_units_by_number(conn: Connection, numbers: list[str]) -> dict[str, Unit]:
    """The units with these item numbers, locked in id order."""
    if not numbers:
        return {}
    rows = conn.execute(UNITS_BY_NUMBER, {"numbers": numbers})
    return {unit.item_number: unit for unit in (Unit(*row) for row in rows)}


def save_lines(conn: Connection, lines: list[Line], before: dict[int, tuple]) -> None:
    """Write the lines whose figures changed since ``before`` (line id -> ``values()`` as loaded)."""
    changed = [
        {"b_id": ln.id, "b_removed": ln.removed, "b_restored": ln.restored, "b_returned": ln.returned,
         "b_committed": ln.committed}
        for ln in lines
        if ln.values() != before.get(ln.id)
    ]
    if changed:
        conn.execute(SAVE_LINE, changed)
