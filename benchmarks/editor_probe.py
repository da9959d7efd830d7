"""The editor's side of the benchmark: open the real main window and grid on a catalog, time each step.

    python benchmarks/editor_probe.py DATABASE STARTED_AT [STOCK_FILE STORE]

Each step ends when the view has repainted (``viewport().repaint()`` paints synchronously, fetching the rows
it shows), so a figure is what a user waits for; a window's first paint is timed from before its constructor.
With a stock file, the editor process then imports it for the store (the call the import wizard makes), timed,
and reports its peak memory after that. Prints one JSON line: times in seconds, memory in MB (``VmHWM``: this
process's own peak).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

STARTED = float(sys.argv[2]) if len(sys.argv) > 2 else time.time()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings, Qt  # noqa: E402

from benchmarks.memory import peak_mb as rss_mb  # noqa: E402


def main() -> None:
    from desktop_app.service import Inventory
    from ui.app import application
    from ui.main_window import MainWindow
    from ui.state import AppState

    app = application()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    inventory = Inventory(sys.argv[1])
    state = AppState(inventory)
    started = time.perf_counter()
    window = MainWindow(state, QSettings("/tmp/inventory-editor-bench.ini", QSettings.Format.IniFormat))
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    window.product_table.viewport().repaint()
    times: dict[str, float] = {
        "start-up to main window painted": time.time() - STARTED,
        "products: first paint": time.perf_counter() - started,
    }
    memory = {"peak memory, catalog open": rss_mb()}

    def step(name: str, view, action) -> None:
        started = time.perf_counter()
        action()
        app.processEvents()
        view.viewport().repaint()
        times[name] = time.perf_counter() - started

    table = window.product_table
    step("products: jump to last row", table, table.scrollToBottom)
    step(
        "products: filter by text",
        table,
        lambda: (window.search.setText("Tumbler 12"), window.apply_filters()),
    )
    window.search.setText("")
    step("products: clear the filter", table, window.apply_filters)
    out_of_stock = window.status_filter.findText("Out of Stock")
    step("products: filter by status", table, lambda: window.status_filter.setCurrentIndex(out_of_stock))
    window.status_filter.setCurrentIndex(0)
    step("products: sort by on hand", table, lambda: table.sortByColumn(3, Qt.SortOrder.DescendingOrder))
    step("products: sort by name", table, lambda: table.sortByColumn(1, Qt.SortOrder.AscendingOrder))

    from ui.grid import InventoryGridWindow

    started = time.perf_counter()
    grid = InventoryGridWindow(state)
    grid.resize(1280, 800)
    grid.show()
    app.processEvents()
    grid.view.viewport().repaint()
    times["grid: first paint"] = time.perf_counter() - started
    model, view = grid.model, grid.view
    step("grid: jump to last row", view, view.scrollToBottom)
    step("grid: filter by text", view, lambda: model.set_query(model.query.with_(search="Tumbler 12")))
    step("grid: filter by status", view, lambda: model.set_query(model.query.with_(search=None, status_id=3)))
    model.set_query(model.query.with_(status_id=None))
    step(
        "grid: sort by on hand",
        view,
        lambda: view.sortByColumn(model.column_of("on_hand"), Qt.SortOrder.AscendingOrder),
    )
    step(
        "grid: sort by name",
        view,
        lambda: view.sortByColumn(model.column_of("name"), Qt.SortOrder.AscendingOrder),
    )
    step(
        "grid: sort by available to sell (expression)",
        view,
        lambda: model.set_query(model.query.with_(sort="available_to_sell")),
    )
    view.scrollToTop()
    model.set_query(model.query.with_(sort="item_number"))
    memory["peak memory after the steps above"] = rss_mb()

    # Paste 10,000 cells (5,000 rows x on hand, on order), preview, apply for a store. (PROBE_NO_WRITES=1:
    # the reading steps only, e.g. beside another process writing the same rows.)
    summary = pasted = None
    if not os.environ.get("PROBE_NO_WRITES"):
        block = "\n".join(f"{(r * 7) % 23}\t{r % 3}" for r in range(5000))
        view.setCurrentIndex(model.index(0, model.column_of("on_hand")))
        grid.store.setCurrentText("Main Street")
        started = time.perf_counter()
        pasted = view.paste(block)
        app.processEvents()
        view.viewport().repaint()
        times["grid: paste 10,000 cells"] = time.perf_counter() - started
        started = time.perf_counter()
        summary = grid.preview()
        times["grid: preview"] = time.perf_counter() - started
        started = time.perf_counter()
        grid.apply()
        app.processEvents()
        view.viewport().repaint()
        times["grid: apply for a store"] = time.perf_counter() - started
        times["grid: paste + preview + apply"] = (
            times["grid: paste 10,000 cells"] + times["grid: preview"] + times["grid: apply for a store"]
        )
        memory["peak memory after the grid batch"] = rss_mb()
    if len(sys.argv) > 4:
        from desktop_app.csvio.importer import import_file

        started = time.perf_counter()
        imported = import_file(inventory.db, sys.argv[3], store=sys.argv[4])
        times["import in the editor process"] = time.perf_counter() - started
        memory["peak memory after a 1M import in the editor"] = rss_mb()
        times["import: rows updated"] = imported.updated
        times["import: status changes"] = len(imported.status_changes)
    print(
        json.dumps(
            {
                "times": times,
                "memory": memory,
                "pasted": pasted,
                "status_changes": len(summary.status_changes) if summary else None,
            }
        )
    )
    grid.model.forget_pending()
    grid.close()
    window.close()


if __name__ == "__main__":
    main()
