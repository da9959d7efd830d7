"""The floor under SQLite orders: what three durable write transactions per order cost on this machine.

    python benchmarks/sqlite_order_floor.py DATABASE ORDERS.json [COUNT]

On copies of DATABASE (a catalog such as ``benchmarks/million.py`` builds), one after another in this process,
each over the same COUNT orders (``orders_bench.make_orders``' file) and the connection settings of the service
(WAL, ``synchronous=NORMAL``, the same cache, the WAL checkpointed by the same background thread):

- ``floor, one row``: per order, three transactions (place, pay, ship) of ``BEGIN IMMEDIATE``, one ``UPDATE``
  of one unit's ``version`` (no index written), ``COMMIT``: the least an order of three durable user actions
  costs;
- ``floor, counts``: the same, each ``UPDATE`` changing the unit's on hand and committed, so every index of
  the counts is written, as an order's events do;

then the service and the plain-sqlite3 same-work baseline (``orders_bench.py``, each in its own process; the
baseline also with the service's background checkpoint, ``baseline-bg``) on their own copies. Prints each rate (orders per second; per CPU second of the ordering thread) as JSON lines.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from desktop_app.sqlite_checkpoint import FAR_AUTOCHECKPOINT, Checkpointer  # noqa: E402


def floor(path: Path, units: list[int], counts: bool) -> dict:
    con = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-32768", "foreign_keys=ON",
                   f"wal_autocheckpoint={FAR_AUTOCHECKPOINT}"):
        con.execute(f"PRAGMA {pragma}")
    checkpointer = Checkpointer(str(path))
    sql = (
        "UPDATE items SET on_hand = on_hand - 1, committed = committed + 1, version = version + 1 WHERE id = ?"
        if counts else "UPDATE items SET version = version + 1 WHERE id = ?"
    )
    started, cpu = time.perf_counter(), time.thread_time()
    for unit in units:
        for _event in range(3):
            con.execute("BEGIN IMMEDIATE")
            con.execute(sql, (unit,))
            con.execute("COMMIT")
            checkpointer.wrote()
    wall, cpu = time.perf_counter() - started, time.thread_time() - cpu
    checkpointer.stop()
    con.close()
    return {"rate": len(units) / wall, "cpu_rate": len(units) / cpu}


def main() -> int:
    database, orders_file = Path(sys.argv[1]), Path(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    orders = json.loads(orders_file.read_text(encoding="utf-8"))[:count]
    subset = orders_file.with_name(f"floor-orders-{count}.json")
    subset.write_text(json.dumps(orders), encoding="utf-8")
    copy = database.with_name("floor-copy.db")
    con = sqlite3.connect(database)
    first = [lines[0][0] for _store, lines in orders]
    ids = dict(con.execute(f"SELECT item_number, id FROM items WHERE item_number IN ({','.join('?' * len(first))})",
                           first).fetchall())
    con.close()
    units = [ids[number] for number in first]
    for name, counts in (("floor, one row", False), ("floor, counts", True)):
        shutil.copyfile(database, copy)
        print(json.dumps({"figure": name, **floor(copy, units, counts)}), flush=True)
    for mode in ("service", "baseline", "baseline-bg"):
        shutil.copyfile(database, copy)
        done = subprocess.run([sys.executable, str(HERE / "orders_bench.py"), mode, str(copy), str(subset)],
                              capture_output=True, text=True, check=True)
        print(json.dumps({"figure": mode, **json.loads(done.stdout.strip().splitlines()[-1])}), flush=True)
    for leftover in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        leftover.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
