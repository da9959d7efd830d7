"""What the main window's actions open: the editor, variants, orders, settings, import and the rest."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from ui import commands


class WindowDialogs:
    """``MainWindow``'s actions that open a dialog or window, or apply the store's rule."""

    def apply_store_rule(self, item_id: int | None) -> None:
        if item_id is None:
            return
        done = commands.apply_store_rule(self.undo_stack, self.state, self, item_id)
        if done:
            self.statusBar().showMessage(done, 8000)
        self._update_advice()

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

    def open_counts(self) -> None:
        from ui.counts import StockCountWindow

        if getattr(self, "count_window", None) is None:
            self.count_window = StockCountWindow(self.state, self)
        self.count_window.show()
        self.count_window.raise_()
        self.count_window.activateWindow()

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

    def open_purchase_orders(self) -> None:
        from ui.purchase_orders import PurchaseOrdersWindow

        PurchaseOrdersWindow(self.state, self).exec()

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
        from ui.opening import choose_new_database

        choose_new_database(self)

    def open_database(self) -> None:
        from ui.opening import choose_database

        choose_database(self)

    def connect_server(self) -> None:
        from ui.connect import ConnectDialog
        from ui.opening import remember

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
