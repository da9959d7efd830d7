"""Screenshots of the purchasing windows (SPEC section 8) on the demo catalog, at 1024x700:

    xvfb-run -a -s "-screen 0 1024x700x24" .venv/bin/python docs/purchase_screenshots.py

Saves docs/screenshots/purchase-{orders,editor,receive,suggestions,pdf}.png; the PDF page is rendered by
poppler's pdftoppm (or QtPdf when installed).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

OUT = Path(__file__).resolve().parent / "screenshots"


def settle(ms: int = 300) -> None:
    end = QTimer()
    end.setSingleShot(True)
    end.start(ms)
    while end.isActive():
        QApplication.processEvents()


def shoot(widget, name: str) -> None:
    widget.show()
    widget.raise_()
    widget.activateWindow()
    settle()
    path = OUT / f"purchase-{name}.png"
    widget.grab().save(str(path))
    area = widget.screen().availableGeometry()
    fits = area.contains(widget.frameGeometry())
    print(f"saved {path.name} ({widget.width()}x{widget.height()}){'' if fits else '  CLIPPED'}")


def main() -> int:
    app = QApplication(sys.argv)
    from desktop_app.demo import load_demo
    from desktop_app.service import Inventory
    from ui import look
    from ui.purchase_editor import PurchaseOrderEditor
    from ui.purchase_orders import PurchaseOrdersWindow
    from ui.purchase_print import write_pdf
    from ui.purchase_receive import ReceiveDialog
    from ui.purchase_suggestions import SuggestionsDialog
    from ui.state import AppState

    app.setStyleSheet(look.STYLE_SHEET)
    folder = Path(tempfile.mkdtemp(prefix="ie-shots-"))
    inv = Inventory(str(folder / "demo.db"))
    load_demo(inv)
    inv.add_store("Downtown")
    inv.set_store("Downtown", track_inventory=True, remove_when="ordered")
    setup = {
        "BEAN-ESPR": ("Roastery Co", "0850001234017", 10, 40),
        "BEAN-DECAF": ("Roastery Co", "0850001234024", 20, 50),
        "SYRUP-CAR": ("Sweet Supply", "0850009876543", 6, 24),
        "GRIND-BURR": ("Brewgear Ltd", "0850005550011", 5, 12),
        "TEA-GREEN": (None, None, 12, 30),
    }
    for item, (supplier, barcode, low, to) in setup.items():
        inv.edit_item(
            item, {"supplier": supplier, "barcode": barcode, "low_stock_qty": low, "reorder_to": to}
        )
    ordered = inv.purchasing.create(
        "Roastery Co",
        [("BEAN-ESPR", 40, 1150), ("BEAN-DECAF", 24, 1075)],
        store="Downtown",
        expected="2026-12-08",
    )
    inv.purchasing.order(ordered)
    inv.purchasing.receive(ordered, [("BEAN-DECAF", 10)])
    draft = inv.purchasing.create("Brewgear Ltd", [("GRIND-BURR", 6, 8900)], expected="2026-12-15")
    state = AppState(inv, watch=False)

    shoot(PurchaseOrdersWindow(state), "orders")
    editor = PurchaseOrderEditor(state, draft)
    editor.code.setText("0850009876543")
    editor.find_code()
    editor.quantity.setValue(12)
    editor.add_from_fields()
    shoot(editor, "editor")
    editor.dirty = False
    editor.close()

    receive = ReceiveDialog(state, ordered)
    receive.scan_code("0850001234017")
    receive.scan_code("0850001234017")
    receive.scan_code("0850001234024", 9)
    receive.scan_code("0000000000000")
    receive.scan_code("0850001234024", 6)  # 15 of the 14 outstanding: refused, with the reason
    shoot(receive, "receive")
    receive.pending.clear()
    receive.close()

    shoot(SuggestionsDialog(state), "suggestions")

    pdf = folder / "po.pdf"
    write_pdf(inv.purchasing.get(ordered), str(pdf))
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(OUT / "purchase-pdf"),
            ],
            check=True,
        )
        print("saved purchase-pdf.png (page 1 of the PDF)")
    else:
        print("pdftoppm is not installed: the PDF page was not rendered")
    state.close()
    inv.db.dispose()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
