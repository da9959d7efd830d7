"""Orders for the benchmark: a realistic mix, placed + paid + shipped through the service, and the same work in
plain sqlite3 (the baseline), each in its own process.

    python benchmarks/orders_bench.py service DATABASE ORDERS.json     # prints {"rate": …, "cpu_rate": …, "peak_mb": …}
    python benchmarks/orders_bench.py baseline DATABASE ORDERS.json
    python benchmarks/orders_bench.py baseline-bg DATABASE ORDERS.json   # the baseline, checkpointed as the service is
    python benchmarks/orders_bench.py workstations DATABASE ORDERS.json N  # N workstations at once (processes)

``rate`` is orders per second of wall-clock time (the goal's figure); ``cpu_rate`` per second of the ordering
thread's own CPU time, which a busy machine distorts less: compare two versions, or the service with the baseline,
by it when the machine is shared.

The mix (``make_orders``): one to three lines per order; a third of the lines take a unit from 1–3 on hand to 0
(the store's Out of Stock rule fires), some order units whose status allows back orders beyond their stock
(their count goes below 0: the Back Order rule), the rest take from well-stocked units; orders go to three
stores that remove stock when ordered, paid or shipped, so every event moves stock somewhere.

The baseline does what the service does, row for row, with hand-written statements and no library between
it and sqlite3: per order the same three transactions (place, pay, ship) reading the store, statuses, order,
lines and units, and writing the order, its lines, the counts (on hand, committed, status, version; the
product's sums for a variant), the events, movements and status changes. Each row update assigns only the
columns that change, as the ledger does (assigning a column makes SQLite maintain each index on it, changed
or not: nine on items' counts and status). Both end with the same database (checked row for row at 0.1 scale).

Checkpoints: the service's WAL is checkpointed by a background thread (``desktop_app/sqlite_checkpoint.py``),
its writers only checkpoint themselves at a far threshold, so an order event does not wait for the copy and the
fsyncs. The baseline is a plain sqlite3 program: SQLite checkpoints inside the commit that passes 1,000 pages
(the default). ``baseline-bg`` gives the baseline the same background checkpoint (the same thread, the same far
threshold), to show what the service's own work costs beside it.

Workstations (``workstations``, a separate row; meant for a server): N processes, each with its own service
and connections like a workstation's, place, pay and ship distinct orders (every N-th of the file) at once; the
rate counts every order of all of them over the time from their common start to the last one's end. Units
are shared between them (as in a shop), so they also wait for each other's row locks; an order refused
because another took the stock first is counted apart (``refused``, with why: ``refused_why``), never as
placed; ``retries`` counts transactions run again after a lost race (a deadlock, a serialization failure).

Durability, the same for both (``db.py``'s connection pragmas): WAL with ``synchronous=NORMAL``. A commit
is then atomic and survives the program crashing; a power cut may lose the last commits since the WAL was
last synced (at a checkpoint), never corrupting the file. For a back office whose orders come from a
storefront that keeps its own record (and can be imported again), that is the right trade: ``FULL`` would
add an fsync to each of an order's three transactions.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.memory import peak_mb  # noqa: E402
from desktop_app.db import current_user  # noqa: E402
from desktop_app.sqlite_checkpoint import FAR_AUTOCHECKPOINT, Checkpointer  # noqa: E402

# Orders per second of the ordering thread's own CPU time (load on a shared machine inflates the wall-clock rate
# more than this one; the checkpointing thread's time is not in it).
CPU_RATE = [0.0]
STORES = ("Main Street", "Online Shop", "Wholesale")  # remove when ordered, paid, shipped


def make_orders(db_path: str, count: int, seed: int = 5) -> list[tuple[str, list[tuple[str, int]]]]:
    """``count`` orders that the service accepts, read from the catalog as it is now (a SQLite file)."""
    rng = random.Random(seed)
    con = sqlite3.connect(db_path)
    plain = "non_inventory = 0 AND use_variant_inventory = 0 AND min_qty = 0 AND max_qty = 0 AND multiple_qty = 1"
    low = [r for r in con.execute(
        f"SELECT item_number, on_hand FROM items WHERE {plain} AND status_id = 1 AND on_hand BETWEEN 1 AND 3 "
        "AND discontinued = 0 ORDER BY id LIMIT ?", (count,))]
    back = [r[0] for r in con.execute(
        f"SELECT item_number FROM items WHERE {plain} AND status_id IN (2, 5) ORDER BY id LIMIT ?", (count,))]
    rich = [r[0] for r in con.execute(
        f"SELECT item_number FROM items WHERE {plain} AND status_id = 1 AND on_hand > 40 ORDER BY id LIMIT ?",
        (count * 2,))]
    con.close()
    rng.shuffle(low)
    low_iter, rich_left = iter(low), {n: 40 for n in rich}
    out = []
    for n in range(count):
        lines: dict[str, int] = {}
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            kind = rng.random()
            if kind < 0.33:
                found = next(low_iter, None)
                if found:
                    lines[found[0]] = found[1]  # all of it: 0 on hand, the rule fires
                    continue
            if kind < 0.45 and back:
                lines[rng.choice(back)] = rng.randint(1, 3)  # below 0: allowed by the status, Back Order
                continue
            number = rng.choice(rich)
            if rich_left[number] >= 3 and number not in lines:
                rich_left[number] -= 3
                lines[number] = rng.randint(1, 3)
        if not lines:
            lines[rich[n % len(rich)]] = 1
        out.append((STORES[n % 3], list(lines.items())))
    return out


def run_service(db_path: str, orders) -> float:
    from desktop_app.service import Inventory

    inventory = Inventory(db_path)
    started, cpu = time.perf_counter(), time.thread_time()
    for store, lines in orders:
        order = inventory.place_order(store, lines)
        inventory.pay_order(order)
        inventory.ship_order(order)
    elapsed = time.perf_counter() - started
    CPU_RATE[0] = len(orders) / max(time.thread_time() - cpu, 1e-9)
    inventory.db.dispose()
    return len(orders) / elapsed


def _workstation(db_path: str, orders, start, results) -> None:
    """One workstation: its own service (engine, connections); waits for the others, then works through its
    orders."""
    from desktop_app.errors import InventoryError
    from desktop_app.service import Inventory

    inventory = Inventory(db_path)
    inventory.stores()  # connected and ready before the common start
    refused: dict[str, int] = {}  # why (the refusal's first detail, item numbers and figures taken out): how many
    start.wait()
    for store, lines in orders:
        try:
            order = inventory.place_order(store, lines)
        except InventoryError as exc:
            why = re.sub(r"[A-Z]\d+[-\w]*|\d+", "N", (exc.details or [str(exc)])[0])
            refused[why] = refused.get(why, 0) + 1
            continue
        inventory.pay_order(order)
        inventory.ship_order(order)
    results.put((time.perf_counter(), len(orders) - sum(refused.values()), refused, inventory.db.retries))
    inventory.db.dispose()


def run_workstations(db_path: str, orders, count: int) -> dict:
    """``count`` processes placing, paying and shipping distinct orders at once (every ``count``-th order)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(count + 1), context.Queue()
    workers = [
        context.Process(target=_workstation, args=(db_path, orders[n::count], start, results)) for n in range(count)
    ]
    for worker in workers:
        worker.start()
    start.wait(timeout=600)  # a worker that died before the start breaks the barrier instead of hanging
    started = time.perf_counter()
    done = [results.get(timeout=3000) for _ in workers]
    for worker in workers:
        worker.join()
    ended = max(d[0] for d in done)
    placed = sum(d[1] for d in done)
    why: dict[str, int] = {}
    for d in done:
        for reason, n in d[2].items():
            why[reason] = why.get(reason, 0) + n
    return {"rate": placed / (ended - started), "workstations": count, "orders": placed,
            "refused": sum(why.values()), "refused_why": why, "retries": sum(d[3] for d in done),
            "seconds": ended - started}


