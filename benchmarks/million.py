"""One million stock units: build the catalog, then measure the editor, the grid, import, export and orders.

    ./dev bench                   # or: .venv/bin/python benchmarks/million.py [--units-scale 1.0] [--reuse]

Prints a table (with this machine's core count) and writes it to benchmarks/out/. The editor's figures come
from a separate process (benchmarks/editor_probe.py) running the real main window and grid offscreen, so its
start-up time and peak memory are those of an editor process with this catalog open.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.catalog import build  # noqa: E402
from desktop_app.csvio.exporter import export_file  # noqa: E402
from desktop_app.csvio.importer import import_file  # noqa: E402
from desktop_app.service import Inventory  # noqa: E402

GOALS = {
    "first paint": 0.3,
    "jump to last row": 0.3,
    "filter by text": 0.3,
    "filter by status": 0.3,
    "sort by on hand": 0.3,
    "sort by name": 0.3,
}


def write_stock_file(db: Path, out: Path, seed: int = 11) -> int:
    """Every unit's count changed: a fifth to 0 (the rules run), the rest up or back above 0."""
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    rows = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["ItemNumber", "NumberInStock"])
        for number, on_hand in con.execute(
            "SELECT item_number, on_hand FROM items WHERE use_variant_inventory = 0 ORDER BY id"
        ):
            new = (
                0
                if rng.random() < 0.2
                else (on_hand + rng.randint(1, 20) if on_hand > 0 else rng.randint(1, 30))
            )
            writer.writerow([number, new if new != on_hand else new + 1])
            rows += 1
    con.close()
    return rows


def baseline(db: Path, stock: Path) -> float:
    """The same file read with csv and written with plain sqlite3 executemany in one transaction."""
    started = time.perf_counter()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN")
    with open(stock, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        con.executemany(
            "UPDATE items SET on_hand = ? WHERE item_number = ?", ((int(n), k) for k, n in reader)
        )
    con.execute("COMMIT")
    con.close()
    return time.perf_counter() - started


def orders(db: Path, count: int) -> float:
    inventory = Inventory(str(db))
    con = sqlite3.connect(db)
    units = [
        r[0]
        for r in con.execute(
            "SELECT item_number FROM items WHERE use_variant_inventory = 0 AND status_id = 1 AND on_hand > 3 "
            "AND min_qty = 0 AND multiple_qty = 1 ORDER BY id LIMIT ?",
            (count,),
        )
    ]
    con.close()
    started = time.perf_counter()
    for n in range(count):
        order = inventory.place_order("Online Shop", [(units[n % len(units)], 1)])
        inventory.pay_order(order)
        inventory.ship_order(order)
    elapsed = time.perf_counter() - started
    inventory.db.dispose()
    return count / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(HERE / "out"))
    parser.add_argument("--units-scale", type=float, default=1.0, help="1.0 = 1,050,000 stock units")
    parser.add_argument("--reuse", action="store_true", help="reuse the catalog built by an earlier run")
    parser.add_argument("--orders", type=int, default=10_000)
    args = parser.parse_args()
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    db, pristine = out / "million.db", out / "million-pristine.db"
    figures: dict[str, tuple[str, str, str]] = {}

    if not (args.reuse and pristine.exists()):
        info = build(
            pristine,
            variant_products=int(250_000 * args.units_scale),
            plain_products=int(50_000 * args.units_scale),
        )
        figures["build catalog"] = (
            f"{info['seconds']:.1f} s",
            f"{info['units']:,} units, {info['items']:,} items",
            "",
        )
    shutil.copyfile(pristine, db)
    units = (
        sqlite3.connect(db)
        .execute("SELECT COUNT(*) FROM items WHERE use_variant_inventory = 0")
        .fetchone()[0]
    )

    # 1-4: the editor process.
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    started = time.time()
    probe = subprocess.run(
        [sys.executable, str(HERE / "editor_probe.py"), str(db), str(started)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    if probe.returncode != 0:
        print(probe.stdout, probe.stderr, file=sys.stderr)
        return 1
    editor = json.loads(probe.stdout.strip().splitlines()[-1])
    for name, seconds in editor["times"].items():
        goal = next((g for key, g in GOALS.items() if name.endswith(key)), None)
        if name == "start-up to main window painted":
            goal = None
        if name.startswith("grid: paste"):
            goal = 1.0
        figures[name] = (f"{seconds:.3f} s", f"≤ {goal} s" if goal else "", _verdict(seconds, goal))
    for name, mb in editor["memory"].items():
        figures[name] = (f"{mb:.0f} MB", "≤ 300 MB", _verdict(mb, 300))

    # 5: import with the rules, and the plain baseline on an identical copy, in the same run.
    stock = out / "stock-update.csv"
    rows = write_stock_file(db, stock)
    shutil.copyfile(pristine, out / "baseline.db")
    inventory = Inventory(str(db))
    started = time.perf_counter()
    summary = import_file(inventory.db, stock, store="Main Street")
    ours = time.perf_counter() - started
    plain = baseline(out / "baseline.db", stock)
    figures[f"import {rows:,} rows, store selected"] = (
        f"{ours:.1f} s",
        "",
        f"{summary.updated:,} updated, {len(summary.status_changes):,} status changes",
    )
    figures["baseline: csv + sqlite3 executemany"] = (f"{plain:.1f} s", "", "")
    figures["import / baseline"] = (f"{ours / plain:.2f} x", "≤ 1.5 x", _verdict(ours / plain, 1.5))

    # 6: export.
    started = time.perf_counter()
    exported = export_file(inventory.db, out / "export.csv")
    seconds = time.perf_counter() - started
    figures[f"export {exported:,} rows"] = (f"{seconds:.1f} s", "≤ 5 s", _verdict(seconds, 5))
    inventory.db.dispose()

    # 7: orders through the service.
    rate = orders(db, args.orders)
    figures[f"orders placed + paid + shipped ({args.orders:,})"] = (
        f"{rate:,.0f} /s",
        "≥ 1,000 /s",
        "met" if rate >= 1000 else "missed",
    )

    header = (
        f"{units:,} stock units · {os.cpu_count()} cores · {platform.processor() or platform.machine()} · "
        f"Python {platform.python_version()} · SQLite {sqlite3.sqlite_version}"
    )
    lines = [header, "", "| figure | result | goal | |", "|---|---|---|---|"]
    lines += [f"| {name} | {value} | {goal} | {note} |" for name, (value, goal, note) in figures.items()]
    table = "\n".join(lines)
    print(table)
    (out / "results.md").write_text(table + "\n", encoding="utf-8")
    (out / "results.json").write_text(
        json.dumps({"header": header, "figures": figures}, indent=2), encoding="utf-8"
    )
    return 0


def _verdict(value: float, goal: float | None) -> str:
    if goal is None:
        return ""
    return "met" if value <= goal else f"missed by {value / goal:.1f}x"


if __name__ == "__main__":
    sys.exit(main())
