"""Receiving a PO with a scanner: each scan adds one (or the typed quantity) to this receipt; Receive books it
as one transaction. The outstanding quantity is always in view; an over-receipt is refused with its reason."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import InventoryError
from ui.entry_row import EntryRow, handle_enter
from ui.purchase_lines import CodeField
from ui.state import AppState, show_refusal
from ui.widgets import confirm_destructive, fit_within_screen, read_only_table

COLUMNS = ["Item", "Name", "Barcode", "Ordered", "Received", "Outstanding", "This receipt", "Still to come"]
THIS, LEFT = 6, 7


class ReceiveDialog(QDialog):
    """Receive goods on one ordered PO."""

    def __init__(self, state: AppState, po_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.purchasing = state.inventory.purchasing
        self.po_id = po_id
        self.pending: dict[int, int] = {}  # unit id -> quantity in this receipt
        self.unknown: list[str] = []

        self.header = QLabel()
        self.header.setWordWrap(True)
        self.entry = EntryRow(
            CodeField("scan a barcode or type an item number, then Enter"),
            "&Scan",
            quantity_label="&Quantity per scan",
            add_text=None,
        )
        self.scan, self.quantity = self.entry.field, self.entry.quantity
        self.quantity.setToolTip("How many one scan receives (back to 1 after each scan)")
        self.table = read_only_table(COLUMNS)
        self.table.setColumnWidth(0, 120)
        self.table.setColumnWidth(1, 170)
        self.table.setColumnWidth(2, 120)
        for col in range(3, len(COLUMNS)):
            self.table.setColumnWidth(col, 94)
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.unknown_list = QListWidget()
        self.unknown_list.setMaximumHeight(70)
        self.unknown_label = QLabel("Unknown scans (kept so none is lost):")
        self.total = QLabel()
        self.receive_button = QPushButton("&Receive")
        self.receive_button.clicked.connect(self.receive)
        self.clear_button = QPushButton("C&lear this receipt")
        self.clear_button.clicked.connect(self.clear_receipt)
        self.close_button = QPushButton("Close &window")
        self.close_button.clicked.connect(self.reject)
        for button in (self.receive_button, self.clear_button, self.close_button):
            button.setAutoDefault(False)
            button.setDefault(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.total, 1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.receive_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.entry)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.unknown_label)
        layout.addWidget(self.unknown_list)
        layout.addLayout(buttons)
        fit_within_screen(self, 940, 560)
        self.reload()
        self.scan.setFocus()

    def reload(self) -> None:
        self.po = po = self.purchasing.get(self.po_id)
        store = f"for {po.store} (its status rules apply)" if po.store else "with no store (a manual change)"
        expected = f", expected {po.expected.isoformat()}" if po.expected else ""
        self.setWindowTitle(f"Receive {po.title}")
        self.header.setText(f"<b>{po.title}</b> — {po.state}{expected}; received {store}.")
        self.table.setRowCount(len(po.lines))
        for row, line in enumerate(po.lines):
            mine = self.pending.get(line.unit_id, 0)
            values = [
                line.label,
                line.name,
                line.barcode or "",
                line.quantity,
                line.received,
                line.outstanding,
                mine,
                line.outstanding - mine,
            ]
            for col, value in enumerate(values):
                cell = QTableWidgetItem(str(value))
                if col >= 3:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == THIS and mine:
                    cell.setForeground(QColor("#1a7f37"))
                self.table.setItem(row, col, cell)
        count = sum(self.pending.values())
        self.total.setText(
            f"This receipt: {count:,} item{'s' if count != 1 else ''} on {len(self.pending)} line"
            f"{'s' if len(self.pending) != 1 else ''} · outstanding on the PO: {po.outstanding:,}"
        )
        self.receive_button.setEnabled(bool(self.pending) and po.state == "ordered")
        self.scan.setEnabled(po.state == "ordered")
        self.unknown_label.setVisible(bool(self.unknown))
        self.unknown_list.setVisible(bool(self.unknown))

    def _line_for(self, code: str):
        for line in self.po.lines:  # this PO's lines: barcode exactly, item number in any case
            if line.barcode == code or (line.item_number or line.label).lower() == code.lower():
                return line
        try:
            unit = self.purchasing.lookup(code)
        except InventoryError as exc:
            raise LookupError(exc.message) from None
        line = self.po.line_for(unit.unit_id)
        if line is None:
            raise LookupError(f"{unit.label} is not on {self.po.title}")
        return line

    def scan_code(self, code: str, quantity: int | None = None) -> bool:
        """Add a scan to this receipt; refused (with the reason shown) beyond the outstanding quantity."""
        code = code.strip()
        qty = quantity or self.quantity.value()
        if not code:
            return False
        try:
            line = self._line_for(code)
        except LookupError as exc:
            self.unknown.append(code)
            self.unknown_list.addItem(f"{code}: {exc}")
            self._say(f"'{code}': {exc}", error=True)
            self.reload()
            return False
        mine = self.pending.get(line.unit_id, 0)
        if mine + qty > line.outstanding:
            self._say(
                f"Refused: {line.label} — {mine + qty:,} would be more than the {line.outstanding:,} outstanding "
                f"({line.quantity:,} ordered, {line.received:,} received"
                + (f", {mine:,} already in this receipt" if mine else "")
                + ").",
                error=True,
            )
            return False
        self.pending[line.unit_id] = mine + qty
        self._say(f"{line.label}: +{qty} (this receipt {mine + qty:,} of {line.outstanding:,} outstanding)")
        self.quantity.setValue(1)
        self.reload()
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setObjectName("error" if error else "hint")
        self.message.style().polish(self.message)
        self.message.setText(text)

    def clear_receipt(self) -> None:
        self.pending.clear()
        self._say("")
        self.reload()

    def receive(self) -> bool:
        """Book this receipt: one transaction for every scanned line."""
        if not self.pending:
            return False
        try:
            po, changes = self.purchasing.receive(self.po_id, list(self.pending.items()))
        except InventoryError as exc:
            self._say(exc.message + (" " + " ".join(exc.details) if exc.details else ""), error=True)
            show_refusal(self, "Receipt refused", exc)
            return False
        count, units = sum(self.pending.values()), list(self.pending)
        self.pending.clear()
        self.state.notify(units)
        moved = "; ".join(f"{c.item_number}: {c.from_status} → {c.to_status}" for c in changes)
        self._say(f"Received {count:,} on {po.title}; it is now {po.state}." + (f" {moved}" if moved else ""))
        self.reload()
        return True

    def reject(self) -> None:
        count = sum(self.pending.values())
        if count and not confirm_destructive(
            self,
            "Discard this receipt",
            f"Discard this receipt of {count:,} item{'s' if count != 1 else ''} on {self.po.title}? "
            "It was not received.",
            "&Discard it",
        ):
            return
        super().reject()

    def _scanned(self) -> None:
        self.scan_code(self.scan.code())
        self.scan.clear()

    def keyPressEvent(self, event) -> None:
        """Enter in the scan field adds the scan; Enter never books the receipt."""
        if not handle_enter(self, event, {self.scan: self._scanned, self.quantity: self.scan.setFocus}):
            super().keyPressEvent(event)
