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
    state = AppState(inventory)
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

    extra = getattr(sys.modules[__name__], "more_screens", None)
    if extra:
        extra(state, window)
    window.close()
    inventory.db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
