"""One million stock units: build the catalog, then measure the editor, the grid, import, export and orders.

    ./dev bench                   # or: .venv/bin/python benchmarks/million.py [--units-scale 1.0] [--reuse]
    ./dev bench --db postgresql://inventory@127.0.0.1:54329/postgres      # the same, also on PostgreSQL

Prints the goals of issue 13 (each with "met", "missed by Nx" or "not measured") and every figure, SQLite beside
PostgreSQL, and writes them to benchmarks/out/. Every measured piece runs in its own process, so each peak
memory (``VmHWM``) is that process's own: the editor (benchmarks/editor_probe.py: the real main window and
grid offscreen, then a stock import in the same process), the export, the orders through the service and the
plain-sqlite3 baseline doing the same orders' work (benchmarks/orders_bench.py). Baselines run on identical
copies, in the same run. With ``--db``, the catalog is copied into the database ``bench_million`` of that
server (replaced) and each step runs there too, after SQLite's.
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

from benchmarks import pg_import_same_work as pg_same  # noqa: E402
from benchmarks.catalog import build, build_at  # noqa: E402
from benchmarks.import_same_work import same_work_import  # noqa: E402
from benchmarks.orders_bench import make_orders  # noqa: E402

PAINT_GOAL, GRID_BATCH_GOAL, MEMORY_GOAL = 0.3, 1.0, 300
SAME_WORK_IMPORT = "import: same-work plain sqlite3 baseline"  # seconds, set by the import engineer's hook
CLI_IMPORT = "import: command line (a process)"
WIZARD_IMPORT = "wizard: preview + import"
NOT_MEASURED = "not measured"
# PostgreSQL orders' ceiling, measured beside them (benchmarks/pg_orders_same_work.py): the same work in plain
# psycopg on a copy of the database, and three one-row durable transactions per order on the same server.
PG_SAME_WORK_ORDERS = "orders: plain psycopg same-work baseline"
PG_ORDERS_FLOOR = "orders: floor, 3 one-row durable transactions per order"
PG_ORDERS_BASELINE_DB = "bench_orders_baseline"


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


def import_baseline(db: Path, stock: Path) -> float:
    """The same file read with csv and written with plain sqlite3 executemany in one transaction (no history)."""
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


def export_baseline(db: Path, out: Path) -> float:
    """Plain sqlite3 + csv.writer: the storefront export's columns, each product followed by its variants."""
    started = time.perf_counter()
    con = sqlite3.connect(db)
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["ItemID", "ItemNumber", "ItemName", "ProductStatus", "NumberInStock", "OnOrderQuantity",
                         "MinimumOrderQuantity", "MaximumOrderQuantity", "MultiplesOfQuantity", "Discontinued",
                         "NonInventory", "ETADate", "LowStockQuantity", "LowStockWarningsEnabled",
                         "ParentItemNumber", "VariantOptions"])
        writer.writerows(con.execute(
            "SELECT i.item_id, i.item_number, i.name, s.name, i.on_hand, i.on_order, i.min_qty, i.max_qty, "
            "i.multiple_qty, i.discontinued, i.non_inventory, i.eta_date, i.low_stock_qty, i.low_stock_warning, "
            "p.item_number, i.options FROM items i JOIN statuses s ON s.id = i.status_id "
            "LEFT JOIN items p ON p.id = i.parent_id ORDER BY COALESCE(i.parent_id, i.id), i.id"))
    con.close()
    return time.perf_counter() - started


def child(args: list[str], timeout: int = 3600) -> dict:
    """Run one measured piece in its own process; its last stdout line is JSON."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    try:
        done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:  # its message would print the whole command line, a server URL with it
        raise RuntimeError(f"{Path(args[0]).name} took longer than {timeout} s") from None
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


EXPORT_CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from benchmarks.memory import peak_mb
from desktop_app.csvio.exporter import export_file
from desktop_app.db import Database
db = Database({url!r})
started = time.perf_counter()
rows = export_file(db, {out!r})
print(json.dumps({{"seconds": time.perf_counter() - started, "rows": rows, "peak_mb": peak_mb()}}))
"""


