"""What the history's audit check (migrations 0004 and 0013) costs a large stock import on PostgreSQL.

Builds one catalog on the server (by default 1,000,000 stock units: 4/5 variants of products using variant
inventory, 1/5 plain products, each with a creation movement), loaded set-wise at schema revision 0002 and
upgraded to 0012; copies it into identical databases (CREATE DATABASE … TEMPLATE), brings each to the newest
revision, disables the audit's triggers in half of them, and imports the same stock file — every unit's count
changed, a fifth to 0 so the rules run — as the staff role into each, in the order without, with, with,
without. Then the set-based SQL alone (one event, every unit's count + 1, their movements) with its COMMIT
timed apart: that COMMIT is where the deferred check runs. Prints the figures; asserts nothing.

    python benchmarks/pg_audit_cost.py postgresql://inventory@127.0.0.1:54329/postgres --units 200000
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.csvio.importer import import_file  # noqa: E402
from desktop_app.db import Database  # noqa: E402
from desktop_app.roles import create_roles  # noqa: E402
from desktop_app.service import Inventory  # noqa: E402

BASE = "audit_bench_base"
OWNER, STAFF, PASSWORD = "audit_bench_owner", "audit_bench_staff", "bench-pw"


def _url(server: str, database: str, user: str | None = None) -> str:
    url = make_url(server).set(drivername="postgresql", database=database)
    if user:
        url = url.set(username=user, password=PASSWORD)
    return url.render_as_string(hide_password=False)


def _admin(server: str):
    return psycopg.connect(_url(server, make_url(server).database or "postgres"), autocommit=True)


def build(server: str, units: int) -> None:
    """The catalog at revision 0002, loaded set-wise on the server."""
    with _admin(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BASE}"')
    db = Database(_url(server, BASE), migrate=False)
    db.ensure_schema("0002")
    inventory = Inventory(db)
    inventory.add_store("Main Street")
    inventory.set_store("Main Street", track_inventory=True, remove_when="ordered")
    db.dispose()
    products = units // 5  # each with 4 variants: 4/5 of the units
    plain = units - 4 * products
    with psycopg.connect(_url(server, BASE)) as conn:
        conn.execute("INSERT INTO events (id, cause, who, at, note) VALUES (1, 'import', 'benchmark', now(), "
                     "'initial catalog')")
        # Products (ids 1..products), their variants, then plain products; counts from a fixed pseudo-random hash.
        conn.execute(
            """INSERT INTO items (id, parent_id, item_id, item_number, name, status_id, on_hand, on_order, committed,
                   min_qty, max_qty, multiple_qty, low_stock_qty, low_stock_warning, use_variant_inventory,
                   version, discontinued, non_inventory)
               SELECT g, NULL, 100000 + g, 'V' || lpad(g::text, 7, '0'), 'Product ' || g, 1, 0, 0, 0,
                      0, 0, 1, 3, true, true, 1, false, false
               FROM generate_series(1, %(p)s) g""",
            {"p": products},
        )
        conn.execute(
            """INSERT INTO items (id, parent_id, item_number, name, options, status_id, on_hand, on_order,
                   committed, min_qty, max_qty, multiple_qty, low_stock_qty, low_stock_warning,
                   use_variant_inventory, version, discontinued, non_inventory)
               SELECT %(p)s + g, (g - 1) / 4 + 1, 'V' || lpad(((g - 1) / 4 + 1)::text, 7, '0') || '-' || g %% 4,
                      'Product ' || ((g - 1) / 4 + 1), 'Size=' || g %% 4, 1, (g::bigint * 7919 %% 31)::int, 0, 0,
                      0, 0, 1, 3, true, false, 1, false, false
               FROM generate_series(1, 4 * %(p)s) g""",
            {"p": products},
        )
        conn.execute(
            """INSERT INTO items (id, item_id, item_number, name, status_id, on_hand, on_order, committed,
                   min_qty, max_qty, multiple_qty, low_stock_qty, low_stock_warning, use_variant_inventory,
                   version, discontinued, non_inventory)
               SELECT 5 * %(p)s + g, 900000 + g, 'P' || lpad(g::text, 7, '0'), 'Plain ' || g, 1,
                      (g::bigint * 104729 %% 41)::int, 0, 0, 0, 0, 1, 5, false, false, 1, false, false
               FROM generate_series(1, %(n)s) g""",
            {"p": products, "n": plain},
        )
        conn.execute("UPDATE items p SET on_hand = s.total FROM (SELECT parent_id, sum(on_hand) AS total FROM items "
                     "WHERE parent_id IS NOT NULL GROUP BY parent_id) s WHERE p.id = s.parent_id")
        conn.execute("UPDATE items SET status_id = 3 WHERE on_hand = 0 AND NOT use_variant_inventory")
        conn.execute("INSERT INTO movements (event_id, unit_id, quantity, delta, after) SELECT 1, id, 'on_hand', "
                     "on_hand, on_hand FROM items WHERE NOT use_variant_inventory AND on_hand <> 0 ORDER BY id")
        for table in ("items", "events", "movements", "status_changes", "statuses", "stores", "orders"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
    db = Database(_url(server, BASE), migrate=False)
    db.ensure_schema("0012")  # the indexes and the other tables; the audit's triggers are 0004's
    db.dispose()
    with psycopg.connect(_url(server, BASE), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def write_stock_file(server: str, out: Path, seed: int = 11) -> int:
    """Every unit's count changed: a fifth to 0 (the rules run), the rest up or back above 0."""
    rng = random.Random(seed)
    rows = 0
    with psycopg.connect(_url(server, BASE)) as conn, open(out, "w", encoding="utf-8") as f:
        f.write("ItemNumber,NumberInStock\n")
        cursor = conn.execute("SELECT item_number, on_hand FROM items WHERE NOT use_variant_inventory ORDER BY id")
        for number, on_hand in cursor:
            new = 0 if rng.random() < 0.2 else (on_hand + rng.randint(1, 20) if on_hand > 0 else rng.randint(1, 30))
            f.write(f"{number},{new if new != on_hand else new + 1}\n")
            rows += 1
    return rows


