"""The purchase order editor: supplier, store, expected date, lines by search or scan; Order, Receive, Close,
Cancel, export to CSV and print to PDF (SPEC section 8)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import Conflict, InventoryError
from desktop_app.purchasing_models import PurchaseOrder, money_text
from ui.entry_row import EntryRow, handle_enter, is_enter
from ui.purchase_actions import PoEventActions
from ui.purchase_lines import CodeField, cents_from_text
from ui.state import AppState, show_refusal
from ui.widgets import confirm_destructive, fit_within_screen, when_text

COLUMNS = ["Item", "Name", "Quantity", "Unit cost", "Received", "Outstanding"]
QTY, COST = 2, 3
NO_STORE = "(no store: receipts are manual)"


class PurchaseOrderEditor(PoEventActions, QDialog):
    """One PO: a draft is edited here; an ordered PO is received, closed or cancelled from here."""

    def __init__(self, state: AppState, po_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.purchasing = state.inventory.purchasing
        self.po_id = po_id
        self.po: PurchaseOrder | None = None
        self.dirty = False
        self._filling = False
        self._units: list[int] = []  # unit id of each table row
        self._picked = False

        self.supplier = QComboBox()
        self.supplier.setEditable(True)
        self.supplier.addItems(self.purchasing.suppliers())
        self.supplier.setCurrentText("")
        self.store = QComboBox()
        self.store.addItem(NO_STORE, None)
        for store in state.inventory.stores():
            self.store.addItem(store.name, store.name)
        self.expected = QLineEdit()
        self.expected.setPlaceholderText("YYYY-MM-DD (optional)")
        self.info = QLabel()
        self.info.setObjectName("hint")

        self.entry = EntryRow(CodeField(), "&Code")
        self.code, self.quantity, self.add_button = self.entry.field, self.entry.quantity, self.entry.add_button
        self.add_button.clicked.connect(self.add_from_fields)
        self.matches = QListWidget()  # what a search finds, to pick from (Enter or double-click)
        self.matches.setMaximumHeight(110)
        self.matches.hide()
        self.matches.itemActivated.connect(self._pick)
        self.lines = QTableWidget(0, len(COLUMNS))
        self.lines.setHorizontalHeaderLabels(COLUMNS)
        self.lines.verticalHeader().hide()
        self.lines.setTabKeyNavigation(False)
        self.lines.horizontalHeader().setStretchLastSection(True)
        self.lines.setColumnWidth(0, 150)
        self.lines.setColumnWidth(1, 260)
        self.lines.itemChanged.connect(self._cell_changed)
        self.remove_button = QPushButton("Re&move line")
        self.remove_button.clicked.connect(self.remove_line)
        self.problem = QLabel()
        self.problem.setObjectName("error")
        self.problem.setWordWrap(True)
        self.hint = QLabel(
            "Enter in the code field finds the item and moves to Quantity; Enter in Quantity adds the line. "
            "Nothing is ordered until you press Order."
        )
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)

        self.save_button = QPushButton("&Save draft")
        self.order_button = QPushButton("&Order")
        self.receive_button = QPushButton("&Receive…")
        self.close_po_button = QPushButton("C&lose PO…")
        self.cancel_po_button = QPushButton("Ca&ncel PO…")
        self.csv_button = QPushButton("E&xport CSV…")
        self.pdf_button = QPushButton("&Print to PDF…")
        self.done_button = QPushButton("Close &window")
        for button, slot in (
            (self.save_button, self.save),
            (self.order_button, self.order),
            (self.receive_button, self.receive),
            (self.close_po_button, self.close_po),
            (self.cancel_po_button, self.cancel_po),
            (self.csv_button, self.export_csv),
            (self.pdf_button, self.print_pdf),
            (self.done_button, self.reject),
        ):
            button.clicked.connect(slot)

        form = QGridLayout()
        for row, (text, widget) in enumerate(
            (("S&upplier", self.supplier), ("S&tore", self.store), ("&Expected", self.expected))
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addWidget(label, row, 0)
            form.addWidget(widget, row, 1)
        form.addWidget(self.info, 0, 2, 3, 1, Qt.AlignmentFlag.AlignTop)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(2, 1)
        actions = QHBoxLayout()
        for button in (
            self.save_button,
            self.order_button,
            self.receive_button,
            self.close_po_button,
            self.cancel_po_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.csv_button, self.pdf_button, self.done_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.entry)
        layout.addWidget(self.matches)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.problem)
        layout.addWidget(self.hint)
        layout.addLayout(actions)

        # No button is Enter's default (Enter moves through the form); found once all are in the layout.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.supplier.editTextChanged.connect(self._changed)
        self.store.currentIndexChanged.connect(self._changed)
        self.expected.textEdited.connect(self._changed)
        fit_within_screen(self, 980, 620)
        self.reload()

    # -- showing ----------------------------------------------------------------------------------------
    @property
    def editable(self) -> bool:
        return self.po is None or self.po.state == "draft"

    @property
    def title_text(self) -> str:
        return (
            self.po.title
            if self.po
            else f"the new PO ({self.supplier.currentText().strip() or 'no supplier'})"
        )

    def reload(self) -> None:
        self._filling = True
        try:
            if self.po_id is not None:
                self.po = self.purchasing.get(self.po_id)
                po = self.po
                self.supplier.setCurrentText(po.supplier)
                self.store.setCurrentIndex(max(0, self.store.findData(po.store)) if po.store else 0)
                self.expected.setText(po.expected.isoformat() if po.expected else "")
                self.lines.setRowCount(0)
                self._units = []
                for line in po.lines:
                    self._append(
                        line.unit_id,
                        line.label,
                        line.name,
                        line.quantity,
                        line.unit_cost_cents,
                        line.received,
                        line.outstanding,
                    )
            self.dirty = False
        finally:
            self._filling = False
        self._refresh_state()

    def _refresh_state(self) -> None:
        state = self.po.state if self.po else "new"
        self.setWindowTitle(
            (f"Purchase order {self.po.id} — {state}" if self.po else "New purchase order")
            + (" *" if self.dirty else "")
        )
        if self.po:
            bits = [f"State: {state}", f"created {when_text(self.po.created_at, '%Y-%m-%d %H:%M')}"]
            if self.po.ordered_at:
                bits.append(f"ordered {when_text(self.po.ordered_at, '%Y-%m-%d %H:%M')}")
            outstanding, total = (
                self._on_screen_totals() if self.dirty else (self.po.outstanding, self.po.total_cents)
            )
            bits.append(f"outstanding {outstanding:,}")
            if total is not None:
                bits.append(f"total {money_text(total)}")
            self.info.setText(" · ".join(bits) + (" (not saved yet)" if self.dirty else ""))
        else:
            self.info.setText("State: new (not saved yet)")
        editable = self.editable
        for widget in (
            self.supplier,
            self.store,
            self.expected,
            self.code,
            self.quantity,
            self.add_button,
            self.remove_button,
            self.save_button,
        ):
            widget.setEnabled(editable)
        ordered = self.po is not None and self.po.state == "ordered"
        self.order_button.setEnabled(editable)
        self.receive_button.setEnabled(ordered)
        self.close_po_button.setEnabled(ordered)
        self.cancel_po_button.setEnabled(
            self.po is not None
            and self.po.state in ("draft", "ordered")
            and not any(line.received for line in self.po.lines)
        )
        self.csv_button.setEnabled(self.po is not None)
        self.pdf_button.setEnabled(self.po is not None)
        triggers = QTableWidget.EditTrigger
        self.lines.setEditTriggers(
            triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed
            if editable
            else triggers.NoEditTriggers
        )

    def _on_screen_totals(self) -> tuple[int, int | None]:
        """Outstanding and total of the lines as they are on screen (a cell being typed counts as 0)."""
        outstanding, costs = 0, []
        for row in range(self.lines.rowCount()):
            left, qty = self.lines.item(row, 5).text().strip(), self.lines.item(row, QTY).text().strip()
            outstanding += int(left) if left.isdigit() else 0
            try:
                cents = cents_from_text(self.lines.item(row, COST).text())
            except ValueError:
                cents = None
            if cents is not None:
                costs.append(cents * (int(qty) if qty.isdigit() else 0))
        return outstanding, (sum(costs) if costs else None)

    def _append(self, unit_id, label, name, qty, cost, received=0, outstanding=None) -> None:
        row = self.lines.rowCount()
        self.lines.insertRow(row)
        self._units.append(unit_id)
        values = [
            label,
            name,
            str(qty),
            money_text(cost),
            str(received),
            str(qty - received if outstanding is None else outstanding),
        ]
        for col, text in enumerate(values):
            cell = QTableWidgetItem(text)
            flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
            if col in (QTY, COST) and self.editable:
                flags |= Qt.ItemFlag.ItemIsEditable
            cell.setFlags(flags)  # read-only cells swallow typing
            if col >= QTY:
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.lines.setItem(row, col, cell)

    # -- editing ----------------------------------------------------------------------------------------
    def _changed(self, *_args) -> None:
        if not self._filling and self.editable:
            self.dirty = True
            self._refresh_state()

    def _cell_changed(self, cell: QTableWidgetItem) -> None:
        if self._filling:
            return
        if cell.column() == QTY:
            self._set_cell(cell.row(), 5, cell.text().strip())
        self._changed()

    def _set_cell(self, row: int, col: int, text: str) -> None:
        self._filling = True
        try:
            self.lines.item(row, col).setText(text)
        finally:
            self._filling = False

    def add_from_fields(self) -> None:
        code = self.code.code()
        if not code:
            self.code.setFocus()
            return
        try:
            unit = self.purchasing.lookup(code)
        except InventoryError:
            self.find_code()
            return
        self.add_unit(unit, self.quantity.value())
        self.entry.next_line()

    def add_unit(self, unit, qty: int) -> None:
        """Add ``qty`` of a unit: a unit already on the PO gets it added to its line."""
        if unit.unit_id in self._units:
            row = self._units.index(unit.unit_id)
            old = (
                int(self.lines.item(row, QTY).text() or 0)
                if self.lines.item(row, QTY).text().isdigit()
                else 0
            )
            self.lines.item(row, QTY).setText(str(old + qty))
        else:
            self._filling = True
            try:
                self._append(unit.unit_id, unit.label, unit.name, qty, None)
            finally:
                self._filling = False
        self.problem.setText(
            f"Added {qty} × {unit.label}" + (f" (supplier {unit.supplier})" if unit.supplier else "")
        )
        self.problem.setObjectName("hint")
        self.problem.style().polish(self.problem)
        self.lines.scrollToBottom()
        self._changed()

    def remove_line(self) -> None:
        for row in sorted({i.row() for i in self.lines.selectedIndexes()}, reverse=True):
            self.lines.removeRow(row)
            del self._units[row]
            self._changed()

    def wanted(self) -> list[tuple[int, int, int | None]]:
        """The lines as the service takes them; a bad cell raises InventoryError naming the row and column."""
        out = []
        for row, unit_id in enumerate(self._units):
            label = self.lines.item(row, 0).text()
            qty_text = self.lines.item(row, QTY).text().strip()
            if not qty_text.isdigit() or int(qty_text) < 1:
                raise InventoryError(
                    f"row {row + 1} ({label}), Quantity: '{qty_text}' is not a whole number of at least 1"
                )
            try:
                cost = cents_from_text(self.lines.item(row, COST).text())
            except ValueError as exc:
                raise InventoryError(f"row {row + 1} ({label}), Unit cost: {exc}") from None
            out.append((unit_id, int(qty_text), cost))
        return out

    def _show_error(self, title: str, exc: InventoryError) -> None:
        self.problem.setObjectName("error")
        self.problem.style().polish(self.problem)
        self.problem.setText(exc.message + ("\n" + "\n".join(exc.details[:6]) if exc.details else ""))
        show_refusal(self, title, exc)

    # -- actions ----------------------------------------------------------------------------------------
    def save(self) -> bool:
        """Save the draft (a new PO is created as a draft). Returns whether it was saved."""
        if not self.editable:
            return True
        try:
            lines = self.wanted()
            fields = {
                "store": self.store.currentData(),
                "expected": self.expected.text().strip() or None,
            }
            if self.po_id is None:
                self.po_id = self.purchasing.create(self.supplier.currentText(), lines, **fields)
            else:
                self.purchasing.update_draft(
                    self.po_id,
                    supplier=self.supplier.currentText(),
                    lines=lines,
                    version=self.po.version if self.po else None,
                    **fields,
                )
        except Conflict as exc:
            self._offer_reload(exc)
            return False
        except InventoryError as exc:
            self._show_error("Purchase order not saved", exc)
            return False
        self.reload()
        self.problem.setText(f"Saved {self.po.title} as a draft.")
        return True

    def _offer_reload(self, exc: Conflict) -> None:
        """Another workstation saved this draft since it was opened: say so, and reload only if asked."""
        self.problem.setObjectName("error")
        self.problem.style().polish(self.problem)
        self.problem.setText(exc.message)
        if confirm_destructive(
            self,
            "Purchase order changed elsewhere",
            f"{exc.message}\n\nReload {self.po.title} now? Your unsaved changes in this window are lost.",
            "&Reload it",
            "Keep &my changes",
        ):
            self.reload()
            self.problem.setText(f"Reloaded {self.po.title} as the other workstation saved it.")

    def order(self) -> None:
        if (self.dirty or self.po_id is None) and not self.save():
            return
        try:
            self.po = self.purchasing.order(self.po_id, version=self.po.version)
        except Conflict as exc:
            self._offer_reload(exc)
            return
        except InventoryError as exc:
            self._show_error("Purchase order not ordered", exc)
            return
        self.reload()
        self.state.notify(self._units)
        self.problem.setText(f"Ordered {self.po.title}: {self.po.outstanding:,} now on order.")

    def receive(self) -> None:
        from ui.purchase_receive import ReceiveDialog

        ReceiveDialog(self.state, self.po_id, self).exec()
        self.reload()

    def reject(self) -> None:
        """Escape or Close window: unsaved changes to a draft are not thrown away without asking."""
        if self.dirty and not confirm_destructive(
            self,
            "Discard changes",
            f"Discard the unsaved changes to {self.title_text}?",
            "&Discard them",
        ):
            return
        super().reject()

    def keyPressEvent(self, event) -> None:
        """Enter moves through the form; it never orders, receives or closes the PO."""
        if self._picked and is_enter(event):  # the Enter that picked a search result: it only moves on
            self._picked = False
            event.accept()
            return
        if not handle_enter(self, event, {self.code: self.find_code, self.quantity: self.add_from_fields}):
            super().keyPressEvent(event)
