"""PostgreSQL orders: the ceiling beside the service, measured on the same server in the same run.

    python benchmarks/pg_orders_same_work.py baseline URL ORDERS.json [--notify]  # the same work, plain psycopg
    python benchmarks/pg_orders_same_work.py floor URL COUNT      # 3 one-row durable transactions per order
    python benchmarks/pg_orders_same_work.py clone URL NAME       # a copy of URL's database (for the baseline)
    python benchmarks/pg_orders_same_work.py drop URL NAME        # drop that copy

Each prints one JSON line: ``{"rate": …, "cpu_rate": …}`` (orders per second of wall-clock time, and of the
ordering thread's own CPU time).

- **Floor**: per order three transactions of ``BEGIN; UPDATE`` one row of a plain table (an integer key and an
  integer, no index but its key, no trigger) ``; COMMIT``, prepared, on one connection: what one client gets
  from this server for three durable commits (round trips, the WAL flush), with no work of ours at all. The
  table is made for the run and dropped after it.
- **Same-work baseline**: per order the same three transactions the service runs (place, pay, ship), as plain
  psycopg statements and no project code, like the SQLite baseline (``orders_bench.Plain``, which it mirrors): the
  same rows read and locked (at place, in one query as the service: the store, the statuses, the units by item
  number ``FOR UPDATE``; at pay and ship
  the order, its lines and units ``FOR UPDATE OF`` the order and the units), the same rows written (the order and
  its lines, the units' counts and status, the parents' sums, the event, movements and status changes), each
  transaction's writes sent together (psycopg's pipeline, as the service does). ``--notify`` adds a ``NOTIFY``
  before each ``COMMIT``, as the service did until it stopped (``desktop_app/pg_session.py``): what that cost.
  Its database after the same orders is the service's, row for row (checked at 0.1 scale: items, item_counts,
  orders, lines, events, movements, status changes).
  The schema's triggers (the history's audit, the ``item_counts`` mirror) run for it as for the service: they are
  the same database's.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.orders_bench import CPU_RATE, decide, keep, note  # noqa: E402

CHANNEL = "inventory_changes"  # the service's LISTEN/NOTIFY channel (desktop_app/pg_session.py), written out
STATUSES = (
    "(SELECT json_agg(json_build_array(t.id, t.name, t.unavailable, t.back_order) ORDER BY t.id) FROM statuses t)"
)
UNIT = ("i.id, i.parent_id, i.status_id, i.on_hand, i.on_order, i.committed, i.discontinued, i.non_inventory, "
        "i.use_variant_inventory, i.item_number")


def _url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class PgPlain:
    """The three order transactions written directly against psycopg."""

    def __init__(self, url: str, notify: bool = False) -> None:
        self.con = psycopg.connect(_url(url))
        self.notify = notify
        self.who = self.con.execute("SELECT current_user").fetchone()[0]
        self.con.commit()

    def _begin(self, statuses) -> None:
        self.statuses = {r[0]: r[1:] for r in statuses}
        self.at = dt.datetime.now(dt.UTC)
        self.event = None
        self.pending: dict[int, list] = {}
        self.parents: dict[int, list] = {}
        self.moves: list[tuple] = []
        self.status_rows: list[tuple] = []

    def _change(self, store, order_id, cause, unit, on_hand=None, committed=0) -> None:
        new = unit[3] if on_hand is None else on_hand
        new_status, rule = decide(store, unit, self.statuses, new)
        if new != unit[3] or new_status != unit[2]:
            if self.event is None:
                self.event = self.con.execute(
                    "INSERT INTO events (cause, store_id, order_id, reverts_id, who, at, note) "
                    "VALUES (%s, %s, %s, NULL, %s, %s, NULL) RETURNING id",
                    (cause, store[0], order_id, self.who, self.at)).fetchone()[0]
            note(self, unit, new, new_status, rule)
        keep(self, unit, new, new_status, committed)

    def _flush(self, cur) -> None:
        for uid, p in self.pending.items():
            sets = [*(["on_hand = on_hand + %s"] if p[0] else []), *(["committed = committed + %s"] if p[1] else []),
                    *(["status_id = %s"] if p[2] != p[3] else [])]
            args = [*([p[0]] if p[0] else []), *([p[1]] if p[1] else []), *([p[2]] if p[2] != p[3] else [])]
            cur.execute(f"UPDATE items SET {', '.join([*sets, 'version = version + 1'])} WHERE id = %s", (*args, uid))
        for pid, p in sorted(self.parents.items()):
            sets = [*(["on_hand = on_hand + %s"] if p[0] else []), *(["committed = committed + %s"] if p[1] else [])]
            args = [*([p[0]] if p[0] else []), *([p[1]] if p[1] else [])]
            if sets:
                cur.execute(f"UPDATE items SET {', '.join([*sets, 'version = version + 1'])} WHERE id = %s",
                            (*args, pid))
        if self.moves:
            cur.executemany('INSERT INTO movements (event_id, unit_id, quantity, delta, "after") '
                            "VALUES (%s, %s, %s, %s, %s)", self.moves)
        if self.status_rows:
            cur.executemany("INSERT INTO status_changes (event_id, unit_id, from_status, to_status, rule) "
                            "VALUES (%s, %s, %s, %s, %s)", self.status_rows)

    def _commit(self) -> None:
        if self.notify:
            self.con.execute(f"NOTIFY {CHANNEL}")
        self.con.commit()

    def _settle(self, store, order_id, cause, units, lines, *, open_, remove) -> None:
        track = store[1]
        for line in lines:
            unit = units[line[1]]
            if remove and track and not unit[7] and line[3] < line[2]:
                amount = line[2] - line[3]
                line[3] = line[2]
                self._change(store, order_id, cause, unit, on_hand=unit[3] - amount)
            target = line[2] - line[3] if (open_ and track) else 0
            if target != line[4]:
                self._change(store, order_id, cause, unit, committed=target - line[4])
                line[4] = target

    def place(self, store_name: str, wanted) -> int:
        con = self.con
        numbers = [n for n, _ in wanted]
        # One round trip, as the service's ``order_sql.place_reads``: the store, the statuses, the units locked.
        rows = con.execute(
            f"WITH u AS (SELECT {UNIT} FROM items i WHERE i.item_number = ANY (%s) ORDER BY i.id FOR UPDATE) "
            "SELECT s.id, s.track_inventory, s.remove_when, s.default_in_stock_id, s.default_out_of_stock_id, "
            f"s.default_back_order_id, s.default_discontinued_id, {STATUSES}, u.* FROM stores s LEFT JOIN u ON true "
            "WHERE lower(s.name) = %s ORDER BY u.id",
            (numbers, store_name.lower())).fetchall()
        found = rows[0]
        self._begin(found[7])
        store = (found[0], found[1], found[3], found[3], found[4], found[5], found[6], found[2])
        units, by_number = {}, {}
        for r in (row[8:] for row in rows if row[8] is not None):
            units[r[0]] = list(r[:9])
            by_number[r[9]] = r[0]
        for number, qty in wanted:  # the service's checks, on what was read
            unit = units[by_number[number]]
            status = self.statuses[unit[2]]
            assert not status[1] and not unit[8]
            if store[1] and not unit[7] and not status[2]:
                assert qty <= unit[3] + unit[4] - unit[5]
        order_id = con.execute(
            "INSERT INTO orders (store_id, state, paid, placed_at, who) VALUES (%s, 'placed', false, %s, %s) "
            "RETURNING id", (store[0], self.at, self.who)).fetchone()[0]
        lines = [[None, by_number[n], q, 0, 0] for n, q in wanted]  # id, unit, quantity, removed, committed
        self._settle(store, order_id, "order placed", units, lines, open_=True, remove=store[7] == "ordered")
        with con.pipeline():
            cur = con.cursor()
            cur.executemany("INSERT INTO order_lines (order_id, unit_id, quantity, removed, restored, returned, "
                            "committed) VALUES (%s, %s, %s, %s, 0, 0, %s)",
                            [(order_id, ln[1], ln[2], ln[3], ln[4]) for ln in lines])
            self._flush(cur)
        self._commit()
        return order_id

    def _event(self, order_id: int):
        rows = self.con.execute(
            "SELECT o.state, o.paid, s.id, s.track_inventory, s.default_in_stock_id, s.default_in_stock_id, "
            "s.default_out_of_stock_id, s.default_back_order_id, s.default_discontinued_id, s.remove_when, "
            "l.id, l.unit_id, l.quantity, l.removed, l.committed, "
            "i.id, i.parent_id, i.status_id, i.on_hand, i.on_order, i.committed, i.discontinued, i.non_inventory, "
            f"i.use_variant_inventory, {STATUSES} FROM orders o JOIN stores s ON s.id = o.store_id "
            "JOIN order_lines l ON l.order_id = o.id JOIN items i ON i.id = l.unit_id WHERE o.id = %s "
            "ORDER BY i.id, l.id FOR UPDATE OF o, i", (order_id,)).fetchall()
        self._begin(rows[0][24])
        store = rows[0][2:10]
        units = {r[15]: list(r[15:24]) for r in rows}
        lines = sorted([list(r[10:15]) for r in rows])
        before = {ln[0]: tuple(ln) for ln in lines}
        return store, units, lines, before

    def _finish(self, order_id, lines, before, order_sql: str) -> None:
        with self.con.pipeline():
            cur = self.con.cursor()
            changed = [(ln[3], ln[4], ln[0]) for ln in lines if tuple(ln) != before[ln[0]]]
            if changed:
                cur.executemany("UPDATE order_lines SET removed = %s, restored = 0, returned = 0, committed = %s "
                                "WHERE id = %s", changed)
            self._flush(cur)
            cur.execute(order_sql, (order_id,))
        self._commit()

    def pay(self, order_id: int) -> None:
        store, units, lines, before = self._event(order_id)
        self._settle(store, order_id, "order paid", units, lines, open_=True, remove=store[7] == "paid")
        self._finish(order_id, lines, before, "UPDATE orders SET paid = true, state = 'paid' WHERE id = %s")

    def ship(self, order_id: int) -> None:
        store, units, lines, before = self._event(order_id)
        self._settle(store, order_id, "order shipped", units, lines, open_=False, remove=True)
        self._finish(order_id, lines, before, "UPDATE orders SET state = 'shipped' WHERE id = %s")


def run_baseline(url: str, orders, notify: bool = False) -> float:
    plain = PgPlain(url, notify)
    started, cpu = time.perf_counter(), time.thread_time()
    for store, lines in orders:
        order = plain.place(store, lines)
        plain.pay(order)
        plain.ship(order)
    elapsed = time.perf_counter() - started
    CPU_RATE[0] = len(orders) / max(time.thread_time() - cpu, 1e-9)
    plain.con.close()
    return len(orders) / elapsed


FLOOR_TABLE = "bench_orders_floor"


def run_floor(url: str, count: int) -> float:
    """``count`` orders' worth of three one-row durable transactions (prepared), on a table of 1,000 rows."""
    with psycopg.connect(_url(url), autocommit=True) as con:
        con.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        con.execute(f"CREATE TABLE {FLOOR_TABLE} (id integer PRIMARY KEY, n integer NOT NULL)")
        con.execute(f"INSERT INTO {FLOOR_TABLE} SELECT g, 0 FROM generate_series(1, 1000) g")
        update = f"UPDATE {FLOOR_TABLE} SET n = n + 1 WHERE id = %s"
        con.execute("BEGIN")
        con.execute(update, (1,), prepare=True)
        con.execute("COMMIT")
        started, cpu = time.perf_counter(), time.thread_time()
        for n in range(count):
            for step in range(3):
                con.execute("BEGIN")
                con.execute(update, ((n * 3 + step) % 1000 + 1,), prepare=True)
                con.execute("COMMIT")
        elapsed = time.perf_counter() - started
        CPU_RATE[0] = count / max(time.thread_time() - cpu, 1e-9)
        con.execute(f"DROP TABLE {FLOOR_TABLE}")
    return count / elapsed


