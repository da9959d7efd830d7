"""``MainWindow``: the store selector, the product table with its filters, variants and history."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.queries import STOCK_FILTERS, UnitQuery
from ui import look
from ui.advice import AdviceBar
from ui.history import HistoryPanel
from ui.item_model import PRODUCT_COLUMNS, VARIANT_COLUMNS, ItemIdRole, ItemTableModel
from ui.main_actions import WindowActions
from ui.main_dialogs import WindowDialogs
from ui.main_table import ItemTable
from ui.scan_search import take_scan
from ui.state import AppState
from ui.widgets import fit_to_screen, keep_on_screen


class MainWindow(WindowActions, WindowDialogs, QMainWindow):
    """The editor's window over one open database."""

    def __init__(self, state: AppState, settings: QSettings | None = None) -> None:
        super().__init__()
        self.state = state
        self.settings = settings or QSettings()
        self.undo_stack = QUndoStack(self)
        self.setObjectName("MainWindow")
        self.setStyleSheet(look.STYLE_SHEET)

        self.products = ItemTableModel(  # counted once, by _database_changed below
            state, UnitQuery(scope="products", sort="item_number"), PRODUCT_COLUMNS, self, count=False
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
        self.stock_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.stock_filter.setMinimumContentsLength(22)
        for key, label in STOCK_FILTERS.items():
            self.stock_filter.addItem(label, key)
        self.stock_filter.currentIndexChanged.connect(self.apply_filters)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")

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
            self.store_info.setToolTip(
                f"{store.name} tracks inventory and removes stock when {store.remove_when}"
            )
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
            if event.key() != Qt.Key.Key_Down and take_scan(self):
                return True
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
        self.statusBar().showMessage(self.state.read_only_banner() or self.state.inventory.db.display_name + role)

    def _update_title(self) -> None:
        # Only the database: the platform adds the application's name ("PATH — Inventory editor").
        suffix = " (read-only)" if self.state.read_only else ""
        self.setWindowTitle(self.state.inventory.db.display_name + suffix)

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
