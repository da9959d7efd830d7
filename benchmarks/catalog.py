"""Build a large, realistic catalog quickly (plain SQL inserts into a schema the application created).

250,000 products x 4 variants (Size x Color) + 50,000 plain products = 1,000,000 stock units (and 250,000
variant products), each with a creation movement in the history, a few custom statuses and four stores.
"""

from __future__ import annotations

import csv
import io
import os
import random
import sqlite3
import time
from pathlib import Path

from desktop_app.db import Database
from desktop_app.service import Inventory

WORDS = [
    "Ceramic",
    "Mug",
    "Tumbler",
    "Kettle",
    "Grinder",
    "Filter",
    "Beans",
    "Roast",
    "Blend",
    "Tea",
    "Tin",
    "Syrup",
    "Spoon",
    "Apron",
    "Tote",
    "Card",
    "Scale",
    "Press",
    "Dripper",
    "Pitcher",
    "Cup",
    "Saucer",
    "Jar",
    "Canister",
    "Brush",
    "Cloth",
    "Glass",
    "Bottle",
    "Flask",
    "Lid",
]
ADJECTIVES = [
    "Classic",
    "Deluxe",
    "Mini",
    "Large",
    "Travel",
    "Organic",
    "Smoky",
    "Bright",
    "Dark",
    "Light",
    "Vintage",
    "Modern",
    "Rustic",
    "Golden",
    "Silver",
    "Copper",
    "Matte",
    "Glossy",
    "Speckled",
    "Striped",
]
SIZES = ("S", "M", "L", "XL")


def build(
    path: Path, *, variant_products: int = 250_000, plain_products: int = 50_000, seed: int = 7
) -> dict:
    """Create the catalog in a new SQLite file; returns counts and timings."""
    started = time.perf_counter()
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    # Load at the first schema revision, then let the upgrade build the view indexes and the search index
    # in one pass each, as a bulk loader would.
    first = Database(str(path), migrate=False)
    first.ensure_schema("0001")
    inventory = Inventory(first)
    for name, flags in (
        ("Made to Order", {"back_order": True}),
        ("Preorder", {"back_order": True}),
        ("Clearance", {}),
    ):
        inventory.add_status(name, **flags)
    for name, remove_when in (("Main Street", "ordered"), ("Online Shop", "paid"), ("Wholesale", "shipped")):
        inventory.add_store(name)
        inventory.set_store(name, track_inventory=True, remove_when=remove_when)
    inventory.add_store("Pop-up Market")
    inventory.db.dispose()

    rng = random.Random(seed)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("BEGIN")
    now = "2026-11-01 09:00:00.000000"
    con.execute(
        "INSERT INTO events (id, cause, who, at, note) VALUES (1, 'import', 'benchmark', ?, "
        "'initial catalog')",
        (now,),
    )
    statuses = {
        "In Stock": 1,
        "Back Order": 2,
        "Out of Stock": 3,
        "Discontinued": 4,
        "Made to Order": 5,
        "Preorder": 6,
        "Clearance": 7,
    }
    item_rows, movement_rows = [], []
    next_id = 1

    def unit_values(on_hand: int):
        status = statuses["In Stock"] if on_hand > 0 else rng.choice((3, 3, 3, 2, 5))
        return status

    for p in range(variant_products):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(WORDS)} {p}"
        parent_id = next_id
        next_id += 1
        kids = []
        total = 0
        color = rng.choice(("Black", "Cream", "Olive", "Rust"))
        for size in SIZES:
            on_hand = max(0, int(rng.gauss(12, 10)))
            total += on_hand
            kids.append(
                (
                    next_id,
                    parent_id,
                    None,
                    f"V{p:06d}-{size}",
                    name,
                    f"Size={size};Color={color}",
                    unit_values(on_hand),
                    on_hand,
                    0,
                    0,
                    0,
                    0,
                    1,
                    None,
                    3,
                    1,
                    0,
                    1,
                )
            )
            movement_rows.append((next_id, on_hand))
            next_id += 1
        item_rows.append(
            (parent_id, None, 100000 + p, f"V{p:06d}", name, None, 1, total, 0, 0, 0, 0, 1, None, 3, 1, 1, 1)
        )
        item_rows.extend(kids)
        if len(item_rows) >= 50_000:
            _flush(con, item_rows, movement_rows)
    for p in range(plain_products):
        on_hand = max(0, int(rng.gauss(20, 15)))
        item_rows.append(
            (
                next_id,
                None,
                900000 + p,
                f"P{p:06d}",
                f"{rng.choice(ADJECTIVES)} {rng.choice(WORDS)} plain {p}",
                None,
                unit_values(on_hand),
                on_hand,
                rng.choice((0, 0, 0, 12)),
                0,
                rng.choice((0, 0, 1)),
                rng.choice((0, 0, 0, 24)),
                rng.choice((1, 1, 1, 2)),
                rng.choice((None, None, "2027-01-15")),
                5,
                rng.choice((0, 1)),
                0,
                1,
            )
        )
        movement_rows.append((next_id, on_hand))
        next_id += 1
        if len(item_rows) >= 50_000:
            _flush(con, item_rows, movement_rows)
    _flush(con, item_rows, movement_rows)
    con.execute("COMMIT")
    con.close()
    upgraded = Database(str(path))  # migration 0002: indexes, search index, ANALYZE
    upgraded.dispose()
    return {
        "items": next_id - 1,
        "units": variant_products * 4 + plain_products,
        "seconds": time.perf_counter() - started,
    }


