"""The grid's pending edits as one batch (``Inventory.apply_grid``): checked once, previewed, applied.

A preview is a read: it parses every cell, reads the units, checks their versions and limits, decides each
status by the rules, and returns what applying would change with that checked work attached (``GridPlan``);
no transaction stays open while the person reads it. Applying locks the units and, when nothing changed in
between (every unit's version, the statuses and the store's settings are those the preview saw), writes
the previewed edits without checking them again; otherwise it checks them afresh, exactly as with no
preview. Counts, statuses and their history go through the ledger (the one door); the other fields are
written here, as the product editor writes them, and the ledger records them in the history.

An empty cell clears an optional value (an ETA date, a barcode, a supplier), as in the product editor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, select, text

from desktop_app import csvio, rules
from desktop_app.bulk_sql import insert_many
from desktop_app.db import Database
from desktop_app.errors import InventoryError
from desktop_app.ledger import UNIT_COLUMNS, Ledger, StatusInfo, load_statuses, store_rules
from desktop_app.models import StatusChangeReport, limits_problem, unit_label
from desktop_app.schema import FOLLOWED_FIELDS, items
from desktop_app.settings import get_store_row
from desktop_app.values import CellError, check_field_text, parse_int

GRID_BOOLS = frozenset({"discontinued", "non_inventory", "low_stock_warning"})
GRID_INTS = ("on_hand", "on_order", "min_qty", "max_qty", "multiple_qty", "low_stock_qty", "reorder_to")
OPTIONAL_TEXT = frozenset({"barcode", "supplier"})  # an empty cell clears them (no barcode, no supplier)
# The fields the grid sets on an item itself (counts and status go through the ledger).
PLAIN = (
    "min_qty",
    "max_qty",
    "multiple_qty",
    "low_stock_qty",
    "reorder_to",
    "eta_date",
    "barcode",
    "supplier",
    *sorted(GRID_BOOLS),
)
GRID_FIELDS = frozenset({"on_hand", "on_order", "status", *PLAIN})
_EXTRA = ("eta_date", "low_stock_qty", "low_stock_warning", "barcode", "supplier", "reorder_to")
_READ = (*UNIT_COLUMNS, *(items.c[name] for name in _EXTRA))
_VERSIONS = (items.c.id, items.c.version)
_F = {c.name: i for i, c in enumerate(_READ)}
STAGE = "grid_stage"  # the ledger's staged changes (counts and statuses) of one grid batch
_STAGED = "line, item, parent, disc, noninv, back, old_hand, old_ord, old_status, new_hand, new_ord, req"
_ID, _PARENT, _VERSION, _NUMBER = _F["id"], _F["parent_id"], _F["version"], _F["item_number"]
_HAND, _ORDER, _STATUS = _F["on_hand"], _F["on_order"], _F["status_id"]
_DISCONTINUED, _NON_INVENTORY, _VARIANT_INVENTORY = (
    _F["discontinued"],
    _F["non_inventory"],
    _F["use_variant_inventory"],
)
_PLAIN = frozenset(PLAIN)


@dataclass(frozen=True)
class GridChange:
    """One unit's pending grid edits: field -> text as typed ("" clears an ETA date, a barcode, a supplier).

    ``version`` is the version the grid loaded; if the unit has changed since, the edit is stale.
    """

    item_id: int
    values: Mapping[str, str]
    version: int | None = None


@dataclass(frozen=True)
class GridRejection:
    """Why one unit's grid edits cannot be applied: a field's value (``field`` set) or the whole row."""

    item_id: int
    field: str | None
    reason: str
    stale: bool = False  # changed by someone else since the grid loaded it
    item_number: str | None = field(default=None, compare=False)  # what a person knows the item by


@dataclass(frozen=True, slots=True)
class UnitEdit:
    """One unit's checked edit: what the ledger is asked for, and the other fields that change."""

    item_id: int
    version: int  # the version it was checked at
    plain: tuple[tuple[str, object, object], ...]  # (field, old, new), only fields whose value changes
    # For the ledger's staged changes (counts and status; None if the edit sets neither): parent, discontinued,
    # non-inventory, status allows back orders, old on hand, old on order, old status, new on hand, new on
    # order, the status the person chose (or None).
    staged: tuple | None
    follows: bool  # a product using variant inventory: its variants follow the fields it changes


@dataclass(frozen=True)
class GridPlan:
    """A preview's checked work, and what it was checked against (the apply's version checks)."""

    changes: tuple[GridChange, ...]
    store: str | None
    statuses: dict[int, StatusInfo]
    rules: rules.StoreRules | None
    edits: tuple[UnitEdit, ...]
    changed: list[dict]
    reports: list[StatusChangeReport]
    updated: int


