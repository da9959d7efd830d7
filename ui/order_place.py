"""Placing an order: ``PlaceOrderDialog`` (store, lines, what the store's rules will do) and ``ItemLookup``."""

from __future__ import annotations

import re

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import InventoryError
from desktop_app.queries import UnitQuery
from ui import look
from ui.entry_row import EntryRow, handle_enter
from ui.item_model import F
from ui.state import AppState
from ui.widgets import confirm_destructive, fit_within_screen

_LINE_NUMBER = re.compile(r"^lines? ([\d, ]+)")


class ItemLookup(QLineEdit):
    """An item-number field that suggests matching units from the database as you type."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setPlaceholderText("item number or name")
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)
        self.textEdited.connect(self._suggest)

    def _suggest(self, text: str) -> None:
        if len(text.strip()) < 1:
            return
        rows = self.state.inventory.view_page(UnitQuery(search=text.strip(), sort="item_number"), 0, 25)
        self._model.setStringList([r[F["item_number"]] for r in rows if r[F["item_number"]]])


class PlaceOrderDialog(QDialog):
    """Pick a store, items and quantities; a refusal is shown per line, as the core words it."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.order_id: int | None = None
        self.setWindowTitle("Place an order")
        self.setObjectName("PlaceOrderDialog")
        self.store = QComboBox()
        self.store.addItems([s.name for s in state.stores])
        if state.current_store:
            self.store.setCurrentText(state.current_store)
        self.store_info = QLabel()
        self.store_info.setObjectName("hint")
        self.store.currentTextChanged.connect(self._store_info)

        self.item = ItemLookup(state)
        self.entry = EntryRow(self.item, "&Item", maximum=1_000_000)
        self.quantity, add = self.entry.quantity, self.entry.add_button
        add.clicked.connect(self.add_from_fields)

        self.lines = QTableWidget(0, 3)
        self.lines.setHorizontalHeaderLabels(["Item", "Quantity", "Problem"])
        self.lines.horizontalHeader().setStretchLastSection(True)
        self.lines.verticalHeader().setDefaultSectionSize(24)
        self.lines.setColumnWidth(0, 180)
        self.lines.setTabKeyNavigation(False)
        remove = QPushButton("Re&move line")
        remove.clicked.connect(self.remove_line)
        self.problem = QLabel()
        self.problem.setObjectName("error")
        self.problem.setWordWrap(True)
        self.hint = QLabel(
            "Enter in Item moves to Quantity; Enter in Quantity adds the line. "
            "Nothing is placed until you press Place order (Alt+P)."
        )
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.place_button = self.buttons.addButton("&Place order", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.place)
        self.buttons.rejected.connect(self.reject)
        # No button is pressed by Enter from a field: Enter in a field adds a line or moves on (keyPressEvent).
        for button in (add, remove, *self.buttons.buttons()):
            button.setAutoDefault(False)
            button.setDefault(False)

        store_label = QLabel("S&tore")
        store_label.setBuddy(self.store)
        top = QHBoxLayout()
        top.addWidget(store_label)
        top.addWidget(self.store, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.store_info)
        layout.addWidget(self.entry)
        layout.addWidget(self.lines)
        layout.addWidget(remove, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.problem)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        for first, second in (
            (self.store, self.item),
            (self.item, self.quantity),
            (self.quantity, add),
            (add, self.lines),
            (self.lines, remove),
            (remove, self.place_button),
        ):
            QWidget.setTabOrder(first, second)
        fit_within_screen(self, 760, 460)
        self._store_info(self.store.currentText())

    def _store_info(self, name: str) -> None:
        store = self.state.store(name)
        if store is None:
            self.store_info.setText("Add a store first (Settings › Catalog › General).")
        elif store.track_inventory:
            moment = {"ordered": "placed", "paid": "paid", "shipped": "shipped"}[store.remove_when]
            self.store_info.setText(f"Tracks inventory; stock is removed when the order is {moment}.")
        else:
            self.store_info.setText("Does not track inventory: no stock is removed or checked.")

    def add_line(self, item: str, quantity: int) -> None:
        row = self.lines.rowCount()
        self.lines.insertRow(row)
        self.lines.setItem(row, 0, QTableWidgetItem(item))
        qty = QTableWidgetItem(str(quantity))
        qty.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.lines.setItem(row, 1, qty)
        self.lines.setItem(row, 2, QTableWidgetItem(""))

    def add_from_fields(self) -> None:
        if self.item.text().strip():
            self.add_line(self.item.text().strip(), self.quantity.value())
            self.entry.next_line()
            self.lines.scrollToBottom()
        self.item.setFocus()

    def reject(self) -> None:
        """Escape, Cancel or the close box: lines already entered are not thrown away without asking."""
        count = self.lines.rowCount() + (1 if self.item.text().strip() else 0)
        if (
            self.order_id is None
            and count
            and not confirm_destructive(
                self,
                "Discard this order",
                f"Discard the new order for {self.store.currentText()} with {count} "
                f"line{'s' if count != 1 else ''} ({', '.join(f'{i} × {q}' for i, q in self.wanted()[:4])}"
                f"{'…' if count > 4 else ''})? It was not placed.",
                "&Discard it",
            )
        ):
            return
        super().reject()

    def _item_entered(self) -> None:
        if self.item.text().strip():
            self.entry.to_quantity()
        elif self.lines.rowCount():
            self.problem.setText("")
            self.hint.setText(f"{self.lines.rowCount()} lines. Press Place order (Alt+P) to place the order.")

    def keyPressEvent(self, event) -> None:
        """Enter moves through the form: Item → Quantity → adds the line → Item. It never places the order."""
        if not handle_enter(self, event, {self.item: self._item_entered, self.quantity: self.add_from_fields}):
            super().keyPressEvent(event)

    def remove_line(self) -> None:
        for index in sorted({i.row() for i in self.lines.selectedIndexes()}, reverse=True):
            self.lines.removeRow(index)

    def wanted(self) -> list[tuple[str, int]]:
        out = []
        for row in range(self.lines.rowCount()):
            item = (self.lines.item(row, 0).text() if self.lines.item(row, 0) else "").strip()
            qty_text = (self.lines.item(row, 1).text() if self.lines.item(row, 1) else "").strip()
            qty = int(qty_text) if qty_text.lstrip("-").isdigit() else 0
            out.append((item, qty))
        return out

    def place(self) -> None:
        self.add_from_fields()
        for row in range(self.lines.rowCount()):
            for col in range(3):
                cell = self.lines.item(row, col)
                if cell:
                    cell.setBackground(QColor(0, 0, 0, 0))
            self.lines.item(row, 2).setText("")
        try:
            self.order_id = self.state.inventory.place_order(self.store.currentText(), self.wanted())
        except InventoryError as exc:
            self.show_problems(exc)
            return
        self.accept()

    def show_problems(self, exc: InventoryError) -> None:
        self.problem.setText(exc.message)
        for detail in exc.details:
            match = _LINE_NUMBER.match(detail)
            if not match:
                continue
            reason = detail.split(": ", 1)[-1]
            for number in match.group(1).replace(" ", "").split(","):
                row = int(number) - 1
                if 0 <= row < self.lines.rowCount():
                    self.lines.item(row, 2).setText(reason)
                    self.lines.item(row, 2).setToolTip(reason)
                    for col in range(3):
                        self.lines.item(row, col).setBackground(look.INVALID_BG)
