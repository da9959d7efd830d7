"""Times on the command line are local, and say so (the brief: "times are local"); JSON carries the offset.

The zone is set far from UTC (Auckland, +13:00 in November), so a UTC time cannot pass for a local one.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from desktop_app.service import Inventory
from tests.helpers import run_cli


@pytest.fixture
def far_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def _local(at: dt.datetime) -> dt.datetime:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone()


def test_batch_list_history_orders_and_counts_show_local_times(db_url, far_zone):
    inventory = Inventory(db_url)
    try:
        inventory.add_store("Main")
        inventory.add_product("MUG", on_hand=3)
        inventory.adjust([("MUG", 2)])
        batch = inventory.batches()[0]
        entry = inventory.history("MUG")[-1]
        order = inventory.place_order("Main", [("MUG", 1)])
        placed = inventory.order(order).placed_at
        count = inventory.counts.start("Main")
    finally:
        inventory.db.dispose()
    when = _local(batch["at"])
    assert when.utcoffset() == dt.timedelta(hours=13)

    listed = run_cli("--db", db_url, "batch", "list")
    header = listed.stdout.splitlines()[0]
    assert "UTC" not in header and "local" in header
    assert f"{when:%Y-%m-%d %H:%M:%S} {when:%Z}" in listed.stdout

    history = run_cli("--db", db_url, "history", "MUG")
    assert "UTC" not in history.stdout.splitlines()[0] and "local" in history.stdout.splitlines()[0]
    shown = _local(entry.at)
    assert f"{shown:%Y-%m-%d %H:%M:%S} {shown:%Z}" in history.stdout

    # JSON: ISO 8601 in local time with its offset, the same instant.
    (first, *_) = json.loads(run_cli("--db", db_url, "batch", "list", "--json").stdout)
    assert dt.datetime.fromisoformat(first["at"]).utcoffset() == dt.timedelta(hours=13)
    assert dt.datetime.fromisoformat(first["at"]) == when
    moved = json.loads(run_cli("--db", db_url, "history", "MUG", "--json").stdout)[-1]
    assert dt.datetime.fromisoformat(moved["at"]) == shown and moved["at"].endswith("+13:00")
    shown_order = json.loads(run_cli("--db", db_url, "order", "show", str(order), "--json").stdout)
    assert shown_order["placed_at"].endswith("+13:00")
    assert dt.datetime.fromisoformat(shown_order["placed_at"]) == _local(placed)
    shown_count = json.loads(run_cli("--db", db_url, "count", "show", str(count.id), "--json").stdout)
    assert shown_count["started_at"].endswith("+13:00")
    assert dt.datetime.fromisoformat(shown_count["started_at"]) == _local(count.started_at)
