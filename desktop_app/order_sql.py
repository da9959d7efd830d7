"""The statements of the order path, built once with bound parameters (SQLAlchemy caches their compiled form).

Building a Core statement and computing its cache key cost more than SQLite takes to run it, and an order's
three transactions ran about thirty of them; here each is built at import and only executed. One query
loads everything an order event works on: the order, its store with the store's four default statuses, its
lines, their units with each unit's current status. So every status the rules may read or write for this
order comes with it, as the database holds it now: a status or store edited by anyone (another workstation
too) is what the next order sees, with nothing to invalidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, func, select

from desktop_app.ledger import UNIT_COLUMNS, StatusInfo, Unit
from desktop_app.schema import items, order_lines, orders, statuses, stores

DEFAULT_ROLES = ("in_stock", "out_of_stock", "back_order", "discontinued")


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
    *(stores.c[f"default_{role}_id"] for role in DEFAULT_ROLES),
)
_DEFAULTS = [statuses.alias(f"default_{role}") for role in DEFAULT_ROLES]
_STATUS_FIELDS = ("id", "name", "unavailable", "back_order")


def _status_columns(table) -> list:
    return [table.c[f] for f in _STATUS_FIELDS]


def _with_defaults(frm):
    for role, alias in zip(DEFAULT_ROLES, _DEFAULTS, strict=True):
        frm = frm.join(alias, alias.c.id == stores.c[f"default_{role}_id"])
    return frm


_DEFAULT_COLUMNS = [c for alias in _DEFAULTS for c in _status_columns(alias)]
_CURRENT = statuses.alias("current_status")
_LINE_COLUMNS = (
    order_lines.c.id,
    order_lines.c.unit_id,
    order_lines.c.quantity,
    order_lines.c.removed,
    order_lines.c.restored,
    order_lines.c.returned,
    order_lines.c.committed,
)
_N_STORE, _N_DEFAULTS = len(_STORE_COLUMNS), len(_DEFAULT_COLUMNS)
_N_LINE, _N_UNIT = len(_LINE_COLUMNS), len(UNIT_COLUMNS)

# An order event: the order and its units locked (on a server, the order first, then the units in id order,
# as every writer locks units); the store and statuses are only read.
EVENT = (
    select(
        orders.c.state,
        orders.c.paid,
        *_STORE_COLUMNS,
        *_DEFAULT_COLUMNS,
        *_LINE_COLUMNS,
        *UNIT_COLUMNS,
        *_status_columns(_CURRENT),
    )
    .select_from(
        _with_defaults(orders.join(stores, stores.c.id == orders.c.store_id))
        .join(order_lines, order_lines.c.order_id == orders.c.id)
        .join(items, items.c.id == order_lines.c.unit_id)
        .join(_CURRENT, _CURRENT.c.id == items.c.status_id)
    )
    .where(orders.c.id == bindparam("order_id"))
    .order_by(items.c.id, order_lines.c.id)
    .with_for_update(of=[orders, items])
)
STORE_BY_NAME = (
    select(*_STORE_COLUMNS, *_DEFAULT_COLUMNS)
    .select_from(_with_defaults(stores))
    .where(func.lower(stores.c.name) == bindparam("name"))
)
STORE_BY_ID = (
    select(*_STORE_COLUMNS, *_DEFAULT_COLUMNS)
    .select_from(_with_defaults(stores))
    .where(stores.c.id == bindparam("store_id"))
)
UNITS_BY_NUMBER = (
    select(*UNIT_COLUMNS, *_status_columns(_CURRENT))
    .select_from(items.join(_CURRENT, _CURRENT.c.id == items.c.status_id))
    .where(items.c.item_number.in_(bindparam("numbers", expanding=True)))
    .order_by(items.c.id)
    .with_for_update(of=items)
)
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


def _status(values) -> StatusInfo:
    return StatusInfo(values[0], values[1], bool(values[2]), bool(values[3]))


def store_and_defaults(values, found: dict[int, StatusInfo]) -> StoreRow:
    """A ``StoreRow`` from the store's columns followed by its four default statuses' (adding those)."""
    store = StoreRow(*values[:_N_STORE])
    for i in range(4):
        start = _N_STORE + 4 * i
        status = _status(values[start : start + 4])
        found[status.id] = status
    return store


@dataclass
class EventRows:
    state: str
    paid: bool
    store: StoreRow
    lines: list[Line]  # in line order
    units: dict[int, Unit]
    statuses: dict[int, StatusInfo]  # every status the rules may read or set for this order
    before: dict[int, tuple] = field(default_factory=dict)  # each line's figures as loaded


def load_event(conn: Connection, order_id: int) -> EventRows | None:
    """Everything an order event works on, in one query (None: no such order)."""
    rows = conn.execute(EVENT, {"order_id": order_id}).all()
    if not rows:
        return None
    first = rows[0]
    found: dict[int, StatusInfo] = {}
    store = store_and_defaults(first[2:], found)
    lines: list[Line] = []
    units: dict[int, Unit] = {}
    at_line = 2 + _N_STORE + _N_DEFAULTS
    at_unit = at_line + _N_LINE
    at_status = at_unit + _N_UNIT
    for row in rows:
        lines.append(Line(*row[at_line:at_unit]))
        unit_id = row[at_unit]
        if unit_id not in units:
            units[unit_id] = Unit(*row[at_unit:at_status])
            status = _status(row[at_status:])
            found[status.id] = status
    lines.sort(key=lambda line: line.id)
    return EventRows(first[0], bool(first[1]), store, lines, units, found)


def lock_units_by_number(conn: Connection, numbers: list[str]) -> tuple[dict[str, Unit], dict[int, StatusInfo]]:
    """The units with these item numbers, locked in id order, with their current statuses."""
    units: dict[str, Unit] = {}
    found: dict[int, StatusInfo] = {}
    if numbers:
        for row in conn.execute(UNITS_BY_NUMBER, {"numbers": numbers}):
            unit = Unit(*row[:_N_UNIT])
            units[unit.item_number] = unit
            status = _status(row[_N_UNIT:])
            found[status.id] = status
    return units, found


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
