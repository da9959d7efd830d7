"""Would a C-speed CSV writer (pyarrow, polars) beat the export? Measured beside it, in one process.

    python benchmarks/export_writers.py DATABASE OUT_DIR

Issue 13 asked for the export to beat its plain baseline either by overlapping reading and writing or by a
C-speed writer, evaluated honestly with the cost of its size in the bundle. The export took the first road
(``csvio/export_slices.py``: SQLite formats each line, two threads read slices at one snapshot). This script
times, on the same SQLite catalog and one after another in this process (each run twice, the better kept):

- ``export`` — the editor's export (``csvio.exporter.export_file``);
- ``baseline`` — plain ``sqlite3`` + ``csv.writer`` of the same columns (``million.export_baseline``);
- ``pyarrow`` — the same query read in batches into Arrow record batches, written by ``pyarrow.csv.CSVWriter``;
- ``polars`` — the same query read by ``polars.read_database`` (on the sqlite3 connection), written by
  ``DataFrame.write_csv``;

and the size each library adds when installed. pyarrow and polars are not the project's dependencies: the
script reports "not installed" for a missing one (install them in a scratch environment to measure).
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.million import export_baseline  # noqa: E402

COLUMNS = ["ItemID", "ItemNumber", "ItemName", "ProductStatus", "NumberInStock", "OnOrderQuantity",
           "MinimumOrderQuantity", "MaximumOrderQuantity", "MultiplesOfQuantity", "Discontinued", "NonInventory",
           "ETADate", "LowStockQuantity", "LowStockWarningsEnabled", "ParentItemNumber", "VariantOptions"]
_EXPRESSIONS = ["i.item_id", "i.item_number", "i.name", "s.name", "i.on_hand", "i.on_order", "i.min_qty", "i.max_qty",
                "i.multiple_qty", "i.discontinued", "i.non_inventory", "i.eta_date", "i.low_stock_qty",
                "i.low_stock_warning", "p.item_number", "i.options"]
QUERY = (  # the baseline's query, each column named as in the file (polars wants distinct names)
    "SELECT " + ", ".join(f'{e} AS "{c}"' for e, c in zip(_EXPRESSIONS, COLUMNS, strict=True))
    + " FROM items i JOIN statuses s ON s.id = i.status_id "
    "LEFT JOIN items p ON p.id = i.parent_id ORDER BY COALESCE(i.parent_id, i.id), i.id"
)
BATCH = 65_536


def with_pyarrow(db: Path, out: Path) -> float:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    started = time.perf_counter()
    con = sqlite3.connect(db)
    cur = con.execute(QUERY)
    writer = None
    while rows := cur.fetchmany(BATCH):
        batch = pa.RecordBatch.from_arrays([pa.array(column) for column in zip(*rows, strict=True)], names=COLUMNS)
        if writer is None:
            writer = pacsv.CSVWriter(str(out), batch.schema)
        writer.write_batch(batch)
    if writer is not None:
        writer.close()
    con.close()
    return time.perf_counter() - started


def with_polars(db: Path, out: Path) -> float:
    import polars as pl

    started = time.perf_counter()
    con = sqlite3.connect(db)
    frame = pl.read_database(QUERY, connection=con, infer_schema_length=None)
    frame.write_csv(out)
    con.close()
    return time.perf_counter() - started


def with_export(db: Path, out: Path) -> float:
    from desktop_app.csvio.exporter import export_file
    from desktop_app.db import Database

    started = time.perf_counter()
    database = Database(str(db))
    export_file(database, str(out))
    database.dispose()
    return time.perf_counter() - started


def installed_mb(name: str) -> float | None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    roots = [Path(spec.origin).parent]
    runtime = importlib.util.find_spec(f"_{name}_runtime_32")  # polars' compiled half is a package of its own
    if runtime is not None and runtime.origin is not None:
        roots.append(Path(runtime.origin).parent)
    return sum(f.stat().st_size for root in roots for f in root.rglob("*") if f.is_file()) / 1e6


def main() -> None:
    db, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    runs = {"export": with_export, "baseline": export_baseline, "pyarrow": with_pyarrow, "polars": with_polars}
    for name, run in runs.items():
        if name in ("pyarrow", "polars") and importlib.util.find_spec(name) is None:
            print(json.dumps({"figure": name, "seconds": "not installed"}))
            continue
        best = min(run(db, out / f"{name}.csv") for _ in range(2))
        size = installed_mb(name) if name in ("pyarrow", "polars") else None
        print(json.dumps({"figure": name, "seconds": round(best, 3),
                          **({"installed_mb": round(size, 1)} if size is not None else {})}), flush=True)


if __name__ == "__main__":
    main()