@dataclass
class GridResult:
    """What applying (or, in a dry run, previewing) grid edits changes."""

    dry_run: bool
    written: bool
    batch: int | None
    updated: int
    changes: list[dict] = field(default_factory=list)  # {"item", "field", "from", "to"}, item = its label
    status_changes: list[StatusChangeReport] = field(default_factory=list)
    # A preview's checked work: pass the preview back to ``apply_grid`` and, if nothing changed, it is reused.
    plan: GridPlan | None = field(default=None, repr=False, compare=False)


class GridRefused(InventoryError):
    """Grid edits that cannot be applied; nothing was changed. ``rejections`` says which and why."""

    def __init__(self, rejections: list[GridRejection]) -> None:
        super().__init__(
            "Some rows cannot be applied; nothing was changed.",
            details=[
                f"{r.item_number or f'item {r.item_id}'}{f', {r.field}' if r.field else ''}: {r.reason}"
                for r in rejections
            ],
        )
        self.rejections = rejections

    @property
    def stale_items(self) -> list[int]:
        """The items changed elsewhere since they were loaded, if that is the only problem; else []."""
        if self.rejections and all(r.stale for r in self.rejections):
            return sorted({r.item_id for r in self.rejections})
        return []


def parse_cell(field_name: str, text: str) -> object:
    """The value a grid cell's text stands for (the import's cell rules); ``CellError`` says why not.

    A status stays its name (whether it exists is the caller's check, against the statuses it read).
    """
    if field_name in GRID_BOOLS:
        return csvio.parse_bool(text)
    if field_name in csvio.INT_MINIMUM:
        return parse_int(
            text, minimum=csvio.INT_MINIMUM[field_name], maximum=csvio.INT_MAXIMUM.get(field_name)
        )
    cleaned = text.strip()
    cleaned = cleaned[1:] if cleaned.startswith("'") else cleaned  # the export's formula guard, as the import
    if field_name == "eta_date":
        return None if cleaned.lower() in ("", "none") else csvio.parse_date(cleaned)
    if field_name in OPTIONAL_TEXT and not cleaned:
        return None
    return check_field_text(field_name, cleaned)


def check_cell(field_name: str, text: str) -> str | None:
    """Why ``text`` cannot go into a grid cell of ``field_name``; None if it can (no database needed)."""
    try:
        parse_cell(field_name, text)
    except CellError as exc:
        return str(exc)
    return None


def apply_grid(
    db: Database,
    changes: Sequence[GridChange],
    *,
    store: str | None = None,
    dry_run: bool = False,
    note: str | None = None,
    previewed: GridResult | None = None,
) -> GridResult:
    """Apply (or preview) the grid's pending edits as one batch; ``GridRefused`` lists every rejection.

    ``previewed``: the preview of these same edits; its checked work is reused when the version checks
    show that nothing it read has changed since.
    """
    changes = tuple(sorted(changes, key=lambda c: c.item_id))
    if dry_run:
        plan = db.read(lambda conn: _check_read(conn, changes, store))
        return GridResult(True, False, None, plan.updated, list(plan.changed), list(plan.reports), plan=plan)
    who = db.who
    plan = previewed.plan if previewed is not None else None

    def run(conn: Connection) -> GridResult:
        store_row = get_store_row(conn, store) if store else None
        ledger = Ledger(
            conn,
            cause="grid",
            who=who,
            store_id=store_row.id if store_row else None,
            note=note,
            store_row=store_row,
        )
        ids = [c.item_id for c in changes]
        checked = plan
        # Lock the units (on a server) and read their versions: if they, the statuses and the store's settings
        # are what the preview checked, its work stands; else everything is checked again.
        if not _still_valid(
            plan, changes, store, ledger, _read_units(conn, ids, lock=True, columns=_VERSIONS)
        ):
            rows = _read_units(conn, ids, lock=True)
            checked = _check(conn, changes, store, rows, ledger.statuses, ledger.rules)
        _write(conn, ledger, checked)
        return GridResult(
            False, True, ledger.event_id, checked.updated, list(checked.changed), list(ledger.status_changes)
        )

    return db.write(run)


# -- checking ---------------------------------------------------------------------------------------------
def _read_units(conn: Connection, ids: list[int], *, lock: bool, columns=_READ) -> dict[int, tuple]:
    """The units' rows (``columns``, the id first) by id; locked in id order on a server when ``lock``.

    One statement, the ids written out as numbers: thousands of bound parameters cost more to expand than
    the database takes to answer."""
    listed = ", ".join(str(int(i)) for i in sorted(set(ids))) or "NULL"
    stmt = select(*columns).where(text(f"items.id IN ({listed})")).order_by(items.c.id)
    return {row[0]: tuple(row) for row in conn.execute(stmt.with_for_update() if lock else stmt)}