def say(text: str) -> None:
    """Progress on stderr, with the time of day: a long run shows where it is."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def cli_import(url: str, stock: Path, store: str) -> dict:
    """The command line's import of the same file, timed as a process (start-up included), and its peak memory."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "VMHWM %M", sys.executable, "-m", "desktop_app", "--db", url, "import", str(stock),
         "--store", store, "--json"] if Path("/usr/bin/time").exists() else
        [sys.executable, "-m", "desktop_app", "--db", url, "import", str(stock), "--store", store, "--json"],
        capture_output=True, text=True, cwd=HERE.parent, timeout=3600,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the CLI import failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    peak = next((int(line.split()[1]) / 1024 for line in done.stderr.splitlines() if line.startswith("VMHWM ")),
                None)
    return {"seconds": seconds, "peak_mb": peak}


def sqlite_half(out: Path, db: Path, pristine: Path, stock: Path, orders: int) -> dict:
    """Every SQLite figure: the editor, the wizard and the CLI import, the baselines (on identical copies)."""
    # The editor (grid batch, then the import in the editor process), the baselines on copies. The orders are
    # made from the catalog as the editor left it, and given to the service and the baseline alike.
    shutil.copyfile(pristine, out / "baseline.db")
    say("SQLite: the plain csv + executemany import baseline")
    plain_import = import_baseline(out / "baseline.db", stock)
    figures: dict[str, float | str] = {}
    say("SQLite: the editor (paints, grid batch, import in the editor process)")
    probe = child([str(HERE / "editor_probe.py"), str(db), str(time.time()), str(stock), "Main Street"])
    figures.update(probe["times"])
    figures.update(probe["memory"])
    figures["import: plain csv + executemany baseline"] = plain_import
    say("SQLite: the same-work plain sqlite3 import baseline")
    shutil.copyfile(pristine, out / "same-work.db")  # the import's own work, in plain sqlite3, on its own copy
    figures[SAME_WORK_IMPORT] = same_work_import(out / "same-work.db", stock, "Main Street")["seconds"]
    # The import wizard as a user drives it (preview, then Import) and the command line's import of the same
    # file, each on its own pristine copy, each in its own process.
    shutil.copyfile(pristine, out / "wizard.db")
    say("SQLite: the import wizard (preview + import)")
    wizard = child([str(HERE / "editor_probe.py"), "--wizard", str(out / "wizard.db"), str(stock), "Main Street"])
    figures.update(wizard["times"])
    figures.update(wizard["memory"])
    shutil.copyfile(pristine, out / "cli.db")
    say("SQLite: the command line's import")
    cli = cli_import(str(out / "cli.db"), stock, "Main Street")
    figures[CLI_IMPORT] = cli["seconds"]
    if cli["peak_mb"] is not None:
        figures["peak memory, CLI import process"] = cli["peak_mb"]
    orders_file = out / "orders.json"
    orders_file.write_text(json.dumps(make_orders(str(db), orders)), encoding="utf-8")
    say("SQLite: export and its baseline")
    exported = child(["-c", EXPORT_CHILD.format(root=str(HERE.parent), url=str(db), out=str(out / "export.csv"))])
    figures["export"] = exported["seconds"]
    figures["export rows"] = exported["rows"]
    figures["peak memory, export process"] = exported["peak_mb"]
    figures["export baseline: sqlite3 + csv.writer"] = export_baseline(db, out / "export-baseline.csv")
    shutil.copyfile(db, out / "orders-baseline.db")
    for suffix in ("-wal", "-shm"):
        if Path(f"{db}{suffix}").exists():
            shutil.copyfile(f"{db}{suffix}", f"{out / 'orders-baseline.db'}{suffix}")
    say("SQLite: orders and their baseline")
    service = child([str(HERE / "orders_bench.py"), "service", str(db), str(orders_file)])
    plain = child([str(HERE / "orders_bench.py"), "baseline", str(out / "orders-baseline.db"), str(orders_file)])
    figures["orders placed + paid + shipped"] = service["rate"]
    figures["orders: plain sqlite3 same-work baseline"] = plain["rate"]
    figures["peak memory, orders process"] = service["peak_mb"]
    figures["peak memory, orders baseline process"] = plain["peak_mb"]
    return figures


