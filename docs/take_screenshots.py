"""Take screenshots of every window of the editor on the demo catalog, on a small and a large screen.

    .venv/bin/python docs/take_screenshots.py            # both sizes, each under its own Xvfb screen
    xvfb-run -a -s "-screen 0 1024x700x24" .venv/bin/python docs/take_screenshots.py --size small

The small screen is 1024x700 and the large 1920x1080. Each window opens as the editor opens it (its size
within the screen's available area), is given time to paint, grabbed, saved as
docs/screenshots/small-<name>.png or large-<name>.png, and closed. A window that does not fit the screen is
reported as CLIPPED; a window that cannot be opened is reported and skipped, so the others are still taken.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

OUT = Path(__file__).resolve().parent / "screenshots"
SCREENS = {"small": (1024, 700), "large": (1920, 1080)}
problems: list[str] = []


def settle(ms: int = 250) -> None:
    app = QApplication.instance()
    end = QTimer()
    end.setSingleShot(True)
    end.start(ms)
    while end.isActive():
        app.processEvents()


class Shooter:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, widget: QWidget, name: str, *, close: bool = True) -> None:
        if not widget.isVisible():
            widget.show()
        widget.raise_()
        widget.activateWindow()
        settle()
        path = OUT / f"{self.prefix}-{name}.png"
        widget.grab().save(str(path))
        area = widget.screen().availableGeometry()
        frame = widget.frameGeometry()
        fits = area.contains(frame)
        note = "" if fits else f"  CLIPPED: {frame.getRect()} is outside the screen's {area.getRect()}"
        if not fits:
            problems.append(f"{self.prefix}-{name}{note}")
        print(f"saved {path.relative_to(OUT.parent.parent)} ({widget.width()}x{widget.height()}){note}")
        if close:
            widget.close()


def attempt(name: str, fn) -> None:
    """One window's screenshots; a failure is reported and the run goes on."""
    try:
        fn()
    except Exception:  # another engineer's window may have changed: report it, take the rest
        problems.append(f"{name}: {traceback.format_exc().strip().splitlines()[-1]}")
        print(f"FAILED {name}\n{traceback.format_exc()}")


def supplier_file(tmp: Path) -> Path:
    sample = tmp / "supplier-update.csv"
    sample.write_text(
        "ItemNumber,ItemName,NumberInStock,ProductStatus,ETADate\n"
        "MUG-CER,,0,,\nTEA-CHAI,,18,,\nTEE-LOGO-XL-BLA,,6,,\nKETT-GOOSE,,,Preorder,2027-02-01\n"
        "NEW-DRIPPER,Ceramic Dripper,12,,\nSCALE-DIG,,five,,\n",
        encoding="utf-8",
    )
    return sample