def _check_read(conn: Connection, changes: tuple[GridChange, ...], store: str | None) -> GridPlan:
    store_row = get_store_row(conn, store) if store else None
    rows = _read_units(conn, [c.item_id for c in changes], lock=False)
    return _check(
        conn, changes, store, rows, load_statuses(conn), store_rules(store_row) if store_row else None
    )


def _still_valid(plan, changes, store, ledger: Ledger, versions: dict[int, tuple]) -> bool:
    """Whether a preview's checked work still holds: the same edits, store, statuses, settings and versions."""
    if plan is None or plan.store != store or plan.changes != changes:
        return False
    if plan.statuses != ledger.statuses or plan.rules != ledger.rules:
        return False
    return all((row := versions.get(e.item_id)) is not None and row[1] == e.version for e in plan.edits)


def _check(
    conn: Connection,
    changes: tuple[GridChange, ...],
    store: str | None,
    rows: dict[int, tuple],
    statuses: dict[int, StatusInfo],
    store_rules_: rules.StoreRules | None,
) -> GridPlan:
    """Check every edit against the rows read; ``GridRefused`` (every problem) or the plan to write."""
    by_name = {s.name.lower(): s.id for s in statuses.values()}
    rejections: list[GridRejection] = []
    edits: list[UnitEdit] = []
    changed: list[dict] = []
    reports: list[StatusChangeReport] = []
    updated = 0
    for change in changes:
        item_id = change.item_id
        row = rows.get(item_id)
        number = row[_NUMBER] if row is not None else None
        values: dict[str, object] = {}
        for name, typed in change.values.items():
            try:
                if name not in GRID_FIELDS:
                    raise CellError(f"the grid does not change {name.replace('_', ' ')}")
                value = parse_cell(name, typed)
                if name == "status":
                    status_id = by_name.get(str(value).lower())
                    if status_id is None:
                        raise CellError(f"there is no status named '{value}'")
                    value = status_id
                values[name] = value
            except CellError as exc:
                rejections.append(GridRejection(item_id, name, str(exc), item_number=number))
        if len(values) < len(change.values):
            continue
        if row is None:
            rejections.append(GridRejection(item_id, None, "this item no longer exists"))
            continue
        if change.version is not None and row[_VERSION] != change.version:
            rejections.append(GridRejection(item_id, None, csvio.STALE, stale=True, item_number=number))
            continue
        problem = _row_problem(conn, row, values)
        if problem:
            rejections.append(GridRejection(item_id, *problem, item_number=number))
            continue
        edit, lines, report = _decide(row, values, statuses, store_rules_)
        edits.append(edit)
        changed += lines
        if report is not None:
            reports.append(report)
        updated += bool(lines)
    if rejections:
        raise GridRefused(rejections)
    return GridPlan(changes, store, statuses, store_rules_, tuple(edits), changed, reports, updated)


def _row_problem(conn: Connection, row: tuple, values: dict) -> tuple[str, str] | None:
    """(field, reason) if these values cannot go on this unit; None if they can."""
    if row[_PARENT] is not None:
        for name in FOLLOWED_FIELDS:
            if name in values and values[name] != row[_F[name]]:
                parent = conn.execute(select(items.c.item_number).where(items.c.id == row[_PARENT])).scalar()
                return (
                    name,
                    f"a variant follows its product '{parent}' here; change the product's row instead",
                )
    if row[_VARIANT_INVENTORY]:
        for name, label in (("on_hand", "on-hand"), ("on_order", "on-order")):
            if name in values and values[name] != row[_F[name]]:
                return name, (
                    f"this product uses variant inventory: its {label} count is the sum of its variants' "
                    f"({row[_F[name]]}); change the variants' rows instead"
                )
    if "min_qty" in values or "max_qty" in values:
        problem = limits_problem(
            values.get("min_qty", row[_F["min_qty"]]), values.get("max_qty", row[_F["max_qty"]])
        )
        if problem:
            return ("min_qty" if "min_qty" in values else "max_qty"), problem
    return None


