"""Stock units as the ledger sees them: the locked item row, statuses, a store's rules, and how history
keeps a field's value as text.

Nothing here writes: ``desktop_app/ledger.py`` is the one writer of stock and history, and re-exports these
names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, select

from desktop_app import rules
from desktop_app.models import unit_label
from desktop_app.schema import items, statuses, stores

UNIT_COLUMNS = (
    items.c.id,
    items.c.parent_id,
    items.c.item_id,
    items.c.item_number,
    items.c.name,
    items.c.status_id,
    items.c.on_hand,
    items.c.on_order,
    items.c.committed,
    items.c.discontinued,
    items.c.non_inventory,
    items.c.min_qty,
    items.c.max_qty,
    items.c.multiple_qty,
    items.c.use_variant_inventory,
    items.c.version,
)


# The fields besides counts and status that a batch may change on an item, with their types. History keeps
# their old and new values as text (``field_text``); a revert reads them back (``field_value``).
FIELD_TYPES: dict[str, type] = {
    "item_number": str,
    "item_id": int,
    "name": str,
    "options": str,
    "discontinued": bool,
    "non_inventory": bool,
    "min_qty": int,
    "max_qty": int,
    "multiple_qty": int,
    "eta_date": dt.date,
    "low_stock_qty": int,
    "low_stock_warning": bool,
    "barcode": str,
    "supplier": str,
    "reorder_to": int,
}


def field_text(value: object) -> str | None:
    """A field's value as history keeps it: ``None`` stays None, booleans are "yes"/"no", dates ISO."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def field_value(name: str, text: str | None) -> object:
    """The value ``field_text`` wrote, for field ``name``."""
    if text is None:
        return None
    kind = FIELD_TYPES[name]
    if kind is bool:
        return text == "yes"
    if kind is int:
        return int(text)
    if kind is dt.date:
        return dt.date.fromisoformat(text)
    return text


@dataclass(slots=True)
class Unit:
    """A locked item row, kept up to date as the ledger changes it."""

    id: int
    parent_id: int | None
    item_id: int | None
    item_number: str | None
    name: str
    status_id: int
    on_hand: int
    on_order: int
    committed: int
    discontinued: bool
    non_inventory: bool
    min_qty: int
    max_qty: int
    multiple_qty: int
    use_variant_inventory: bool
    version: int

    @property
    def label(self) -> str:
        return unit_label(self.item_number, self.item_id, self.name)

    @property
    def tracked(self) -> bool:
        return not self.non_inventory


@dataclass(frozen=True, slots=True)
class StatusInfo:
    id: int
    name: str
    unavailable: bool
    back_order: bool


DEFAULT_ROLES = (
    "in_stock",
    "out_of_stock",
    "back_order",
    "discontinued",
)  # StoreRules' order of the defaults


def load_statuses(conn: Connection) -> dict[int, StatusInfo]:
    rows = conn.execute(select(statuses.c.id, statuses.c.name, statuses.c.unavailable, statuses.c.back_order))
    return {r.id: StatusInfo(r.id, r.name, bool(r.unavailable), bool(r.back_order)) for r in rows}


def load_store_rules(conn: Connection, store_id: int) -> rules.StoreRules:
    return store_rules(conn.execute(select(stores).where(stores.c.id == store_id)).one())


def store_rules(row) -> rules.StoreRules:
    """The rules' view of a ``stores`` row (or the rules themselves, as a caller that keeps them passes them)."""
    if isinstance(row, rules.StoreRules):
        return row
    return rules.StoreRules(
        track_inventory=bool(row.track_inventory),
        default_in_stock=row.default_in_stock_id,
        default_out_of_stock=row.default_out_of_stock_id,
        default_back_order=row.default_back_order_id,
        default_discontinued=row.default_discontinued_id,
    )


def lock_units(conn: Connection, where) -> dict[int, Unit]:
    """Read (and on a server, lock in id order) the item rows matching ``where``."""
    stmt = select(*UNIT_COLUMNS).where(where).order_by(items.c.id).with_for_update()
    return {r.id: Unit(*r) for r in conn.execute(stmt)}


def lock_unit_ids(conn: Connection, ids: Iterable[int]) -> dict[int, Unit]:
    ids = sorted(set(ids))
    found: dict[int, Unit] = {}
    for start in range(0, len(ids), 900):
        found.update(lock_units(conn, items.c.id.in_(ids[start : start + 900])))
    return found


def unit_from_record(record: dict) -> Unit:
    """The ``Unit`` of an item row held as a dict (every column of ``items``)."""
    unit = Unit(*(record[c.name] for c in UNIT_COLUMNS))
    unit.discontinued, unit.non_inventory = bool(unit.discontinued), bool(unit.non_inventory)
    unit.use_variant_inventory = bool(unit.use_variant_inventory)
    return unit


# The columns of a staged table (``create_stage``): one row per unit to change, ``line`` orders the history.
STAGE_COLUMNS = """line INTEGER PRIMARY KEY, item INTEGER, parent INTEGER, disc INTEGER, noninv INTEGER,
    back INTEGER, old_hand INTEGER, old_ord INTEGER, old_status INTEGER, new_hand INTEGER, new_ord INTEGER,
    req INTEGER, new_status INTEGER, rule VARCHAR(30)"""
# A staged row that changes its unit (once ``apply_staged`` decided its status).
STAGED_CHANGED = "(new_hand <> old_hand OR new_ord <> old_ord OR new_status <> old_status)"
# Items created without a given value get these (the schema's defaults); a new unit has nothing committed.
NEW_ITEM_DEFAULTS = {
    "parent_id": None,
    "item_id": None,
    "item_number": None,
    "name": "",
    "on_hand": 0,
    "on_order": 0,
    "discontinued": False,
    "non_inventory": False,
    "min_qty": 0,
    "max_qty": 0,
    "multiple_qty": 1,
    "barcode": None,
    "supplier": None,
    "reorder_to": 0,
    "use_variant_inventory": False,
}


# ``Ledger.next_event`` / ``write_events``: the events recorded and not yet written, and each unit's summed changes.
class EventQueue:
    __slots__ = ("events", "sums", "parents", "units", "marks")

    def __init__(self) -> None:
        self.events: list[dict] = []  # event rows, in order; the n-th is stand-in -(n + 1)
        self.sums: dict[int, list] = {}  # unit -> [d_hand, d_order, d_committed, last status, events]
        self.parents: dict[int, list] = {}  # parent -> [d_hand, d_order, d_committed, events]
        self.units: dict[int, Unit] = {}
        self.marks: tuple[int, int] = (0, 0)

    def fold(self, updates: dict[int, list], parent_deltas: dict[int, list[int]]) -> None:
        """Add one event's unit changes (the ledger's pending updates and parents' deltas) to the sums; a parent
        the caller holds gets its variants' changes, as the next event would read them from the database."""
        for uid, pending in updates.items():
            sums = self.sums.get(uid)
            if sums is None:
                sums = self.sums[uid] = [0, 0, 0, pending[3], 0]
            sums[0] += pending[0]
            sums[1] += pending[1]
            sums[2] += pending[2]
            sums[3] = pending[3]
            sums[4] += 1
        for pid, delta in parent_deltas.items():
            sums = self.parents.get(pid)
            if sums is None:
                sums = self.parents[pid] = [0, 0, 0, 0]
            sums[0] += delta[0]
            sums[1] += delta[1]
            sums[2] += delta[2]
            sums[3] += 1
            parent = self.units.get(pid)
            if parent is not None:
                parent.on_hand += delta[0]
                parent.on_order += delta[1]
                parent.committed += delta[2]
                parent.version += 1
