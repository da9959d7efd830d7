"""Several workstations on one database (SPEC's shared case; PostgreSQL when INVENTORY_EDITOR_TEST_PG is set).

The process tests run on whichever database the switch selects (SQLite otherwise); the role test needs the
PostgreSQL server.
"""

from __future__ import annotations

import multiprocessing as mp
import uuid

import pytest
from sqlalchemy import select

from desktop_app.errors import InventoryError
from desktop_app.schema import events, movements, status_changes
from desktop_app.service import Inventory
from tests.conftest import PG_URL
from tests.helpers import committed_mismatches, history_mismatches, write_csv

pytestmark = pytest.mark.slow


def _worker(kind: str, db_url: str, count: int, start, results, seed: int, workdir: str) -> None:
    import random

    from desktop_app.csvio.importer import ImportRefused, import_file

    inventory = Inventory(db_url)
    rng = random.Random(seed)
    outcome = {"ok": 0, "refused": [], "errors": []}
    start.wait()
    for n in range(count):
        try:
            if kind == "orders":
                inventory.place_order("Main", [("HOT", 1)])
            elif kind == "mixed":
                choice = rng.random()
                units = rng.sample(["M1", "M2", "M3", "M4", "M5"], 3)
                if choice < 0.4:
                    inventory.place_order("Main", [(u, 1) for u in units])
                elif choice < 0.7:
                    inventory.adjust([(u, rng.choice((-1, 2, 3))) for u in units], store="Main")
                else:
                    path = f"{workdir}/w{seed}-{n}.csv"
                    write_csv(
                        path, ["ItemNumber", "NumberInStock"], [[u, str(rng.randint(0, 50))] for u in units]
                    )
                    import_file(inventory.db, path, store="Main")
            outcome["ok"] += 1
        except ImportRefused as exc:
            outcome["errors"].append(str(exc))
        except InventoryError as exc:
            outcome["refused"].append(exc.message + " " + " ".join(exc.details))
        except Exception as exc:  # noqa: BLE001 - anything else reaches the test
            outcome["errors"].append(f"{type(exc).__name__}: {exc}")
    results.put(outcome)