def postgresql_half(server: str, out: Path, pristine: Path, stock: Path) -> dict:
    """The same catalog, steps, stock file and orders on PostgreSQL (database ``bench_million``, replaced)."""
    from sqlalchemy.engine import make_url

    url = make_url(server).set(database="bench_million").render_as_string(hide_password=False)
    half = time.perf_counter()
    say("PostgreSQL: copying the catalog (COPY, then the upgrade: indexes, VACUUM ANALYZE)")
    started = time.perf_counter()
    copied = build_at(url, pristine)
    pg: dict[str, float | str] = {"copy the catalog to PostgreSQL": time.perf_counter() - started}
    say("PostgreSQL: copied: " + ", ".join(f"{k} {v:.0f} s" for k, v in copied.get("phases", {}).items()))
    pg_same.copy_catalog(url)  # the same-work baselines' copies, before the editor changes the catalog
    try:
        pg.update(_postgresql_steps(url, out, stock))
    finally:  # no copy left behind on the server, whatever stopped the run
        pg_same.drop_copies(url)
        child([str(HERE / "pg_orders_same_work.py"), "drop", url, PG_ORDERS_BASELINE_DB])
    pg["the PostgreSQL half, in all"] = time.perf_counter() - half
    say(f"PostgreSQL: done in {pg['the PostgreSQL half, in all']:.0f} s")
    return pg


def _postgresql_steps(url: str, out: Path, stock: Path) -> dict:
    """The PostgreSQL half's measured steps, after the catalog and the baselines' copies are made."""
    from sqlalchemy.engine import make_url

    pg: dict[str, float | str] = {}
    say("PostgreSQL: the editor (paints, grid batch, import in the editor process)")
    probe = child([str(HERE / "editor_probe.py"), url, str(time.time()), str(stock), "Main Street"])
    pg.update(probe["times"])
    pg.update(probe["memory"])
    say("PostgreSQL: the same-work plain psycopg import baselines")
    pg.update(pg_same.measure(url, stock, "Main Street"))
    say("PostgreSQL: export")
    exported = child(["-c", EXPORT_CHILD.format(root=str(HERE.parent), url=url, out=str(out / "export-pg.csv"))])
    pg["export"] = exported["seconds"]
    pg["export rows"] = exported["rows"]
    pg["peak memory, export process"] = exported["peak_mb"]
    say("PostgreSQL: orders, beside the same work in plain psycopg (on a copy) and the server's floor")
    base_url = make_url(url).set(database=PG_ORDERS_BASELINE_DB).render_as_string(hide_password=False)
    child([str(HERE / "pg_orders_same_work.py"), "clone", url, PG_ORDERS_BASELINE_DB])
    service = child([str(HERE / "orders_bench.py"), "service", url, str(out / "orders.json")])
    pg["orders placed + paid + shipped"] = service["rate"]
    pg["peak memory, orders process"] = service["peak_mb"]
    plain = child([str(HERE / "pg_orders_same_work.py"), "baseline", base_url, str(out / "orders.json")])
    pg[PG_SAME_WORK_ORDERS] = plain["rate"]
    floor = child([str(HERE / "pg_orders_same_work.py"), "floor", base_url, str(len(json.loads(
        (out / "orders.json").read_text(encoding="utf-8"))))])
    pg[PG_ORDERS_FLOOR] = floor["rate"]
    child([str(HERE / "pg_orders_same_work.py"), "drop", url, PG_ORDERS_BASELINE_DB])
    pg.update(workstation_orders(url, out))
    return pg


WORKSTATIONS = (2, 4)


