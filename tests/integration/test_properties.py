"""Random sequences of orders, events, imports, adjustments, manual edits and reverts, checked after every step.

A small reference model follows the counts (what each order line took out of stock and put back); after
each step: the database agrees with it, history sums to on_hand and on_order for every unit, no line was
removed twice or put back beyond what it removed, and a refused operation changed nothing at all.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import select

from desktop_app.csvio.importer import import_file
from desktop_app.errors import InventoryError
from desktop_app.schema import (
    events,
    field_changes,
    items,
    movements,
    order_lines,
    orders,
    status_changes,
    statuses,
    stores,
)
from desktop_app.service import Inventory
from tests.conftest import Template
from tests.helpers import committed_mismatches, history_mismatches, write_csv

pytestmark = pytest.mark.slow

UNITS = ["A", "B", "C", "T-S", "T-M"]
STORES = {"Ordered": "ordered", "Paid": "paid", "Shipped": "shipped", "Off": None}
_files = itertools.count()


def _starting_catalog(inv: Inventory) -> None:
    """Four stores (three tracking, removing at each event; one not tracking) and five units."""
    for name, remove_when in STORES.items():
        inv.add_store(name)
        if remove_when:
            inv.set_store(name, track_inventory=True, remove_when=remove_when)
    inv.add_product("A", on_hand=3)
    inv.add_product("B", on_hand=0, status="Back Order")
    inv.add_product("C", on_hand=5, non_inventory=True)
    inv.add_product("T")
    inv.add_variant("T", "T-S", ["Size=S"], on_hand=2)
    inv.add_variant("T", "T-M", ["Size=M"], on_hand=1)


# Made once per module (a copy of the session's migrated template, filled); every example starts from a copy
# of it (on PostgreSQL in the PostgreSQL pass). A state machine takes no fixtures, hence the module global.
STARTING_CATALOG: Template | None = None


@pytest.fixture(autouse=True, scope="module")
def starting_catalog(migrated_template):
    global STARTING_CATALOG
    STARTING_CATALOG = Template(fill=_starting_catalog, base=migrated_template)
    yield STARTING_CATALOG
    STARTING_CATALOG.drop()


class Line:
    def __init__(self, unit: str, qty: int) -> None:
        self.unit, self.qty, self.removed, self.restored, self.returned = unit, qty, 0, 0, 0


class InventoryMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="ie-prop-"))
        self._database = STARTING_CATALOG.new_url(str(self.dir / "p.db"))
        self.inv = Inventory(next(self._database))
        self.on_hand = {"A": 3, "B": 0, "C": 5, "T-S": 2, "T-M": 1}
        self.tracking = {name: bool(rw) for name, rw in STORES.items()}
        self.remove_when = {name: rw or "ordered" for name, rw in STORES.items()}
        self.orders: dict[int, tuple[str, str, list[Line]]] = {}  # id -> (store, state, lines)
        self.max_qty = {"A": 0, "B": 0, "C": 0, "T": 0}  # T-S and T-M follow T
        # Revertible batches: id -> (on-hand deltas by unit, max changes by product as (old, new)).
        self.batches: dict[int, tuple[dict[str, int], dict[str, tuple[int, int]]]] = {}

    def teardown(self) -> None:
        self.inv.db.dispose()
        self._database.close()  # drops the example's database on a server
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers ---------------------------------------------------------------------------------------------
    def snapshot(self):
        with self.inv.db.connect(write=False) as conn:
            return [
                conn.execute(select(t).order_by(t.c.id)).all()
                for t in (
                    items,
                    orders,
                    order_lines,
                    movements,
                    status_changes,
                    field_changes,
                    events,
                    statuses,
                    stores,
                )
            ]

    def attempt(self, fn) -> bool:
        before = self.snapshot()
        try:
            fn()
        except InventoryError:
            assert self.snapshot() == before, "a refused operation changed something"
            return False
        return True

    def _remove(self, store: str, lines: list[Line]) -> None:
        if not self.tracking[store]:
            return
        for line in lines:
            if line.unit != "C" and line.removed < line.qty:
                self.on_hand[line.unit] -= line.qty - line.removed
                line.removed = line.qty

    # -- rules ----------------------------------------------------------------------------------------------
    @rule(
        store=st.sampled_from(list(STORES)),
        lines=st.lists(
            st.tuples(st.sampled_from(UNITS + ["NOPE"]), st.integers(-1, 4)), min_size=1, max_size=3
        ),
    )
    def place(self, store, lines):
        ids_before = set(o.id for o in self.inv.orders())
        if not self.attempt(lambda: self.inv.place_order(store, lines)):
            return
        (order_id,) = {o.id for o in self.inv.orders()} - ids_before
        model = [Line(u, q) for u, q in lines]
        if self.remove_when[store] == "ordered":
            self._remove(store, model)
        self.orders[order_id] = (store, "placed", model)

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), event=st.sampled_from(["pay", "ship", "cancel", "delete", "return"]))
    def order_event(self, data, event):
        order_id = data.draw(st.sampled_from(sorted(self.orders)))
        store, state, lines = self.orders[order_id]
        if not self.attempt(lambda: getattr(self.inv, f"{event}_order")(order_id)):
            return
        if event == "pay":
            if state == "placed" and self.remove_when[store] == "paid":
                self._remove(store, lines)
            state = "paid" if state == "placed" else state
        elif event == "ship":
            self._remove(store, lines)
            state = "shipped"
        elif event in ("cancel", "delete"):
            if state in ("placed", "paid"):
                for line in lines:
                    self.on_hand[line.unit] += line.removed - line.restored
                    line.restored = line.removed
            state = "cancelled" if event == "cancel" else "deleted"
        elif event == "return":
            for line in lines:
                amount = line.qty - line.returned
                line.returned = line.qty
                back = min(amount, line.removed - line.restored)
                line.restored += back
                self.on_hand[line.unit] += back
            state = "returned"
        if state == "deleted":
            del self.orders[order_id]
        else:
            self.orders[order_id] = (store, state, lines)

    @rule(
        unit=st.sampled_from(UNITS),
        value=st.integers(-3, 6),
        status=st.sampled_from([None, "In Stock", "Back Order", "Out of Stock"]),
    )
    def manual_edit(self, unit, value, status):
        if self.attempt(lambda: self.inv.edit_item(unit, {"on_hand": value, "status": status})):
            self.on_hand[unit] = value

    @rule(
        rows=st.lists(
            st.tuples(st.sampled_from(UNITS), st.sampled_from(["0", "4", "-1", "x", ""])),
            min_size=1,
            max_size=4,
            unique_by=lambda r: r[0],
        ),
        store=st.sampled_from([None, "Ordered", "Off"]),
    )
    def import_rows(self, rows, store):
        path = write_csv(self.dir / f"import-{next(_files)}.csv", ["ItemNumber", "NumberInStock"], rows)
        done = []
        if self.attempt(lambda: done.append(import_file(self.inv.db, path, store=store))):
            deltas = {}
            for unit, value in rows:
                if value:
                    deltas[unit] = int(value) - self.on_hand[unit]
                    self.on_hand[unit] = int(value)
            if done[0].batch:
                self.batches[done[0].batch] = (deltas, {})

    @rule(
        rows=st.lists(
            st.tuples(st.sampled_from(["A", "B", "C", "T", "T-S"]), st.sampled_from(["0", "3", "7", ""])),
            min_size=1,
            max_size=3,
            unique_by=lambda r: r[0],
        ),
    )
    def import_limits(self, rows):
        """A file that sets order maximums (a variant's row is refused: it follows its product)."""
        path = write_csv(
            self.dir / f"limits-{next(_files)}.csv", ["ItemNumber", "MaximumOrderQuantity"], rows
        )
        done = []
        if self.attempt(lambda: done.append(import_file(self.inv.db, path))):
            # (A variant's row went through only by repeating its product's maximum.)
            changes = {
                u: (self.max_qty[u], int(v))
                for u, v in rows
                if v and u != "T-S" and int(v) != self.max_qty[u]
            }
            for unit, (_, new) in changes.items():
                self.max_qty[unit] = new
            if done[0].batch:
                self.batches[done[0].batch] = ({}, changes)

    @precondition(lambda self: self.batches)
    @rule(data=st.data())
    def revert(self, data):
        batch = data.draw(st.sampled_from(sorted(self.batches)))
        if self.attempt(lambda: self.inv.revert_batch(batch)):
            deltas, changes = self.batches.pop(batch)
            for unit, delta in deltas.items():
                self.on_hand[unit] -= delta
            for unit, (old, new) in changes.items():
                if self.max_qty[unit] == new:  # changed again since: the later value stays
                    self.max_qty[unit] = old

    @rule(
        unit=st.sampled_from(UNITS + ["T"]),
        delta=st.integers(-3, 3),
        store=st.sampled_from([None, "Ordered", "Paid"]),
    )
    def adjust(self, unit, delta, store):
        done = []
        if self.attempt(lambda: done.append(self.inv.adjust([(unit, delta)], store=store))):
            self.on_hand[unit] += delta
            if done[0].batch:
                self.batches[done[0].batch] = ({unit: delta}, {})

    @rule(
        store=st.sampled_from(list(STORES)),
        tracking=st.booleans(),
        remove_when=st.sampled_from(["ordered", "paid", "shipped"]),
    )
    def change_settings(self, store, tracking, remove_when):
        self.inv.set_store(store, track_inventory=tracking, remove_when=remove_when)
        self.tracking[store], self.remove_when[store] = tracking, remove_when

    # -- invariants ------------------------------------------------------------------------------------------
    @invariant()
    def counts_match_the_model(self):
        assert {u: self.inv.item(u).on_hand for u in UNITS} == self.on_hand

    @invariant()
    def limits_match_the_model(self):
        shown = {u: self.inv.item(u).max_qty for u in ("A", "B", "C", "T", "T-S", "T-M")}
        assert shown == {**self.max_qty, "T-S": self.max_qty["T"], "T-M": self.max_qty["T"]}

    @invariant()
    def history_adds_up(self):
        assert history_mismatches(self.inv.db) == []
        assert committed_mismatches(self.inv.db) == []

    @invariant()
    def lines_removed_once_and_put_back_at_most_that(self):
        with self.inv.db.connect(write=False) as conn:
            for line in conn.execute(select(order_lines)):
                assert 0 <= line.restored <= line.removed <= line.quantity
        for _, _, lines in self.orders.values():
            for line in lines:
                assert line.restored <= line.removed <= line.qty


InventoryMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestInventorySequences = InventoryMachine.TestCase
