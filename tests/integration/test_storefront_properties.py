"""Property: successive storefront exports give the database that applying each order's final events once gives.

Random sequences of exports show orders progressing (paid, fulfilled), cancelled, re-sent unchanged and shown
going back (unpaid or unfulfilled again); importing them one after another must leave the same counts,
committed quantities, statuses and orders as placing each order once and applying the events its final
(never-going-back) state calls for — and importing any of those files again must change nothing at all.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desktop_app import orders as order_events
from desktop_app.schema import events, movements
from desktop_app.schema import orders as orders_table
from desktop_app.service import Inventory
from tests.helpers import committed_mismatches, history_mismatches, migrated_sqlite
from tests.integration.test_storefront_orders import write_export

UNITS = {"A": 3, "B": 1, "C": 5}
STATE = st.tuples(st.booleans(), st.booleans(), st.booleans())  # paid, fulfilled, cancelled on the storefront
ORDER = st.lists(st.tuples(st.sampled_from(sorted(UNITS)), st.integers(1, 3)), min_size=1, max_size=2)


@st.composite
def scenarios(draw):
    orders = draw(st.lists(ORDER, min_size=1, max_size=5))
    exports = draw(st.integers(1, 4))
    # Each order shows up in some export and then stays in every later one, in a state drawn afresh each time.
    first = [draw(st.integers(0, exports - 1)) for _ in orders]
    files = [
        [(n, draw(STATE)) for n in range(len(orders)) if first[n] <= k]
        for k in range(exports)
    ]
    remove_when = draw(st.sampled_from(["ordered", "paid", "shipped"]))
    again = draw(st.integers(0, exports - 1))
    return orders, files, remove_when, again


def final_states(files, count):
    """Each order's state once every export was seen, never going back (the model of SPEC section 9)."""
    state: dict[int, dict] = {}
    for shown in files:
        for n, (paid, fulfilled, cancelled) in shown:
            rec = state.get(n)
            if rec is None:
                if cancelled and not fulfilled:
                    state[n] = {"arrived_cancelled": True, "paid": paid, "shipped": False, "cancelled": True}
                    continue
                rec = state[n] = {"arrived_cancelled": False, "paid": False, "shipped": False, "cancelled": False}
            if rec["cancelled"]:
                continue
            rec["paid"] |= paid
            rec["shipped"] |= fulfilled
            if cancelled and not rec["shipped"]:
                rec["cancelled"] = True
    return state


def new_inventory(folder: Path, name: str, remove_when: str) -> Inventory:
    inv = Inventory(migrated_sqlite(folder / f"{name}.db"))
    inv.add_store("Main")
    inv.set_store("Main", track_inventory=True, remove_when=remove_when)
    for ref, qty in UNITS.items():
        inv.add_product(ref, on_hand=qty)
    return inv


def picture(inv: Inventory):
    units = {ref: (i.on_hand, i.on_order, i.committed, i.status) for ref in UNITS for i in [inv.item(ref)]}
    orders = sorted(
        (o.name, o.state, o.paid, [(ln.item_number, ln.quantity, ln.removed, ln.restored) for ln in o.lines])
        for o in inv.orders(limit=1000)
    )
    return units, orders


def history_size(inv: Inventory) -> tuple[int, int]:
    return inv.db.read(
        lambda c: (c.execute(select(func.count()).select_from(events)).scalar(),
                   c.execute(select(func.count()).select_from(movements)).scalar())
    )


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_successive_exports_equal_final_events_applied_once(scenario):
    orders, files, remove_when, again = scenario
    folder = Path(tempfile.mkdtemp(prefix="ie-shop-prop-"))
    imported = new_inventory(folder, "imported", remove_when)
    reference = new_inventory(folder, "reference", remove_when)
    try:
        created = [f"2026-06-{n + 1:02d} 10:00:00 +1000" for n in range(len(orders))]
        paths = []
        for k, shown in enumerate(files):
            rows = [
                (f"#{1001 + n}", created[n], "paid" if paid else "pending", "fulfilled" if fulfilled else "unfulfilled",
                 created[n] if cancelled else "", orders[n])
                for n, (paid, fulfilled, cancelled) in reversed(shown)  # newest first, as the storefront exports
            ]
            paths.append(write_export(folder / f"export{k}.csv", rows))
            imported.storefront.import_orders(paths[-1], store="Main")

        who = reference.who
        for n, rec in sorted(final_states(files, len(orders)).items()):
            name = f"#{1001 + n}"
            if rec["arrived_cancelled"]:
                # Recorded as cancelled, moving nothing: what the reference does by hand is the same row.
                reference.storefront.import_orders(
                    write_export(folder / f"ref{n}.csv", [(name, created[n], "paid" if rec["paid"] else "pending",
                                                           "", created[n], orders[n])]),
                    store="Main",
                )
                continue
            order_id = reference._write(
                lambda c, lines=orders[n]: order_events.place_order(c, who, "Main", lines, accepted=True)
            )
            reference._write(lambda c, i=order_id, nm=name: c.execute(
                orders_table.update().where(orders_table.c.id == i).values(name=nm)))
            if rec["paid"]:
                reference.pay_order(order_id)
            if rec["shipped"]:
                reference.ship_order(order_id)
            elif rec["cancelled"]:
                reference.cancel_order(order_id)

        assert picture(imported) == picture(reference)
        assert history_mismatches(imported.db) == [] and committed_mismatches(imported.db) == []

        before, size = picture(imported), history_size(imported)
        summary = imported.storefront.import_orders(paths[again], store="Main")
        assert (summary.placed, summary.paid, summary.shipped, summary.cancelled) == (0, 0, 0, 0)
        assert picture(imported) == before and history_size(imported) == size
    finally:
        imported.db.dispose()
        reference.db.dispose()
        shutil.rmtree(folder, ignore_errors=True)
