"""Orders: a list with pay / ship / cancel / delete / return, and the dialogs to place and return one."""

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
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import InventoryError
from desktop_app.models import Order
from desktop_app.queries import UnitQuery
from ui import look
from ui.item_model import F
from ui.state import AppState, show_refusal
from ui.widgets import confirm_destructive, fit_within_screen, read_only_table, when_text, when_tooltip

STATE_COLORS = {
    "placed": look.BLUE,
    "paid": look.GREEN,
    "shipped": look.GREY,
    "returned": look.AMBER,
    "cancelled": look.RED,
}
_LINE_NUMBER = re.compile(r"^lines? ([\d, ]+)")
VERB_LABELS = {
    "pay": "&Pay",
    "ship": "&Ship",
    "cancel": "&Cancel order…",
    "return": "&Return…",
    "delete": "&Delete…",
}


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
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 1_000_000)
        add = QPushButton("&Add line")
        add.clicked.connect(self.add_from_fields)
        item_label = QLabel("&Item")
        item_label.setBuddy(self.item)
        quantity_label = QLabel("&Quantity")
        quantity_label.setBuddy(self.quantity)
        entry = QHBoxLayout()
        entry.addWidget(item_label)
        entry.addWidget(self.item, 1)
        entry.addWidget(quantity_label)
        entry.addWidget(self.quantity)
        entry.addWidget(add)

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
        layout.addLayout(entry)
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
            self.item.clear()
            self.quantity.setValue(1)
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

    def keyPressEvent(self, event) -> None:
        """Enter moves through the form: Item → Quantity → adds the line → Item. It never places the order."""
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or event.modifiers() & ~(
            Qt.KeyboardModifier.KeypadModifier
        ):
            super().keyPressEvent(event)
            return
        focus = self.focusWidget()
        if focus is self.item:
            if self.item.text().strip():
                self.quantity.setFocus(Qt.FocusReason.TabFocusReason)
                self.quantity.selectAll()
            elif self.lines.rowCount():
                self.problem.setText("")
                self.hint.setText(
                    f"{self.lines.rowCount()} lines. Press Place order (Alt+P) to place the order."
                )
        elif focus in (self.quantity, self.quantity.lineEdit()):
            self.add_from_fields()
        elif isinstance(focus, QPushButton):
            focus.click()  # the person moved to this button: Enter presses it, like Space
        elif focus is not None:
            self.focusNextChild()
        event.accept()

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


