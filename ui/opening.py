"""Opening a database from the windows: a file, the demo, a new file; the one to open next time.

A failure to open is one sentence in a message box, never a traceback or driver text.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop_app.errors import InventoryError
from desktop_app.logs import log_file, mask_secrets
from desktop_app.service import Inventory, default_database_path, explain

log = logging.getLogger(__name__)
LAST_DATABASE = "last_database"


def demo_database_path() -> Path:
    return default_database_path().with_name("demo.db")


def open_inventory(url: str, parent: QWidget | None = None) -> Inventory | None:
    """Open (creating or upgrading) a database; a failure is a message, not a crash."""
    try:
        return Inventory(url)
    except InventoryError as exc:  # not a database, damaged, newer, unreachable…: one sentence
        log.info("cannot open %s: %s", url, exc.message)
        _warn(parent, exc.message)
    except Exception as exc:  # anything else: a sentence and the log, never driver text
        log.exception("cannot open %s", url)
        problem = explain(exc, url)
        _warn(
            parent,
            problem.message
            if problem is not None
            else f"{mask_secrets(url)} cannot be opened as an inventory database; the details are in "
            f"{log_file()}.",
        )
    return None


def _warn(parent: QWidget | None, message: str) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Open database",
        mask_secrets(message),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("open_failed")
    box.exec()


def open_demo(parent: QWidget | None = None) -> Inventory | None:
    from desktop_app.demo import load_demo

    path = demo_database_path()
    fresh = not path.exists()
    inventory = open_inventory(str(path), parent)
    if inventory is not None and fresh:
        load_demo(inventory)
    return inventory


def remember(inventory: Inventory) -> None:
    """Keep the database to open next time; a server's password is never written to the settings file (the
    server asks again, or libpq finds it in ~/.pgpass or PGPASSWORD)."""
    if inventory.db.is_sqlite:
        QSettings().setValue(LAST_DATABASE, inventory.db.display_name)
    else:
        from sqlalchemy.engine import URL, make_url

        url = make_url(inventory.db.url)
        bare = URL.create(url.drivername, url.username, None, url.host, url.port, url.database, url.query)
        QSettings().setValue(LAST_DATABASE, bare.render_as_string(hide_password=False))


def choose_new_database(window) -> None:
    path, _ = QFileDialog.getSaveFileName(
        window, "New database", str(default_database_path().parent / "new.db"), "Inventory database (*.db)"
    )
    if path:
        if os.path.exists(path):
            QMessageBox.warning(window, "New database", f"{path} already exists; use Open database instead.")
            return
        _switch(window, open_inventory(path, window))


def choose_database(window) -> None:
    path, _ = QFileDialog.getOpenFileName(
        window,
        "Open database",
        str(default_database_path().parent),
        "Inventory database (*.db);;All files (*)",
    )
    if path:
        _switch(window, open_inventory(path, window))


def _switch(window, inventory: Inventory | None) -> None:
    if inventory is not None:
        window.state.switch_inventory(inventory)
        remember(inventory)
