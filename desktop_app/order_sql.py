"""The statements of the order path, written once as SQL for the driver's cursor (``driver.py``).

Through SQLAlchemy, an order's three transactions ran about thirty statements whose per-statement work cost
more than SQLite takes to run them; here each is SQL text run on the driver connection. One query loads
(and on a server locks) what an order event works on: the order, its store, its lines and their units.
The statuses are read in the same transaction by one more small query, so a status or store edited by
anyone (another workstation too) is what the next order sees, with nothing to invalidate; they are built
into objects only when their rows differ from the last read. (They are not joined to the locked units: on
PostgreSQL a unit whose status changed while we waited for its lock would drop out of the join when the row
is re-checked.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.driver import Driver, Sql
from desktop_app.ledger import UNIT_COLUMNS, StatusInfo, Unit


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


_STORE = (
    "s.id, s.name, s.track_inventory, s.remove_when, s.default_in_stock_id, s.default_out_of_stock_id, "
    "s.default_back_order_id, s.default_discontinued_id"
)
_LINE = "l.id, l.unit_id, l.quantity, l.removed, l.restored, l.returned, l.committed"
_UNIT = ", ".join(f"i.{c.name}" for c in UNIT_COLUMNS)
_N_STORE, _N_LINE = 8, 7

# An order event: the order and its units locked (on a server, the order first, then the units in id order,
# as every writer locks units); the store is only read.
# On a server, the first query of a transaction also brings the statuses (one round trip less); SQLite reads them
# with a query of their own (no round trip to save), ``STATUSES``.
_PG_STATUSES = (
    ", (SELECT json_agg(json_build_array(t.id, t.name, t.unavailable, t.back_order) ORDER BY t.id) FROM statuses t)"
)
_EVENT = (
    "SELECT o.state, o.paid, {store}, {line}, {unit}{statuses} FROM orders o JOIN stores s ON s.id = o.store_id "
    "JOIN order_lines l ON l.order_id = o.id JOIN items i ON i.id = l.unit_id WHERE o.id = :order_id "
    "ORDER BY i.id, l.id"
)
EVENT = Sql(
    _EVENT.format(store=_STORE, line=_LINE, unit=_UNIT, statuses=""),
    pg=_EVENT.format(store=_STORE, line=_LINE, unit=_UNIT, statuses=_PG_STATUSES),
    pg_suffix=" FOR UPDATE OF o, i",
)
STORE_BY_NAME = Sql(
    f"SELECT {_STORE} FROM stores s WHERE lower(s.name) = :name",
    pg=f"SELECT {_STORE}{_PG_STATUSES} FROM stores s WHERE lower(s.name) = :name",
)
STORE_BY_ID = Sql(f"SELECT {_STORE} FROM stores s WHERE s.id = :store_id")
STATUSES = Sql("SELECT id, name, unavailable, back_order FROM statuses ORDER BY id")
INSERT_ORDER = Sql(
    "INSERT INTO orders (store_id, state, paid, placed_at, who) "
    "VALUES (:store_id, 'placed', :paid, :placed_at, :who) RETURNING id"
)
INSERT_LINE = Sql(
    "INSERT INTO order_lines (order_id, unit_id, quantity, removed, restored, returned, committed) "
    "VALUES (:order_id, :u, :q, :removed, 0, 0, :committed)"
)
SAVE_LINE = Sql(
    "UPDATE order_lines SET removed = :removed, restored = :restored, returned = :returned, "
    "committed = :committed WHERE id = :id"
)
_UNITS_BY_NUMBER: dict[int, Sql] = {}
_PLACE_READS: dict[int, Sql] = {}
_ORDER_UPDATES: dict[tuple[str, ...], Sql] = {}


def update_order(drv: Driver, order_id: int, values: dict) -> None:
    """``UPDATE orders SET …`` for the given columns (one statement per set of column names, written once)."""
    names = tuple(sorted(values))
    stmt = _ORDER_UPDATES.get(names)
    if stmt is None:
        sets = ", ".join(f"{name} = :v_{name}" for name in names)
        stmt = _ORDER_UPDATES[names] = Sql(f"UPDATE orders SET {sets} WHERE id = :order_id")
    drv.run(stmt, {"order_id": order_id, **{f"v_{name}": value for name, value in values.items()}})


# The statuses' rows as last read, and what was made of them: one tuple, replaced whole (threads share it).
_statuses_seen: tuple = (None, None)


def load_statuses(drv: Driver, rows: list | None = None) -> dict[int, StatusInfo]:
    """Every status, as the database holds it now: read in each transaction (a handful of rows, so a status
    edited on another workstation is what the next order sees), built into objects only when they changed.

    ``rows``: the statuses a server's query brought along (``_PG_STATUSES``)."""
    if rows is None:
        rows = drv.run(STATUSES).fetchall()
    global _statuses_seen
    seen_rows, built = _statuses_seen
    if rows != seen_rows:
        built = {r[0]: StatusInfo(r[0], r[1], bool(r[2]), bool(r[3])) for r in rows}
        _statuses_seen = (rows, built)
    return dict(built)