def _decide(
    row: tuple, values: dict, statuses: dict[int, StatusInfo], store: rules.StoreRules | None
) -> tuple[UnitEdit, list[dict], StatusChangeReport | None]:
    """The unit's edit, the changes it makes and its status change (decided as ``Ledger.change`` decides)."""
    label = unit_label(row[_NUMBER], row[_F["item_id"]], row[_F["name"]])
    plain = tuple(
        (name, row[_F[name]], new)
        for name, new in values.items()
        if name in _PLAIN and _differs(row[_F[name]], new)
    )
    lines = [{"item": label, "field": name, "from": old, "to": new} for name, old, new in plain]
    discontinued, non_inventory = bool(row[_DISCONTINUED]), bool(row[_NON_INVENTORY])
    if plain:
        changed = {name: new for name, _old, new in plain}
        discontinued = bool(changed.get("discontinued", discontinued))
        non_inventory = bool(changed.get("non_inventory", non_inventory))
    old_hand, old_order, old_status = row[_HAND], row[_ORDER], row[_STATUS]
    new_hand, new_order = values.get("on_hand", old_hand), values.get("on_order", old_order)
    requested = values.get("status")
    back_order = statuses[old_status].back_order
    decision = rules.decide_status(
        old=old_hand,
        new=new_hand,
        status=old_status,
        status_allows_back_order=back_order,
        discontinued=discontinued,
        non_inventory=non_inventory,
        store=store,
        requested_status=requested,
    )
    new_status = decision.status if decision.changes(old_status) else old_status
    if old_hand != new_hand:
        lines.append({"item": label, "field": "on_hand", "from": old_hand, "to": new_hand})
    if old_order != new_order:
        lines.append({"item": label, "field": "on_order", "from": old_order, "to": new_order})
    report = None
    if new_status != old_status:
        old_name, new_name = statuses[old_status].name, statuses[new_status].name
        lines.append({"item": label, "field": "status", "from": old_name, "to": new_name})
        report = StatusChangeReport(row[_ID], row[_NUMBER], old_name, new_name, decision.rule)
    staged = None
    if "on_hand" in values or "on_order" in values or requested is not None:
        staged = (
            row[_PARENT],
            int(discontinued),
            int(non_inventory),
            int(back_order),
            old_hand,
            old_order,
            old_status,
            new_hand,
            new_order,
            requested,
        )
    follows = bool(row[_VARIANT_INVENTORY]) and any(name in FOLLOWED_FIELDS for name, _old, _new in plain)
    return UnitEdit(row[_ID], row[_VERSION], plain, staged, follows), lines, report


def _differs(old: object, new: object) -> bool:
    if isinstance(new, bool) or isinstance(old, bool):
        return bool(old) != bool(new)
    if isinstance(old, dt.datetime):
        old = old.date()
    return old != new


# -- writing ----------------------------------------------------------------------------------------------
_PLAIN_UPDATES: dict[tuple[str, ...], object] = {}


def _plain_update(columns: tuple[str, ...]):
    """``UPDATE items SET <columns>, version + 1 WHERE id = ...``, built once per set of columns."""
    stmt = _PLAIN_UPDATES.get(columns)
    if stmt is None:
        stmt = _PLAIN_UPDATES[columns] = (
            items.update()
            .where(items.c.id == bindparam("b_id"))
            .values(version=items.c.version + 1, **{c: bindparam(f"p_{c}") for c in columns})
        )
    return stmt


def _write(conn: Connection, ledger: Ledger, plan: GridPlan) -> None:
    """Write a checked plan as one batch: the other fields here (the ledger records them in the history), then
    counts and statuses through the ledger's set-wise entry point (the rules in SQL, one statement a step)."""
    updates: dict[tuple[str, ...], list[dict]] = {}
    staged: list[tuple] = []
    for edit in plan.edits:
        if edit.plain:
            new = {name: value for name, _old, value in edit.plain}
            ledger.fields_changed(edit.item_id, {name: (old, value) for name, old, value in edit.plain})
            updates.setdefault(tuple(new), []).append(
                {"b_id": edit.item_id, **{f"p_{name}": value for name, value in new.items()}}
            )
            if edit.follows:
                followed = {k: v for k, v in new.items() if k in FOLLOWED_FIELDS}
                conn.execute(
                    items.update()
                    .where(items.c.parent_id == edit.item_id)
                    .values(version=items.c.version + 1, **followed)
                )
        if edit.staged is not None:
            staged.append((len(staged) + 1, edit.item_id, *edit.staged))
    for columns, params in updates.items():
        conn.execute(_plain_update(columns), params)
    if staged:
        ledger.create_stage(STAGE)
        # One statement over arrays on PostgreSQL (a statement per row was ~10,000 round trips for a paste).
        columns = _STAGED.split(", ")
        insert_many(conn, STAGE, columns, ["integer"] * len(columns), staged)
        ledger.apply_staged(STAGE)
    ledger.flush()
