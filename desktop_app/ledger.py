"""The one place that changes on_hand, on_order, committed and status, and writes the history.

History is movements, status changes and field changes (the other fields a batch sets, which the caller
writes to the item and the ledger records, so that a revert can put them back).

A ``Ledger`` lives inside one transaction and states its cause once: a manual edit (never triggering),
or a change for a store (an order event, or a mass change made for a selected store), whose settings the
rules of SPEC section 2 then use. Callers lock the units they change (``lock_units``), ask for changes,
and ``flush`` writes them set-wise: one statement per kind of row, however many units changed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select

from desktop_app import rules
from desktop_app.errors import InventoryError
from desktop_app.models import StatusChangeReport
from desktop_app.schema import events, field_changes, items, movements, status_changes, statuses, stores
from desktop_app.settings import _SEED_IDS as SEED_STATUS_IDS
from desktop_app.settings import DEFAULT_STATUS_NAMES

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
        if self.item_number:
            return self.item_number
        return f"#{self.item_id}" if self.item_id is not None else self.name

    @property
    def tracked(self) -> bool:
        return not self.non_inventory


@dataclass(frozen=True, slots=True)
class StatusInfo:
    id: int
    name: str
    unavailable: bool
    back_order: bool


_ROLES = ("in_stock", "out_of_stock", "back_order", "discontinued")  # StoreRules' order of the defaults


def load_statuses(conn: Connection) -> dict[int, StatusInfo]:
    rows = conn.execute(select(statuses.c.id, statuses.c.name, statuses.c.unavailable, statuses.c.back_order))
    return {r.id: StatusInfo(r.id, r.name, bool(r.unavailable), bool(r.back_order)) for r in rows}


def load_store_rules(conn: Connection, store_id: int) -> rules.StoreRules:
    return store_rules(conn.execute(select(stores).where(stores.c.id == store_id)).one())


def store_rules(row) -> rules.StoreRules:
    """The rules' view of a ``stores`` row."""
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


