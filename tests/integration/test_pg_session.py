"""A PostgreSQL workstation after the server dropped its connections, and the history check's large road.

The pool no longer pings a connection before every transaction: a connection the server dropped (restart,
idle timeout, an administrator's ``pg_terminate_backend``) must still cost the person nothing — the next
order, edit or read works, on a new connection. A connection lost *during* the COMMIT is not run again (the
order might be placed twice): the person is told it may or may not have been saved.

Migration 0013 checks a transaction of 1,000 units or more on a road of its own (planned for it, set-wise);
it must accept and refuse exactly what the small road (an order, an edit) does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import psycopg
import pytest

from desktop_app import orders
from desktop_app.csvio.importer import import_file
from desktop_app.errors import InventoryError
from tests.conftest import PG_URL
from tests.helpers import history_mismatches, server_refuses, write_csv

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="a PostgreSQL server's connections (INVENTORY_EDITOR_TEST_PG)"),
]


def _drop_connections(db_url: str) -> int:
    """Terminate every other session on the test database, as a server restart would; returns how many."""
    with psycopg.connect(db_url, autocommit=True) as admin:
        return admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def test_orders_edits_and_reads_go_on_after_the_server_dropped_the_connections(shop, db_url):
    shop.add_product("MUG", on_hand=5)
    shop.add_product("CUP", on_hand=2)
    with shop.db.connect(write=False):  # two connections in the pool, both idle afterwards
        shop.place_order("Main", [("CUP", 1)])
    assert _drop_connections(db_url) >= 1

    order = shop.place_order("Main", [("MUG", 2)])  # the first statement meets a dead connection
    assert shop.item("MUG").on_hand == 3
    _drop_connections(db_url)
    shop.pay_order(order)
    _drop_connections(db_url)
    shop.ship_order(order)
    _drop_connections(db_url)
    shop.edit_item("CUP", {"name": "Espresso cup"})
    _drop_connections(db_url)
    assert shop.item("CUP").name == "Espresso cup"  # a read
    assert [o.state for o in shop.orders()][:1] == ["shipped"]
    assert shop.db.retries >= 4
    assert history_mismatches(shop.db) == []


def test_a_connection_lost_during_the_commit_is_not_run_again(shop, db_url):
    """The server carries the COMMIT out, then the connection dies: running it again would place it twice."""
    shop.add_product("MUG", on_hand=5)
    with psycopg.connect(db_url, autocommit=True) as admin:  # at COMMIT, after the history check: the end
        admin.execute(
            "CREATE FUNCTION test_die() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF current_setting('test.die', true) = 'yes' THEN PERFORM pg_terminate_backend(pg_backend_pid()); "
            "END IF; RETURN NULL; END $$"
        )
        admin.execute(
            "CREATE CONSTRAINT TRIGGER zz_test_die AFTER INSERT ON orders DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION test_die()"
        )
    attempts = []

    def place(conn):
        attempts.append(1)
        conn.exec_driver_sql("SELECT set_config('test.die', 'yes', true)")
        return orders.place_order(conn, shop.who, "Main", [("MUG", 1)])

    with pytest.raises(InventoryError) as raised:
        shop.db.write(place)
    assert "was lost while the change was being saved: it may or may not have been saved" in str(raised.value)
    assert len(attempts) == 1
    assert shop.item("MUG").on_hand in (4, 5)  # the next transaction works, on a new connection


def test_a_large_transaction_is_checked_as_strictly_as_a_small_one(shop, db_url):
    """1,200 units changed in one transaction (the large road): accepted with its history, refused without."""
    numbers = [f"U{n:04d}" for n in range(1200)]
    with tempfile.TemporaryDirectory() as folder:
        stock = Path(folder) / "stock.csv"
        write_csv(stock, ["ItemNumber", "NumberInStock"], [[n, "3"] for n in numbers])
        assert not import_file(shop.db, stock).rejected  # 1,200 new units in one transaction
        write_csv(stock, ["ItemNumber", "NumberInStock"], [[n, "0" if k % 3 else "7"] for k, n in enumerate(numbers)])
        changed = import_file(shop.db, stock, store="Main")  # 1,200 units changed, rules firing
    assert not changed.rejected and changed.updated == 1200
    assert shop.item("U0001").status == "Out of Stock"
    assert history_mismatches(shop.db) == []

    event = "INSERT INTO events (cause, who, at) VALUES ('adjust', '', now())"
    all_units = "UPDATE items SET on_hand = on_hand + 1 WHERE item_number LIKE 'U%'"
    moves = (
        "INSERT INTO movements (event_id, unit_id, quantity, delta, after) "
        "SELECT currval(pg_get_serial_sequence('events', 'id')), id, 'on_hand', 1, on_hand FROM items "
        "WHERE item_number LIKE 'U%' AND item_number <> '{skip}' ORDER BY id"
    )
    message = server_refuses(db_url, event, all_units, moves.format(skip="U0006"))
    assert "the on hand count of U0006 went from 7 to 8 with no movement" in message
    message = server_refuses(
        db_url, event, all_units, moves.format(skip=""),
        "UPDATE items SET status_id = (SELECT id FROM statuses WHERE name = 'Discontinued') WHERE item_number = 'U0009'",
    )
    assert "the status of U0009 is Discontinued but the history of this change says nothing" in message
    with psycopg.connect(db_url) as conn:  # the same with its history is accepted
        conn.execute(event)
        conn.execute(all_units)
        conn.execute(moves.format(skip=""))
    assert shop.item("U0006").on_hand == 8
    assert history_mismatches(shop.db) == []
