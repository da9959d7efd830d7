"""Pages written per order, per b-tree (SQLite): what an order costs in the WAL, index by index.

    python benchmarks/order_pages.py DATABASE ORDERS.json [COUNT]

Places, pays and ships COUNT orders (``benchmarks/orders_bench.py``'s ``make_orders`` file) through the service
on DATABASE (a copy: it is changed) with no checkpoint (the WAL keeps every frame), then reads the WAL: each
frame is one page written by one transaction, named by ``dbstat`` (table or index). Prints the pages per order
in all, per event (place / pay / ship), and per b-tree. A page changed by a transaction is written once by its
commit, so this is what the commits write; it does not depend on the machine's load.
"""

from __future__ import annotations

import collections
import json
import sqlite3
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import desktop_app.db as db_module  # noqa: E402
from desktop_app import sqlite_checkpoint  # noqa: E402


def wal_transactions(wal: Path) -> list[list[int]]:
    """The page numbers of each committed transaction in the WAL file, in order."""
    raw = wal.read_bytes()
    _magic, _version, page_size, _seq, salt1, salt2, _c1, _c2 = struct.unpack(">8I", raw[:32])
    transactions: list[list[int]] = []
    pages: list[int] = []
    offset = 32
    while offset + 24 + page_size <= len(raw):
        page, commit, frame_salt1, frame_salt2 = struct.unpack(">4I", raw[offset : offset + 16])
        if (frame_salt1, frame_salt2) != (salt1, salt2):
            break
        pages.append(page)
        if commit:
            transactions.append(pages)
            pages = []
        offset += 24 + page_size
    return transactions


def main() -> int:
    path, orders_file = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    db_module.FAR_AUTOCHECKPOINT = 0  # no checkpoint by the writers...
    sqlite_checkpoint.Checkpointer.wrote = lambda self: None  # ...nor in the background
    from desktop_app.service import Inventory

    Inventory(path).db.dispose()  # upgraded first (an upgrade's pages are not an order's)
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    orders = json.loads(Path(orders_file).read_text(encoding="utf-8"))[:count]
    inventory = Inventory(path)
    for store, lines in orders:
        order = inventory.place_order(store, lines)
        inventory.pay_order(order)
        inventory.ship_order(order)
    transactions = wal_transactions(Path(f"{path}-wal"))
    con = sqlite3.connect(path)
    names = dict(con.execute("SELECT pageno, name FROM dbstat"))
    con.close()
    inventory.db.dispose()
    n = len(orders)
    per_tree: collections.Counter = collections.Counter()
    per_event = [collections.Counter() for _ in range(3)]  # place, pay, ship: three transactions per order
    for number, pages in enumerate(transactions):
        for page in pages:
            per_tree[names.get(page, "?")] += 1
            per_event[number % 3][names.get(page, "?")] += 1
    total = sum(per_tree.values())
    print(f"{n} orders, {len(transactions)} transactions, {total} pages: {total / n:.1f} per order "
          f"(place {sum(per_event[0].values()) / n:.1f}, pay {sum(per_event[1].values()) / n:.1f}, "
          f"ship {sum(per_event[2].values()) / n:.1f})")
    print(f"{'per order':>9}  {'b-tree':32} {'place':>6} {'pay':>6} {'ship':>6}")
    for name, pages in per_tree.most_common():
        print(f"{pages / n:9.2f}  {name:32} " + " ".join(f"{e[name] / n:6.2f}" for e in per_event))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
