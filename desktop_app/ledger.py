"""The one place that changes on_hand, on_order, committed and status, and writes the history.

History is movements, status changes and field changes (the other fields a batch sets, which the caller
writes to the item and the ledger records, so that a revert can put them back).

A ``Ledger`` lives inside one transaction and states its cause once: a manual edit (never triggering),
or a change for a store (an order event, or a mass change made for a selected store), whose settings the
rules of SPEC section 2 then use. Callers lock the units they change (``lock_units``), ask for changes,
and ``flush`` writes them set-wise: one statement per kind of row, however many units changed. Many rows at
once (an import) are staged in a temporary table instead (``create_stage``, ``apply_staged``): then every
step is one SQL statement over all of them, with the same rules in SQL (``rules.SQL_NEW_STATUS``). New items
come in through ``create_units``. Pure helpers (the ``Unit``, statuses, field text) live in ``units.py``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Connection, text

from desktop_app import bulk_sql, rules
from desktop_app.driver import Driver, Sql
from desktop_app.errors import InventoryError
from desktop_app.models import StatusChangeReport
from desktop_app.schema import events, items
from desktop_app.settings import DEFAULT_STATUS_NAMES, SEED_STATUS_IDS
from desktop_app.status_log import StatusChangeLog
from desktop_app.units import (
    DEFAULT_ROLES,
    FIELD_TYPES,
    NEW_ITEM_DEFAULTS,
    STAGE_COLUMNS,
    STAGED_CHANGED,
    UNIT_COLUMNS,
    EventQueue,
    StatusInfo,
    Unit,
    field_text,
    field_value,
    load_statuses,
    load_store_rules,
    lock_unit_ids,
    lock_units,
    store_rules,
    unit_from_record,
)

__all__ = [
    "FIELD_TYPES",
    "STAGE_COLUMNS",
    "STAGED_CHANGED",
    "UNIT_COLUMNS",
    "Ledger",
    "StatusInfo",
    "Unit",
    "field_text",
    "field_value",
    "load_statuses",
    "load_store_rules",
    "lock_unit_ids",
    "lock_units",
    "store_rules",
]


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
        self._drv: Driver | None = None  # the driver connection under ``conn`` (the same transaction)

    # -- recording --------------------------------------------------------------------------------
    def ensure_event(self) -> int:
        """The event this ledger's history rows belong to, written on first need."""
        if self.event_id is None:
            drv = self._driver()
            cur = drv.run(
                _INSERT_EVENT,
                {"cause": self.cause, "store_id": self.store_id, "order_id": self.order_id,
                 "reverts_id": self.reverts_id, "who": self.who, "at": drv.when(self.at), "note": self.note},
            )  # SQLite: the row id, without RETURNING (whose rows SQLite buffers in a temporary table)
            self.event_id = cur.lastrowid if drv.sqlite else cur.fetchone()[0]
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
        if status is None and new_hand == old_hand:  # on hand stays, no status asked: the rules change nothing
            new_status = old_status
        else:
            decision = rules.decide_status(
                old=old_hand, new=new_hand, status=old_status,
                status_allows_back_order=self.statuses[old_status].back_order, discontinued=unit.discontinued,
                non_inventory=unit.non_inventory, store=self.rules, requested_status=status,
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

    def _created(self, unit: Unit) -> None:
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
        by_role = rules.StoreRules(False, *(f"default_{r}" for r in DEFAULT_ROLES))
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

    def _driver(self) -> Driver:
        if self._drv is None:
            self._drv = Driver(self.conn)
        return self._drv

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

    # -- writing ----------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write what was asked so far: counts (atomic increments), statuses, parents' sums, history.

        A unit's row is written once, assigning only the columns that change (SQLite maintains every index
        on an assigned column, changed or not: a committed-only change would otherwise rewrite nine index
        entries); the statements run on the driver's cursor (``driver.py``).
        """
        drv = self._driver()
        if self._updates:
            groups: dict[tuple[bool, ...], list[dict]] = defaultdict(list)
            for uid, p in self._updates.items():
                groups[(p[0] != 0, p[1] != 0, p[2] != 0, p[3] != p[4])].append(
                    {"id": uid, "hand": p[0], "ord": p[1], "com": p[2], "status": p[3]}
                )
            for changes, rows in groups.items():
                drv.run_many(_update_units(changes), rows)
            self._updates.clear()
        if self._created_statuses:
            drv.run_many(
                _SET_STATUS, [{"id": pk, "status": sid} for pk, sid in sorted(self._created_statuses.items())]
            )
            self._created_statuses.clear()
        if self._parent_deltas:
            groups = defaultdict(list)
            for pid, d in sorted(self._parent_deltas.items()):
                groups[(d[0] != 0, d[1] != 0, d[2] != 0, False)].append(
                    {"id": pid, "hand": d[0], "ord": d[1], "com": d[2]}
                )
            for changes, rows in groups.items():
                drv.run_many(_update_units(changes), rows)
            self._parent_deltas.clear()
        if self._movements:
            drv.run_many(_INSERT_MOVEMENTS, self._movements)
            self.movement_count += len(self._movements)
            self._movements.clear()
        if self._status_rows:
            drv.run_many(_INSERT_STATUS_CHANGES, self._status_rows)
            self._status_rows.clear()
        if self._field_rows:
            drv.run_many(_INSERT_FIELD_CHANGES, self._field_rows)
            self.field_change_count += len(self._field_rows)
            self._field_rows.clear()

    # -- creating units ---------------------------------------------------------------------------
    def create_units(self, rows: Sequence[dict], *, allows_back_order: bool = False) -> list[Unit]:
        """Insert new items with their counts and status, and record their creation: movements of the starting
        counts and the parents' sums (written by the next ``flush``). Creating never triggers a rule.

        Each row holds ``items`` columns (missing ones get the schema's defaults). A row without a
        ``status_id`` gets what its stock calls for (``status_for_new_item``; ``allows_back_order``: created
        allowing back orders). Each row dict is completed in place (its ``id``, ``status_id``, ``committed``
        and ``version``), so a caller holding it as its record of the item sees what was written.
        """
        created = []
        for row in rows:
            row.update({k: v for k, v in NEW_ITEM_DEFAULTS.items() if k not in row})
            row.update(committed=0, version=1)
            if row.get("status_id") is None:
                row["status_id"] = self.status_for_new_item(
                    on_hand=row["on_hand"],
                    non_inventory=bool(row["non_inventory"]),
                    discontinued=bool(row["discontinued"]),
                    allows_back_order=allows_back_order,
                )
            values = {k: v for k, v in row.items() if k != "id"}
            row["id"] = self.conn.execute(items.insert().values(**values)).inserted_primary_key[0]
            unit = unit_from_record(row)
            self._created(unit)
            created.append(unit)
        return created

    # -- set-wise changes -------------------------------------------------------------------------
    def create_stage(self, table: str, extra_columns: str = "") -> None:
        """Create (once per connection) and empty a temporary table of changes for ``apply_staged``.

        Its columns are ``STAGE_COLUMNS`` plus the caller's own (``extra_columns``, SQL column definitions).
        The caller fills, per unit: ``line`` (history follows its order), ``item`` and ``parent`` (the row ids),
        what it read from the locked row (``old_hand``, ``old_ord``, ``old_status``; ``disc``, ``noninv``,
        ``back`` as 0/1: discontinued, non-inventory, its status allows back orders), the new counts
        (``new_hand``, ``new_ord``) and ``req``, a status the user chose (or NULL).
        """
        extra = f", {extra_columns}" if extra_columns else ""
        self.conn.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({STAGE_COLUMNS}{extra})")
        self.conn.exec_driver_sql(
            f"DELETE FROM {table}" if self.conn.dialect.name == "sqlite" else f"TRUNCATE {table}"
        )

    def apply_staged(self, table: str, *, decided: bool = False) -> int:
        """Change every unit staged in ``table``: the rules decide each status (one statement, the SQL form of
        ``rules.decide_status``), then counts (atomic increments), statuses, parents' sums, movements and
        status history are written, one statement each. Returns how many units changed; the table keeps each
        row's ``new_status`` and ``rule`` (NULL when the status stays) for the caller's report.
        ``decided``: ``preview_staged`` decided and reported the rows under the same rules (a previewed import's
        kept chunk): neither is done again.
        """
        self.flush()  # changes asked one by one come first, as they would in one flush
        conn = self.conn

        def sql(statement: str, **params):
            return conn.execute(text(statement), params)

        if not decided:
            sql(
                f"UPDATE {table} SET new_status = {rules.SQL_NEW_STATUS}, rule = {rules.SQL_RULE_IF_CHANGED}",
                **rules.sql_parameters(self.rules),
            )
        if conn.dialect.name == "postgresql":
            self._analyse_stage(table)
        # Which columns change at all (one pass over the stage): a file without an on-order column writes no
        # on-order, and a unit whose status stays gets no status write.
        kinds = {"hand": "s.new_hand <> s.old_hand", "ord": "s.new_ord <> s.old_ord",
                 "status": "s.new_status <> s.old_status"}
        found = sql(
            "SELECT COUNT(*), " + ", ".join(f"MAX(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in kinds.values())
            + f" FROM {table} s WHERE {STAGED_CHANGED}"
        ).one()
        changed = found[0]
        if not changed:
            return 0
        present = [kind for kind, flag in zip(kinds, found[1:], strict=True) if flag]
        event = self.ensure_event()
        assign = {
            "hand": "on_hand = items.on_hand + (s.new_hand - s.old_hand)",
            "ord": "on_order = items.on_order + (s.new_ord - s.old_ord)",
            "status": "status_id = s.new_status",
        }
        # Each unit is written once, assigning only the columns that change for it: SQLite maintains an index
        # whenever its column is assigned, changed or not, and PostgreSQL writes a new row version per UPDATE.
        # SQLite: OR FAIL needs no statement journal (an error ends the whole transaction anyway).
        update = "UPDATE" if conn.dialect.name == "postgresql" else "UPDATE OR FAIL"
        if conn.dialect.name == "postgresql":
            self._update_staged_units_on_server(table, present)
        else:
            for size in range(len(present), 0, -1):
                for chosen in itertools.combinations(present, size):
                    where = " AND ".join(
                        kinds[k] if k in chosen else f"NOT ({kinds[k]})" for k in present
                    )
                    sql(f"""{update} items SET {", ".join(assign[k] for k in chosen)}, version = items.version + 1
                        FROM {table} s WHERE items.id = s.item AND {where}""")
        counts = [c for c in (("on_hand", "new_hand", "old_hand", "hand"), ("on_order", "new_ord", "old_ord", "ord"))
                  if c[3] in present]
        if counts:  # the parents' sums; PostgreSQL finds the parents by key (it hashed the whole catalog per chunk)
            by_key = "" if conn.dialect.name != "postgresql" else (
                f" AND items.id = ANY (ARRAY(SELECT DISTINCT parent FROM {table} WHERE parent IS NOT NULL))")
            sums = ", ".join(f"SUM({new} - {old}) AS d_{kind}" for _, new, old, kind in counts)
            sql(f"""{update} items SET {", ".join(f"{col} = items.{col} + d.d_{kind}" for col, _, _, kind in counts)},
                version = items.version + 1
                FROM (SELECT parent, {sums} FROM {table} WHERE parent IS NOT NULL
                      AND ({" OR ".join(f"{new} <> {old}" for _, new, old, _ in counts)}) GROUP BY parent) d
                WHERE items.id = d.parent AND ({" OR ".join(f"d.d_{kind} <> 0" for *_, kind in counts)}){by_key}""")
        for quantity, new, old, _kind in counts:
            self.movement_count += sql(
                f"""INSERT INTO movements (event_id, unit_id, quantity, delta, after)
                SELECT :event, item, '{quantity}', {new} - {old}, {new} FROM {table} WHERE {new} <> {old}
                ORDER BY line""",
                event=event,
            ).rowcount
        if "status" not in present:
            return changed
        sql(
            f"""INSERT INTO status_changes (event_id, unit_id, from_status, to_status, rule)
            SELECT :event, s.item, f.name, t.name, s.rule FROM {table} s
            JOIN statuses f ON f.id = s.old_status JOIN statuses t ON t.id = s.new_status
            WHERE s.rule IS NOT NULL ORDER BY s.line""",
            event=event,
        )
        if not decided:
            self._report_staged_status_changes(table)
        return changed

    # -- many order events, written together (the storefront import) ---------------------------------
    # An orders import applies thousands of order events; each written as it happens costs a round of about
    # twenty statements. Here one ledger records them all: ``next_event`` starts the next event (its cause and
    # order; ``change`` records into it as usual, on the caller's units, which stay up to date from one event
    # to the next), and ``write_events`` writes everything at once, one statement per table, exactly the rows
    # a ``flush`` after each event would have left: the events that moved stock or changed a status (as
    # ``ensure_event`` writes them, in order), each unit's summed counts, its last status and one version per
    # event that touched it, the parents' sums (one version per event too), movements and status changes.

    def next_event(self, cause: str, order_id: int, units: dict[int, Unit]) -> None:
        """Start the next order event. ``order_id`` may be a stand-in (a negative number) for an order not
        written yet: ``write_events`` maps it. ``units`` (by id) are the caller's: a parent among them gets its
        variants' changes at the end of each event, as the next event would read them from the database."""
        queue = self._event_queue()
        self._close_event(queue)
        queue.units = units
        queue.marks = (len(self._movements), len(self._status_rows))
        self.cause, self.order_id = cause, order_id
        self.at = dt.datetime.now(dt.UTC)
        self.event_id = -(len(queue.events) + 1)  # a stand-in until written; rows name it

    def write_events(self, order_ids: dict[int, int] | None = None) -> int:
        """Write every event recorded since ``next_event`` began (``order_ids``: stand-in -> real order id),
        one driver call per table. Returns how many events were written."""
        queue = self._event_queue()
        self._close_event(queue)
        conn, order_ids = self.conn, order_ids or {}
        ids = bulk_sql.reserve_ids(conn, "events", len(queue.events))
        at = bulk_sql.bind(conn, events.c.at)
        bulk_sql.insert_many(
            conn, "events", ("id", "cause", "store_id", "order_id", "reverts_id", "who", "at", "note"),
            ("int", "text", "int", "int", "int", "text", "timestamptz", "text"),
            [
                (event_id, r["cause"], r["store_id"], order_ids.get(r["order_id"], r["order_id"]), r["reverts_id"],
                 r["who"], at(r["at"]), r["note"])
                for event_id, r in zip(ids, queue.events, strict=True)
            ],
        )
        event_ids = {-(n + 1): real for n, real in enumerate(ids)}
        counts = "on_hand = items.on_hand + {}, on_order = items.on_order + {}, committed = items.committed + {}"
        bulk_sql.update_many(
            conn, "items", counts + ", status_id = {}, version = items.version + {}", ("int",) * 6,
            [(s[0], s[1], s[2], s[3], s[4], uid) for uid, s in sorted(queue.sums.items())],
        )
        bulk_sql.update_many(
            conn, "items", counts + ", version = items.version + {}", ("int",) * 5,
            [(s[0], s[1], s[2], s[3], pid) for pid, s in sorted(queue.parents.items())],
        )
        bulk_sql.insert_many(
            conn, "movements", ("event_id", "unit_id", "quantity", "delta", "after"),
            ("int", "int", "text", "int", "int"),
            [(event_ids.get(m["e"], m["e"]), m["u"], m["q"], m["d"], m["a"]) for m in self._movements],
        )
        bulk_sql.insert_many(
            conn, "status_changes", ("event_id", "unit_id", "from_status", "to_status", "rule"),
            ("int", "int", "text", "text", "text"),
            [(event_ids.get(r["e"], r["e"]), r["u"], r["f"], r["t"], r["r"]) for r in self._status_rows],
        )
        self.movement_count += len(self._movements)
        self._movements.clear()
        self._status_rows.clear()
        self._queue = EventQueue()
        self.event_id = None
        return len(ids)

    def _event_queue(self) -> EventQueue:
        queue = getattr(self, "_queue", None)
        if queue is None:
            queue = self._queue = EventQueue()
        return queue

    def _close_event(self, queue: EventQueue) -> None:
        """End the current event: keep its row if it wrote history, and fold its unit changes into the sums."""
        if self.event_id is None or self.event_id >= 0:
            return
        if (len(self._movements), len(self._status_rows)) != queue.marks:  # else it wrote nothing: no event row
            queue.events.append(
                {"cause": self.cause, "store_id": self.store_id, "order_id": self.order_id,
                 "reverts_id": self.reverts_id, "who": self.who, "at": self.at, "note": self.note}
            )
        queue.fold(self._updates, self._parent_deltas)
        self._updates.clear()
        self._parent_deltas.clear()
        self.event_id = None

    # -- a previewed import: decided now, written later ------------------------------------------
    def preview_staged(self, table: str) -> int:
        """What ``apply_staged`` would do to the units staged in ``table``, without writing anything but the
        table: each row's ``new_status`` and ``rule`` are decided (the same statement), its status changes
        are reported (into ``status_changes``, read in batches) and the number of units that would change is
        returned. A prepared import (``csvio/prepared.py``) later applies the same rows with ``apply_staged``.
        """
        conn = self.conn
        conn.execute(
            text(f"UPDATE {table} SET new_status = {rules.SQL_NEW_STATUS}, rule = {rules.SQL_RULE_IF_CHANGED}"),
            rules.sql_parameters(self.rules),
        )
        changed = conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {STAGED_CHANGED}")).scalar_one()
        if not changed:
            return 0
        self._report_staged_status_changes(table)
        return changed

    def _report_staged_status_changes(self, table: str) -> None:
        """The staged rows' status changes, into ``status_changes``. Read with the driver's own cursor, in
        batches: a third of a million rows through result objects cost seconds; the log keeps them compactly
        (no report object per change)."""
        cursor = self.conn.connection.dbapi_connection.cursor()
        try:  # the statuses by id, named in Python: fewer objects per row (names: the few statuses' own)
            names = dict(self.conn.exec_driver_sql("SELECT id, name FROM statuses").fetchall())
            log = self.status_changes if isinstance(self.status_changes, StatusChangeLog) else StatusChangeLog()
            cursor.execute(f"""SELECT s.item, i.item_number, s.old_status, s.new_status, s.rule FROM {table} s
                JOIN items i ON i.id = s.item WHERE s.rule IS NOT NULL ORDER BY s.line""")
            while batch := cursor.fetchmany(10_000):
                log.add_staged(batch, names)
            if log is not self.status_changes:
                self.status_changes.extend(log)
        finally:
            cursor.close()

    # -- the staged changes on a server (PostgreSQL's part of ``apply_staged``) ------------------------------
    def _analyse_stage(self, table: str) -> None:
        """Statistics of the stage as it now is (matched, its statuses decided): analysed (if at all) only when
        its rows were loaded, it misled the planner about how many rows change."""
        bulk_sql.analyse(self.conn, table)

    def _update_staged_units_on_server(self, table: str, present: list[str]) -> None:
        """Every staged unit that changes, in one ``UPDATE``: PostgreSQL writes a whole new row version (and an
        entry in each index) whatever columns are assigned, so the split by changed columns that suits SQLite
        only added statements (and their scans of the stage); unchanged columns keep their values here.

        The items are found by their ids (``= ANY`` of the staged ids: primary-key lookups): joined as a table,
        the planner chose to read every item of the catalog and hash it, per statement (per chunk of an
        import), to change a few thousand of them."""
        sets = {
            "hand": "on_hand = items.on_hand + (s.new_hand - s.old_hand)",
            "ord": "on_order = items.on_order + (s.new_ord - s.old_ord)",
            "status": "status_id = CASE WHEN s.new_status <> s.old_status THEN s.new_status ELSE items.status_id END",
        }
        self.conn.exec_driver_sql(
            f"UPDATE items SET {', '.join(sets[k] for k in present)}, version = items.version + 1 "
            f"FROM {table} s WHERE items.id = s.item AND {STAGED_CHANGED} "
            f"AND items.id = ANY (ARRAY(SELECT item FROM {table} WHERE {STAGED_CHANGED}))"
        )


# The statements ``ensure_event`` and ``flush`` run, written once as SQL for the driver's cursor (an order's
# three transactions ran about ten of them through SQLAlchemy, whose per-statement work cost more than SQLite's).
_INSERT_EVENT = Sql(
    "INSERT INTO events (cause, store_id, order_id, reverts_id, who, at, note) "
    "VALUES (:cause, :store_id, :order_id, :reverts_id, :who, :at, :note)",
    pg_suffix=" RETURNING id",
)
_UNIT_UPDATES: dict[tuple[bool, ...], Sql] = {}


def _update_units(changes: tuple[bool, ...]) -> Sql:
    """``UPDATE items`` assigning only the columns that change: (on hand, on order, committed, status)."""
    stmt = _UNIT_UPDATES.get(changes)
    if stmt is None:
        hand, order, committed, status = changes
        sets = [
            *(["on_hand = on_hand + :hand"] if hand else []),
            *(["on_order = on_order + :ord"] if order else []),
            *(["committed = committed + :com"] if committed else []),
            *(["status_id = :status"] if status else []),
            "version = version + 1",
        ]
        stmt = _UNIT_UPDATES[changes] = Sql(f"UPDATE items SET {', '.join(sets)} WHERE id = :id")
    return stmt


_SET_STATUS = Sql("UPDATE items SET status_id = :status WHERE id = :id")
_INSERT_MOVEMENTS = Sql(
    "INSERT INTO movements (event_id, unit_id, quantity, delta, \"after\") VALUES (:e, :u, :q, :d, :a)"
)
_INSERT_STATUS_CHANGES = Sql(
    "INSERT INTO status_changes (event_id, unit_id, from_status, to_status, rule) VALUES (:e, :u, :f, :t, :r)"
)
_INSERT_FIELD_CHANGES = Sql(
    "INSERT INTO field_changes (event_id, item_pk, field, old_value, new_value) VALUES (:e, :i, :f, :o, :n)"
)
