"""The history on a shared PostgreSQL database is append-only and explains every count (issue 11, case 3).

Each statement a staff member could type into psql to rewrite the audit trail is run through psycopg as the
staff role and must be refused by the server, leaving the database as it was; the same UPDATE/DELETE/TRUNCATE
of history as the owner role too. The application's own flows (orders, imports on both paths, adjustments,
product edits, batch reverts) still work as staff, and the history records the database role as `who`.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.engine import make_url

from desktop_app.csvio.importer import import_file
from desktop_app.roles import create_roles
from desktop_app.service import Inventory
from tests.conftest import PG_URL
from tests.helpers import history_mismatches, server_refuses, write_csv

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="roles live on the PostgreSQL server (INVENTORY_EDITOR_TEST_PG)"),
]

HISTORY = ("movements", "status_changes", "field_changes", "events")


@pytest.fixture
def roles(shop, db_url):
    """The owner and staff login roles on the test database: yields (owner URL, staff URL, staff name)."""
    suffix = uuid.uuid4().hex[:8]
    owner, staff = f"owner_{suffix}", f"staff_{suffix}"
    create_roles(shop.db, owner=owner, staff=staff, owner_password="o-pw", staff_password="s-pw")
    url = make_url(db_url)
    yield (
        url.set(username=owner, password="o-pw").render_as_string(hide_password=False),
        url.set(username=staff, password="s-pw").render_as_string(hide_password=False),
        staff,
    )
    with shop.db.connect(write=True) as conn:
        for role in (owner, staff):
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")


@pytest.fixture
def stocked(shop):
    """A item with history: created with 3, then sold down to 0 (a movement and an Out of Stock change)."""
    shop.add_product("A", on_hand=3)
    shop.add_product("B", on_hand=10)
    order = shop.place_order("Main", [("A", 3)])
    assert shop.item("A").status == "Out of Stock"
    return order


def _dump(db_url: str) -> list:
    """Every row of the tables the audit protects, to compare before and after a refused statement."""
    import psycopg

    with psycopg.connect(db_url) as conn:
        return [
            conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in (*HISTORY, "items")
        ]


def _ids(db_url: str) -> dict:
    import psycopg

    with psycopg.connect(db_url) as conn:
        q = conn.execute
        return {
            "event": q("SELECT min(id) FROM events").fetchone()[0],
            "movement": q("SELECT min(id) FROM movements").fetchone()[0],
            "a": q("SELECT id FROM items WHERE item_number = 'A'").fetchone()[0],
            "b": q("SELECT id FROM items WHERE item_number = 'B'").fetchone()[0],
            "b_hand": q("SELECT on_hand FROM items WHERE item_number = 'B'").fetchone()[0],
            "other_status": q("SELECT id FROM statuses WHERE name = 'Discontinued'").fetchone()[0],
        }


def test_staff_cannot_rewrite_the_history_or_change_a_count_without_it(shop, db_url, stocked, roles):
    _owner_url, staff_url, _staff = roles
    ids = _ids(db_url)
    before = _dump(db_url)
    forged_event = "INSERT INTO events (cause, who, at) VALUES ('adjust', 'boss', now()) RETURNING id"
    attempts = {
        "movement delta": [f"UPDATE movements SET delta = delta + 100 WHERE id = {ids['movement']}"],
        "event who": ["UPDATE events SET who = 'someone else'"],
        "status change": ["UPDATE status_changes SET to_status = 'Forged'"],
        "movement in an old event": [
            "INSERT INTO movements (event_id, unit_id, quantity, delta, after) "
            f"VALUES ({ids['event']}, {ids['b']}, 'on_hand', 5, {ids['b_hand'] + 5})"
        ],
        "count without a movement": [f"UPDATE items SET on_hand = 999999 WHERE id = {ids['b']}"],
        "on order without a movement": [f"UPDATE items SET on_order = 7 WHERE id = {ids['b']}"],
        "status without a status change": [
            f"UPDATE items SET status_id = {ids['other_status']} WHERE id = {ids['b']}"
        ],
        "movement in a new event, count unchanged": [
            forged_event,
            "INSERT INTO movements (event_id, unit_id, quantity, delta, after) "
            f"SELECT max(id), {ids['b']}, 'on_hand', 5, {ids['b_hand'] + 5} FROM events",
        ],
        "movement that does not explain the count": [
            forged_event,
            f"UPDATE items SET on_hand = 999999 WHERE id = {ids['b']}",
            "INSERT INTO movements (event_id, unit_id, quantity, delta, after) "
            f"SELECT max(id), {ids['b']}, 'on_hand', 1, 999999 FROM events",
        ],
        "status change that does not match the status": [
            forged_event,
            "INSERT INTO status_changes (event_id, unit_id, from_status, to_status, rule) "
            f"SELECT max(id), {ids['b']}, 'In Stock', 'Forged', 'manual' FROM events",
        ],
        "delete movements": ["DELETE FROM movements"],
        "delete events": [f"DELETE FROM events WHERE id = {ids['event']}"],
        "delete status changes": ["DELETE FROM status_changes"],
        "truncate": ["TRUNCATE movements, status_changes, events CASCADE"],
    }
    messages = {name: server_refuses(staff_url, *statements) for name, statements in attempts.items()}
    assert _dump(db_url) == before, messages
    assert "permission denied" in messages["movement delta"]
    assert "on hand count of B went from 10 to 999999 with no movement" in messages["count without a movement"]
    assert "status of B is In Stock but" in messages["status change that does not match the status"]


def test_a_mistaken_grant_still_cannot_rewrite_the_history(shop, db_url, stocked, roles):
    """The triggers are a second wall: UPDATE/DELETE/TRUNCATE granted by mistake are still refused."""
    _owner_url, staff_url, staff = roles
    with shop.db.connect(write=True) as conn:
        # The worst mistake: every table (counts and purchase orders refer to events, so TRUNCATE ... CASCADE
        # reaches them too; without their grant it would stop at a permission check before the trigger).
        conn.exec_driver_sql(f"GRANT UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {staff}")
    before = _dump(db_url)
    for table in HISTORY:
        for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):
            assert "the history is append-only" in server_refuses(staff_url, statement)
    assert _dump(db_url) == before


def test_the_owner_role_cannot_rewrite_the_history_either(shop, db_url, stocked, roles):
    owner_url, _staff_url, _staff = roles
    before = _dump(db_url)
    for table in HISTORY:
        assert "permission denied" in server_refuses(owner_url, f"UPDATE {table} SET id = id")
        assert "permission denied" in server_refuses(owner_url, f"DELETE FROM {table}")
        assert "permission denied" in server_refuses(owner_url, f"TRUNCATE {table} CASCADE")
    assert _dump(db_url) == before


def test_a_forged_who_is_replaced_by_the_database_role(shop, db_url, stocked, roles):
    import psycopg

    _owner_url, staff_url, staff = roles
    with psycopg.connect(staff_url) as conn:
        who = conn.execute(
            "INSERT INTO events (cause, who, at) VALUES ('adjust', 'boss', now()) RETURNING who"
        ).fetchone()[0]
    assert who == staff


def test_staff_orders_imports_adjustments_edits_and_reverts_still_work(shop, db_url, stocked, roles, tmp_path):
    _owner_url, staff_url, staff = roles
    as_staff = Inventory(staff_url)
    try:
        assert as_staff.who == staff
        order = as_staff.place_order("Main", [("B", 2)])
        as_staff.pay_order(order)
        as_staff.ship_order(order)
        as_staff.return_order(order)
        cancelled = as_staff.place_order("Main", [("B", 1)])
        as_staff.cancel_order(cancelled)
        as_staff.cancel_order(stocked)
        batch = as_staff.adjust([("A", 4), ("B", -1)], store="Main").batch
        as_staff.edit_item("A", {"on_hand": 0, "on_order": 6, "status": "Discontinued"})
        as_staff.add_product("TEE")
        as_staff.add_variant("TEE", "TEE-L", ["Size=L"], on_hand=2)
        as_staff.add_variant("TEE", "TEE-M", ["Size=M"], on_hand=5)
        stock = tmp_path / "stock.csv"
        write_csv(stock, ["ItemNumber", "NumberInStock", "OnOrderQuantity"],
                  [["A", "9", "1"], ["B", "0", ""], ["TEE-L", "7", ""], ["NEW", "3", ""]])
        for set_based in (True, False):
            summary = import_file(as_staff.db, stock, store="Main", set_based=set_based)
            assert not summary.rejected
        as_staff.revert_batch(batch)
        assert (shop.item("A").on_hand, shop.item("A").on_order) == (9 - 4, 1)
        assert shop.item("B").on_hand == 0 + 1
        assert (shop.item("TEE").on_hand, shop.item("NEW").on_hand) == (12, 3)
        staff_entries = [e for e in as_staff.history("B") if e.who == staff]
        assert len(staff_entries) >= 6
        assert {e.who for e in as_staff.history("TEE-L")} == {staff}
        assert history_mismatches(shop.db) == []
    finally:
        as_staff.db.dispose()
