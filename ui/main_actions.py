"""The main window's actions, menus and toolbar (a part of ``MainWindow``, kept apart for its length)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QToolBar


class WindowActions:
    """Builds ``MainWindow``'s actions; the slots they call live on the window."""

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        Std = QKeySequence.StandardKey
        self.act_new_db = self._action("&New database…", self.new_database, Std.New)
        self.act_open_db = self._action("&Open database…", self.open_database, Std.Open)
        self.act_connect = self._action(
            "&Connect to server…", self.connect_server, None, "Open a shared PostgreSQL database"
        )
        self.act_quit = self._action("&Quit", self.close, Std.Quit)
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(Std.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcut(Std.Redo)
        self.act_edit = self._action(
            "&Edit item…",
            lambda: self.edit_item(self.selected_item_id()),
            "Ctrl+E",
            "Edit the selected product or variant (Enter)",
        )
        self.act_variants = self._action(
            "&Variants…",
            self.open_variants,
            "Ctrl+Shift+V",
            "Options, combinations and stock of the selected product's variants",
        )
        self.act_apply_rule = self._action(
            "Apply the store's &rule",
            lambda: self.apply_store_rule(self.selected_item_id()),
            "Ctrl+R",
            "Give the selected item the status the store's rule picks for its stock (a manual change)",
        )
        self.act_history = self._action(
            "Show &history", self.show_history, "Ctrl+Shift+H", "The selected item's history (why its status)"
        )
        self.act_find = self._action("&Find", self.focus_search, Std.Find)
        self.act_refresh = self._action("Re&fresh", self.refresh, Std.Refresh)
        self.act_orders = self._action("&Orders…", self.open_orders, "Ctrl+Shift+O", "Orders of every store")
        self.act_new_order = self._action("&New order…", self.new_order, "Ctrl+Shift+N", "Place an order")
        self.act_purchase_orders = self._action(
            "&Purchase orders…", self.open_purchase_orders, "Ctrl+Shift+P", "Purchase orders to suppliers, receiving"
        )
        self.act_store_settings = self._action(
            "&Store settings…",
            self.open_store_settings,
            "Ctrl+,",
            "Settings › Catalog › General for each store",
        )
        self.act_statuses = self._action(
            "Product s&tatuses…", self.open_statuses, None, "Add, edit and delete product statuses"
        )
        self.act_grid = self._action(
            "&Inventory editor grid…",
            self.open_grid,
            "Ctrl+G",
            "Mass edits in a spreadsheet-like grid over every stock unit",
        )
        self.act_import = self._action(
            "&Import products…",
            self.open_import,
            "Ctrl+I",
            "Product import: storefront or Shopify CSV, or .xlsx",
        )
        self.act_export = self._action(
            "E&xport products…", self.open_export, "Ctrl+Shift+E", "Export every product and variant"
        )
        self.act_batches = self._action(
            "History by &batch…",
            self.open_batches,
            "Ctrl+H",
            "Recent batches; revert an import, grid edit or adjustment",
        )
        self.act_counts = self._action(
            "Stock &count…", self.open_counts, "Ctrl+Shift+C", "Scan to count stock; post the differences"
        )
        self.act_shortcuts = self._action("&Keyboard shortcuts", self.show_shortcuts, "F1")
        self.act_about = self._action("&About", self.show_about)

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.act_new_db, self.act_open_db, self.act_connect):
            file_menu.addAction(action)
        self.file_menu = file_menu
        file_menu.addSeparator()
        file_menu.addAction(self.act_import)
        file_menu.addAction(self.act_export)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        for action in (self.act_undo, self.act_redo):
            edit.addAction(action)
        edit.addSeparator()
        for action in (
            self.act_edit,
            self.act_variants,
            self.act_apply_rule,
            self.act_history,
            self.act_find,
            self.act_refresh,
        ):
            edit.addAction(action)
        self.edit_menu = edit
        catalog = bar.addMenu("&Catalog")
        catalog.addAction(self.act_grid)
        catalog.addAction(self.act_batches)
        catalog.addAction(self.act_counts)
        orders = bar.addMenu("&Orders")
        orders.addAction(self.act_new_order)
        orders.addAction(self.act_orders)
        orders.addAction(self.act_purchase_orders)
        settings = bar.addMenu("&Settings")
        settings.addAction(self.act_store_settings)
        settings.addAction(self.act_statuses)
        self.settings_menu = settings
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_shortcuts)
        help_menu.addAction(self.act_about)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addWidget(QLabel(" Store "))
        toolbar.addWidget(self.store_combo)
        # What the store does is said in the status bar, so the toolbar's buttons fit 1024 pixels.
        self.store_info = QLabel()
        self.store_info.setObjectName("hint")
        toolbar.addSeparator()
        # Short words on the toolbar so every button fits a 1024-pixel-wide window (menus keep the long ones).
        for action, short in (
            (self.act_new_order, "New order"),
            (self.act_orders, "Orders"),
            (self.act_edit, "Edit"),
            (self.act_variants, "Variants"),
            (self.act_grid, "Grid"),
            (self.act_counts, "Count"),
            (self.act_import, "Import"),
            (self.act_undo, "Undo"),
            (self.act_redo, "Redo"),
            (self.act_store_settings, "Store settings"),
            (self.act_statuses, "Statuses"),
        ):
            action.setIconText(short)
        for action in (
            self.act_new_order,
            self.act_orders,
            self.act_edit,
            self.act_variants,
            self.act_grid,
            self.act_counts,
            self.act_import,
        ):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.act_undo, self.act_redo):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.act_store_settings)
        toolbar.addAction(self.act_statuses)
        self.toolbar = toolbar
        self.addToolBar(toolbar)

    def _apply_permissions(self) -> None:
        """Grey out what the connected database role may not do, saying why (the server refuses it anyway)."""
        rights = self.state.permissions
        for action, allowed, what, tip in (
            (
                self.act_store_settings,
                rights.change_settings,
                "store settings",
                "Settings › Catalog › General for each store",
            ),
            (
                self.act_statuses,
                rights.change_statuses,
                "product statuses",
                "Add, edit and delete product statuses",
            ),
        ):
            action.setEnabled(allowed)
            action.setToolTip(tip if allowed else rights.why_not(what))
            action.setStatusTip(action.toolTip())
