"""The editor's shared state: the open inventory, the status and store lists, and change signals.

Every window and model reads through this object and hears about changes from it, so a change made in one
dialog shows everywhere at once. It calls only the core's ``Inventory`` service; nothing in ``ui`` touches
a database connection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.errors import InventoryError
from desktop_app.models import Status, Store
from desktop_app.roles import Permissions, permissions
from desktop_app.service import Inventory
from desktop_app.watch import ChangeWatcher

WATCH_INTERVAL_MS = 1000  # other workstations' changes show within about a second


class AppState(QObject):
    """One open database and what the windows share about it."""

    items_changed = Signal(object)  # a set of item ids, or None for "anything may have changed"
    statuses_changed = Signal()
    stores_changed = Signal()
    current_store_changed = Signal(object)  # store name or None
    database_changed = Signal()
    external_change = Signal()  # another workstation (or process) committed something

    def __init__(self, inventory: Inventory, parent: QObject | None = None, *, watch: bool = True) -> None:
        super().__init__(parent)
        self.inventory = inventory
        self.statuses: dict[int, Status] = {}
        self.stores: list[Store] = []
        self.current_store: str | None = None
        self.permissions: Permissions = permissions(inventory.db)
        self.reload_lists()
        self.watcher: ChangeWatcher | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(WATCH_INTERVAL_MS)
        self._timer.timeout.connect(self.poll_changes)
        self._watch = watch
        if watch and not inventory.db.read_only:  # a read-only file cannot change under us
            self.watcher = ChangeWatcher(inventory.db)
            self._timer.start()

    @property
    def read_only(self) -> bool:
        """The database was opened read-only (a file or folder this user may not write)."""
        return bool(getattr(self.inventory.db, "read_only", False))

    def read_only_banner(self) -> str | None:
        """What the main window shows (title suffix, status bar) while the database is read-only, else None."""
        if not self.read_only:
            return None
        return (
            f"{self.inventory.db.display_name} is read-only: you can look, search and export, "
            "but not change anything"
        )

    def close(self) -> None:
        """Stop watching (call from the GUI thread before letting go of this object)."""
        self._timer.stop()
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None

    def poll_changes(self) -> bool:
        """Refresh everything shown if anything was committed since the last look."""
        if self.watcher is None or not self.watcher.poll():
            return False
        self.refresh_statuses()
        self.refresh_stores()
        self.notify()
        self.external_change.emit()
        return True

    # -- lists --------------------------------------------------------------------------------------------------
    def reload_lists(self) -> None:
        self.statuses = {s.id: s for s in self.inventory.statuses()}
        self.stores = self.inventory.stores()
        if self.current_store not in {s.name for s in self.stores}:
            self.current_store = self.stores[0].name if self.stores else None

    def refresh_statuses(self) -> None:
        self.statuses = {s.id: s for s in self.inventory.statuses()}
        self.statuses_changed.emit()

    def refresh_stores(self) -> None:
        self.reload_lists()
        self.stores_changed.emit()

    def status_names(self) -> list[str]:
        return [s.name for s in self.statuses.values()]

    def status_by_name(self, name: str) -> Status | None:
        lowered = name.lower()
        return next((s for s in self.statuses.values() if s.name.lower() == lowered), None)

    def store(self, name: str | None) -> Store | None:
        return next((s for s in self.stores if s.name == name), None)

    def set_current_store(self, name: str | None) -> None:
        if name != self.current_store:
            self.current_store = name
            self.current_store_changed.emit(name)

    def switch_inventory(self, inventory: Inventory) -> None:
        old = self.inventory
        self.inventory = inventory
        self.current_store = None
        self.permissions = permissions(inventory.db)
        self.reload_lists()
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None
        if self._watch and not inventory.db.read_only:
            self.watcher = ChangeWatcher(inventory.db)
            self._timer.start()
        if old is not inventory:
            old.db.dispose()
        self.database_changed.emit()

    def notify(self, ids: Iterable[int] | None = None) -> None:
        self.items_changed.emit(None if ids is None else set(ids))

    # -- running operations -------------------------------------------------------------------------------------
    def attempt(self, parent: QWidget | None, title: str, fn: Callable[[], object]):
        """Run a service call; a refusal becomes a message box (never a traceback). Returns None if refused."""
        try:
            return fn()
        except InventoryError as exc:
            show_refusal(parent, title, exc)
            return None


def show_refusal(parent: QWidget | None, title: str, exc: InventoryError) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, exc.message, QMessageBox.StandardButton.Ok, parent)
    if exc.details:
        box.setInformativeText("\n".join(exc.details[:12]) + ("\n…" if len(exc.details) > 12 else ""))
        if len(exc.details) > 12:
            box.setDetailedText("\n".join(exc.details))
    box.setObjectName("refusal")
    box.exec()