def take(prefix: str) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="ie-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp))
    from desktop_app.demo import load_demo
    from desktop_app.service import Inventory
    from ui.app import application
    from ui.main_window import MainWindow
    from ui.state import AppState

    app = application()  # keep the application alive for the whole run
    OUT.mkdir(parents=True, exist_ok=True)
    screen = app.primaryScreen().availableGeometry()
    print(f"screen {screen.width()}x{screen.height()} → {prefix}-*.png")
    inventory = Inventory(str(tmp / "demo.db"))
    load_demo(inventory)
    # A manual restock that keeps Out of Stock: the main window flags it (the status disagrees with stock).
    inventory.edit_item("MUG-ROSE", {"on_hand": 5})
    state = AppState(inventory, watch=False)
    shoot = Shooter(prefix)
    window = MainWindow(state, QSettings())
    window.show()
    settle(400)
    tee = inventory.item("TEE-LOGO")

    def main_window() -> None:
        window.select_item(tee.id)
        window.bottom_tabs.setCurrentIndex(0)
        shoot(window, "main-window", close=False)
        window.select_item(inventory.item("MUG-ROSE").id)
        window.show_history()
        shoot(window, "history", close=False)
        window.stock_filter.setCurrentIndex(window.stock_filter.findData("disagrees"))
        window.select_item(inventory.item("MUG-ROSE").id)
        shoot(window, "status-disagrees", close=False)
        window.stock_filter.setCurrentIndex(0)

    def product_editor() -> None:
        from ui.product_editor import ProductEditorDialog

        shoot(ProductEditorDialog(state, inventory.item("KETT-GOOSE"), window), "product-editor")
        disagrees = ProductEditorDialog(
            state, inventory.item("MUG-ROSE"), window, apply_rule=window._apply_rule_from
        )
        shoot(disagrees, "product-editor-disagrees")
        shoot(ProductEditorDialog(state, inventory.item("TEE-LOGO-M-BLA"), window), "variant-editor")

    def variants() -> None:
        from ui.variants import VariantsDialog

        dialog = VariantsDialog(state, window.undo_stack, tee.id, window)
        for index, name in enumerate(("variants", "variants-matrix", "variants-options")):
            dialog.tabs.setCurrentIndex(index)
            shoot(dialog, name, close=False)
        dialog.close()

    def statuses() -> None:
        from ui.statuses import StatusesDialog

        dialog = StatusesDialog(state, window.undo_stack, window)
        dialog.reload("Made to Order")
        shoot(dialog, "statuses", close=False)
        dialog.start_new()
        shoot(dialog, "statuses-new")

    def store_settings() -> None:
        from ui.store_settings import StoreSettingsDialog

        shoot(StoreSettingsDialog(state, window.undo_stack, window, store="Online Shop"), "store-settings")

    def orders() -> None:
        from ui.orders import OrdersDialog

        dialog = OrdersDialog(state, window)
        dialog.state_filter.setCurrentText("All")
        shoot(dialog, "orders")

    def new_order() -> None:
        from ui.orders import PlaceOrderDialog

        dialog = PlaceOrderDialog(state, window)
        dialog.store.setCurrentText("Main Street")
        shoot(dialog, "new-order", close=False)
        dialog.add_line("MUG-CER", 2)
        dialog.add_line("MUG-OLD", 1)
        dialog.add_line("GRIND-BURR", 3)
        dialog.place()  # refused: the lines show why
        shoot(dialog, "order-refused", close=False)
        dialog.lines.setRowCount(0)  # closing with lines asks before discarding them; nobody is there to answer
        dialog.close()

    def grid() -> None:
        from ui.grid import GridPreviewDialog, InventoryGridWindow

        grid = InventoryGridWindow(state, window)
        grid.show()
        settle(300)
        model = grid.model
        rows = {model.item_id(r): r for r in range(model.rowCount())}
        col = model.column_of
        edits = [
            (rows[inventory.item(number).id], col("on_hand"), value)
            for number, value in (("BEAN-DECAF", "0"), ("BEAN-ESPR", "30"), ("BREW-BOOK", "lots"))
        ]
        model.edit_cells(edits, "paste")
        grid.store.setCurrentText("Main Street")
        shoot(grid, "grid", close=False)
        model.edit_cells([(rows[inventory.item("BREW-BOOK").id], col("on_hand"), "25")], "fix")
        summary = grid.preview()
        if summary is not None:
            shoot(GridPreviewDialog(summary, grid.selected_store(), grid), "grid-preview")
        model.forget_pending()
        grid.close()

    def batches() -> None:
        from ui.batches import BatchesDialog

        shoot(BatchesDialog(state, window), "batches")

    def import_wizard() -> None:
        from ui.import_wizard import ImportWizard

        wizard = ImportWizard(state, window, path=str(supplier_file(tmp)))
        wizard.options.for_store.setChecked(True)
        wizard.options.store.setCurrentText("Main Street")
        shoot(wizard, "import-file", close=False)
        wizard.next()
        shoot(wizard, "import-store", close=False)
        wizard.next()
        for _ in range(100):
            settle(100)
            if wizard.preview.finished:
                break
        shoot(wizard, "import-preview", close=False)
        wizard.options.skip_invalid.setChecked(True)
        wizard.back()
        wizard.next()
        for _ in range(100):
            settle(100)
            if wizard.preview.finished:
                break
        wizard.next()  # Import (the invalid row skipped)
        for _ in range(100):
            settle(100)
            if wizard.run_page.finished:
                break
        shoot(wizard, "import-done")

    def export() -> None:
        from ui.export_dialog import ExportDialog

        dialog = ExportDialog(state, window)
        dialog.path.setText(str(tmp / "products.csv"))
        shoot(dialog, "export")

    def small_dialogs() -> None:
        from ui.about import AboutDialog, ShortcutsDialog
        from ui.app import WelcomeDialog
        from ui.connect import ConnectDialog

        shoot(AboutDialog(state, window), "about")
        shoot(ShortcutsDialog(window), "shortcuts")
        shoot(WelcomeDialog(), "welcome")
        shoot(ConnectDialog(window), "connect")

    for name, fn in (
        ("main window", main_window),
        ("product editor", product_editor),
        ("variants", variants),
        ("statuses", statuses),
        ("store settings", store_settings),
        ("orders", orders),
        ("new order", new_order),
        ("grid", grid),
        ("batches", batches),
        ("import wizard", import_wizard),
        ("export", export),
        ("about, shortcuts, welcome, connect", small_dialogs),
    ):
        attempt(name, fn)
    window.close()
    inventory.db.dispose()
    for problem in problems:
        print(f"PROBLEM {problem}")
    return 1 if problems else 0


def main() -> int:
    args = sys.argv[1:]
    if "--size" in args:
        return take(args[args.index("--size") + 1])
    # Both sizes, each on a virtual screen of its own.
    code = 0
    for prefix, (width, height) in SCREENS.items():
        command = [
            "xvfb-run",
            "-a",
            "-s",
            f"-screen 0 {width}x{height}x24",
            sys.executable,
            __file__,
            "--size",
            prefix,
        ]
        env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
        code |= subprocess.run(command, env=env, check=False).returncode
    return code


if __name__ == "__main__":
    sys.exit(main())
