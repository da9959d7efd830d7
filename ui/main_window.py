"""``MainWindow``: the store selector, the product table with its filters, variants and history."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app.queries import STOCK_FILTERS, UnitQuery
from ui import commands, look
from ui.advice import AdviceBar
from ui.history import HistoryPanel
from ui.item_model import PRODUCT_COLUMNS, VARIANT_COLUMNS, ItemIdRole, ItemTableModel
from ui.main_table import ItemTable
from ui.state import AppState
from ui.widgets import fit_to_screen, keep_on_screen


class MainWindow(QMainWindow):
    """The editor's window over one open database."""

    def __init__(self, state: AppState, settings: QSettings | None = None) -> None:
        super().__init__()
        self.state = state
        self.settings = settings or QSettings()
        self.undo_stack = QUndoStack(self)
        self.setObjectName("MainWindow")
        self.setStyleSheet(look.STYLE_SHEET)

        self.products = ItemTableModel(
            state, UnitQuery(scope="products", sort="item_number"), PRODUCT_COLUMNS, self
        )
        self.product_table = ItemTable(self.products)
        self.product_table.setObjectName("products")
        self.variants = ItemTableModel(state, UnitQuery(scope="variants_of"), VARIANT_COLUMNS, self)
        self.variant_table = ItemTable(self.variants)
        self.variant_table.setObjectName("variants")
        self.history = HistoryPanel(state)
        self.advice = AdviceBar(state)
        self.advice.apply_requested.connect(self.apply_store_rule)
        self.selection_label = QLabel()
        self.selection_label.setObjectName("hint")
        self._current_product: int | None = None

        self._build_filters()
        self._build_actions()
        self._build_layout()

        self.product_table.selectionModel().currentRowChanged.connect(self._product_selected)
        self.variant_table.selectionModel().currentRowChanged.connect(self._variant_selected)
        self.product_table.activated_item.connect(self.edit_item)
        self.variant_table.activated_item.connect(self.edit_item)
        self.products.modelReset.connect(self._update_counts)
        self.products.modelReset.connect(self._reselect)
        self.variants.modelReset.connect(self._update_advice)
        for table in (self.product_table, self.variant_table):
            table.selectionModel().selectionChanged.connect(
                lambda *_, t=table: self.selection_label.setText(t.selection_summary())
            )
            table.copied.connect(self._copied)
        self.statusBar().addPermanentWidget(self.selection_label)
        self.statusBar().addPermanentWidget(self.store_info)
        state.stores_changed.connect(self._fill_stores)
        state.statuses_changed.connect(self._fill_statuses)
        state.current_store_changed.connect(self._update_store_info)
        state.database_changed.connect(self._database_changed)
        self.undo_stack.cleanChanged.connect(self._update_title)
        self._database_changed()
        self._restore()

    # -- building ----------------------------------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.store_combo = QComboBox()
        self.store_combo.setMinimumWidth(150)
        self.store_combo.setToolTip("The store whose settings apply to orders and mass changes")
        self.store_combo.currentTextChanged.connect(lambda name: self.state.set_current_store(name or None))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search item number or name   (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.search.installEventFilter(self)
        self.status_filter = QComboBox()
        self.status_filter.setMinimumWidth(150)
        self.status_filter.currentIndexChanged.connect(self.apply_filters)
        self.stock_filter = QComboBox()
        self.stock_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.stock_filter.setMinimumContentsLength(22)
        for key, label in STOCK_FILTERS.items():
            self.stock_filter.addItem(label, key)
        self.stock_filter.currentIndexChanged.connect(self.apply_filters)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")

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
        orders = bar.addMenu("&Orders")
        orders.addAction(self.act_new_order)
        orders.addAction(self.act_orders)
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

    def _build_layout(self) -> None:
        filters = QHBoxLayout()
        filters.setContentsMargins(6, 6, 6, 2)
        filters.addWidget(self.search, 2)
        filters.addWidget(QLabel("Status"))
        filters.addWidget(self.status_filter)
        filters.addWidget(QLabel("Stock"))
        filters.addWidget(self.stock_filter)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.addTab(self.variant_table, "Variants")
        self.bottom_tabs.addTab(self.history, "History")
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.product_table)
        self.splitter.addWidget(self.bottom_tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([430, 260])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(filters)
        layout.addWidget(self.advice)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)

    # -- lists and filters --------------------------------------------------------------------------------------
    def _fill_stores(self) -> None:
        self.store_combo.blockSignals(True)
        self.store_combo.clear()
        self.store_combo.addItems([s.name for s in self.state.stores])
        if self.state.current_store:
            self.store_combo.setCurrentText(self.state.current_store)
        self.store_combo.blockSignals(False)
        self._update_store_info(self.state.current_store)

    def _fill_statuses(self) -> None:
        current = self.status_filter.currentData()
        self.status_filter.blockSignals(True)
        self.status_filter.clear()
        self.status_filter.addItem("All statuses", None)
        for status in self.state.statuses.values():
            self.status_filter.addItem(look.status_icon(status), status.name, status.id)
        index = self.status_filter.findData(current)
        self.status_filter.setCurrentIndex(max(index, 0))
        self.status_filter.blockSignals(False)

    def _update_store_info(self, name) -> None:
        store = self.state.store(name)
        if store is None:
            self.store_info.setText("no store yet")
        elif store.track_inventory:
            self.store_info.setText(f"{store.name}: tracks inventory, removes when {store.remove_when}")
            self.store_info.setToolTip(f"{store.name} tracks inventory and removes stock when {store.remove_when}")
        else:
            self.store_info.setText(f"{store.name}: does not track inventory")
            self.store_info.setToolTip(f"{store.name} does not track inventory")
        self._update_advice()

    def apply_filters(self) -> None:
        query = self.products.query.with_(
            search=self.search.text().strip() or None,
            status_id=self.status_filter.currentData(),
            stock=self.stock_filter.currentData() or "",
        )
        self.products.set_query(query)

    def _update_counts(self) -> None:
        count = self.products.rowCount()
        self.count_label.setText(f"{count:,} product{'s' if count != 1 else ''}")

    def eventFilter(self, watched, event) -> bool:
        # Down or Enter in the search box: run the search now and go to the results.
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.go_to_results()
            return True
        return super().eventFilter(watched, event)

    def go_to_results(self) -> None:
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.apply_filters()
        self.product_table.setFocus()
        if not self.product_table.currentIndex().isValid() and self.products.rowCount():
            self.product_table.setCurrentIndex(self.products.index(0, 0))

    def show_history(self) -> None:
        self.bottom_tabs.setCurrentWidget(self.history)
        self.history.table.setFocus()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def refresh(self) -> None:
        self.state.refresh_stores()
        self.state.refresh_statuses()
        self.state.notify()

    # -- selection ----------------------------------------------------------------------------------------------
    def _product_selected(self, current: QModelIndex, _previous=None) -> None:
        item_id = current.data(ItemIdRole) if current.isValid() else None
        self._current_product = item_id
        self.variants.set_query(UnitQuery(scope="variants_of", parent_id=item_id))
        self.bottom_tabs.setTabText(0, f"Variants ({self.variants.rowCount()})")
        self.history.show_item(item_id)
        self.act_variants.setEnabled(item_id is not None)
        self._update_advice()

    def _variant_selected(self, current: QModelIndex, _previous=None) -> None:
        if current.isValid():
            self.history.show_item(current.data(ItemIdRole))
        self._update_advice()

    def _reselect(self) -> None:
        """After a filter, sort or refresh: keep the selected product if it is still shown, else show none.

        (The history and variants must never go on showing an item the search has filtered out.)
        """
        item_id = self._current_product
        if item_id is None:
            return
        row = self.products.row_of(item_id)
        if row is None:
            try:
                position = self.state.inventory.view_position(self.products.query, item_id)
            except Exception:  # the item was deleted meanwhile
                position = None
            if position is not None and self.products.item_id(position) == item_id:
                row = position
        if row is None:
            self._product_selected(QModelIndex())
        else:
            self.product_table.setCurrentIndex(self.products.index(row, 0))
            if self.product_table.currentIndex().row() == row:
                self._update_advice()

    def _update_advice(self, *_args) -> None:
        item_id = self.selected_item_id()
        advice = self.advice.show_for(item_id)
        self.act_apply_rule.setEnabled(advice is not None)

    def _copied(self, rows: int) -> None:
        self.statusBar().showMessage(f"Copied {rows:,} row{'s' if rows != 1 else ''} with a header row", 4000)

    def apply_store_rule(self, item_id: int | None) -> None:
        if item_id is None:
            return
        done = commands.apply_store_rule(self.undo_stack, self.state, self, item_id)
        if done:
            self.statusBar().showMessage(done, 8000)
        self._update_advice()

    def selected_item_id(self) -> int | None:
        in_variants = self.variant_table.hasFocus() or self.bottom_tabs.currentWidget() is self.variant_table
        if in_variants and self.variant_table.selected_item_id() is not None:
            return self.variant_table.selected_item_id()
        return self.product_table.selected_item_id()

    def select_item(self, item_id: int) -> bool:
        row = self.products.row_of(item_id)
        if row is None:
            return False
        self.product_table.selectRow(row)
        self.product_table.setCurrentIndex(self.products.index(row, 0))
        return True

    # -- actions ------------------------------------------------------------------------------------------------
    def edit_item(self, item_id: int | None) -> None:
        from ui.product_editor import ProductEditorDialog

        if item_id is None:
            return
        item = self.state.attempt(self, "Edit item", lambda: self.state.inventory.item(item_id))
        if item is None:
            return
        dialog = ProductEditorDialog(self.state, item, self, apply_rule=self._apply_rule_from)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            commands.edit_item(self.undo_stack, self.state, self, dialog.item, dialog.changes())
        self._update_advice()

    def _apply_rule_from(self, item_id: int) -> bool:
        done = commands.apply_store_rule(self.undo_stack, self.state, self, item_id)
        if done:
            self.statusBar().showMessage(done, 8000)
        return bool(done)

    def open_variants(self) -> None:
        from ui.variants import VariantsDialog

        item_id = self.product_table.selected_item_id()
        if item_id is not None:
            VariantsDialog(self.state, self.undo_stack, item_id, self).exec()
            self.state.notify([item_id])

    def open_grid(self) -> None:
        from ui.grid import InventoryGridWindow

        if getattr(self, "grid_window", None) is None:
            self.grid_window = InventoryGridWindow(self.state, self)
            self.grid_window.setWindowFlag(Qt.WindowType.Window)
        self.grid_window.show()
        self.grid_window.raise_()
        self.grid_window.activateWindow()

    def open_import(self) -> None:
        from ui.import_wizard import ImportWizard

        ImportWizard(self.state, self).exec()

    def open_export(self) -> None:
        from ui.export_dialog import ExportDialog

        ExportDialog(self.state, self).exec()

    def open_batches(self) -> None:
        from ui.batches import BatchesDialog

        BatchesDialog(self.state, self).exec()

    def open_orders(self) -> None:
        from ui.orders import OrdersDialog

        OrdersDialog(self.state, self).exec()

    def new_order(self) -> None:
        from ui.orders import PlaceOrderDialog

        dialog = PlaceOrderDialog(self.state, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.order_id is not None:
            order = self.state.inventory.order(dialog.order_id)
            self.state.notify(line.unit_id for line in order.lines)
            self.statusBar().showMessage(f"Placed order {order.id} in {order.store}", 5000)

    def open_store_settings(self) -> None:
        from ui.store_settings import StoreSettingsDialog

        StoreSettingsDialog(self.state, self.undo_stack, self).exec()

    def open_statuses(self) -> None:
        from ui.statuses import StatusesDialog

        StatusesDialog(self.state, self.undo_stack, self).exec()

    def new_database(self) -> None:
        from ui.app import choose_new_database

        choose_new_database(self)

    def open_database(self) -> None:
        from ui.app import choose_database

        choose_database(self)

    def connect_server(self) -> None:
        from ui.app import remember
        from ui.connect import ConnectDialog

        dialog = ConnectDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.inventory is not None:
            self.state.switch_inventory(dialog.inventory)
            remember(dialog.inventory)

    def show_shortcuts(self) -> None:
        from ui.about import ShortcutsDialog

        ShortcutsDialog(self).exec()

    def show_about(self) -> None:
        from ui.about import AboutDialog

        AboutDialog(self.state, self).exec()

    # -- database and window state ------------------------------------------------------------------------------
    def _database_changed(self) -> None:
        self.undo_stack.clear()
        if getattr(self, "grid_window", None) is not None:
            self.grid_window.close()
            self.grid_window.deleteLater()
            self.grid_window = None
        self._fill_stores()
        self._fill_statuses()
        self.products.refresh()
        self._product_selected(QModelIndex())
        self._update_title()
        self._apply_permissions()
        rights = self.state.permissions
        role = "" if rights.change_settings else f"  ·  role {rights.role}: stock, items and orders only"
        self.statusBar().showMessage(self.state.inventory.db.display_name + role)

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

    def _update_title(self) -> None:
        # Only the database: the platform adds the application's name ("PATH — Inventory editor").
        self.setWindowTitle(self.state.inventory.db.display_name)

    def _restore(self) -> None:
        geometry = self.settings.value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            keep_on_screen(self)
        else:
            fit_to_screen(self, 1280, 800)
        for key, widget in (
            ("main/products_header", self.product_table.horizontalHeader()),
            ("main/variants_header", self.variant_table.horizontalHeader()),
        ):
            value = self.settings.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                widget.restoreState(value)
        splitter = self.settings.value("main/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)

    def save_window_state(self) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/products_header", self.product_table.horizontalHeader().saveState())
        self.settings.setValue("main/variants_header", self.variant_table.horizontalHeader().saveState())
        self.settings.setValue("main/splitter", self.splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event) -> None:
        self.save_window_state()
        super().closeEvent(event)