def run(kind: str, db_url: str, processes: int, count: int, workdir: str = "/tmp") -> list[dict]:
    ctx = mp.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(kind, db_url, count, start, results, seed, workdir))
        for seed in range(processes)
    ]
    for w in workers:
        w.start()
    start.set()
    outcomes = [results.get(timeout=600) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    return outcomes


def test_eight_processes_place_200_orders_each(shop, db_url):
    shop.add_product("HOT", on_hand=5000)
    outcomes = run("orders", db_url, 8, 200)
    assert [o["errors"] + o["refused"] for o in outcomes] == [[]] * 8
    assert shop.item("HOT").on_hand == 5000 - 1600
    assert history_mismatches(shop.db) == [] and committed_mismatches(shop.db) == []


def test_last_unit_is_sold_exactly_once(shop, db_url):
    shop.add_product("HOT", on_hand=1)  # In Stock: no back orders
    outcomes = run("orders", db_url, 8, 1)
    assert sum(o["ok"] for o in outcomes) == 1
    refusals = [r for o in outcomes for r in o["refused"]]
    assert len(refusals) == 7 and all(
        "only 0 are available to sell" in r or "Out of Stock" in r for r in refusals
    )
    item = shop.item("HOT")
    assert (item.on_hand, item.status) == (0, "Out of Stock")


def test_mixed_imports_adjustments_and_orders_on_overlapping_items(shop, db_url, tmp_path):
    for n in range(1, 6):
        shop.add_product(f"M{n}", on_hand=500, status="Back Order")
    outcomes = run("mixed", db_url, 4, 40, str(tmp_path))
    assert [o["errors"] for o in outcomes] == [[]] * 4  # no deadlock or serialization error reached anyone
    refusals = [r for o in outcomes for r in o["refused"]]
    # The only refusals are the business ones (an import set a count to 0: Out of Stock cannot be ordered).
    assert all("cannot be ordered" in r or "available to sell" in r for r in refusals), refusals
    assert sum(o["ok"] for o in outcomes) + len(refusals) == 160
    assert history_mismatches(shop.db) == [] and committed_mismatches(shop.db) == []


def _workload(inventory: Inventory, tmp_path, tag: str) -> None:
    from desktop_app.csvio.importer import import_file

    inventory.add_store("Main")
    inventory.set_store("Main", track_inventory=True, remove_when="paid")
    inventory.add_status("Preorder", back_order=True)
    inventory.add_product("A", on_hand=3)
    inventory.add_product("B", on_hand=1, status="Preorder")
    inventory.add_product("T", name="Tee")
    inventory.add_variant("T", "T-S", ["Size=S"], on_hand=2)
    first = inventory.place_order("Main", [("A", 3), ("T-S", 2)])
    inventory.pay_order(first)
    second = inventory.place_order("Main", [("B", 4)])
    inventory.ship_order(second)
    inventory.return_order(second, [("B", 1)])
    import_file(
        inventory.db,
        write_csv(
            tmp_path / f"{tag}.csv",
            ["ItemNumber", "NumberInStock", "ProductStatus"],
            [["A", "5", ""], ["T-S", "0", ""], ["NEW", "4", "Preorder"]],
        ),
        store="Main",
    )
    inventory.adjust([("A", -5)], store="Main")
    inventory.cancel_order(first)


def _snapshot(inventory: Inventory) -> dict:
    out = {}
    for number in ("A", "B", "T", "T-S", "NEW"):
        item = inventory.item(number)
        history = [
            (h.kind, h.quantity, h.delta, h.after, h.from_status, h.to_status, h.rule, h.cause, h.store)
            for h in inventory.history(number)
        ]
        out[number] = (item.on_hand, item.on_order, item.committed, item.status, history)
    with inventory.db.connect(write=False) as conn:
        out["rows"] = [len(conn.execute(select(t)).all()) for t in (events, movements, status_changes)]
    return out


@pytest.mark.skipif(
    not PG_URL, reason="compares SQLite with the PostgreSQL server (INVENTORY_EDITOR_TEST_PG)"
)
def test_the_same_workload_ends_identically_on_sqlite_and_postgresql(db_url, tmp_path):
    lite = Inventory(str(tmp_path / "same.db"))
    server = Inventory(db_url)
    _workload(lite, tmp_path, "lite")
    _workload(server, tmp_path, "server")
    assert _snapshot(lite) == _snapshot(server)


@pytest.mark.skipif(not PG_URL, reason="roles are a PostgreSQL feature (INVENTORY_EDITOR_TEST_PG)")
def test_staff_role_cannot_change_store_settings_the_server_refuses(shop, db_url):
    from sqlalchemy.engine import make_url

    from desktop_app.roles import create_roles, permissions

    suffix = uuid.uuid4().hex[:8]
    owner, staff = f"owner_{suffix}", f"staff_{suffix}"
    create_roles(shop.db, owner=owner, staff=staff, owner_password="o-pw", staff_password="s-pw")
    shop.add_product("A", on_hand=4)
    as_staff = Inventory(
        make_url(db_url).set(username=staff, password="s-pw").render_as_string(hide_password=False)
    )
    try:
        rights = permissions(as_staff.db)
        assert (rights.role, rights.change_settings, rights.change_statuses) == (staff, False, False)
        with pytest.raises(InventoryError, match="your database role may not make it"):
            as_staff.set_store("Main", remove_when="shipped")
        with pytest.raises(InventoryError, match="permission denied for table statuses"):
            as_staff.add_status("Staff pick")
        assert shop.store("Main").remove_when == "ordered"
        as_staff.adjust([("A", -1)], store="Main")  # stock, items and orders: allowed
        as_staff.place_order("Main", [("A", 1)])
        assert shop.item("A").on_hand == 2
    finally:
        as_staff.db.dispose()
        with shop.db.connect(write=True) as conn:
            for role in (owner, staff):
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
