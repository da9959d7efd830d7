"""Screenshots of the Stock count window: mid-count, and its review of differences (SPEC section 7).

    xvfb-run -a -s "-screen 0 1024x700x24" .venv/bin/python docs/count_screenshots.py

Writes docs/screenshots/count-scanning.png, count-review.png and count-post-preview.png, on the demo catalog
with a barcode on every stock unit, at the screen's size (1024x700 is the smallest the editor supports).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
OUT = Path(__file__).resolve().parent / "screenshots"


def settle(ms: int = 300) -> None:
    end = QTimer()
    end.setSingleShot(True)
    end.start(ms)
    while end.isActive():
        QApplication.instance().processEvents()


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="ie-count-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp))
    from desktop_app.demo import load_demo
    from desktop_app.service import Inventory
    from ui.app import application
    from ui.count_dialogs import PostPreviewDialog
    from ui.counts import StockCountWindow
    from ui.state import AppState

    app = application()
    inventory = Inventory(str(tmp / "demo.db"))
    load_demo(inventory)
    units = [
        i
        for i in (inventory.item(n) for n in _numbers(inventory))
        if not i.use_variant_inventory and not i.non_inventory
    ]
    for n, unit in enumerate(units):
        inventory.edit_item(unit.item_number, {"barcode": f"40012345{n:05d}"})
    inventory.edit_item(units[3].item_number, {"barcode": "400123450002"})  # two units share one code
    inventory.edit_item(units[2].item_number, {"barcode": "400123450002"})
    state = AppState(inventory, watch=False)
    state.set_current_store(state.stores[0].name if state.stores else None)
    window = StockCountWindow(state)
    window.show()
    settle()
    window.start_button.click()
    scans = [(unit, f"40012345{n:05d}") for n, unit in enumerate(units) if n not in (2, 3)]
    for n, (unit, code) in enumerate(scans[:14]):
        quantity = max(1, unit.on_hand - (2 if n % 3 == 0 else 0) + (1 if n % 5 == 1 else 0))
        QTest.keyClicks(window.scan_field, f"{quantity}*{code}" if quantity > 1 else code)
        QTest.keyClick(window.scan_field, Qt.Key.Key_Return)
    for code in ("400123450002", "0000000000000"):
        QTest.keyClicks(window.scan_field, code)
        QTest.keyClick(window.scan_field, Qt.Key.Key_Return)
    QTest.keyClicks(window.scan_field, scans[5][1])
    QTest.keyClick(window.scan_field, Qt.Key.Key_Return)
    settle(60)  # inside the flash
    shot(window, "count-scanning")
    settle(600)
    window.only_differences.setChecked(True)
    window.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
    settle()
    shot(window, "count-review")
    preview = inventory.counts.post(window.count.id, dry_run=True)
    dialog = PostPreviewDialog(window.count.title, preview, window)
    dialog.show()
    settle()
    shot(dialog, "count-post-preview")
    app.quit()
    return 0


def _numbers(inventory) -> list[str]:
    from desktop_app.queries import UnitQuery

    rows = inventory.view_page(UnitQuery(scope="units", sort="item_number"), 0, 40)
    return [r[2] for r in rows if r[2]]


def shot(widget, name: str) -> None:
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"saved {path} ({widget.width()}x{widget.height()})")


if __name__ == "__main__":
    raise SystemExit(main())
