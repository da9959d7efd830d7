"""The order path's reads, and its writes of orders and lines, on a SQLite file: few statements, few objects.

On SQLite an order event's statements take microseconds, so what the Python around them does is a large part of
its time. Here each event reads what it works on in one query on the driver connection, with positional
parameters: placing an order its store, the units its lines name and the statuses; paying or shipping the order,
its store, lines, units and statuses. The store and the statuses come back with every event, so a change anyone
made (another connection, another program) is what the next event sees; what is built of them (``StoreRow``, the
rules, ``StatusInfo``) is kept and reused for as long as their rows read the same. The statuses come as one line
of text (each status's id, flags, and name prefixed by its length, so two different sets never read the same); the
rows behind it are read again only when it changed.

Stock and history are still written by the ledger (``ledger.py``); this module writes only ``orders`` and
``order_lines``.
"""

from __future__ import annotations

import sqlite3

from desktop_app.ledger import UNIT_COLUMNS, StatusInfo, Unit, store_rules
from desktop_app.order_sql import EventRows, Line, StoreRow

_STORE = (
    "s.id, s.name, s.track_inventory, s.remove_when, s.default_in_stock_id, s.default_out_of_stock_id, "
    "s.default_back_order_id, s.default_discontinued_id"
)
_STATUS_KEY = (
    "(SELECT group_concat(id || ' ' || unavailable || back_order || ' ' || length(name) || ' ' || name, ' ') "
    "FROM statuses)"
)
_UNIT = ", ".join(f"i.{c.name}" for c in UNIT_COLUMNS)
_N_UNIT = len(UNIT_COLUMNS)
# Placing: the store by name, its statuses' key, and the units of the item numbers (none: one row of NULLs).
_PLACE = (
    f"SELECT {_STORE}, {_STATUS_KEY}, {_UNIT} FROM stores s LEFT JOIN items i ON i.item_number IN ({{marks}}) "
    "WHERE lower(s.name) = ? ORDER BY i.id"
)
_PLACE_BY_COUNT: dict[int, str] = {}
# An event: the order, its store, the statuses' key, its lines and their units (in unit order, as ``order_sql``).
_EVENT = (
    f"SELECT o.state, o.paid, {_STORE}, {_STATUS_KEY}, "
    "l.id, l.unit_id, l.quantity, l.removed, l.restored, l.returned, l.committed, "
    f"{_UNIT} FROM orders o JOIN stores s ON s.id = o.store_id JOIN order_lines l ON l.order_id = o.id "
    "JOIN items i ON i.id = l.unit_id WHERE o.id = ? ORDER BY i.id, l.id"
)
_STATUSES = "SELECT id, name, unavailable, back_order FROM statuses"
_INSERT_ORDER = "INSERT INTO orders (store_id, state, paid, placed_at, who) VALUES (?, 'placed', 0, ?, ?)"
_INSERT_LINE = (
    "INSERT INTO order_lines (order_id, unit_id, quantity, removed, restored, returned, committed) "
    "VALUES (?, ?, ?, ?, 0, 0, ?)"
)
_SAVE_LINE = "UPDATE order_lines SET removed = ?, restored = ?, returned = ?, committed = ? WHERE id = ?"
_ORDER_UPDATES = {
    ("paid", "state"): "UPDATE orders SET paid = ?, state = ? WHERE id = ?",
    ("paid",): "UPDATE orders SET paid = ? WHERE id = ?",
    ("state",): "UPDATE orders SET state = ? WHERE id = ?",
}

# What was built of the rows last read, replaced whole (threads share them): the statuses' key and the statuses;
# each store row read and its ``StoreRow`` with its rules.
_statuses_seen: tuple[str | None, dict[int, StatusInfo]] = (None, {})
_stores_seen: dict[tuple, tuple[StoreRow, object]] = {}