def store_row(values) -> StoreRow:
    """A ``StoreRow`` from the driver's row (SQLite gives its booleans as 0 and 1)."""
    return StoreRow(values[0], values[1], bool(values[2]), *values[3:8])


def unit_row(values) -> Unit:
    """A ``Unit`` from the driver's row of ``UNIT_COLUMNS`` (SQLite gives its booleans as 0 and 1)."""
    unit = Unit(*values)
    unit.discontinued, unit.non_inventory = bool(unit.discontinued), bool(unit.non_inventory)
    unit.use_variant_inventory = bool(unit.use_variant_inventory)
    return unit


@dataclass
class EventRows:
    state: str
    paid: bool
    store: StoreRow
    lines: list[Line]  # in line order
    units: dict[int, Unit]
    statuses: dict[int, StatusInfo]
    before: dict[int, tuple] = field(default_factory=dict)  # each line's figures as loaded
    driver: Driver | None = None  # the event's driver connection


def load_event(drv: Driver, order_id: int) -> EventRows | None:
    """Everything an order event works on, in one query, and the statuses (None: no such order)."""
    rows = drv.run(EVENT, {"order_id": order_id}).fetchall()
    if not rows:
        return None
    first = rows[0]
    store = store_row(first[2 : 2 + _N_STORE])
    lines: list[Line] = []
    units: dict[int, Unit] = {}
    at_line = 2 + _N_STORE
    at_unit = at_line + _N_LINE
    end = at_unit + len(UNIT_COLUMNS)
    for row in rows:
        lines.append(Line(*row[at_line:at_unit]))
        unit_id = row[at_unit]
        if unit_id not in units:
            units[unit_id] = unit_row(row[at_unit:end])
    lines.sort(key=lambda line: line.id)
    statuses = load_statuses(drv, None if drv.sqlite else first[end])
    return EventRows(first[0], bool(first[1]), store, lines, units, statuses)


def lock_units_by_number(drv: Driver, numbers: list[str]) -> dict[str, Unit]:
    """The units with these item numbers, locked in id order."""
    if not numbers:
        return {}
    stmt = _UNITS_BY_NUMBER.get(len(numbers))
    if stmt is None:
        marks = ", ".join(f":n{k}" for k in range(len(numbers)))
        stmt = _UNITS_BY_NUMBER[len(numbers)] = Sql(
            f"SELECT {_UNIT} FROM items i WHERE i.item_number IN ({marks}) ORDER BY i.id", pg_suffix=" FOR UPDATE"
        )
    rows = drv.run(stmt, {f"n{k}": number for k, number in enumerate(numbers)}).fetchall()
    return {unit.item_number: unit for unit in (unit_row(row) for row in rows)}


def place_reads(drv: Driver, store_name: str, numbers: list[str]) -> tuple[tuple | None, dict[str, Unit]]:
    """A server's first query of a new order, one round trip: the store (with the statuses, as
    ``STORE_BY_NAME``) and the units with these item numbers, locked in id order. (None, {}): no such store."""
    stmt = _PLACE_READS.get(len(numbers))
    if stmt is None:
        marks = ", ".join(f":n{k}" for k in range(len(numbers)))
        units = f"SELECT {_UNIT} FROM items i WHERE i.item_number IN ({marks}) ORDER BY i.id FOR UPDATE"
        stmt = _PLACE_READS[len(numbers)] = Sql(
            f"WITH u AS ({units}) SELECT {_STORE}{_PG_STATUSES}, u.* FROM stores s LEFT JOIN u ON true "
            "WHERE lower(s.name) = :name ORDER BY u.id"
        )
    rows = drv.run(stmt, {"name": store_name, **{f"n{k}": number for k, number in enumerate(numbers)}}).fetchall()
    if not rows:
        return None, {}
    at_unit = _N_STORE + 1
    units = (unit_row(row[at_unit:]) for row in rows if row[at_unit] is not None)
    return rows[0][:at_unit], {unit.item_number: unit for unit in units}


def save_lines(drv: Driver, lines: list[Line], before: dict[int, tuple]) -> None:
    """Write the lines whose figures changed since ``before`` (line id -> ``values()`` as loaded)."""
    drv.run_many(
        SAVE_LINE,
        [
            {"id": ln.id, "removed": ln.removed, "restored": ln.restored, "returned": ln.returned,
             "committed": ln.committed}
            for ln in lines
            if ln.values() != before.get(ln.id)
        ],
    )
