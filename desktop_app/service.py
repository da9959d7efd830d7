"""``Inventory``: the one service the command line, the windows and the tests call.

Each method is one transaction. Every change of stock or status states its cause: a manual edit (never
triggering) or a change for a store; the ledger writes the movement and status history in the same
transaction, and a refused operation raises ``InventoryError`` with nothing changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection

from desktop_app import catalog, history, orders, queries, rules, service_files, settings
from desktop_app.catalog import eta_from_text  # noqa: F401  (re-exported: the doors read dates with it)
from desktop_app.counts import Counts
from desktop_app.db import Database, default_database_path, explain  # noqa: F401  (re-exported for the ui)
from desktop_app.errors import InventoryError
from desktop_app.ledger import Ledger, lock_unit_ids
from desktop_app.models import HistoryEntry, Item, Order, Status, StatusChangeReport, Store, parse_options
from desktop_app.purchasing import Purchasing
from desktop_app.service_files import (  # noqa: F401  (re-exported: the types the windows and the CLI name)
    FORMAT_NAMES,
    FORMATS,
    FileInfo,
    GridChange,
    GridRefused,
    GridRejection,
    GridResult,
    ImportCancelled,
    ImportRefused,
    ImportSummary,
    check_cell,
)
from desktop_app.storefront import Storefront


@dataclass
class BatchResult:
    """What a mass change did: its batch (history event) id and the status changes it made."""

    batch: int | None
    changed_units: int
    status_changes: list[StatusChangeReport] = field(default_factory=list)


@dataclass(frozen=True)
class StatusAdvice:
    """A status that disagrees with the stock (SPEC section 2's rules would not leave it), and the fix."""

    item_id: int
    label: str
    status: str
    on_hand: int
    suggested: str
    rule: str  # the rule that picks ``suggested``: in_stock, out_of_stock, back_order or discontinued
    store: str | None

    @property
    def problem(self) -> str:
        if self.on_hand > 0:
            return f"{self.label} is {self.status} with {self.on_hand} on hand: it cannot be ordered"
        return f"{self.label} is {self.status} with {self.on_hand} on hand: it would be sold and not shipped"

    @property
    def whose_rule(self) -> str:
        return f"{self.store}'s rule" if self.store else "the store rule (the statuses of that name)"

    @property
    def note(self) -> str:
        """How the change reads in the history."""
        return f"applied {self.whose_rule}: {self.on_hand} on hand → {self.suggested} (was {self.status})"


def _rule_pick(
    conn: Connection,
    *,
    item_id: int,
    label: str,
    status: Status,
    on_hand: int,
    discontinued: bool,
    non_inventory: bool,
    use_variant_inventory: bool,
    store: str | None,
) -> StatusAdvice | None:
    """What the store's rule sets for a unit whose status disagrees with its stock; None if it agrees."""
    if not queries.disagrees(
        on_hand=on_hand,
        unavailable=status.unavailable,
        back_order=status.back_order,
        discontinued=discontinued,
        non_inventory=non_inventory,
        use_variant_inventory=use_variant_inventory,
    ):
        return None
    if store:
        row = settings.get_store(conn, store)
        names = [
            row.default_in_stock,
            row.default_out_of_stock,
            row.default_back_order,
            row.default_discontinued,
        ]
    else:
        names = list(settings.DEFAULT_STATUS_NAMES.values())
    # The rules as a crossing of zero from the other side: the status the count itself calls for.
    decision = rules.decide_status(
        old=0 if on_hand > 0 else 1,
        new=on_hand,
        status=status.name,
        status_allows_back_order=status.back_order,
        discontinued=discontinued,
        non_inventory=False,
        store=rules.StoreRules(True, *names),
    )
    if decision.status == status.name:
        return None
    return StatusAdvice(item_id, label, status.name, on_hand, str(decision.status), decision.rule, store)


class Inventory:
    """The inventory of one database."""

    def __init__(self, db: Database | str | os.PathLike | None = None) -> None:
        self.db = db if isinstance(db, Database) else Database(db)
        self.storefront = Storefront(self)
        self.purchasing = Purchasing(self)
        self.counts = Counts(self)

    @property
    def who(self) -> str:
        return self.db.who

    def _write(self, fn: Callable[[Connection], object]):
        return self.db.write(fn)

    # -- statuses ---------------------------------------------------------------------------------
    def statuses(self) -> list[Status]:
        return self.db.read(settings.list_statuses)

    def add_status(self, name: str, **flags) -> Status:
        return self._write(lambda c: settings.add_status(c, name, **flags))

    def edit_status(self, name: str, *, rename: str | None = None, **flags) -> Status:
        return self._write(lambda c: settings.edit_status(c, name, rename=rename, **flags))

    def delete_status(self, name: str) -> None:
        self._write(lambda c: settings.delete_status(c, name))

    def status_users(self, name: str) -> list[str]:
        return self.db.read(lambda c: settings.status_users(c, settings.get_status(c, name).id))

    # -- stores -----------------------------------------------------------------------------------
    def stores(self) -> list[Store]:
        return self.db.read(settings.list_stores)

    def store(self, name: str) -> Store:
        return self.db.read(lambda c: settings.get_store(c, name))

    def add_store(self, name: str) -> Store:
        return self._write(lambda c: settings.add_store(c, name))

    def set_store(self, name: str, **changes) -> Store:
        """Change a store's settings (track_inventory, remove_when, rename, default_* status names)."""

        def run(conn: Connection) -> Store:
            store, tracking_changed = settings.set_store(conn, name, **changes)
            if tracking_changed:
                orders.resettle_store(conn, self.who, store.id)
            return store

        return self._write(run)

    # -- items ------------------------------------------------------------------------------------
    def item(self, ref: str | int) -> Item:
        return self.db.read(lambda c: catalog.get_item(c, ref))

    def add_product(self, item_number: str | None, **fields) -> Item:
        """Create a product by hand (never triggering)."""

        def run(conn: Connection) -> Item:
            ledger = Ledger(conn, cause="manual", who=self.who, note="created")
            unit = catalog.add_product(conn, ledger, item_number, **fields)
            ledger.flush()
            return catalog.get_item(conn, unit.id)

        return self._write(run)

    def edit_item(self, ref: str | int, changes: dict, *, expected_version: int | None = None) -> Item:
        """A manual edit of one product or variant: it never triggers a rule, whatever it changes."""

        def run(conn: Connection) -> Item:
            unit = self._unit(conn, ref)
            ledger = Ledger(conn, cause="manual", who=self.who)
            catalog.edit_item(conn, ledger, unit, changes, expected_version=expected_version)
            ledger.flush()
            return catalog.get_item(conn, unit.id)

        return self._write(run)

    def status_advice(self, ref: str | int, *, store: str | None = None) -> StatusAdvice | None:
        """Whether a unit's status disagrees with its stock, and what ``store``'s rule would set instead."""

        def run(conn: Connection) -> StatusAdvice | None:
            item = catalog.get_item(conn, ref)
            return _rule_pick(
                conn,
                item_id=item.id,
                label=item.label,
                status=settings.get_status(conn, item.status),
                on_hand=item.on_hand,
                discontinued=item.discontinued,
                non_inventory=item.non_inventory,
                use_variant_inventory=item.use_variant_inventory,
                store=store,
            )

        return self.db.read(run)

    def apply_store_rule(self, ref: str | int, *, store: str | None = None) -> tuple[Item, StatusAdvice]:
        """Give a unit whose status disagrees with its stock the status ``store``'s rule picks.

        A manual change (the person asked for it), recorded with the rule ``manual`` and a note naming the
        store's rule and the count; refused, changing nothing, when the status already agrees.
        """

        def run(conn: Connection) -> tuple[Item, StatusAdvice]:
            unit = self._unit(conn, ref)
            statuses = {s.id: s for s in settings.list_statuses(conn)}
            advice = _rule_pick(
                conn,
                item_id=unit.id,
                label=unit.label,
                status=statuses[unit.status_id],
                on_hand=unit.on_hand,
                discontinued=unit.discontinued,
                non_inventory=unit.non_inventory,
                use_variant_inventory=unit.use_variant_inventory,
                store=store,
            )
            if advice is None:
                raise InventoryError(
                    f"The status of {unit.label} ({statuses[unit.status_id].name}, {unit.on_hand} on hand) "
                    "agrees with its stock; nothing was changed."
                )
            ledger = Ledger(conn, cause="manual", who=self.who, note=advice.note)
            ledger.change(unit, status=settings.get_status(conn, advice.suggested).id)
            ledger.flush()
            return catalog.get_item(conn, unit.id), advice

        return self._write(run)

    def add_variant(self, product: str, item_number: str, options, **fields) -> Item:
        def run(conn: Connection) -> Item:
            ledger = Ledger(conn, cause="manual", who=self.who, note="variant created")
            unit = catalog.add_variant(
                conn, ledger, product, item_number, parse_options(options), **fields
            )
            ledger.flush()
            return catalog.get_item(conn, unit.id)

        return self._write(run)

    def _unit(self, conn: Connection, ref: str | int):
        if isinstance(ref, int):
            found = lock_unit_ids(conn, [ref])
            if not found:
                raise InventoryError(f"There is no item {ref}")
            return found[ref]
        return catalog.get_unit(conn, ref)

    def adjust(
        self, deltas: Sequence[tuple[str | int, int]], *, store: str | None = None, note: str | None = None
    ) -> BatchResult:
        """Stock adjustment (one batch): triggering only for a selected store."""

        def run(conn: Connection) -> BatchResult:
            store_id = settings.get_store_row(conn, store).id if store else None
            ledger = Ledger(conn, cause="adjust", who=self.who, store_id=store_id, note=note)
            problems = []
            seen: dict[int, object] = {}  # a unit named twice is changed on top of its first change
            for n, (ref, delta) in enumerate(deltas, start=1):
                try:
                    unit = self._unit(conn, ref)
                    unit = seen.setdefault(unit.id, unit)
                    if unit.use_variant_inventory:
                        raise InventoryError(
                            f"{unit.label} uses variant inventory; adjust one of its variants"
                        )
                    ledger.change(unit, on_hand=unit.on_hand + delta)
                except InventoryError as exc:
                    problems.append(f"line {n} ({ref}): {exc.message}")
            if problems:
                raise InventoryError("The adjustment was refused; nothing was changed.", details=problems)
            ledger.flush()
            return BatchResult(ledger.event_id, len(deltas), ledger.status_changes)

        return self._write(run)

    # -- orders -----------------------------------------------------------------------------------
    def place_order(self, store: str, lines: Sequence[tuple[str, int]]) -> int:
        return self._write(lambda c: orders.place_order(c, self.who, store, lines))

    def pay_order(self, order_id: int) -> None:
        self._write(lambda c: orders.pay_order(c, self.who, order_id))

    def ship_order(self, order_id: int) -> None:
        self._write(lambda c: orders.ship_order(c, self.who, order_id))

    def cancel_order(self, order_id: int) -> None:
        self._write(lambda c: orders.cancel_order(c, self.who, order_id))

    def delete_order(self, order_id: int) -> None:
        self._write(lambda c: orders.delete_order(c, self.who, order_id))

    def return_order(self, order_id: int, lines: Sequence[tuple[str, int]] = ()) -> None:
        self._write(lambda c: orders.return_order(c, self.who, order_id, lines))

    def order(self, order_id: int) -> Order:
        return self.db.read(lambda c: orders.get_order(c, order_id))

    def orders(
        self, *, store: str | None = None, states: Sequence[str] | None = None, limit: int = 500
    ) -> list[Order]:
        return self.db.read(lambda c: orders.list_orders(c, store=store, states=states, limit=limit))

    # -- files and grid batches (desktop_app.service_files) -----------------------------------------
    def inspect_file(self, path: str | os.PathLike) -> FileInfo:
        """A product file's format and columns, read from its header; the database is not touched."""
        return service_files.inspect_file(path)

    def import_file(
        self,
        path: str | os.PathLike,
        *,
        store: str | None = None,
        dry_run: bool = False,
        skip_invalid: bool = False,
        update_only: bool = False,
        progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportSummary:
        """Import (or with ``dry_run`` preview) a product file as one batch; refused: ``ImportRefused``."""
        return service_files.import_file(
            self.db,
            path,
            store=store,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            update_only=update_only,
            progress=progress,
            cancelled=cancelled,
        )

    def prepare_import(
        self,
        path: str | os.PathLike,
        *,
        store: str | None = None,
        skip_invalid: bool = False,
        update_only: bool = False,
    ) -> service_files.PreparedImport:
        """The import wizard's import: ``preview()`` checks and stages the file once, ``apply()`` imports it from
        that work (afresh if the catalog or the file changed in between; ``notice`` says so), ``close()``."""
        return service_files.prepare_import(
            self.db, path, store=store, skip_invalid=skip_invalid, update_only=update_only
        )

    def export_file(
        self,
        path: str | os.PathLike,
        *,
        format: str = service_files.STOREFRONT,
        progress: Callable[[float], None] | None = None,
    ) -> int:
        """Write every product and variant to ``path`` (storefront or shopify format); returns the rows."""
        return service_files.export_file(self.db, path, format=format, progress=progress)

    def apply_grid(
        self,
        changes: Sequence[GridChange],
        *,
        store: str | None = None,
        dry_run: bool = False,
        note: str | None = None,
        previewed: GridResult | None = None,
    ) -> GridResult:
        """Apply (or preview) grid edits as one batch; refused, changing nothing: ``GridRefused``.

        ``previewed``: the preview of the same edits, whose checked work is reused if nothing changed since."""
        return service_files.apply_grid(
            self.db, changes, store=store, dry_run=dry_run, note=note, previewed=previewed
        )

    def list_items(self, *, search: str | None = None, limit: int = 100) -> list[Item]:
        """Products and variants whose item number or name contains ``search``, in item-number order."""
        return self.db.read(lambda c: queries.list_items(c, queries.UnitQuery(search=search), limit=limit))

    # -- views (what the tables show, a window at a time) ---------------------------------------------------
    def view_count(self, query: queries.UnitQuery) -> int:
        return self.db.read(lambda c: queries.count(c, query))

    def view_page(
        self, query: queries.UnitQuery, offset: int, limit: int, total: int | None = None
    ) -> list[tuple]:
        return self.db.read(lambda c: queries.page_rows(c, query, offset, limit, total))

    def view_rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        return self.db.read(lambda c: queries.rows_by_id(c, list(ids)))

    def view_position(self, query: queries.UnitQuery, item_id: int) -> int:
        return self.db.read(lambda c: queries.position_of(c, query, item_id))

    def view_find(self, query: queries.UnitQuery, text: str, after_item_id: int | None) -> int | None:
        return self.db.read(lambda c: queries.find_next(c, query, text, after_item_id))

    # -- history ----------------------------------------------------------------------------------
    def history(self, ref: str | int, *, limit: int | None = None) -> list[HistoryEntry]:
        def run(conn: Connection) -> list[HistoryEntry]:
            item = catalog.get_item(conn, ref)
            return history.item_history(conn, item.id, limit=limit)

        return self.db.read(run)

    def batches(self, *, limit: int = 200) -> list[dict]:
        return self.db.read(lambda c: history.list_batches(c, limit=limit))

    def batch_history(self, batch: int, *, limit: int | None = None) -> list[HistoryEntry]:
        return self.db.read(lambda c: history.batch_history(c, batch, limit=limit))

    def revert_batch(self, batch: int) -> BatchResult:
        def run(conn: Connection) -> BatchResult:
            ledger = history.revert_batch(conn, self.who, batch)
            return BatchResult(ledger.event_id, ledger.movement_count, ledger.status_changes)

        return self._write(run)