# -- the plain sqlite3 baseline -----------------------------------------------------------------------------
UNIT_SQL = (
    "SELECT id, parent_id, status_id, on_hand, on_order, committed, discontinued, non_inventory, "
    "use_variant_inventory, item_number FROM items WHERE "
)



# The baselines' own bookkeeping (this one and ``pg_orders_same_work.PgPlain``'s): plain Python over tuples as
# read, no project code. A unit is a list: id, parent, status, on hand, on order, committed, discontinued,
# non-inventory, uses variant inventory; a store: id, tracks, in stock, out of stock, back order, discontinued
# status ids and when stock is removed (``[7]``).
def decide(store, unit, statuses, new: int) -> tuple[int, str | None]:
    """The unit's status after its on hand becomes ``new``, and the rule (None: it stays): SPEC 2, as
    ``rules.decide_status`` has it."""
    status, old = unit[2], unit[3]
    if new != old and store[1] and not unit[7]:
        if new <= 0 and new < old:
            if unit[6]:
                return store[6], "discontinued"
            if statuses[status][2]:
                return store[5], "back_order"
            return store[4], "out_of_stock"
        if old <= 0 < new:
            return store[3], "in_stock"
    return status, None


def note(plain, unit, new: int, new_status: int, rule: str | None) -> None:
    """The history rows of a change, under ``plain.event``: a movement, a status change."""
    if new != unit[3]:
        plain.moves.append((plain.event, unit[0], "on_hand", new - unit[3], new))
    if new_status != unit[2]:
        plain.status_rows.append(
            (plain.event, unit[0], plain.statuses[unit[2]][0], plain.statuses[new_status][0], rule))


