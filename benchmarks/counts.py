"""Barcodes and stock counts at a million units: a scan's lookup, and posting a 10,000-line count.

Builds the catalog with benchmarks/catalog.py (or reuses it), gives every stock unit a barcode with plain SQL,
then prints, beside each figure, a plain-sqlite3 baseline of the same work (the physical neighbour), and
the process's peak memory (VmHWM). Prints figures; asserts nothing about time.

    python benchmarks/counts.py [/tmp/counts-million.db] [--reuse] [--variant-products N --plain-products N]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.catalog import build  # noqa: E402
from desktop_app.service import Inventory  # noqa: E402

GOALS = {"scan lookup (barcode)": 0.1, "scan lookup (item number, other case)": 0.1, "post 10,000 lines": 2.0}


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def add_barcodes(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE items SET barcode = printf('4%012d', id) WHERE use_variant_inventory = 0")
    con.execute("ANALYZE")
    con.commit()
    con.close()


def timed(fn, repeat: int) -> tuple[float, float]:
    """(median, worst) seconds of ``fn()`` over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", nargs="?", default="/tmp/counts-million.db")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--variant-products", type=int, default=250_000)
    parser.add_argument("--plain-products", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=10_000)
    args = parser.parse_args()
    path = Path(args.db)
    if not (args.reuse and path.exists()):
        built = build(path, variant_products=args.variant_products, plain_products=args.plain_products)
        print(f"built {built['units']:,} units in {built['seconds']:.1f} s")
    inventory = Inventory(str(path))  # upgrades to the newest schema (barcode index, count tables)
    started = time.perf_counter()
    add_barcodes(path)
    print(f"barcodes for every unit: {time.perf_counter() - started:.1f} s")
    raw = sqlite3.connect(path)
    units = [
        r for r in raw.execute("SELECT id, item_number, barcode FROM items WHERE use_variant_inventory = 0")
    ]
    print(f"{len(units):,} stock units")
    rng = random.Random(3)
    sample = rng.sample(units, 200)
    codes = iter(u[2] for u in sample * 5)
    numbers = iter(u[1].lower() for u in sample * 5)
    rows = []
    median, worst = timed(lambda: inventory.counts.lookup(next(codes)), 200)  # what `lookup` prints
    codes = iter(u[2] for u in sample * 5)
    base = timed(lambda: raw.execute("SELECT * FROM items WHERE barcode = ?", (next(codes),)).fetchall(), 200)
    rows.append(("scan lookup (barcode)", median, worst, base[0]))
    codes = iter(u[2] for u in sample * 5)
    median, worst = timed(lambda: inventory.counts.candidates(next(codes)), 200)
    rows.append(("  the editor's search box (no item read)", median, worst, base[0]))
    median, worst = timed(lambda: inventory.counts.lookup(next(numbers)), 200)
    numbers = iter(u[1].lower() for u in sample * 5)
    base = timed(
        lambda: raw.execute(
            "SELECT * FROM items WHERE use_variant_inventory = 0 AND lower(item_number) = ?", (next(numbers),)
        ).fetchall(),
        200,
    )
    rows.append(("scan lookup (item number, other case)", median, worst, base[0]))

    count = inventory.counts.start()
    codes = iter(u[2] for u in sample * 5)
    median, worst = timed(lambda: inventory.counts.scan_one(count.id, next(codes)), 200)
    rows.append(("scan into a count (a write)", median, worst, float("nan")))
    inventory.counts.cancel(count.id)

    chosen = rng.sample(units, args.lines)
    count = inventory.counts.start()
    t = time.perf_counter()
    for start in range(0, len(chosen), 1000):
        inventory.counts.scan(count.id, [(u[2], rng.randint(1, 30)) for u in chosen[start : start + 1000]])
    filled = time.perf_counter() - t
    print(f"scanned {args.lines:,} lines (1,000 codes per call) in {filled:.1f} s")
    t = time.perf_counter()
    inventory.counts.post(count.id, dry_run=True)
    preview_s = time.perf_counter() - t
    t = time.perf_counter()
    posted = inventory.counts.post(count.id)
    post_s = time.perf_counter() - t
    # Baseline: the same rows changed and the same history written, by hand, in one sqlite3 transaction.
    deltas = [(rng.randint(-5, 5) or 1, u[0]) for u in chosen]
    t = time.perf_counter()
    with raw:
        event = raw.execute(
            "INSERT INTO events (cause, who, at) VALUES ('count', 'baseline', '2026-01-01')"
        ).lastrowid
        raw.executemany("UPDATE items SET on_hand = on_hand + ?, version = version + 1 WHERE id = ?", deltas)
        raw.executemany(
            "INSERT INTO movements (event_id, unit_id, quantity, delta, after) "
            "SELECT ?, id, 'on_hand', ?, on_hand FROM items WHERE id = ?",
            [(event, d, u) for d, u in deltas],
        )
    base_post = time.perf_counter() - t
    rows.append((f"post {args.lines:,} lines", post_s, post_s, base_post))
    rows.append(("  its preview (dry run, rolled back)", preview_s, preview_s, float("nan")))
    print(
        f"posted batch {posted.batch}: {posted.changed:,} units changed, {len(posted.status_changes):,} statuses"
    )
    print()
    print(f"{'operation':<40} {'median':>9} {'worst':>9} {'sqlite3':>9}  goal")
    for name, median, worst, base in rows:
        goal = GOALS.get(name.strip())
        verdict = "" if goal is None else f"<= {goal} s {'met' if worst <= goal else 'MISSED'}"
        print(f"{name:<40} {median:>8.4f}s {worst:>8.4f}s {base:>8.4f}s  {verdict}")
    print(f"\npeak memory (VmHWM): {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