def copy(server: str, name: str, *, audited: bool) -> str:
    with _admin(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{BASE}"')
    db = Database(_url(server, name))  # the newest revision
    create_roles(db, owner=OWNER, staff=STAFF, owner_password=PASSWORD, staff_password=PASSWORD)
    db.dispose()
    with psycopg.connect(_url(server, name), autocommit=True) as conn:
        if not audited:  # the same schema without the audit: its triggers (those calling audit_*) disabled
            for table, trigger in conn.execute(
                "SELECT t.tgrelid::regclass::text, quote_ident(t.tgname) FROM pg_trigger t "
                "JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname LIKE 'audit%%' AND NOT t.tgisinternal"
            ).fetchall():
                conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        conn.execute("VACUUM ANALYZE")
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    return revision


def timed_import(server: str, name: str, stock: Path) -> tuple[float, object]:
    db = Database(_url(server, name, STAFF), migrate=False)
    try:
        started = time.perf_counter()
        summary = import_file(db, stock, store="Main Street")
        return time.perf_counter() - started, summary
    finally:
        db.dispose()


def timed_sql_change(server: str, name: str) -> tuple[float, float]:
    """The set-based core alone, as staff: one event, every unit's on hand + 1, their movements, COMMIT.

    Returns the whole time and the COMMIT's (where the deferred history check runs)."""
    with psycopg.connect(_url(server, name, STAFF)) as conn:
        started = time.perf_counter()
        event = conn.execute(
            "INSERT INTO events (cause, who, at) VALUES ('adjust', '', now()) RETURNING id"
        ).fetchone()[0]
        conn.execute("UPDATE items SET on_hand = on_hand + 1 WHERE NOT use_variant_inventory")
        conn.execute("UPDATE items p SET on_hand = p.on_hand + 4 WHERE use_variant_inventory")
        conn.execute(
            "INSERT INTO movements (event_id, unit_id, quantity, delta, after) "
            "SELECT %s, id, 'on_hand', 1, on_hand FROM items WHERE NOT use_variant_inventory ORDER BY id",
            (event,),
        )
        committing = time.perf_counter()
        conn.commit()
        return time.perf_counter() - started, time.perf_counter() - committing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server", nargs="?", default=os.environ.get("INVENTORY_EDITOR_TEST_PG"))
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2, help="1: without, with; 2: without, with, with, without")
    args = parser.parse_args()
    if not args.server:
        parser.error("give a PostgreSQL server URL (or set INVENTORY_EDITOR_TEST_PG)")
    started = time.perf_counter()
    build(args.server, args.units)
    print(f"catalog of {args.units:,} stock units built in {time.perf_counter() - started:.0f} s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        stock = Path(tmp) / "stock.csv"
        rows = write_stock_file(args.server, stock)
        times: dict[bool, list[float]] = {False: [], True: []}
        sql_times: dict[bool, list[float]] = {False: [], True: []}
        for run, audited in enumerate((False, True, True, False)[: 2 * args.rounds]):
            name = f"audit_bench_{run}"
            revision = copy(args.server, name, audited=audited)
            seconds, summary = timed_import(args.server, name, stock)
            times[audited].append(seconds)
            print(
                f"import {rows:,} rows as staff, revision {revision} "
                f"({'with' if audited else 'without'} the history check): {seconds:.1f} s "
                f"({summary.updated:,} updated, {len(summary.status_changes):,} status changes)",
                flush=True,
            )
            seconds, commit = timed_sql_change(args.server, name)
            sql_times[audited].append(seconds)
            print(
                f"  then the set-based SQL alone (event, {args.units:,} units + 1, their movements, commit): "
                f"{seconds:.1f} s, of which COMMIT {commit:.1f} s",
                flush=True,
            )
            with _admin(args.server) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    without, with_ = min(times[False]), min(times[True])
    print(f"best without: {without:.1f} s · best with: {with_:.1f} s · "
          f"the check costs {with_ - without:+.1f} s ({with_ / without:.2f} x)")
    without, with_ = min(sql_times[False]), min(sql_times[True])
    print(f"SQL alone: best without: {without:.1f} s · best with: {with_:.1f} s · "
          f"the check costs {with_ - without:+.1f} s ({with_ / without:.2f} x)")
    with _admin(args.server) as conn:
        conn.execute(f'DROP DATABASE "{BASE}" WITH (FORCE)')
        for role in (OWNER, STAFF):
            conn.execute(f"DROP ROLE IF EXISTS {role}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