def statuses(raw: sqlite3.Connection, key: str) -> dict[int, StatusInfo]:
    """The statuses whose key (``_STATUS_KEY``) the query brought: as built last time, unless it changed."""
    seen_key, built = _statuses_seen
    if key != seen_key:
        built = {
            r[0]: StatusInfo(r[0], r[1], bool(r[2]), bool(r[3])) for r in raw.execute(_STATUSES).fetchall()
        }
        _remember_statuses(key, built)
    return dict(built)  # the caller's own: the kept one is shared by every connection and thread


def _remember_statuses(key: str, built: dict[int, StatusInfo]) -> None:
    global _statuses_seen
    _statuses_seen = (key, built)


def store(values: tuple) -> tuple[StoreRow, object]:
    """The ``StoreRow`` of a store's row (``_STORE``) and its rules for the ledger, built once per row read."""
    found = _stores_seen.get(values)
    if found is None:
        row = StoreRow(values[0], values[1], bool(values[2]), *values[3:8])
        if len(_stores_seen) > 64:  # stores renamed or reconfigured many times over: start again
            _stores_seen.clear()
        found = _stores_seen[values] = (row, store_rules(row))
    return found


def _unit(values) -> Unit:
    unit = Unit(*values)
    unit.discontinued, unit.non_inventory = bool(unit.discontinued), bool(unit.non_inventory)
    unit.use_variant_inventory = bool(unit.use_variant_inventory)
    return unit


def place_reads(raw: sqlite3.Connection, store_name: str, numbers: list[str]):
    """The store named ``store_name`` (its ``StoreRow`` and rules), the statuses, and the units of ``numbers``
    by item number; None if there is no such store."""
    text = _PLACE_BY_COUNT.get(len(numbers))
    if text is None:
        text = _PLACE_BY_COUNT[len(numbers)] = _PLACE.format(marks=", ".join("?" * len(numbers)) or "NULL")
    rows = raw.execute(text, (*numbers, store_name.strip().lower())).fetchall()
    if not rows:
        return None
    first = rows[0]
    row, rules = store(first[:8])
    units = {u.item_number: u for u in (_unit(r[9:]) for r in rows if r[9] is not None)}
    return row, rules, statuses(raw, first[8]), units


def load_event(raw: sqlite3.Connection, order_id: int) -> tuple[EventRows, object] | None:
    """Everything an order event works on (as ``order_sql.load_event``) and the store's rules; None: no order
    with lines."""
    rows = raw.execute(_EVENT, (order_id,)).fetchall()
    if not rows:
        return None
    first = rows[0]
    row, rules = store(first[2:10])
    lines = [Line(*r[11:18]) for r in rows]
    units: dict[int, Unit] = {}
    for r in rows:
        if r[18] not in units:
            units[r[18]] = _unit(r[18:])
    if len(lines) > 1:
        lines.sort(key=_line_id)
    return EventRows(first[0], bool(first[1]), row, lines, units, statuses(raw, first[10])), rules


def _line_id(line: Line) -> int:
    return line.id


def insert_order(raw: sqlite3.Connection, store_id: int, placed_at: str, who: str) -> int:
    cur = raw.cursor()
    cur.execute(_INSERT_ORDER, (store_id, placed_at, who))
    return cur.lastrowid


def insert_lines(raw: sqlite3.Connection, order_id: int, lines: list[Line]) -> None:
    raw.executemany(
        _INSERT_LINE, [(order_id, ln.unit_id, ln.quantity, ln.removed, ln.committed) for ln in lines]
    )


def save_lines(raw: sqlite3.Connection, lines: list[Line], before: dict[int, tuple]) -> None:
    """Write the lines whose figures changed since ``before`` (line id -> ``values()`` as loaded)."""
    changed = [
        (ln.removed, ln.restored, ln.returned, ln.committed, ln.id)
        for ln in lines
        if (ln.removed, ln.restored, ln.returned, ln.committed) != before.get(ln.id)
    ]
    if changed:
        raw.executemany(_SAVE_LINE, changed)


def update_order(raw: sqlite3.Connection, order_id: int, values: dict) -> None:
    names = tuple(sorted(values))
    raw.execute(_ORDER_UPDATES[names], (*(values[name] for name in names), order_id))