def clone(url: str, name: str, *, copy: bool = True) -> float:
    """A copy of ``url``'s database named ``name`` (replaced): the baseline works on it, the service on the
    original, so each starts from the same rows. Returns the seconds it took. ``copy=False``: only drop it."""
    from sqlalchemy.engine import make_url

    source = make_url(url)
    started = time.perf_counter()
    with psycopg.connect(_url(source.set(database="postgres").render_as_string(hide_password=False)),
                         autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for attempt in range(20 if copy else 0):  # the last step's sessions may take a moment to end
            try:
                con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source.database}" STRATEGY FILE_COPY')
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 19:
                    raise
                time.sleep(0.5)
    return time.perf_counter() - started


if __name__ == "__main__":
    mode, url = sys.argv[1:3]
    if mode in ("clone", "drop"):
        print(json.dumps({"seconds": clone(url, sys.argv[3], copy=mode == "clone")}))
        sys.exit(0)
    if mode == "floor":
        rate = run_floor(url, int(sys.argv[3]))
    else:
        work = [(store, [tuple(x) for x in lines]) for store, lines in json.loads(Path(sys.argv[3]).read_text())]
        rate = run_baseline(url, work, notify="--notify" in sys.argv[4:])
    print(json.dumps({"rate": rate, "cpu_rate": CPU_RATE[0]}))