def workstation_orders(url: str, out: Path) -> dict:
    """Orders placed + paid + shipped by 2 and by 4 workstations at once (processes, each its own connections),
    on distinct orders made from the catalog as the orders before left it (benchmarks/orders_bench.py)."""
    figures: dict[str, float] = {}
    made = make_orders(str(out / "million.db"), 500 * sum(WORKSTATIONS), seed=6)
    for count in WORKSTATIONS:
        part, made = made[: 500 * count], made[500 * count :]
        (out / f"orders-{count}-workstations.json").write_text(json.dumps(part), encoding="utf-8")
        say(f"PostgreSQL: orders, {count} workstations at once")
        ran = child([str(HERE / "orders_bench.py"), "workstations", url, str(out / f"orders-{count}-workstations.json"),
                     str(count)])
        figures[f"orders placed + paid + shipped, {count} workstations at once"] = ran["rate"]
        if ran["refused"]:
            why = "; ".join(f"{n}: {reason}" for reason, n in sorted(ran["refused_why"].items(), key=lambda kv: -kv[1]))
            figures[f"orders refused, {count} workstations"] = f"{ran['refused']} of {len(part)} ({why})"
        figures[f"transactions run again (lost races), {count} workstations"] = ran["retries"]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(HERE / "out"))
    parser.add_argument("--units-scale", type=float, default=1.0, help="1.0 = 1,050,000 stock units")
    parser.add_argument("--reuse", action="store_true", help="reuse the catalog built by an earlier run")
    parser.add_argument("--orders", type=int, default=2_000)
    parser.add_argument("--db", help="a PostgreSQL server URL: run everything there too (database bench_million)")
    parser.add_argument("--postgresql-only", action="store_true",
                        help="with --db and --reuse: take the SQLite half's figures from the earlier run")
    args = parser.parse_args()
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    db, pristine = out / "million.db", out / "million-pristine.db"
    built = ""
    if not (args.reuse and pristine.exists()):
        say("building the catalog")
        info = build(
            pristine,
            variant_products=int(250_000 * args.units_scale),
            plain_products=int(50_000 * args.units_scale),
        )
        built = f"catalog built in {info['seconds']:.0f} s"
    shutil.copyfile(pristine, db)
    units = sqlite3.connect(db).execute("SELECT COUNT(*) FROM items WHERE use_variant_inventory = 0").fetchone()[0]
    stock = out / "stock-update.csv"
    rows = write_stock_file(db, stock)

    results: dict[str, dict] = {}
    if args.postgresql_only:
        results["SQLite"] = json.loads((out / "results-sqlite.json").read_text(encoding="utf-8"))
    else:
        results["SQLite"] = sqlite_half(out, db, pristine, stock, args.orders)
        (out / "results-sqlite.json").write_text(json.dumps(results["SQLite"], indent=2), encoding="utf-8")
    if args.db:  # the SQLite half now, in case the server's half takes long
        print("\n".join(["SQLite (PostgreSQL follows):", *goals_table(results), ""]), flush=True)
        results["PostgreSQL"] = postgresql_half(args.db, out, pristine, stock)

    load = os.getloadavg()
    header = (
        f"{units:,} stock units · {rows:,}-row stock file · {args.orders:,} orders · {os.cpu_count()} cores · "
        f"{platform.processor() or platform.machine()} · Python {platform.python_version()} · "
        f"SQLite {sqlite3.sqlite_version}" + (f" · PostgreSQL {_server_version(args.db)}" if args.db else "")
        + (f" · {built}" if built else "") + f" · load average at the end {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}"
    )
    table = "\n".join([header, "", *goals_table(results), "", *details_table(results)])
    print(table)
    (out / "results.md").write_text(table + "\n", encoding="utf-8")
    (out / "results.json").write_text(json.dumps({"header": header, "figures": results}, indent=2),
                                      encoding="utf-8")
    return 0


def _server_version(server: str) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)) as c:
        return str(c.execute("SHOW server_version").fetchone()[0]).split()[0]


def _missed(ratio: float) -> str:
    return "met" if ratio <= 1.0 else f"missed by {ratio:.1f}x"


STEP_PREFIXES = ("products: ", "grid: ")
NOT_STEPS = ("grid: paste", "grid: preview", "grid: apply")


def _worst_step(f: dict) -> tuple[str, float] | None:
    steps = {k: v for k, v in f.items() if k.startswith(STEP_PREFIXES) and not k.startswith(NOT_STEPS)}
    return max(steps.items(), key=lambda kv: kv[1]) if steps else None


