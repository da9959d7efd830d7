"""The import wizard's preview of the storefront's orders export: docs/screenshots/orders-import.png.

    xvfb-run -a -s "-screen 0 1024x700x24" .venv/bin/python docs/screenshot_orders_import.py

Builds a database with every SKU the fixture names (one of them short, so an order is oversold), opens the
wizard on tests/fixtures/shopify-orders-export.csv, runs the dry-run preview and grabs the window. Reports
whether the window fits the screen.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
ORDERS = ROOT / "tests" / "fixtures" / "shopify-orders-export.csv"
OUT = ROOT / "docs" / "screenshots" / "orders-import.png"


def settle(app: QApplication, ms: int = 300) -> None:
    timer = QTimer()
    timer.setSingleShot(True)
    timer.start(ms)
    while timer.isActive():
        app.processEvents()


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from desktop_app.service import Inventory
    from ui.import_wizard import ImportWizard
    from ui.state import AppState

    app = QApplication.instance() or QApplication(sys.argv)
    inventory = Inventory(str(Path(tempfile.mkdtemp()) / "shot.db"))
    inventory.add_store("Main Street")
    inventory.set_store("Main Street", track_inventory=True, remove_when="paid")
    with open(ORDERS, newline="", encoding="utf-8-sig") as f:
        skus = sorted({r["Lineitem sku"] for r in csv.DictReader(f) if r["Lineitem sku"]})
    for sku in skus:
        inventory.add_product(sku, on_hand=1 if sku == "oil-tw-3oz" else 12)
    state = AppState(inventory, watch=False)
    wizard = ImportWizard(state, path=str(ORDERS))
    wizard.show()
    settle(app)
    wizard.next()
    wizard.next()
    preview = wizard.orders_flow.preview
    while not preview.finished:
        settle(app, 100)
    settle(app)
    wizard.grab().save(str(OUT))
    area, frame = wizard.screen().availableGeometry(), wizard.frameGeometry()
    print(f"saved {OUT.relative_to(ROOT)} ({wizard.width()}x{wizard.height()}); fits the screen: {area.contains(frame)}")
    wizard.close()
    state.close()
    inventory.db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