class Ledger:
    """Changes of stock and status within one transaction, recorded as one event of history."""

    def __init__(
        self,
        conn: Connection,
        *,
        cause: str,
        who: str,
        store_id: int | None = None,
        order_id: int | None = None,
        note: str | None = None,
        reverts_id: int | None = None,
        statuses_by_id: dict[int, StatusInfo] | None = None,
        store_row=None,
    ) -> None:
        self.conn = conn
        self.cause = cause
        self.who = who
        self.store_id = store_id
        self.order_id = order_id
        self.note = note
        self.reverts_id = reverts_id
        self.statuses = statuses_by_id if statuses_by_id is not None else load_statuses(conn)
        # The store whose rules apply; None for a manual edit or a mass change with no store selected.
        # (Callers that already read the store's row pass it, so an order event reads it once.)
        if store_id is None:
            self.rules = None
        else:
            self.rules = store_rules(store_row) if store_row is not None else load_store_rules(conn, store_id)
        self.at = dt.datetime.now(dt.UTC)
        self.event_id: int | None = None
        self.status_changes: list[StatusChangeReport] = []
        self.movement_count = 0
        self.field_change_count = 0
        self._updates: dict[int, list] = {}
        self._parent_deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        self._movements: list[dict] = []
        self._status_rows: list[dict] = []
        self._field_rows: list[dict] = []
        self._created_statuses: dict[int, int] = {}

    # -- recording --------------------------------------------------------------------------------
    def ensure_event(self) -> int:
        """The event this ledger's history rows belong to, written on first need."""
        if self.event_id is None:
            self.event_id = self.conn.execute(
                _INSERT_EVENT,
                {
                    "cause": self.cause,
                    "store_id": self.store_id,
                    "order_id": self.order_id,
                    "reverts_id": self.reverts_id,
                    "who": self.who,
                    "at": self.at,
                    "note": self.note,
                },
            ).inserted_primary_key[0]
        return self.event_id

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

    def created(self, unit: Unit) -> None:
        """Record a new unit's starting counts as movements; creating an item never triggers a rule."""
        for quantity, value in (("on_hand", unit.on_hand), ("on_order", unit.on_order)):
            if value:
                self._movements.append(
                    {"e": self.ensure_event(), "u": unit.id, "q": quantity, "d": value, "a": value}
                )
        self._parent(unit, unit.on_hand, unit.on_order, 0)

    def status_for_new_item(
        self, *, on_hand: int, non_inventory: bool, discontinued: bool, allows_back_order: bool = False
    ) -> int:
        """The status an item created without one gets (SPEC section 1): what its stock calls for, among the
        store's four defaults, or with no store the statuses of those names (creating never triggers)."""
        by_role = rules.StoreRules(False, *(f"default_{r}" for r in _ROLES))
        decision = rules.creation_status(
            on_hand=on_hand,
            non_inventory=non_inventory,
            discontinued=discontinued,
            allows_back_order=allows_back_order,
            defaults=self.rules or by_role,
        )
        if self.rules is not None:
            return decision.status
        name = DEFAULT_STATUS_NAMES[decision.status]
        for status in self.statuses.values():
            if status.name.lower() == name.lower():
                return status.id
        seeded = SEED_STATUS_IDS[decision.status]  # renamed since: the seeded status of that role
        if seeded in self.statuses:
            return seeded
        raise InventoryError(f"There is no status named '{name}' for a new item; give the item a status")

    def created_status(self, item_pk: int, status_id: int) -> None:
        """Settle the status of an item created in this transaction (a product whose status follows the sum of
        the variants created with it): still its creation, so no status change is recorded."""
        self._created_statuses[item_pk] = status_id

    def fields_changed(self, item_pk: int, changes: dict[str, tuple[object, object]]) -> None:
        """Record fields besides counts and status that this event sets on an item: ``{field: (old, new)}``.

        The caller writes the item itself; the history rows go out with the next ``flush``, in one statement.
        """
        for name, (old, new) in changes.items():
            if name not in FIELD_TYPES:
                raise ValueError(f"{name} is not a field the history records")
            old_text, new_text = field_text(old), field_text(new)
            if old_text != new_text:
                self._field_rows.append(
                    {"e": self.ensure_event(), "i": item_pk, "f": name, "o": old_text, "n": new_text}
                )

    def _pending(self, unit: Unit) -> list:
        pending = self._updates.get(unit.id)
        if pending is None:
            pending = self._updates[unit.id] = [0, 0, 0, unit.status_id]
        return pending

    def _parent(self, unit: Unit, d_hand: int, d_order: int, d_committed: int) -> None:
        if unit.parent_id is not None and (d_hand or d_order or d_committed):
            sums = self._parent_deltas[unit.parent_id]
            sums[0] += d_hand
            sums[1] += d_order
            sums[2] += d_committed

    # -- writing ----------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write what was asked so far: counts (atomic increments), statuses, parents' sums, history."""
        conn = self.conn
        if self._updates:
            conn.execute(
                _UPDATE_UNITS,
                [
                    {"b_id": uid, "b_hand": p[0], "b_order": p[1], "b_committed": p[2], "b_status": p[3]}
                    for uid, p in self._updates.items()
                ],
            )
            self._updates.clear()
        if self._created_statuses:
            conn.execute(
                _SET_STATUS,
                [{"b_id": pk, "b_status": sid} for pk, sid in sorted(self._created_statuses.items())],
            )
            self._created_statuses.clear()
        if self._parent_deltas:
            conn.execute(
                _UPDATE_PARENTS,
                [
                    {"b_id": pid, "b_hand": d[0], "b_order": d[1], "b_committed": d[2]}
                    for pid, d in sorted(self._parent_deltas.items())
                ],
            )
            self._parent_deltas.clear()
        if self._movements:
            conn.execute(_INSERT_MOVEMENTS, self._movements)
            self.movement_count += len(self._movements)
            self._movements.clear()
        if self._status_rows:
            conn.execute(_INSERT_STATUS_CHANGES, self._status_rows)
            self._status_rows.clear()
        if self._field_rows:
            conn.execute(
                field_changes.insert().values(
                    event_id=bindparam("e"),
                    item_pk=bindparam("i"),
                    field=bindparam("f"),
                    old_value=bindparam("o"),
                    new_value=bindparam("n"),
                ),
                self._field_rows,
            )
            self.field_change_count += len(self._field_rows)
            self._field_rows.clear()


# The statements ``ensure_event`` and ``flush`` run, built once (an order's three transactions ran about ten
# of them; building one and computing its cache key cost more than SQLite takes to run it).
_INSERT_EVENT = events.insert().values(
    cause=bindparam("cause"),
    store_id=bindparam("store_id"),
    order_id=bindparam("order_id"),
    reverts_id=bindparam("reverts_id"),
    who=bindparam("who"),
    at=bindparam("at"),
    note=bindparam("note"),
)
_UPDATE_UNITS = (
    items.update()
    .where(items.c.id == bindparam("b_id"))
    .values(
        on_hand=items.c.on_hand + bindparam("b_hand"),
        on_order=items.c.on_order + bindparam("b_order"),
        committed=items.c.committed + bindparam("b_committed"),
        status_id=bindparam("b_status"),
        version=items.c.version + 1,
    )
)
_SET_STATUS = items.update().where(items.c.id == bindparam("b_id")).values(status_id=bindparam("b_status"))
_UPDATE_PARENTS = (
    items.update()
    .where(items.c.id == bindparam("b_id"))
    .values(
        on_hand=items.c.on_hand + bindparam("b_hand"),
        on_order=items.c.on_order + bindparam("b_order"),
        committed=items.c.committed + bindparam("b_committed"),
        version=items.c.version + 1,
    )
)
_INSERT_MOVEMENTS = movements.insert().values(
    event_id=bindparam("e"), unit_id=bindparam("u"), quantity=bindparam("q"), delta=bindparam("d"),
    after=bindparam("a"),
)
_INSERT_STATUS_CHANGES = status_changes.insert().values(
    event_id=bindparam("e"), unit_id=bindparam("u"), from_status=bindparam("f"), to_status=bindparam("t"),
    rule=bindparam("r"),
)
