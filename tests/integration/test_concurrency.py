"""Several processes writing at once: nothing lost, nobody sees "database is locked"."""

from __future__ import annotations

import multiprocessing as mp

import pytest

from tests.helpers import committed_mismatches, history_mismatches


def _place_orders(db_url: str, count: int, start, results) -> None:
    from desktop_app.service import Inventory

    inventory = Inventory(db_url)
    start.wait()
    failures = []
    for _ in range(count):
        try:
            inventory.place_order("Main", [("HOT", 1)])
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the test
            failures.append(f"{type(exc).__name__}: {exc}")
    if inventory.db.is_sqlite and inventory.db.retries:
        # BEGIN IMMEDIATE queues writers on the lock: none should ever have hit "database is locked".
        failures.append(f"{inventory.db.retries} transactions were retried after a busy database")
    results.put(failures)


def run_workers(db_url: str, processes: int, orders_each: int) -> list[str]:
    ctx = mp.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    workers = [
        ctx.Process(target=_place_orders, args=(db_url, orders_each, start, results))
        for _ in range(processes)
    ]
    for w in workers:
        w.start()
    start.set()
    failures = [f for _ in workers for f in results.get(timeout=300)]
    for w in workers:
        w.join(timeout=60)
    return failures


@pytest.mark.slow
def test_four_processes_place_100_orders_each_on_one_item(shop, db_url):
    shop.add_product("HOT", on_hand=1000)
    failures = run_workers(db_url, 4, 100)
    assert failures == []  # in particular, no "database is locked"
    item = shop.item("HOT")
    assert item.on_hand == 600
    assert len(shop.orders(limit=1000)) == 400
    assert history_mismatches(shop.db) == []
    assert committed_mismatches(shop.db) == []
