"""Random sequences of PO events, receipts, manual on-order and ETA edits and customer orders (SPEC section 8).

A reference model follows on_hand, on_order and each PO line; after every step: the database agrees with it,
on_order is never negative, history sums to on_hand and on_order for every unit, a refused operation changed
nothing, and every unit whose last ETA-setting event was a PO event has as ETA the earliest expected date of
the ordered POs with some of it outstanding (or none).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import select

from desktop_app.errors import InventoryError
from desktop_app.purchasing_schema import po_lines, purchase_orders
from desktop_app.schema import events, field_changes, items, movements, status_changes
from desktop_app.service import Inventory
from tests.helpers import history_mismatches, migrated_sqlite

UNITS = ["A", "B", "T-S", "T-M"]
DATES = [None, dt.date(2026, 7, 1), dt.date(2026, 7, 15), dt.date(2026, 8, 1)]


class Po:
    def __init__(self, expected, lines: dict[str, int]) -> None:
        self.expected, self.state = expected, "draft"
        self.qty = dict(lines)
        self.received = dict.fromkeys(lines, 0)

    def outstanding(self, unit: str) -> int:
        if self.state not in ("draft", "ordered") or unit not in self.qty:
            return 0
        return self.qty[unit] - self.received[unit]


class PurchasingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="ie-po-"))
        self.inv = inv = Inventory(migrated_sqlite(self.dir / "p.db"))
        inv.add_store("Main")
        inv.set_store("Main", track_inventory=True, remove_when="ordered")
        inv.add_product("A", on_hand=3)
        inv.add_product("B")
        inv.add_product("T")
        inv.add_variant("T", "T-S", ["Size=S"])
        inv.add_variant("T", "T-M", ["Size=M"], on_hand=1)
        self.on_hand = {"A": 3, "B": 0, "T-S": 0, "T-M": 1}
        self.on_order = dict.fromkeys(UNITS, 0)
        self.pos: dict[int, Po] = {}
        self.settled: set[str] = set()  # units whose ETA a PO event set last

    def teardown(self) -> None:
        self.inv.db.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    def snapshot(self):
        with self.inv.db.connect(write=False) as conn:
            return [
                conn.execute(select(t).order_by(t.c.id)).all()
                for t in (items, movements, status_changes, field_changes, events, purchase_orders, po_lines)
            ]

    def attempt(self, fn):
        before = self.snapshot()
        try:
            return True, fn()
        except InventoryError:
            assert self.snapshot() == before, "a refused operation changed something"
            return False, None

    def take_off(self, unit: str, qty: int) -> None:
        self.on_order[unit] -= min(qty, self.on_order[unit])

    # -- rules --------------------------------------------------------------------------------------
    @rule(
        expected=st.sampled_from(DATES),
        store=st.sampled_from([None, "Main"]),
        lines=st.dictionaries(st.sampled_from(UNITS), st.integers(1, 6), min_size=1, max_size=3),
    )
    def create(self, expected, store, lines):
        po_id = self.inv.purchasing.create("Acme", list(lines.items()), store=store, expected=expected)
        self.pos[po_id] = Po(expected, lines)

    @precondition(lambda self: self.pos)
    @rule(data=st.data())
    def order(self, data):
        po_id = data.draw(st.sampled_from(sorted(self.pos)))
        po = self.pos[po_id]
        ok, _ = self.attempt(lambda: self.inv.purchasing.order(po_id))
        assert ok == (po.state == "draft")
        if ok:
            po.state = "ordered"
            for unit, qty in po.qty.items():
                self.on_order[unit] += qty
            self.settled |= set(po.qty)

    @precondition(lambda self: self.pos)
    @rule(data=st.data(), qty=st.integers(1, 7))
    def receive(self, data, qty):
        po_id = data.draw(st.sampled_from(sorted(self.pos)))
        po = self.pos[po_id]
        unit = data.draw(st.sampled_from(sorted(po.qty)))
        ok, _ = self.attempt(lambda: self.inv.purchasing.receive(po_id, [(unit, qty)]))
        assert ok == (po.state == "ordered" and qty <= po.outstanding(unit))
        if ok:
            po.received[unit] += qty
            self.on_hand[unit] += qty
            self.take_off(unit, qty)
            self.settled.add(unit)
            if all(po.received[u] == po.qty[u] for u in po.qty):
                po.state = "received"

    @precondition(lambda self: self.pos)
    @rule(data=st.data(), how=st.sampled_from(["close", "cancel"]))
    def finish(self, data, how):
        po_id = data.draw(st.sampled_from(sorted(self.pos)))
        po = self.pos[po_id]
        ok, _ = self.attempt(lambda: getattr(self.inv.purchasing, how)(po_id))
        if how == "close":
            assert ok == (po.state == "ordered")
        else:
            assert ok == (po.state in ("draft", "ordered") and not any(po.received.values()))
        if ok:
            if po.state == "ordered":
                for unit in po.qty:
                    self.take_off(unit, po.outstanding(unit))
                self.settled |= set(po.qty)
            po.state = "closed" if how == "close" else "cancelled"

    @rule(unit=st.sampled_from(UNITS), value=st.integers(0, 12))
    def edit_on_order(self, unit, value):
        self.inv.edit_item(unit, {"on_order": value})
        self.on_order[unit] = value

    @rule(unit=st.sampled_from(["A", "B"]), when=st.sampled_from(DATES))
    def edit_eta(self, unit, when):
        self.inv.edit_item(unit, {"eta_date": when})
        self.settled.discard(unit)

    @rule(unit=st.sampled_from(UNITS), qty=st.integers(1, 3))
    def customer_order(self, unit, qty):
        ok, _ = self.attempt(lambda: self.inv.place_order("Main", [(unit, qty)]))
        if ok:
            self.on_hand[unit] -= qty

    # -- checks -------------------------------------------------------------------------------------
    @invariant()
    def counts_agree_and_history_explains_them(self):
        for unit in UNITS:
            item = self.inv.item(unit)
            assert item.on_order >= 0
            assert (item.on_hand, item.on_order) == (self.on_hand[unit], self.on_order[unit]), unit
        assert history_mismatches(self.inv.db) == []

    @invariant()
    def eta_is_the_earliest_open_expected_date(self):
        for unit in self.settled:
            open_dates = [
                po.expected
                for po in self.pos.values()
                if po.state == "ordered" and po.outstanding(unit) > 0 and po.expected is not None
            ]
            assert self.inv.item(unit).eta_date == (min(open_dates) if open_dates else None), unit

    @invariant()
    def po_lines_agree(self):
        for po_id, po in self.pos.items():
            got = self.inv.purchasing.get(po_id)
            assert got.state == po.state
            assert {line.label: (line.received, line.outstanding) for line in got.lines} == {
                u: (po.received[u], po.outstanding(u) if po.state != "draft" else po.qty[u] - po.received[u])
                for u in po.qty
            }


PurchasingMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestPurchasingSequences = pytest.mark.slow(PurchasingMachine.TestCase)
