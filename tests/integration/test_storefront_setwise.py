"""The set-wise storefront import writes exactly what applying each order event on its own wrote (issue 16).

Random successive exports — orders with several lines, some naming the same unit, units that cross zero so the
status rules fire (a back-order status, a discontinued unit, a non-inventory one, variants), orders paid,
fulfilled, cancelled, shown again unchanged or going back, created out of file order and at the same moment,
lines without a SKU, unknown SKUs and a product sold by variant (invalid orders, refused or skipped), dry runs —
with the store's settings changed and stock restocked between imports, run on two copies of one catalog:
through the service (the set-wise path, in chunks of 1 to 3 orders so orders and units cross chunks) and
through the per-event path as it was (``reference_storefront``). Each import reports the same (or is refused
alike), and afterwards both databases hold the same rows: counts, committed, statuses, orders, lines, and every
event, movement and status change (all but the clock's times). Runs on PostgreSQL too in the PostgreSQL pass.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import desktop_app.storefront as storefront
from desktop_app.schema import events, items, movements, order_lines, orders, status_changes, statuses, stores
from desktop_app.service import Inventory
from desktop_app.storefront import OrdersImportRefused
from tests.conftest import Template
from tests.helpers import committed_mismatches, history_mismatches
from tests.integration import reference_storefront
from tests.integration.test_storefront_orders import write_export

SKUS = ["A", "A", "B", "C", "D", "E", "F", "T-S", "T-M"]
ODD = ["T", "ZZ", ""]  # sold by variant (invalid), unknown (invalid), a tip (skipped)


def _catalog(inv: Inventory) -> None:
    inv.add_status("Made to Order", back_order=True)
    inv.add_store("Web")
    inv.set_store("Web", track_inventory=True, remove_when="ordered")
    inv.add_product("A", on_hand=3)
    inv.add_product("B", on_hand=0, status="Back Order")
    inv.add_product("C", on_hand=5, non_inventory=True)
    inv.add_product("D", on_hand=1, status="Made to Order")
    inv.add_product("E", on_hand=2, discontinued=True)
    inv.add_product("F", on_hand=1)
    inv.add_product("T")
    inv.add_variant("T", "T-S", ["Size=S"], on_hand=2)
    inv.add_variant("T", "T-M", ["Size=M"], on_hand=1)


CATALOG: Template | None = None


@pytest.fixture(autouse=True, scope="module")
def catalog(migrated_template):
    global CATALOG
    CATALOG = Template(fill=_catalog, base=migrated_template)
    yield CATALOG
    CATALOG.drop()


line = st.one_of(
    st.tuples(st.sampled_from(SKUS), st.integers(1, 3)),
    st.tuples(st.sampled_from(SKUS), st.integers(1, 3)),
    st.tuples(st.sampled_from(ODD), st.integers(0, 2)),
)
order = st.tuples(st.lists(line, min_size=1, max_size=3), st.integers(0, 2))  # lines, created (day)
shown = st.tuples(
    st.sampled_from(["paid", "pending", "refunded", "authorized"]),
    st.sampled_from(["fulfilled", "unfulfilled", "partial"]),
    st.booleans(),  # cancelled
)
between = st.one_of(
    st.none(),
    st.tuples(st.just("remove_when"), st.sampled_from(["ordered", "paid", "shipped"])),
    st.tuples(st.just("tracking"), st.booleans()),
    st.tuples(st.just("restock"), st.sampled_from(["A", "B", "D", "E", "F", "T-S"]), st.integers(1, 4)),
)


@st.composite
def scenarios(draw):
    placed = draw(st.lists(order, min_size=1, max_size=6))
    files = []
    for _ in range(draw(st.integers(1, 4))):
        names = draw(st.permutations(range(len(placed))))
        names = names[: draw(st.integers(1, len(placed)))]
        files.append(
            (
                [(n, draw(shown)) for n in names],
                draw(between),
                draw(st.booleans()),  # skip invalid orders
                draw(st.sampled_from([False, False, False, True])),  # dry run
            )
        )
    return placed, files, draw(st.integers(0, len(files) - 1)), draw(st.integers(1, 3))


def dump(inv: Inventory) -> dict:
    """Every row an orders import writes or reads, but the clock's times."""
    with inv.db.connect(write=False) as conn:
        return {
            table.name: [
                tuple(v for k, v in row._mapping.items() if k != "at")
                for row in conn.execute(select(table).order_by(table.c.id))
            ]
            for table in (items, orders, order_lines, events, movements, status_changes, statuses, stores)
        }


def between_imports(inv: Inventory, step) -> None:
    if step is None:
        return
    if step[0] == "remove_when":
        inv.set_store("Web", remove_when=step[1])
    elif step[0] == "tracking":
        inv.set_store("Web", track_inventory=step[1])
    else:
        inv.adjust([(step[1], step[2])], store="Web")


def run_import(inv: Inventory, setwise: bool, path: str, skip_invalid: bool, dry_run: bool):
    importer = inv.storefront if setwise else reference_storefront.Storefront(inv)
    try:
        summary = importer.import_orders(path, store="Web", skip_invalid=skip_invalid, dry_run=dry_run)
    except (OrdersImportRefused, reference_storefront.OrdersImportRefused) as exc:
        return ("refused", str(exc), tuple(exc.details))
    return summary.as_json()


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_setwise_import_writes_what_each_event_on_its_own_wrote(scenario):
    placed, files, again, chunk = scenario
    folder = Path(tempfile.mkdtemp(prefix="ie-shop-setwise-"))
    databases = [CATALOG.new_url(str(folder / f"{name}.db")) for name in ("setwise", "reference")]
    inventories = [Inventory(next(database)) for database in databases]
    was = storefront.CHUNK_ORDERS
    storefront.CHUNK_ORDERS = chunk
    try:
        paths = []
        for k, (shown_orders, step, skip_invalid, dry_run) in enumerate(files):
            rows = [
                (f"#{1001 + n}", f"2026-06-0{placed[n][1] + 1} 10:00:00 +1000", financial, fulfillment,
                 "2026-06-05 09:00:00 +1000" if cancelled else "", placed[n][0])
                for n, (financial, fulfillment, cancelled) in shown_orders
            ]
            paths.append(write_export(folder / f"export{k}.csv", rows))
            seen = [run_import(inv, inv is inventories[0], paths[-1], skip_invalid, dry_run) for inv in inventories]
            assert seen[0] == seen[1], k
            for inv in inventories:
                between_imports(inv, step)
        seen = [run_import(inv, inv is inventories[0], paths[again], True, False) for inv in inventories]
        assert seen[0] == seen[1]
        assert dump(inventories[0]) == dump(inventories[1])
        assert history_mismatches(inventories[0].db) == [] and committed_mismatches(inventories[0].db) == []
        # Importing the same file again changes nothing at all.
        before = dump(inventories[0])
        summary = inventories[0].storefront.import_orders(paths[again], store="Web", skip_invalid=True)
        assert (summary.placed, summary.paid, summary.shipped, summary.cancelled) == (0, 0, 0, 0)
        assert dump(inventories[0]) == before
    finally:
        storefront.CHUNK_ORDERS = was
        for inv, database in zip(inventories, databases, strict=True):
            inv.db.dispose()
            database.close()
        shutil.rmtree(folder, ignore_errors=True)
