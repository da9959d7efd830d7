"""The import wizard's first pages: the product file (its format recognised from the header) and the store."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizardPage,
)

from desktop_app.errors import InventoryError


class FilePage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Choose a product file")
        self.setSubTitle(
            "A CSV exported by the storefront or by Shopify, or an .xlsx workbook with the same columns."
        )
        self.path = QLineEdit()
        self.path.setPlaceholderText("path to a .csv or .xlsx file")
        browse = QPushButton("Br&owse…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.detected = QLabel()
        self.detected.setWordWrap(True)
        self.detected.setTextFormat(Qt.TextFormat.RichText)
        self.ignored = QLabel()
        self.ignored.setWordWrap(True)
        self.ignored.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.detected)
        layout.addWidget(self.ignored)
        layout.addStretch()
        self.path.textChanged.connect(self.inspect)
        self.layout_ok = False

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Product file", str(Path.home()), "Product files (*.csv *.xlsx *.txt);;All files (*)"
        )
        if path:
            self.path.setText(path)

    def inspect(self) -> None:
        self.layout_ok = False
        path = self.path.text().strip()
        if not path:
            self.detected.clear()
            self.ignored.clear()
        elif not Path(path).is_file():
            self.detected.setText(f"<span style='color:#b3261e'>There is no file {path}</span>")
            self.ignored.clear()
        elif self.w.orders_flow.recognise(path, self.detected, self.ignored):
            self.layout_ok = True  # the storefront's orders export: its own pages (ui/storefront_import.py)
        else:
            try:
                info = self.w.state.inventory.inspect_file(path)
            except InventoryError as exc:
                self.detected.setText(f"<span style='color:#b3261e'>{exc.message}</span>")
                self.ignored.setText("\n".join(exc.details))
            else:
                self.layout_ok = True
                self.detected.setText(
                    f"<b>Detected:</b> {info.format_name} — {info.kind}<br>"
                    f"<b>Columns used ({len(info.used)}):</b> {', '.join(info.used)}"
                )
                self.ignored.setText(
                    f"Ignored ({len(info.ignored)}): {', '.join(info.ignored)}"
                    if info.ignored
                    else "No columns are ignored."
                )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.layout_ok


class OptionsPage(QWizardPage):
    def __init__(self, wizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Choose a store")
        self.setSubTitle("As in the storefront: status changes are triggered only when a store is selected.")
        self.no_store = QRadioButton("No store — counts change; statuses stay as they are")
        self.for_store = QRadioButton("For a store — count changes run that store's status rules:")
        self.store = QComboBox()
        self.store.addItems([s.name for s in wizard.state.stores])
        if wizard.state.current_store:
            self.store.setCurrentText(wizard.state.current_store)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setObjectName("hint")
        self.no_store.setChecked(True)
        self.for_store.setEnabled(self.store.count() > 0)
        self.skip_invalid = QCheckBox("Skip invalid rows (import the valid ones, list the rest)")
        self.update_only = QCheckBox(
            "Update only (unknown items and statuses are errors, nothing is created)"
        )
        store_row = QHBoxLayout()
        store_row.addWidget(self.for_store)
        store_row.addWidget(self.store, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.no_store)
        layout.addLayout(store_row)
        layout.addWidget(self.explain)
        layout.addSpacing(12)
        layout.addWidget(self.skip_invalid)
        layout.addWidget(self.update_only)
        layout.addStretch()
        for widget in (self.no_store, self.for_store):
            widget.toggled.connect(self._explain)
        self.store.currentTextChanged.connect(self._explain)
        self._explain()

    def chosen_store(self) -> str | None:
        return self.store.currentText() if self.for_store.isChecked() and self.store.currentText() else None

    def _explain(self) -> None:
        store = self.w.state.store(self.chosen_store())
        if store is None:
            self.explain.setText(
                "NumberInStock changes the counts only; no item changes status by itself. "
                "A ProductStatus cell still sets the status it names."
            )
        elif not store.track_inventory:
            self.explain.setText(f"{store.name} does not track inventory, so its rules change no status.")
        else:
            self.explain.setText(
                f"A count reaching 0 sets {store.name}'s Out of Stock status ({store.default_out_of_stock}; "
                f"{store.default_back_order} if back orders are allowed, {store.default_discontinued} if "
                f"discontinued); a count rising above 0 sets {store.default_in_stock}. A different ProductStatus "
                "in the same row wins."
            )
