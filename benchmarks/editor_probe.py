"""The editor's side of the benchmark: open the real main window and grid on a catalog, time each step.

    python benchmarks/editor_probe.py DATABASE STARTED_AT [STOCK_FILE STORE]
    python benchmarks/editor_probe.py --wizard DATABASE STOCK_FILE STORE

Each step ends when the view has painted once after it (the queued events run, the view's paint among them;
if none came, ``viewport().repaint()`` paints synchronously, fetching the rows it shows): a figure is what a user
waits for, one paint, not two; a window's first paint is timed from before its constructor.
With a stock file, the editor process then imports it for the store (the call the import wizard makes), timed,
and reports its peak memory after that. With ``--wizard``, the main window opens and the import wizard imports the
file for the store as a user does it: the file, the store, Next (the preview runs), Import (the import runs);
each is timed from the click until its page is complete (the summary shown). Prints one JSON line: times in
seconds, memory in MB (``VmHWM``: this process's own peak). ``PROBE_PROFILE=DIR`` writes a cProfile of each
step to DIR (what a missed goal's cause is read from).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

STARTED = float(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[1] != "--wizard" else time.time()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, Qt, QTimer  # noqa: E402

from benchmarks.memory import peak_mb as rss_mb  # noqa: E402

PROFILE_DIR = os.environ.get("PROBE_PROFILE")


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, _watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def settle(app, view) -> None:
    """Run the queued events (the view's paint among them); paint now only if no paint came."""
    viewport = view.viewport()
    counter = _PaintCounter()
    viewport.installEventFilter(counter)
    app.processEvents()
    viewport.removeEventFilter(counter)
    if not counter.paints:
        viewport.repaint()


class _Profiled:
    """With PROBE_PROFILE set, a cProfile of the step named (DIR/<step>.prof); otherwise nothing."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.profile = None

    def __enter__(self):
        if PROFILE_DIR:
            import cProfile

            self.profile = cProfile.Profile()
            self.profile.enable()
        return self

    def __exit__(self, *_exc) -> None:
        if self.profile is not None:
            self.profile.disable()
            Path(PROFILE_DIR).mkdir(parents=True, exist_ok=True)
            safe = "".join(ch if ch.isalnum() else "_" for ch in self.name)
            self.profile.dump_stats(str(Path(PROFILE_DIR) / f"{safe}.prof"))


def wait_until_complete(app, page, timeout: float = 3600.0) -> None:
    """Let the event loop run (the worker's signals arrive) until the wizard page says it is complete."""
    loop = QEventLoop()
    page.completeChanged.connect(loop.quit)
    deadline = time.monotonic() + timeout
    while not page.isComplete():
        if time.monotonic() > deadline:
            raise SystemExit(f"the wizard's page {page.title()!r} did not complete in {timeout:.0f} s")
        QTimer.singleShot(50, loop.quit)
        loop.exec()
    page.completeChanged.disconnect(loop.quit)


def wizard(database: str, stock: str, store: str) -> None:
    """The import wizard over the main window: preview, then Import, each timed until its summary shows."""
    from desktop_app.service import Inventory
    from ui.app import application
    from ui.import_wizard import ImportWizard
    from ui.main_window import MainWindow
    from ui.state import AppState

    app = application()
    state = AppState(Inventory(database))
    window = MainWindow(state, QSettings("/tmp/inventory-editor-bench.ini", QSettings.Format.IniFormat))
    window.show()
    app.processEvents()
    dialog = ImportWizard(state, window, path=stock)  # what Tools › Data Import opens, the file chosen
    dialog.show()
    app.processEvents()
    dialog.next()  # the store page
    dialog.options.for_store.setChecked(True)
    dialog.options.store.setCurrentText(store)
    times: dict[str, float] = {}
    started = time.perf_counter()
    with _Profiled("wizard preview"):
        dialog.next()  # the preview runs
        wait_until_complete(app, dialog.currentPage())
    times["wizard: preview"] = time.perf_counter() - started
    memory = {"peak memory, wizard process after the preview": rss_mb()}
    started = time.perf_counter()
    with _Profiled("wizard import"):
        dialog.next()  # Import
        wait_until_complete(app, dialog.currentPage())
        app.processEvents()
    times["wizard: import"] = time.perf_counter() - started
    times["wizard: preview + import"] = times["wizard: preview"] + times["wizard: import"]
    memory["peak memory, wizard process after the import"] = rss_mb()
    print(json.dumps({"times": times, "memory": memory}))
    dialog.close()
    window.close()
    state.close()


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
    settle(app, window.product_table)
    times: dict[str, float] = {
        "start-up to main window painted": time.time() - STARTED,
        "products: first paint": time.perf_counter() - started,
    }
    memory = {"peak memory, catalog open": rss_mb()}

    def step(name: str, view, action) -> None:
        started = time.perf_counter()
        with _Profiled(name):
            action()
            settle(app, view)
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
    settle(app, grid.view)
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
        settle(app, view)
        times["grid: paste 10,000 cells"] = time.perf_counter() - started
        started = time.perf_counter()
        summary = grid.preview()
        times["grid: preview"] = time.perf_counter() - started
        started = time.perf_counter()
        grid.apply()
        settle(app, view)
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
    if sys.argv[1] == "--wizard":
        wizard(*sys.argv[2:5])
    else:
        main()
