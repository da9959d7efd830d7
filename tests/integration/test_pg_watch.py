"""An editor on a server notices another workstation's changes without the writers sending anything.

Writers no longer NOTIFY (it cost every order event a round trip and made the server's commits wait for
each other); the watcher looks at the server's snapshot instead, which a writing transaction changes when
it begins and when it ends. A change made entirely between two looks must still be noticed.
"""

from __future__ import annotations

import pytest

from desktop_app import watch
from desktop_app.service import Inventory
from desktop_app.watch import ChangeWatcher
from tests.conftest import PG_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="a PostgreSQL server's snapshot (INVENTORY_EDITOR_TEST_PG)"),
]


def test_another_workstations_order_placed_between_two_looks_is_noticed(shop, db_url):
    shop.add_product("MUG", on_hand=5)
    watcher = ChangeWatcher(shop.db)
    other = Inventory(db_url)  # another workstation: its own connections
    try:
        watcher.poll()  # whatever happened before: seen
        order = other.place_order("Main", [("MUG", 1)])  # begun and committed between two looks
        assert watcher.poll()
        other.pay_order(order)
        other.ship_order(order)
        assert watcher.poll()
        assert shop.item("MUG").on_hand == 4
    finally:
        other.db.dispose()
        watcher.close()


def test_the_watcher_on_a_server_says_nothing_changed_when_it_cannot_look(shop):
    watcher = ChangeWatcher(shop.db)
    watcher.close()  # its connection gone: it answers "no change" (and logs), it does not raise
    assert watcher.poll() is False


def test_a_watch_connection_the_server_drops_is_opened_again_and_answers_changed(shop, monkeypatch):
    monkeypatch.setattr(watch, "RETRY_AFTER_S", 0, raising=False)  # open it again on the next look, not half a minute later
    watcher = ChangeWatcher(shop.db)
    try:
        with shop.db.engine.connect() as conn:  # the server ends the watch session (a restart, an admin)
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({watcher._pg.info.backend_pid})")
        assert watcher.poll() is False  # lost: no error, no refresh
        assert watcher.poll() is True  # opened again: what changed meanwhile is refreshed
        shop.add_product("MUG", on_hand=5)
        assert watcher.poll() is True  # and it goes on noticing
    finally:
        watcher.close()