def keep(plain, unit, new: int, new_status: int, committed: int) -> None:
    """A change kept for the flush: the unit's deltas and status, its parent's sums; the unit as it now is."""
    uid, parent, status, old = unit[0], unit[1], unit[2], unit[3]
    pending = plain.pending.setdefault(uid, [0, 0, status, status])  # deltas, new and old status
    pending[0] += new - old
    pending[1] += committed
    pending[2] = new_status
    if parent is not None:
        sums = plain.parents.setdefault(parent, [0, 0])
        sums[0] += new - old
        sums[1] += committed
    unit[3], unit[5], unit[2] = new, unit[5] + committed, new_status

class Plain:
    """The three order transactions written directly against sqlite3."""

    def __init__(self, path: str, background_checkpoint: bool = False) -> None:
        self.con = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", "temp_store=MEMORY",
                       "cache_size=-32768"):
            self.con.execute(f"PRAGMA {pragma}")
        self.checkpointer = None
        if background_checkpoint:
            self.checkpointer = Checkpointer(path)
            self.con.execute(f"PRAGMA wal_autocheckpoint={FAR_AUTOCHECKPOINT}")
        self.who = current_user()  # as the service names who

    def _commit(self, cur) -> None:
        cur.execute("COMMIT")
        if self.checkpointer is not None:
            self.checkpointer.wrote()

    def _begin(self):
        cur = self.con.cursor()
        cur.execute("BEGIN IMMEDIATE")
        self.statuses = {r[0]: r[1:] for r in cur.execute("SELECT id, name, unavailable, back_order FROM statuses")}
        self.at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        self.event = None
        self.pending: dict[int, list] = {}
        self.parents: dict[int, list] = {}
        self.moves: list[tuple] = []
        self.status_rows: list[tuple] = []
        return cur

    def _change(self, cur, store, order_id, cause, unit, on_hand=None, committed=0) -> None:
        new = unit[3] if on_hand is None else on_hand
        new_status, rule = decide(store, unit, self.statuses, new)
        if new != unit[3] or new_status != unit[2]:
            if self.event is None:
                cur.execute("INSERT INTO events (cause, store_id, order_id, who, at) VALUES (?, ?, ?, ?, ?)",
                            (cause, store[0], order_id, self.who, self.at))
                self.event = cur.lastrowid
            note(self, unit, new, new_status, rule)
        keep(self, unit, new, new_status, committed)

    def _flush(self, cur) -> None:
        # Each row assigns only the columns that change, as the ledger does (SQLite maintains every index on an
        # assigned column, changed or not), and bumps the version of every row it touches.
        for uid, p in self.pending.items():
            sets = [*(["on_hand = on_hand + ?"] if p[0] else []), *(["committed = committed + ?"] if p[1] else []),
                    *(["status_id = ?"] if p[2] != p[3] else [])]
            args = [*([p[0]] if p[0] else []), *([p[1]] if p[1] else []), *([p[2]] if p[2] != p[3] else [])]
            cur.execute(f"UPDATE items SET {', '.join([*sets, 'version = version + 1'])} WHERE id = ?", (*args, uid))
        for pid, p in sorted(self.parents.items()):
            sets = [*(["on_hand = on_hand + ?"] if p[0] else []), *(["committed = committed + ?"] if p[1] else [])]
            args = [*([p[0]] if p[0] else []), *([p[1]] if p[1] else [])]
            cur.execute(f"UPDATE items SET {', '.join([*sets, 'version = version + 1'])} WHERE id = ?", (*args, pid))
        cur.executemany("INSERT INTO movements (event_id, unit_id, quantity, delta, after) VALUES (?, ?, ?, ?, ?)",
                        self.moves)
        cur.executemany("INSERT INTO status_changes (event_id, unit_id, from_status, to_status, rule) "
                        "VALUES (?, ?, ?, ?, ?)", self.status_rows)

    def _settle(self, cur, store, order_id, cause, units, lines, *, open_, remove) -> None:
        track = store[1]
        for line in lines:
            unit = units[line[1]]
            if remove and track and not unit[7] and line[3] < line[2]:
                amount = line[2] - line[3]
                line[3] = line[2]
                self._change(cur, store, order_id, cause, unit, on_hand=unit[3] - amount)
            target = line[2] - line[3] if (open_ and track) else 0
            if target != line[4]:
                self._change(cur, store, order_id, cause, unit, committed=target - line[4])
                line[4] = target

    def place(self, store_name: str, wanted) -> int:
        cur = self._begin()
        store = cur.execute(
            "SELECT id, track_inventory, remove_when, default_in_stock_id, default_out_of_stock_id, "
            "default_back_order_id, default_discontinued_id FROM stores WHERE lower(name) = ?",
            (store_name.lower(),)).fetchone()
        store = (store[0], store[1], store[3], store[3], store[4], store[5], store[6], store[2])
        numbers = [n for n, _ in wanted]
        units, by_number = {}, {}
        for r in cur.execute(UNIT_SQL + f"item_number IN ({','.join('?' * len(numbers))}) ORDER BY id", numbers):
            units[r[0]] = list(r[:9])
            by_number[r[9]] = r[0]
        for number, qty in wanted:  # the service's checks, on what was read
            unit = units[by_number[number]]
            status = self.statuses[unit[2]]
            assert not status[1] and not unit[8]
            if store[1] and not unit[7] and not status[2]:
                assert qty <= unit[3] + unit[4] - unit[5]
        cur.execute("INSERT INTO orders (store_id, state, paid, placed_at, who) VALUES (?, 'placed', 0, ?, ?)",
                    (store[0], self.at, self.who))
        order_id = cur.lastrowid
        lines = [[None, by_number[n], q, 0, 0] for n, q in wanted]  # id, unit, quantity, removed, committed
        self._settle(cur, store, order_id, "order placed", units, lines, open_=True,
                     remove=store[7] == "ordered")
        cur.executemany("INSERT INTO order_lines (order_id, unit_id, quantity, removed, restored, returned, "
                        "committed) VALUES (?, ?, ?, ?, 0, 0, ?)",
                        [(order_id, ln[1], ln[2], ln[3], ln[4]) for ln in lines])
        self._flush(cur)
        self._commit(cur)
        return order_id

    def _event(self, order_id: int):
        cur = self._begin()
        rows = cur.execute(
            "SELECT o.state, o.paid, s.id, s.track_inventory, s.default_in_stock_id, s.default_in_stock_id, "
            "s.default_out_of_stock_id, s.default_back_order_id, s.default_discontinued_id, s.remove_when, "
            "l.id, l.unit_id, l.quantity, l.removed, l.committed, "
            "i.id, i.parent_id, i.status_id, i.on_hand, i.on_order, i.committed, i.discontinued, i.non_inventory, "
            "i.use_variant_inventory FROM orders o JOIN stores s ON s.id = o.store_id "
            "JOIN order_lines l ON l.order_id = o.id JOIN items i ON i.id = l.unit_id WHERE o.id = ? "
            "ORDER BY i.id, l.id", (order_id,)).fetchall()
        store = rows[0][2:10]
        units = {r[15]: list(r[15:24]) for r in rows}
        lines = sorted([list(r[10:15]) for r in rows])
        before = {ln[0]: tuple(ln) for ln in lines}
        return cur, rows[0][0], store, units, lines, before

    def _finish(self, cur, lines, before, order_sql: str, params) -> None:
        cur.executemany("UPDATE order_lines SET removed = ?, restored = 0, returned = 0, committed = ? WHERE id = ?",
                        [(ln[3], ln[4], ln[0]) for ln in lines if tuple(ln) != before[ln[0]]])
        self._flush(cur)
        cur.execute(order_sql, params)
        self._commit(cur)

    def pay(self, order_id: int) -> None:
        cur, _state, store, units, lines, before = self._event(order_id)
        self._settle(cur, store, order_id, "order paid", units, lines, open_=True, remove=store[7] == "paid")
        self._finish(cur, lines, before, "UPDATE orders SET paid = 1, state = 'paid' WHERE id = ?", (order_id,))

    def ship(self, order_id: int) -> None:
        cur, _state, store, units, lines, before = self._event(order_id)
        self._settle(cur, store, order_id, "order shipped", units, lines, open_=False, remove=True)
        self._finish(cur, lines, before, "UPDATE orders SET state = 'shipped' WHERE id = ?", (order_id,))


def run_baseline(db_path: str, orders, background_checkpoint: bool = False) -> float:
    plain = Plain(db_path, background_checkpoint)
    started, cpu = time.perf_counter(), time.thread_time()
    for store, lines in orders:
        order = plain.place(store, lines)
        plain.pay(order)
        plain.ship(order)
    elapsed = time.perf_counter() - started
    CPU_RATE[0] = len(orders) / max(time.thread_time() - cpu, 1e-9)
    if plain.checkpointer is not None:
        plain.checkpointer.stop()
    plain.con.close()
    return len(orders) / elapsed


if __name__ == "__main__":
    mode, database, orders_file = sys.argv[1:4]
    work = [(store, [tuple(x) for x in lines]) for store, lines in json.loads(Path(orders_file).read_text())]
    if mode == "workstations":
        print(json.dumps(run_workstations(database, work, int(sys.argv[4]))))
        sys.exit(0)
    if mode == "service":
        rate = run_service(database, work)
    else:
        rate = run_baseline(database, work, background_checkpoint=mode == "baseline-bg")
    print(json.dumps({"rate": rate, "cpu_rate": CPU_RATE[0], "peak_mb": peak_mb()}))
