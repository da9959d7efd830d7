"""``StoreSettingsDialog``: Settings > Catalog > General, one store at a time, as the storefront words it."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.models import Store
from ui import commands, look
from ui.state import AppState
from ui.widgets import fit_within_screen

DEFAULTS = (
    ("default_in_stock", "Default In Stock status", "when stock goes from 0 or less to above 0"),
    (
        "default_out_of_stock",
        "Default Out of Stock status",
        "when stock reaches 0 and the item's status does not allow back orders",
    ),
    (
        "default_back_order",
        "Default Back Order status",
        "when stock reaches 0 or below and the item's status allows back orders",
    ),
    (
        "default_discontinued",
        "Default Discontinued status",
        "when stock reaches 0 and the product is marked discontinued",
    ),
)
REMOVE_WHEN = (
    ("ordered", "Ordered", "as soon as the order is placed"),
    ("paid", "Paid", "when the order's payment is approved"),
    ("shipped", "Shipped", "when the order is marked shipped"),
)


class StoreSettingsDialog(QDialog):
    """Choose a store, set its inventory settings, Save."""

    def __init__(
        self, state: AppState, stack: QUndoStack, parent: QWidget | None = None, store: str | None = None
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.stack = stack
        self.setWindowTitle("Settings › Catalog › General")
        self.setObjectName("StoreSettingsDialog")

        self.store = QComboBox()
        self.store.setMinimumWidth(220)
        add_store = QPushButton("&Add store…")
        add_store.clicked.connect(self.add_store)
        top = QHBoxLayout()
        top.addWidget(QLabel("Store name"))
        top.addWidget(self.store, 1)
        top.addWidget(add_store)
        hint = QLabel("These settings are store-specific: select the store you are setting up.")
        hint.setObjectName("hint")

        self.tracking = QCheckBox("Enable inventory tracking")
        self.remove_when = QButtonGroup(self)
        remove_box = QGroupBox("Remove from inventory when")
        remove_layout = QVBoxLayout(remove_box)
        self.remove_buttons: dict[str, QRadioButton] = {}
        for key, label, explanation in REMOVE_WHEN:
            button = QRadioButton(f"{label} — {explanation}")
            self.remove_when.addButton(button)
            self.remove_buttons[key] = button
            remove_layout.addWidget(button)

        defaults_box = QGroupBox("Default statuses, set automatically when stock crosses zero")
        form = QFormLayout(defaults_box)
        self.defaults: dict[str, QComboBox] = {}
        for key, label, explanation in DEFAULTS:
            combo = QComboBox()
            combo.setToolTip(f"Products get this status {explanation}.")
            self.defaults[key] = combo
            row = QVBoxLayout()
            row.setSpacing(1)
            row.addWidget(combo)
            small = QLabel(explanation[0].upper() + explanation[1:])
            small.setObjectName("hint")
            row.addWidget(small)
            form.addRow(label, row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Save")
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("&Close")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.saved = QLabel()
        self.saved.setObjectName("hint")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.tracking)
        layout.addWidget(remove_box)
        layout.addWidget(defaults_box)
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        self._loaded: str | None = None  # the store whose settings the widgets show
        self._loading = False
        self._fill_statuses()
        self._fill_stores(store or state.current_store)
        self.store.currentTextChanged.connect(self._switch_store)
        self.tracking.toggled.connect(self._tracking_toggled)
        self.tracking.toggled.connect(self._edited)
        self.remove_when.buttonToggled.connect(self._edited)
        for combo in self.defaults.values():
            combo.currentTextChanged.connect(self._edited)
        self.load(self.store.currentText())
        self.setMinimumWidth(600)
        hint = self.sizeHint()
        fit_within_screen(self, 600, hint.height())

    def _fill_statuses(self) -> None:
        for combo in self.defaults.values():
            combo.clear()
            for status in self.state.statuses.values():
                combo.addItem(look.status_icon(status), status.name)

    def _fill_stores(self, select: str | None) -> None:
        self.store.blockSignals(True)
        self.store.clear()
        self.store.addItems([s.name for s in self.state.stores])
        if select:
            self.store.setCurrentText(select)
        self.store.blockSignals(False)

    def _tracking_toggled(self, on: bool) -> None:
        for button in self.remove_buttons.values():
            button.setEnabled(on)

    # -- unsaved changes -----------------------------------------------------------------------------------------
    def stored(self, store: Store) -> dict:
        return {
            "track_inventory": store.track_inventory,
            "remove_when": store.remove_when,
            **{key: getattr(store, key) for key, _, _ in DEFAULTS},
        }

    def is_dirty(self) -> bool:
        store = self.current()
        return store is not None and self.settings() != self.stored(store)

    def _edited(self, *_args) -> None:
        if self._loading:
            return
        store = self.current()
        self.saved.setText(f"Unsaved changes to {store.name}." if store and self.is_dirty() else "")

    def resolve_unsaved(self) -> bool:
        """Before the shown settings are left: Save, Discard or Cancel (the default). True = go on."""
        if not self.is_dirty():
            return True
        name = self.current().name
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Unsaved store settings",
            f"The settings of {name} have unsaved changes.",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText("Save them, discard them, or go back to them (Cancel)?")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.setObjectName("unsaved")
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def discard_changes(self) -> None:
        """Show the stored settings again."""
        if self._loaded is not None:
            self.load(self._loaded)

    def _switch_store(self, name: str) -> None:
        if name == self._loaded:
            return
        if not self.resolve_unsaved():
            self.store.blockSignals(True)
            self.store.setCurrentText(self._loaded or "")
            self.store.blockSignals(False)
            return
        self.load(name)

    def reject(self) -> None:
        """Escape, Close and the window's close box all come here: unsaved changes ask first."""
        if self.resolve_unsaved():
            super().reject()

    # -- load / save ---------------------------------------------------------------------------------------------
    def current(self) -> Store | None:
        return self.state.store(self._loaded)

    def load(self, name: str) -> None:
        self._loading = True
        try:
            self._load(name)
        finally:
            self._loading = False

    def _load(self, name: str) -> None:
        store = self.state.store(name)
        self._loaded = store.name if store else None
        enabled = store is not None
        for widget in (self.tracking, *self.remove_buttons.values(), *self.defaults.values()):
            widget.setEnabled(enabled)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(enabled)
        self.saved.setText("" if enabled else "Add a store to set it up.")
        if store is None:
            return
        self.tracking.setChecked(store.track_inventory)
        self.remove_buttons[store.remove_when].setChecked(True)
        self._tracking_toggled(store.track_inventory)
        for key, combo in self.defaults.items():
            combo.setCurrentText(getattr(store, key))

    def settings(self) -> dict:
        remove_when = next(key for key, b in self.remove_buttons.items() if b.isChecked())
        return {
            "track_inventory": self.tracking.isChecked(),
            "remove_when": remove_when,
            **{key: combo.currentText() for key, combo in self.defaults.items()},
        }

    def save(self) -> bool:
        store = self.current()
        if store is None:
            return False
        after = self.settings()
        before = self.stored(store)
        if after == before:
            self.saved.setText("No changes to save.")
            return True
        inventory, name = self.state.inventory, store.name

        def refreshed() -> None:
            self.state.refresh_stores()
            self.state.notify()

        done = commands.push(
            self.stack,
            self.state,
            self,
            f"store settings of {name}",
            do=lambda: inventory.set_store(name, **after),
            undo=lambda: inventory.set_store(name, **before),
            after=refreshed,
        )
        if done:
            self.saved.setText(f"Saved the settings of {name}.")
        return done

    def add_store(self) -> None:
        if not self.resolve_unsaved():
            return
        name, ok = QInputDialog.getText(self, "Add store", "Name of the new store:")
        if not ok or not name.strip():
            return
        created = self.state.attempt(self, "Add store", lambda: self.state.inventory.add_store(name))
        if created is not None:
            self.state.refresh_stores()
            self._fill_stores(created.name)
            self.load(self.store.currentText())
            self.saved.setText(f"Added {created.name}: tracking starts off; set it up and Save.")
