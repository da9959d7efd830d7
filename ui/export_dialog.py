"""``ExportDialog``: every product and variant to a CSV, in the storefront's columns or as Shopify's."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import InventoryError
from ui.state import AppState
from ui.worker import Job, start


class ExportDialog(QDialog):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Export products")
        self.setObjectName("ExportDialog")
        self.storefront = QRadioButton(
            "Storefront columns (ItemID, ItemNumber, NumberInStock…): imports back unchanged"
        )
        self.shopify = QRadioButton("Shopify product CSV (Handle, Variant SKU, Variant Inventory Qty…)")
        self.storefront.setChecked(True)
        self.path = QLineEdit(str(Path.home() / "products.csv"))
        browse = QPushButton("B&rowse…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton("&Export", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Format"))
        layout.addWidget(self.storefront)
        layout.addWidget(self.shopify)
        layout.addWidget(QLabel("File"))
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.job: Job | None = None

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.path.text(), "CSV (*.csv);;Excel workbook (*.xlsx)"
        )
        if path:
            self.path.setText(path)

    def export(self) -> None:
        path = self.path.text().strip()
        if not path:
            self.message.setText("Name a file to export to.")
            return
        fmt = "shopify" if self.shopify.isChecked() else "storefront"
        inventory = self.state.inventory
        self.export_button.setEnabled(False)
        self.message.setText("Exporting…")
        self.job = Job(lambda progress, _cancelled: inventory.export_file(path, format=fmt, progress=progress))
        self._path = path
        # Bound methods of this dialog (a GUI-thread object): the worker's signals arrive queued.
        self.job.progress.connect(self._progress)
        self.job.succeeded.connect(self._exported)
        self.job.failed.connect(self._failed)
        self.thread = start(self.job, self)

    def _progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 1000))

    def _exported(self, rows: int) -> None:
        self._done(f"Exported {rows:,} rows to {self._path}.")

    def _failed(self, exc: InventoryError) -> None:
        self._done(exc.message)

    def _done(self, text: str) -> None:
        self.progress.setValue(1000)
        self.message.setText(text)
        self.export_button.setEnabled(True)

    def reject(self) -> None:
        # Never freeze the window waiting for the worker: say what is happening and stay open until it ends.
        if self.job is not None and not self.export_button.isEnabled():
            self.message.setText("The export is still being written; the dialog closes when it is done.")
            self.job.done.connect(self.close)
            return
        super().reject()