def goals_table(results: dict[str, dict]) -> list[str]:
    s, p = results.get("SQLite", {}), results.get("PostgreSQL", {})
    rows: list[tuple[str, str, str, str]] = []  # figure, goal, result, verdict
    rate, base = s.get("orders placed + paid + shipped"), s.get("orders: plain sqlite3 same-work baseline")
    if rate and base:
        ratio = rate / base
        rows.append(("orders placed + paid + shipped", "≥ 1,000/s and ≥ 0.8x the plain-sqlite3 same-work baseline",
                     f"{rate:,.0f}/s = {ratio:.2f}x the baseline ({base:,.0f}/s)",
                     _missed(max(1000 / rate, 0.8 / ratio))))
    ours, plain = s.get("import in the editor process"), s.get("import: plain csv + executemany baseline")
    same = s.get(SAME_WORK_IMPORT)
    rows.append(("import / same-work baseline", "≤ 1.2x",
                 f"{ours / same:.2f}x ({ours:.1f} s / {same:.1f} s)" if ours and same else NOT_MEASURED,
                 _missed(ours / same / 1.2) if ours and same else "not measured (no same-work import baseline yet)"))
    if ours and plain:
        rows.append(("import / plain csv+executemany baseline", "reported (no goal)",
                     f"{ours / plain:.2f}x ({ours:.1f} s / {plain:.1f} s)", ""))
    exp, exp_base = s.get("export"), s.get("export baseline: sqlite3 + csv.writer")
    if exp and exp_base:
        rows.append(("export / baseline", "≤ 1.0x", f"{exp / exp_base:.2f}x ({exp:.1f} s / {exp_base:.1f} s)",
                     _missed(exp / exp_base)))
    batch = s.get("grid: paste + preview + apply")
    if batch is not None:
        rows.append(("grid: paste + preview + apply", "≤ 1.0 s", f"{batch:.2f} s", _missed(batch / GRID_BATCH_GOAL)))
    wizard, cli = s.get(WIZARD_IMPORT), s.get(CLI_IMPORT)
    rows.append(("wizard: preview + import of 1M rows / CLI import", "≤ 1.2x",
                 f"{wizard / cli:.2f}x ({wizard:.1f} s / {cli:.1f} s)" if wizard and cli else NOT_MEASURED,
                 _missed(wizard / cli / 1.2) if wizard and cli else "not measured"))
    worst = _worst_step(s)
    if worst:
        rows.append(("every paint, jump, filter, sort (timed from before construction)", "≤ 0.3 s",
                     f"worst {worst[1]:.3f} s ({worst[0]})", _missed(worst[1] / PAINT_GOAL)))
    memory = {(f"{k}, {backend}" if backend != "SQLite" else k): v for backend, figures in results.items()
              for k, v in figures.items() if k.startswith("peak memory") and isinstance(v, (int, float))}
    if memory:
        name, mb = max(memory.items(), key=lambda kv: kv[1])
        rows.append(("peak memory", "≤ 300 MB per process, incl. a 1M import in the editor",
                     f"{mb:.0f} MB, the worst process ({name})", _missed(mb / MEMORY_GOAL)))
    worst = _worst_step(p)
    rows.append(("PostgreSQL: every paint, jump, filter, sort", "≤ 0.3 s",
                 f"worst {worst[1]:.3f} s ({worst[0]})" if worst else NOT_MEASURED,
                 _missed(worst[1] / PAINT_GOAL) if worst else "not measured (no --db)"))
    pg_rate = p.get("orders placed + paid + shipped")
    rows.append(("PostgreSQL: orders placed + paid + shipped", "≥ 500/s",
                 f"{pg_rate:,.0f}/s" if pg_rate else NOT_MEASURED,
                 _missed(500 / pg_rate) if pg_rate else "not measured (no --db)"))
    pg_base, pg_floor = p.get(PG_SAME_WORK_ORDERS), p.get(PG_ORDERS_FLOOR)
    if pg_rate and pg_base:
        rows.append(("PostgreSQL same-work baseline (plain psycopg, same server, same run)", "reported (no goal)",
                     f"{pg_base:,.0f}/s; ours = {pg_rate / pg_base:.2f}x of it", ""))
    if pg_floor:
        rows.append(("PostgreSQL floor: three one-row durable transactions per order", "reported (no goal)",
                     f"{pg_floor:,.0f}/s" + (f"; ours = {pg_rate / pg_floor:.2f}x of it" if pg_rate else ""), ""))
    for count in WORKSTATIONS:
        rate = p.get(f"orders placed + paid + shipped, {count} workstations at once")
        if rate:
            rows.append((f"PostgreSQL: orders, {count} workstations at once", "reported (no goal)", f"{rate:,.0f}/s", ""))
    pg_import = p.get("import in the editor process")
    rows.append(("PostgreSQL: import / SQLite import (same file, same run)", "≤ 2x",
                 f"{pg_import / ours:.2f}x ({pg_import:.1f} s / {ours:.1f} s)" if pg_import and ours else NOT_MEASURED,
                 _missed(pg_import / ours / 2) if pg_import and ours else "not measured (no --db)"))
    rows += pg_same.goal_rows(p, ours)
    lines = ["| figure | goal | result | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return lines


def _show(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if name.startswith("peak memory"):
        return f"{value:,.0f} MB"
    if name.startswith("orders"):
        return f"{value:,.0f} /s"
    if name.endswith(("rows", "rows updated", "status changes")) or name.startswith("transactions run again"):
        return f"{value:,.0f}"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def details_table(results: dict[str, dict]) -> list[str]:
    backends = list(results)
    names = list(dict.fromkeys(n for figures in results.values() for n in figures))
    lines = ["| figure | " + " | ".join(backends) + " |", "|---" * (len(backends) + 1) + "|"]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(_show(name, results[b].get(name)) for b in backends) + " |")
    return lines


if __name__ == "__main__":
    sys.exit(main())
