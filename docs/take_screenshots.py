"""Take the README's screenshots: the real editor on the demo catalog, under a real X server.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/take_screenshots.py

Each window is shown, given time to paint, grabbed, saved in docs/screenshots/ and closed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

OUT = Path(__file__).resolve().parent / "screenshots"


def settle(ms: int = 250) -> None:
    app = QApplication.instance()
    end = QTimer()
    end.setSingleShot(True)
    end.start(ms)
    while end.isActive():
        app.processEvents()


def shoot(widget: QWidget, name: str, size: tuple[int, int] | None = None) -> None:
    if size:
        widget.resize(*size)
    widget.show()
    widget.raise_()
    widget.activateWindow()
    settle()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"saved {path.relative_to(OUT.parent.parent)} ({widget.width()}x{widget.height()})")


def main() -> int:
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        print("note: offscreen platform; run under xvfb-run for real window decorations and fonts")
    tmp = Path(tempfile.mkdtemp(prefix="ie-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp))
    from desktop_app.demo import load_demo
    from desktop_app.service import Inventory
    from ui.app import application
    from ui.main_window import MainWindow
    from ui.state import AppState

    _app = application()  # keep the application alive for the whole run
    OUT.mkdir(parents=True, exist_ok=True)
    inventory = Inventory(str(tmp / "demo.db"))
    load_demo(inventory)
    state = AppState(inventory, watch=False)
    window = MainWindow(state, QSettings())
    window.resize(1280, 800)
    window.show()
    settle(400)
    tee = inventory.item("TEE-LOGO")
    window.select_item(tee.id)
    window.bottom_tabs.setCurrentIndex(0)
    shoot(window, "main-window", (1280, 800))

    window.select_item(inventory.item("MUG-ROSE").id)
    window.bottom_tabs.setCurrentIndex(1)
    shoot(window, "history", (1280, 800))

    from ui.product_editor import ProductEditorDialog

    editor = ProductEditorDialog(state, inventory.item("KETT-GOOSE"), window)
    shoot(editor, "product-editor")
    editor.close()

    from ui.store_settings import StoreSettingsDialog

    settings = StoreSettingsDialog(state, window.undo_stack, window, store="Online Shop")
    shoot(settings, "store-settings")
    settings.close()

    from ui.statuses import StatusesDialog

    statuses = StatusesDialog(state, window.undo_stack, window)
    statuses.reload("Made to Order")
    shoot(statuses, "statuses")
    statuses.close()

    from ui.orders import OrdersDialog, PlaceOrderDialog

    orders = OrdersDialog(state, window)
    orders.state_filter.setCurrentText("All")
    shoot(orders, "orders")
    orders.close()
    place = PlaceOrderDialog(state, window)
    place.store.setCurrentText("Main Street")
    place.add_line("MUG-CER", 2)
    place.add_line("MUG-OLD", 1)
    place.add_line("GRIND-BURR", 3)
    place.place()  # refused: the lines show why
    shoot(place, "order-refused")
    place.close()

    from ui.variants import VariantsDialog

    variants = VariantsDialog(state, window.undo_stack, tee.id, window)
    variants.tabs.setCurrentIndex(1)
    shoot(variants, "variants-matrix")
    variants.close()

    from ui.grid import GridPreviewDialog, InventoryGridWindow

    grid = InventoryGridWindow(state, window)
    grid.resize(1280, 800)
    grid.show()
    settle(300)
    model = grid.model
    rows = {model.item_id(r): r for r in range(model.rowCount())}
    col = model.column_of
    row_of = {
        inventory.item(n).id: n for n in ("BEAN-DECAF", "BEAN-ESPR", "BEAN-HOUSE", "BREW-BOOK", "CUP-ESPR2")
    }
    edits = []
    for item_id, number in row_of.items():
        r = rows[item_id]
        edits.append(
            (
                r,
                col("on_hand"),
                {
                    "BEAN-DECAF": "0",
                    "BEAN-ESPR": "30",
                    "BEAN-HOUSE": "95",
                    "BREW-BOOK": "lots",
                    "CUP-ESPR2": "0",
                }[number],
            )
        )
    edits.append((rows[inventory.item("BEAN-HOUSE").id], col("min_qty"), "30"))
    edits.append((rows[inventory.item("BEAN-HOUSE").id], col("max_qty"), "24"))
    model.edit_cells(edits, "paste")
    grid.store.setCurrentText("Main Street")
    grid.view.setCurrentIndex(model.index(rows[inventory.item("MUG-CER").id], col("status")))
    shoot(grid, "grid-pending", (1280, 800))
    model.edit_cells(
        [
            (rows[inventory.item("BREW-BOOK").id], col("on_hand"), "25"),
            (rows[inventory.item("BEAN-HOUSE").id], col("max_qty"), "48"),
        ],
        "fix",
    )
    summary = grid.preview()
    preview = GridPreviewDialog(summary, grid.selected_store(), grid)
    shoot(preview, "grid-preview")
    preview.close()
    model.forget_pending()
    grid.close()

    from ui.import_wizard import ImportWizard

    sample = tmp / "supplier-update.csv"
    sample.write_text(
        "ItemNumber,ItemName,NumberInStock,ProductStatus,ETADate\n"
        "MUG-CER,,0,,\nTEA-CHAI,,18,,\nTEE-LOGO-XL-BLA,,6,,\nKETT-GOOSE,,,Preorder,2027-02-01\n"
        "NEW-DRIPPER,Ceramic Dripper,12,,\nSCALE-DIG,,five,,\n",
        encoding="utf-8",
    )
    wizard = ImportWizard(state, window, path=str(sample))
    wizard.options.for_store.setChecked(True)
    wizard.options.store.setCurrentText("Main Street")
    wizard.show()
    settle(200)
    shoot(wizard, "import-file", (860, 600))
    wizard.next()
    shoot(wizard, "import-store", (860, 600))
    wizard.next()
    for _ in range(50):
        settle(100)
        if wizard.preview.finished:
            break
    shoot(wizard, "import-preview", (860, 600))
    wizard.close()

    from ui.about import AboutDialog, ShortcutsDialog
    from ui.app import WelcomeDialog

    welcome = WelcomeDialog()
    shoot(welcome, "welcome")
    welcome.close()
    about = AboutDialog(state, window)
    shoot(about, "about")
    about.close()
    shortcuts = ShortcutsDialog(window)
    shoot(shortcuts, "shortcuts")
    shortcuts.close()
    window.close()
    inventory.db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
