"""``StatusesDialog``: the product statuses, with their five attributes; add, edit, delete."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.models import STATUS_FLAGS, Status
from ui import commands, look
from ui.state import AppState
from ui.widgets import fit_to_screen

FLAG_LABELS = {
    "unavailable": ("Unavailable", "The item cannot be ordered (it is still listed)"),
    "back_order": ("Allow back orders", "The item may be ordered beyond its stock; on hand may go below 0"),
    "hidden": ("Hidden", "The item is not listed in the catalog"),
    "show_quantity": ("Show quantity", "The storefront shows the on-hand count"),
}


class StatusesDialog(QDialog):
    """List, add, edit and delete product statuses."""

    def __init__(self, state: AppState, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.stack = stack
        self.setWindowTitle("Product statuses")
        self.setObjectName("StatusesDialog")

        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            ["Status", "Unavailable", "Back orders", "Hidden", "Show qty", "Ships in"]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)
        self.table.itemSelectionChanged.connect(self._selected)
        self.creating = False  # the form describes a new status (after "New status"), not the selected one

        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Made to Order")
        self.flags = {flag: QCheckBox(label) for flag, (label, _) in FLAG_LABELS.items()}
        for flag, box in self.flags.items():
            box.setToolTip(FLAG_LABELS[flag][1])
        self.ships_in = QLineEdit()
        self.ships_in.setPlaceholderText("optional, e.g. Usually ships in 2-3 weeks")
        self.form_box = form_box = QGroupBox("Status")
        form = QFormLayout(form_box)
        form.addRow("&Name", self.name)
        for box in self.flags.values():
            form.addRow("", box)
        form.addRow("Ships &in", self.ships_in)
        self.users = QLabel()
        self.users.setObjectName("hint")
        self.users.setWordWrap(True)
        form.addRow("", self.users)

        # "New status" empties the form for a new one; Save then adds it. Editing the selected status never
        # turns into adding a copy of it.
        self.new_button = QPushButton("Ne&w status")
        self.save_button = QPushButton("&Save changes")
        self.delete_button = QPushButton("&Delete…")
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.save_button)
        actions.addStretch()
        actions.addWidget(self.delete_button)
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("&Close")
        close.rejected.connect(self.reject)

        right = QVBoxLayout()
        right.addWidget(form_box)
        right.addLayout(actions)
        right.addWidget(self.message)
        right.addStretch()
        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)
        fit_to_screen(self, 1000, 460)
        self.name.textChanged.connect(self._update_buttons)
        self.reload()

    # -- list ----------------------------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        statuses = list(self.state.statuses.values())
        self.table.setRowCount(len(statuses))
        for row, status in enumerate(statuses):
            name = QTableWidgetItem(look.status_icon(status), status.name)
            name.setData(Qt.ItemDataRole.UserRole, status.id)
            self.table.setItem(row, 0, name)
            for col, flag in enumerate(STATUS_FLAGS, start=1):
                cell = QTableWidgetItem("✓" if getattr(status, flag) else "")
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, cell)
            ships_in = QTableWidgetItem(status.ships_in or "")
            ships_in.setToolTip(status.ships_in or "")
            self.table.setItem(row, 5, ships_in)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        names = [s.name for s in statuses]
        self.table.selectRow(names.index(select) if select in names else 0)
        self._update_buttons()

    def start_new(self) -> None:
        """An empty form for a new status; Save adds it (the selected status is left as it is)."""
        self.creating = True
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.blockSignals(False)
        self.form_box.setTitle("New status")
        self.name.clear()
        for box in self.flags.values():
            box.setChecked(False)
        self.ships_in.clear()
        self.users.clear()
        self.message.setText("Name the new status and choose its attributes, then Save.")
        self._update_buttons()
        self.name.setFocus()

    def selected(self) -> Status | None:
        if self.creating:
            return None
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.state.statuses.get(self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def _selected(self) -> None:
        if self.table.selectionModel().selectedRows():
            self.creating = False
        status = self.selected()
        if status is None:
            return
        self.form_box.setTitle(f"Status: {status.name}")
        self.name.setText(status.name)
        for flag, box in self.flags.items():
            box.setChecked(getattr(status, flag))
        self.ships_in.setText(status.ships_in or "")
        users = (
            self.state.attempt(self, "Status", lambda: self.state.inventory.status_users(status.name)) or []
        )
        self.users.setText("Used by " + "; ".join(users) if users else "Not used by any item or store.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        name = self.name.text().strip()
        status = self.selected()
        taken = self.state.status_by_name(name) if name else None
        if self.creating:
            self.save_button.setText("&Save new status")
            self.save_button.setEnabled(bool(name) and taken is None)
            self.save_button.setToolTip(f"'{name}' already exists" if taken else "")
        else:
            self.save_button.setText("&Save changes")
            self.save_button.setEnabled(
                status is not None and bool(name) and (taken is None or taken.id == status.id)
            )
            self.save_button.setToolTip("")
        self.delete_button.setEnabled(status is not None)

    def form_values(self) -> dict:
        return {
            **{flag: box.isChecked() for flag, box in self.flags.items()},
            "ships_in": self.ships_in.text(),
        }

    # -- actions -------------------------------------------------------------------------------------------------
    def _after(self, select: str | None = None):
        def refresh() -> None:
            self.creating = False
            self.state.refresh_statuses()
            self.state.refresh_stores()
            self.reload(select)

        return refresh

    def add(self) -> None:
        name, values = self.name.text().strip(), self.form_values()
        inventory = self.state.inventory
        if commands.push(
            self.stack,
            self.state,
            self,
            f"add status {name}",
            do=lambda: inventory.add_status(name, **values),
            undo=lambda: inventory.delete_status(name),
            after=self._after(name),
        ):
            self.message.setText(f"Added {name}.")

    def save(self) -> None:
        if self.creating:
            self.add()
            return
        status = self.selected()
        if status is None:
            return
        name, values = self.name.text().strip(), self.form_values()
        before = {**{flag: getattr(status, flag) for flag in STATUS_FLAGS}, "ships_in": status.ships_in or ""}
        inventory, old = self.state.inventory, status.name
        if name == old and values == before:
            self.message.setText("No changes to save.")
            return
        if commands.push(
            self.stack,
            self.state,
            self,
            f"edit status {old}",
            do=lambda: inventory.edit_status(old, rename=name, **values),
            undo=lambda: inventory.edit_status(name, rename=old, **before),
            after=self._after(name),
        ):
            self.state.notify()
            self.message.setText(f"Saved {name}.")

    def delete(self) -> None:
        status = self.selected()
        if status is None:
            return
        inventory = self.state.inventory
        users = self.state.attempt(self, "Status", lambda: inventory.status_users(status.name)) or []
        if not users:  # a status in use is refused by the service, naming who uses it
            answer = QMessageBox.question(
                self,
                "Delete status",
                f"Delete the status '{status.name}'? (Undo brings it back.)",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        values = {**{flag: getattr(status, flag) for flag in STATUS_FLAGS}, "ships_in": status.ships_in or ""}
        if commands.push(
            self.stack,
            self.state,
            self,
            f"delete status {status.name}",
            do=lambda: inventory.delete_status(status.name),
            undo=lambda: inventory.add_status(status.name, **values),
            after=self._after(),
        ):
            self.message.setText(f"Deleted {status.name}.")
