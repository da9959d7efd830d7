"""The fast order path (statements built once, one query per event) writes exactly what the old path wrote.

Random sequences of orders — several lines, units that cross zero so the status rules fire, a back-order
status, a discontinued unit, variants, stores removing stock when ordered, paid or shipped, or not tracking —
with payments, shipments, cancellations, deletions, returns, store settings and status edits (renames, the
back-order and unavailable flags) in between, made through a second connection to the same database (another
workstation: the fast path keeps what it built of the statuses and stores while their rows read the same), run
on two copies of one catalog: through the service (the fast path) and through the path as it was
(``reference_orders``). Afterwards both databases hold the same rows: counts, statuses, orders, lines, and
every event, movement and status change (of the clock's times, that they are stored alike); a refused step is
refused alike. On PostgreSQL too, when the test server is set (``INVENTORY_EDITOR_TEST_PG``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from desktop_app.errors import InventoryError
from desktop_app.schema import events, items, movements, order_lines, orders, status_changes, statuses, stores
from desktop_app.service import Inventory
from tests.conftest import Template
from tests.integration import reference_orders

UNITS = ["A", "B", "C", "D", "E", "F", "T-S", "T-M", "#777"]
STORES = ["Ordered", "Paid", "Shipped", "Off"]


def fill(inv: Inventory) -> None:
    """A small catalog, made once per session; each example runs on two copies of it."""
    inv.add_status("Made to Order", back_order=True)
    for name, remove_when in zip(STORES, ("ordered", "paid", "shipped", None), strict=True):
        inv.add_store(name)
        if remove_when:
            inv.set_store(name, track_inventory=True, remove_when=remove_when)
    inv.add_product("A", on_hand=3)
    inv.add_product("B", on_hand=0, status="Back Order")
    inv.add_product("C", on_hand=5, non_inventory=True)
    inv.add_product("D", on_hand=1, status="Made to Order")
    inv.add_product("E", on_hand=2, discontinued=True)
    inv.add_product("F", on_hand=6, min_qty=2, multiple_qty=2)
    inv.add_product("T")
    inv.add_variant("T", "T-S", ["Size=S"], on_hand=2)
    inv.add_variant("T", "T-M", ["Size=M"], on_hand=1)
    inv.add_product(None, name="No number", item_id=777, on_hand=2)


TEMPLATE = Template(fill)


@pytest.fixture(scope="module", autouse=True)
def _drop_template():
    yield
    TEMPLATE.drop()


lines = st.lists(st.tuples(st.sampled_from(UNITS), st.sampled_from([1, 1, 1, 2, 3, 0])), min_size=1, max_size=4)
place = st.tuples(st.just("place"), st.sampled_from(STORES), lines)
event = st.tuples(st.sampled_from(["pay", "ship", "cancel", "delete", "return"]), st.integers(0, 6))
steps = st.lists(
    st.one_of(
        place,
        place,
        event,
        event,
        st.tuples(st.just("restock"), st.sampled_from(UNITS[:6]), st.integers(1, 4), st.sampled_from(STORES)),
        st.tuples(st.just("return_some"), st.integers(0, 6), st.sampled_from(UNITS), st.integers(1, 3)),
        st.tuples(st.just("tracking"), st.sampled_from(STORES[:3]), st.booleans()),
        st.tuples(st.just("remove_when"), st.sampled_from(STORES[:3]), st.sampled_from(["ordered", "paid"])),
        st.tuples(st.just("rename"), st.sampled_from(["Out of Stock", "Back Order", "Made to Order"])),
        st.tuples(
            st.just("flags"), st.sampled_from(["In Stock", "Out of Stock", "Made to Order"]), st.booleans(),
            st.booleans(),
        ),
    ),
    min_size=8,
    max_size=30,
)


def run(inv: Inventory, fast: bool, step, placed: list[int], other: Inventory):
    """One step; returns what a user would see (an order id, or the refusal's message and details). Settings and
    statuses are changed through ``other``, another connection to the same database."""
    kind = step[0]
    path = None if fast else reference_orders
    try:
        if kind == "place":
            if fast:
                order = inv.place_order(step[1], step[2])
            else:
                order = inv.db.write(lambda c: path.place_order(c, inv.who, step[1], step[2]))
            placed.append(order)
            return order
        if kind in ("pay", "ship", "cancel", "delete", "return", "return_some"):
            if not placed:
                return None
            order = placed[step[1] % len(placed)]
            wanted = [(step[2], step[3])] if kind == "return_some" else []
            verb = "return" if kind == "return_some" else kind
            if fast:
                method = getattr(inv, f"{verb}_order")
                return method(order, wanted) if verb == "return" else method(order)
            function = getattr(path, f"{verb}_order")
            if verb == "return":
                return inv.db.write(lambda c: function(c, inv.who, order, wanted))
            return inv.db.write(lambda c: function(c, inv.who, order))
        if kind == "restock":  # for a store: back above 0, the rules fire
            return inv.adjust([(step[1], step[2])], store=step[3]).changed_units
        if kind == "tracking":
            return other.set_store(step[1], track_inventory=step[2]).track_inventory
        if kind == "remove_when":
            return other.set_store(step[1], remove_when=step[2]).remove_when
        current = {s.name.split(" #")[0]: s.name for s in other.statuses()}[step[1]]
        if kind == "rename":  # the next order must write the new name into its status changes
            base, _, n = current.partition(" #")
            return other.edit_status(current, rename=f"{base} #{int(n or 0) + 1}").name
        if kind == "flags":  # the next order's refusals and rules must follow them
            status = other.edit_status(current, back_order=step[2], unavailable=step[3])
            return status.back_order, status.unavailable
    except InventoryError as exc:
        return ("refused", str(exc), tuple(getattr(exc, "details", ()) or ()))
    raise AssertionError(step)


def dump(inv: Inventory) -> dict:
    """Every row the order path writes or reads; of the clock's times, that each reads back as a time."""
    with inv.db.connect(write=False) as conn:
        return {
            table.name: [
                tuple(
                    isinstance(v, dt.datetime) if k in ("at", "placed_at") else v for k, v in row._mapping.items()
                )
                for row in conn.execute(select(table).order_by(table.c.id))
            ]
            for table in (items, orders, order_lines, events, movements, status_changes, statuses, stores)
        }


@pytest.mark.slow
@pytest.mark.postgres
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
def test_fast_order_path_writes_what_the_old_path_wrote(steps):
    folder = Path(tempfile.mkdtemp(prefix="ie-orders-"))
    copies = [TEMPLATE.new_url(str(folder / name)) for name in ("fast.db", "reference.db")]
    try:
        urls = [next(copy) for copy in copies]
        inventories = [Inventory(url) for url in urls] + [Inventory(url) for url in urls]
        fast, reference, fast_other, reference_other = inventories
        placed_fast: list[int] = []
        placed_reference: list[int] = []
        for step in steps:
            seen = run(fast, True, step, placed_fast, fast_other)
            assert seen == run(reference, False, step, placed_reference, reference_other), step
        assert dump(fast) == dump(reference)
        for inv in inventories:
            inv.db.dispose()
    finally:
        for copy in copies:
            copy.close()  # a server's copy is dropped
        shutil.rmtree(folder, ignore_errors=True)
