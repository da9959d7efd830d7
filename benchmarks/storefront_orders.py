"""Importing the storefront's orders export (SPEC section 9): 100,000 line items, against a plain CSV parse.

Writes a realistic export (the fixture's 79 columns, 1-4 line items per order, most paid, many fulfilled, a few
cancelled, a tip now and then) for 2,000 SKUs, then times, in one run:
  - a plain ``csv.reader`` pass over the file (the floor: reading the bytes and splitting the cells);
  - the first import (every order placed, paid, shipped or cancelled: its events decided per chunk of orders by
    the order path's rules and written set-wise, one statement per table);
  - importing the same file again (every order unchanged: nothing is written).
Prints lines per second, the ratio to the plain parse, and the peak memory (VmHWM) after each step, and whether
the first import met issue 16's goal (GOAL lines per second; on a loaded machine read the ratio instead).
Run: python -m benchmarks.storefront_orders [--lines N] [--db URL]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from desktop_app.service import Inventory

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "shopify-orders-export.csv"
SKUS = 2000
GOAL = 5_000  # lines per second (issue 16), first import of 100,000 line items


def peak_mb() -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def write_export(path: Path, lines: int, seed: int = 16) -> int:
    """An orders export of ``lines`` line items; returns the number of orders."""
    rnd = random.Random(seed)
    with open(FIXTURE, newline="", encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    at = {name: i for i, name in enumerate(header)}
    start = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=10)))
    written = orders = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        while written < lines:
            orders += 1
            created = start + dt.timedelta(minutes=7 * orders)
            stamp = created.strftime("%Y-%m-%d %H:%M:%S %z")
            roll = rnd.random()
            cancelled = roll < 0.03
            paid = not cancelled and roll < 0.8
            fulfilled = paid and rnd.random() < 0.5
            for n in range(min(rnd.choice((1, 1, 2, 2, 3, 4)), lines - written)):
                row = [""] * len(header)
                row[at["Name"]] = f"#{1000 + orders}"
                row[at["Email"]] = f"customer{orders}@example.com"
                row[at["Created at"]] = stamp
                if n == 0:
                    row[at["Financial Status"]] = "voided" if cancelled else ("paid" if paid else "pending")
                    row[at["Fulfillment Status"]] = "fulfilled" if fulfilled else "unfulfilled"
                    row[at["Currency"]] = "AUD"
                    row[at["Billing Name"]] = f"Customer {orders}, Example Street"
                    if cancelled:
                        row[at["Cancelled at"]] = (created + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S %z")
                tip = rnd.random() < 0.01
                row[at["Lineitem quantity"]] = str(rnd.choice((1, 1, 1, 2, 3)))
                row[at["Lineitem name"]] = "Tip" if tip else f"Product {n}"
                row[at["Lineitem sku"]] = "" if tip else f"SKU-{rnd.randrange(SKUS):05d}"
                w.writerow(row)
                written += 1
    return orders


def stock_file(path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ItemNumber", "NumberInStock"])
        w.writerows([f"SKU-{i:05d}", 500] for i in range(SKUS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--db", help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ie-orders-bench-"))
    export, stock = folder / "orders_export.csv", folder / "stock.csv"
    orders = write_export(export, args.lines)
    stock_file(stock)
    inventory = Inventory(args.db or str(folder / "bench.db"))
    inventory.add_store("Web")
    inventory.set_store("Web", track_inventory=True, remove_when="paid")
    from desktop_app.csvio.importer import import_file

    import_file(inventory.db, stock)
    size = export.stat().st_size / (1 << 20)
    print(f"orders export: {args.lines:,} line items, {orders:,} orders, {size:.1f} MB; {SKUS:,} SKUs")
    print(f"database: {inventory.db.display_name}; peak memory so far {peak_mb():.0f} MB")

    began = time.perf_counter()
    with open(export, newline="", encoding="utf-8") as f:
        parsed = sum(1 for _ in csv.reader(f)) - 1
    baseline = time.perf_counter() - began
    print(f"plain csv parse:    {baseline:7.2f} s  {parsed / baseline:10,.0f} lines/s")

    rates = []
    for label in ("first import", "same file again"):
        began = time.perf_counter()
        summary = inventory.storefront.import_orders(export, store="Web")
        took = time.perf_counter() - began
        rates.append(args.lines / took)
        print(
            f"{label + ':':19s} {took:7.2f} s  {args.lines / took:10,.0f} lines/s  "
            f"{took / baseline:6.1f}x the plain parse  peak memory {peak_mb():.0f} MB  "
            f"(placed {summary.placed:,}, paid {summary.paid:,}, shipped {summary.shipped:,}, "
            f"cancelled {summary.cancelled:,}, unchanged {summary.unchanged:,}, oversold {len(summary.oversold):,}, "
            f"skipped lines {len(summary.skipped_lines):,})"
        )
    print(f"goal: first import >= {GOAL:,} lines/s: {'met' if rates[0] >= GOAL else 'NOT met'} ({rates[0]:,.0f})")
    inventory.db.dispose()


if __name__ == "__main__":
    main()