class ReturnDialog(QDialog):
    """How many of each shipped line come back."""

    def __init__(self, order: Order, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.order = order
        self.setWindowTitle(f"Return from order {order.id}")
        self.table = QTableWidget(len(order.lines), 3)
        self.table.setHorizontalHeaderLabels(["Item", "Shipped / returned", "Return now"])
        self.spins: list[QSpinBox] = []
        for row, line in enumerate(order.lines):
            self.table.setItem(row, 0, QTableWidgetItem(line.item_number or ""))
            self.table.setItem(row, 1, QTableWidgetItem(f"{line.quantity} / {line.returned}"))
            spin = QSpinBox()
            spin.setRange(0, line.quantity - line.returned)
            spin.setValue(line.quantity - line.returned)
            self.table.setCellWidget(row, 2, spin)
            self.spins.append(spin)
        self.table.resizeColumnsToContents()
        note = QLabel("What was removed from stock for these lines is put back (never more).")
        note.setObjectName("hint")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        fit_within_screen(
            self, max(420, self.table.horizontalHeader().length() + 60), 160 + 30 * len(order.lines)
        )

    def wanted(self) -> list[tuple[str, int]]:
        return [
            (line.item_number, spin.value())
            for line, spin in zip(self.order.lines, self.spins, strict=True)
            if spin.value()
        ]


class OrdersDialog(QDialog):
    """Orders of every store, newest first, and what can happen to each."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Orders")
        self.setObjectName("OrdersDialog")
        self.orders: list[Order] = []
        self.store = QComboBox()
        self.state_filter = QComboBox()
        self.state_filter.addItems(
            ["Open (placed or paid)", "All", "placed", "paid", "shipped", "returned", "cancelled"]
        )
        self.store.currentIndexChanged.connect(self.reload)
        self.state_filter.currentIndexChanged.connect(self.reload)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Store"))
        filters.addWidget(self.store)
        filters.addWidget(QLabel("Show"))
        filters.addWidget(self.state_filter)
        filters.addStretch()

        self.table = read_only_table(["Order", "Store", "State", "Paid", "Lines", "Placed", "Storefront order", "From"])
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; it never walks to another order
        self.table.horizontalHeaderItem(5).setToolTip("Local time; hover over a time for its zone and UTC")
        self.table.itemSelectionChanged.connect(self._selected)
        self.lines = read_only_table(
            ["Item", "Quantity", "Removed", "Put back", "Returned"], select_rows=False
        )
        self.lines.setTabKeyNavigation(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.lines)
        splitter.setSizes([300, 160])

        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        new = QPushButton("&New order…")
        new.clicked.connect(self.new_order)
        actions.addWidget(new)
        actions.addSpacing(16)
        for verb in ("pay", "ship", "cancel", "return", "delete"):
            button = QPushButton(VERB_LABELS[verb])
            button.clicked.connect(lambda _=False, v=verb: self.act(v))
            self.buttons[verb] = button
            actions.addWidget(button)
        actions.addStretch()
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        actions.addWidget(close)
        # Enter never presses an action button: only a click, Space on the focused button, or its Alt key.
        for button in (new, close, *self.buttons.values()):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.message = QLabel()
        self.message.setObjectName("hint")

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        fit_within_screen(self, 820, 560)
        self._fill_stores()
        state.stores_changed.connect(self._fill_stores)

    def _fill_stores(self) -> None:
        current = self.store.currentText()
        self.store.blockSignals(True)
        self.store.clear()
        self.store.addItem("All stores")
        self.store.addItems([s.name for s in self.state.stores])
        self.store.setCurrentText(current or "All stores")
        self.store.blockSignals(False)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        store = None if self.store.currentIndex() <= 0 else self.store.currentText()
        choice = self.state_filter.currentText()
        states = ["placed", "paid"] if choice.startswith("Open") else None if choice == "All" else [choice]
        selected = select if isinstance(select, int) else (self.selected().id if self.selected() else None)
        self.orders = (
            self.state.attempt(
                self, "Orders", lambda: self.state.inventory.orders(store=store, states=states)
            )
            or []
        )
        self.table.setRowCount(len(self.orders))
        for row, order in enumerate(self.orders):
            cells = [
                str(order.id),
                order.store,
                order.state,
                "yes" if order.paid else "",
                ", ".join(f"{ln.item_number} × {ln.quantity}" for ln in order.lines),
                when_text(order.placed_at, "%Y-%m-%d %H:%M"),
                order.name or "",  # the storefront's own name (#1001) of an imported order
                "storefront export" if order.source == "storefront" else "editor",
            ]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if col == 2:
                    cell.setForeground(STATE_COLORS.get(order.state, look.GREY))
                if col == 5:
                    cell.setToolTip(when_tooltip(order.placed_at))
                self.table.setItem(row, col, cell)
        self.table.resizeColumnsToContents()
        ids = [o.id for o in self.orders]
        if selected in ids:
            self.table.selectRow(ids.index(selected))
        elif ids and select is None:
            self.table.selectRow(0)
        else:
            # The order acted on left this list: select nothing rather than some other order.
            self.table.clearSelection()
        self._selected()

    def selected(self) -> Order | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.orders[rows[0].row()] if rows and rows[0].row() < len(self.orders) else None

    def _selected(self) -> None:
        order = self.selected()
        lines = order.lines if order else ()
        self.lines.setRowCount(len(lines))
        for row, line in enumerate(lines):
            for col, value in enumerate(
                [line.item_number or "", line.quantity, line.removed, line.restored, line.returned]
            ):
                self.lines.setItem(row, col, QTableWidgetItem(str(value)))
        state = order.state if order else None
        allowed = {
            "pay": state in ("placed", "shipped", "returned") and not (order and order.paid),
            "ship": state in ("placed", "paid"),
            "cancel": state in ("placed", "paid"),
            "return": state == "shipped",
            "delete": order is not None,
        }
        for verb, button in self.buttons.items():
            button.setEnabled(bool(allowed[verb]))

    def new_order(self) -> None:
        dialog = PlaceOrderDialog(self.state, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.order_id is not None:
            order = self.state.inventory.order(dialog.order_id)
            self.state.notify(line.unit_id for line in order.lines)
            self.state_filter.setCurrentIndex(0)
            self.reload(dialog.order_id)

    def act(self, verb: str) -> None:
        order = self.selected()
        if order is None:
            return
        inventory = self.state.inventory
        if verb == "return":
            dialog = ReturnDialog(order, self)
            if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.wanted():
                return
            run = lambda: inventory.return_order(order.id, dialog.wanted())  # noqa: E731
        elif verb in ("delete", "cancel"):
            lines = ", ".join(f"{ln.item_number} × {ln.quantity}" for ln in order.lines)
            if verb == "delete":
                effect = (
                    "What it removed from stock is put back." if order.is_open else "Stock does not change."
                )
            else:
                effect = "What it removed from stock is put back."
            if not confirm_destructive(
                self,
                f"{verb.capitalize()} order {order.id}",
                f"{verb.capitalize()} order {order.id} of {order.store} ({order.state}): {lines}?\n{effect}",
                f"{verb.capitalize()} order {order.id}",
            ):
                self.table.setFocus()
                return
            run = lambda: getattr(inventory, f"{verb}_order")(order.id)  # noqa: E731
        else:
            run = lambda: getattr(inventory, f"{verb}_order")(order.id)  # noqa: E731
        try:
            run()
        except InventoryError as exc:
            show_refusal(self, f"{verb.capitalize()} order {order.id}", exc)
            return
        self.state.notify(line.unit_id for line in order.lines)
        self.reload(order.id)
        past = {
            "pay": "paid",
            "ship": "shipped",
            "cancel": "cancelled",
            "return": "returned",
            "delete": "deleted",
        }
        shown = self.selected() is not None and self.selected().id == order.id
        self.message.setText(
            f"Order {order.id} {past[verb]}."
            + (
                ""
                if shown
                else f" It is not in this list ({self.state_filter.currentText()}); nothing is selected."
            )
        )
        self.table.setFocus()