def _flush(con, item_rows, movement_rows) -> None:
    con.executemany(
        "INSERT INTO items (id, parent_id, item_id, item_number, name, options, status_id, on_hand, on_order, "
        "committed, min_qty, max_qty, multiple_qty, eta_date, low_stock_qty, low_stock_warning, "
        "use_variant_inventory, version, discontinued, non_inventory) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
        item_rows,
    )
    con.executemany(
        "INSERT INTO movements (event_id, unit_id, quantity, delta, after) VALUES (1, ?, 'on_hand', ?, ?)",
        [(u, d, d) for u, d in movement_rows if d],
    )
    item_rows.clear()
    movement_rows.clear()


if __name__ == "__main__":
    import sys

    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/million.db")))


def build_at(url: str, pristine: Path, **sizes) -> dict:
    """The catalog at ``url``: a SQLite file path, or a PostgreSQL URL (a database that will be replaced).

    PostgreSQL gets the same rows as the SQLite catalog ``pristine`` (built first if missing): loaded with COPY
    at the first schema revision, then upgraded like any database (indexes, triggers, migration 0010)."""
    if not pristine.exists():
        build(pristine, **sizes)
    if not url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        import shutil

        shutil.copyfile(pristine, url)
        return {"seconds": 0.0}
    import psycopg
    from sqlalchemy.engine import make_url

    started = time.perf_counter()
    phases: dict[str, float] = {}
    target = make_url(url).set(drivername="postgresql")
    admin = target.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target.database}"')
    first = Database(url, migrate=False)
    first.ensure_schema("0001")
    first.dispose()
    source = sqlite3.connect(pristine)
    mark = time.perf_counter()
    with psycopg.connect(target.render_as_string(hide_password=False)) as conn:
        conn.execute("DELETE FROM stores")
        conn.execute("DELETE FROM statuses")
        try:  # rows from a consistent catalog: no foreign-key check per row (a superuser may skip them)
            with conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")
        except psycopg.Error:
            pass
        for table in ("statuses", "stores", "events", "items", "movements"):
            # The columns of the first revision only: the later ones (barcode, supplier, ...) are added, with
            # their defaults, by the upgrade below, as they were in the SQLite catalog.
            present = {r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,))}
            columns = [r[1] for r in source.execute(f"PRAGMA table_info({table})") if r[1] in present]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = source.execute(f"SELECT {names} FROM {table} ORDER BY id")
            if table in ("items", "movements"):
                # A million rows: as CSV made by the csv module (C speed; row by row ``write_row`` took a minute
                # for 400,000 items). CSV reads an empty field as NULL: these generated rows hold no empty text.
                with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
                    buffer = io.StringIO()
                    writer = csv.writer(buffer, lineterminator="\n")
                    while chunk := rows.fetchmany(20_000):
                        writer.writerows(chunk)
                        copy.write(buffer.getvalue())
                        buffer.seek(0)
                        buffer.truncate()
            else:
                with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
    source.close()
    phases["COPY"] = time.perf_counter() - mark
    mark = time.perf_counter()
    # 0002 and later: indexes, the history check, 0010. Index builds get the memory a bulk loader gives them
    # (this session only: libpq reads PGOPTIONS; the server's settings stay as they are).
    saved = os.environ.get("PGOPTIONS")
    os.environ["PGOPTIONS"] = f"{saved or ''} -c maintenance_work_mem=256MB".strip()
    try:
        upgraded = Database(url)
        upgraded.dispose()
    finally:
        if saved is None:
            os.environ.pop("PGOPTIONS", None)
        else:
            os.environ["PGOPTIONS"] = saved
    phases["upgrade (indexes, triggers)"] = time.perf_counter() - mark
    mark = time.perf_counter()
    with psycopg.connect(target.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    phases["VACUUM ANALYZE"] = time.perf_counter() - mark
    return {"seconds": time.perf_counter() - started, "phases": phases}
