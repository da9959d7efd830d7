"""The editor's finding of a code (scan, item number or search) and its actions that end or export a PO:
Close and Cancel (confirmed, default No), CSV and PDF."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QListWidgetItem

from desktop_app.errors import InventoryError
from ui.widgets import confirm_destructive


class PoEventActions:
    """Mixed into ``PurchaseOrderEditor`` (which has ``po``, ``po_id``, ``purchasing``, ``state``, ``problem``)."""

    def close_po(self) -> None:
        po = self.po
        rest = ", ".join(f"{line.label} {line.outstanding}" for line in po.lines if line.outstanding)
        if not confirm_destructive(
            self,
            "Close purchase order",
            f"Close {po.title}? The {po.outstanding:,} still outstanding ({rest or 'nothing'}) will not come: "
            "it comes off on order.",
            "C&lose it",
        ):
            return
        self._event("Purchase order not closed", lambda: self.purchasing.close(po.id), f"Closed {po.title}.")

    def cancel_po(self) -> None:
        po = self.po
        what = (
            "It was never ordered."
            if po.state == "draft"
            else f"Its {po.outstanding:,} on order come off on order."
        )
        if not confirm_destructive(self, "Cancel purchase order", f"Cancel {po.title}? {what}", "Ca&ncel it"):
            return
        self._event(
            "Purchase order not cancelled", lambda: self.purchasing.cancel(po.id), f"Cancelled {po.title}."
        )

    def _event(self, title: str, fn, done: str) -> None:
        try:
            fn()
        except InventoryError as exc:
            self._show_error(title, exc)
            return
        self.reload()
        self.state.notify(self._units)
        self.problem.setText(done)

    def export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export purchase order", f"PO-{self.po_id}.csv", "CSV (*.csv)"
        )
        if path:
            try:
                self.purchasing.export_csv(self.po_id, path)
            except InventoryError as exc:
                self._show_error("Purchase order not exported", exc)
                return
            self.problem.setText(f"Exported {self.po.title} to {path}")

    def print_pdf(self) -> None:
        from ui.purchase_print import write_pdf

        path, _ = QFileDialog.getSaveFileName(
            self, "Print purchase order to PDF", f"PO-{self.po_id}.pdf", "PDF (*.pdf)"
        )
        if path:
            if not write_pdf(self.purchasing.get(self.po_id), path):
                self._show_error("Purchase order not printed", InventoryError(f"{path} could not be written"))
                return
            self.problem.setText(f"Printed {self.po.title} to {path}")

    def find_code(self) -> None:
        """A scan or a typed item number finds its unit and moves to Quantity; anything else is searched."""
        code = self.code.code()
        if not code:
            return
        try:
            unit = self.purchasing.lookup(code)
        except InventoryError as exc:
            found = self.purchasing.search(code, limit=50)
            if found:
                self.matches.clear()
                for u in found:
                    entry = QListWidgetItem(
                        f"{u.label} — {u.name}" + (f" (barcode {u.barcode})" if u.barcode else "")
                    )
                    entry.setData(Qt.ItemDataRole.UserRole, u.label)
                    self.matches.addItem(entry)
                self.matches.show()
                self.matches.setCurrentRow(0)
                self.matches.setFocus()
                self._say(
                    f"{exc.message}. {len(found)} item(s) match '{code}': pick one with Enter.", error=False
                )
            else:
                self._say(exc.message, error=True)
                self.code.selectAll()
            return
        self.matches.hide()
        self._say(f"{unit.label} — {unit.name}: quantity?", error=False)
        self.entry.to_quantity()

    def _pick(self, entry) -> None:
        self.code.setText(entry.data(Qt.ItemDataRole.UserRole))
        self._picked = True
        QTimer.singleShot(0, lambda: setattr(self, "_picked", False))
        self.find_code()

    def _say(self, text: str, *, error: bool) -> None:
        self.problem.setObjectName("error" if error else "hint")
        self.problem.style().polish(self.problem)
        self.problem.setText(text)
