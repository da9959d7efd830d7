"""Starting the editor: which database to open, the welcome page, and what happens on an unexpected error."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.logs import log_file, mask_secrets, setup_logging
from desktop_app.service import Inventory, default_database_path, explain
from ui.opening import (  # noqa: F401  (re-exported: callers open databases through ui.app)
    LAST_DATABASE,
    choose_database,
    choose_new_database,
    demo_database_path,
    open_demo,
    open_inventory,
    remember,
)

log = logging.getLogger(__name__)
ORGANIZATION = "InventoryEditor"
APPLICATION = "inventory-editor"


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Inventory editor")
    app.setApplicationVersion(__version__)
    import resources

    icon = QIcon()
    for size in (32, 64, 256):
        icon.addFile(str(resources.path("icons", f"inventory-editor-{size}.png")))
    app.setWindowIcon(icon)
    return app


class WelcomeDialog(QDialog):
    """First run: what to open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to the inventory editor")
        self.setObjectName("WelcomeDialog")
        self.inventory: Inventory | None = None
        self.import_after_open = False
        title = QLabel("<h2>Welcome</h2>")
        intro = QLabel(
            "Track stock per store, let statuses follow the stock, place and cancel orders, and edit "
            "thousands of items at once. Where would you like to start?"
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        for text, detail, slot in (
            (
                "Open the demo catalog",
                "A coffee shop with four stores, variants, custom statuses and orders in "
                "every state: try everything safely.",
                self._demo,
            ),
            (
                "Import a product export…",
                "Start a new database from your storefront's product CSV (or a Shopify "
                "export, or an .xlsx workbook).",
                self._import,
            ),
            (
                "Connect to a shared database…",
                "Work with the other workstations on a PostgreSQL server.",
                self._connect,
            ),
            ("Open a database file…", "An inventory database you already have.", self._open),
        ):
            button = QPushButton(text)
            button.setMinimumHeight(34)
            button.setStyleSheet("text-align: left; padding-left: 12px; font-weight: 600;")
            button.clicked.connect(slot)
            note = QLabel(detail)
            note.setObjectName("hint")
            note.setStyleSheet("color: #5f6670; margin-left: 14px; margin-bottom: 6px;")
            note.setWordWrap(True)
            layout.addWidget(button)
            layout.addWidget(note)
        self.setMinimumWidth(520)

    def _demo(self) -> None:
        self.inventory = open_demo(self)
        if self.inventory:
            self.accept()

    def _import(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "New database for the import", str(default_database_path()), "Inventory database (*.db)"
        )
        if path:
            self.inventory = open_inventory(path, self)
            if self.inventory:
                self.import_after_open = True
                self.accept()

    def _connect(self) -> None:
        from ui.connect import ConnectDialog

        dialog = ConnectDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.inventory is not None:
            self.inventory = dialog.inventory
            self.accept()

    def _open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open database",
            str(default_database_path().parent),
            "Inventory database (*.db);;All files (*)",
        )
        if path:
            self.inventory = open_inventory(path, self)
            if self.inventory:
                self.accept()


def install_error_dialog() -> None:
    """An unexpected error: log it, tell the user what happened and where the log is; committed data is safe."""

    def hook(kind, value, tb) -> None:
        log.error("unexpected error\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if isinstance(value, KeyboardInterrupt):
            QApplication.quit()
            return
        # A database or file problem (disk full, read-only, damaged…) is one sentence, no SQL, no driver text.
        problem = explain(value, "the database") if isinstance(value, Exception) else None
        if problem is not None:
            box = QMessageBox(QMessageBox.Icon.Warning, "Not done", problem.message)
        else:
            box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error", _unexpected(kind, value))
        box.setInformativeText(
            "The operation was cancelled and everything saved before it is safe. "
            f"Details are in the log:\n{log_file()}"
        )
        box.setObjectName("unexpected_error")
        box.exec()

    sys.excepthook = hook


def _unexpected(kind, value) -> str:
    """What went wrong, in one line: never a statement, its parameters or a password."""
    from sqlalchemy.exc import StatementError

    if isinstance(value, StatementError):  # its text holds the SQL and the parameters
        orig = getattr(value, "orig", None)
        return f"Something went wrong in the database ({type(orig or value).__name__})."
    first = (str(value).strip().splitlines() or [""])[0][:300]
    return mask_secrets(
        f"Something went wrong: {kind.__name__}: {first}"
        if first
        else f"Something went wrong: {kind.__name__}"
    )


def main(db: str | None = None) -> int:
    """Open the editor on ``db``, or on the last database, or let the welcome page decide."""
    from ui.main_window import MainWindow
    from ui.state import AppState

    app = application()
    setup_logging()
    install_error_dialog()
    settings = QSettings()
    inventory = None
    import_after_open = False
    if db:
        inventory = open_inventory(db)
        if inventory is None:
            return 1
    else:
        last = settings.value(LAST_DATABASE)
        if last and (("://" in str(last)) or Path(str(last)).exists()):
            inventory = open_inventory(str(last))
    if inventory is None:
        welcome = WelcomeDialog()
        if welcome.exec() != QDialog.DialogCode.Accepted or welcome.inventory is None:
            return 0
        inventory, import_after_open = welcome.inventory, welcome.import_after_open
    remember(inventory)
    window = MainWindow(AppState(inventory), settings)
    window.show()
    if import_after_open and hasattr(window, "open_import"):
        window.open_import()
    log.info("editor opened on %s", inventory.db.display_name)
    if os.environ.get("INVENTORY_EDITOR_SMOKE_TEST"):
        # The bundle's smoke run: open the window, paint it, report, quit.
        def report() -> None:
            window.product_table.viewport().repaint()
            print(f"main window opened: {window.windowTitle()} ({window.products.rowCount()} products)")
            app.quit()

        QTimer.singleShot(300, report)
    code = app.exec()
    window.state.inventory.db.dispose()
    return code


if __name__ == "__main__":  # pragma: no cover - `python -m ui.app`
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
