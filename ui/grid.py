"""The Inventory Editor grid (Catalog › Inventory Editor): mass edits that behave like a spreadsheet.

Arrows move, Enter moves down, Tab right, typing or F2 edits, Escape cancels, Delete clears where clearing
means something; rectangular selections copy and paste as tab-separated text (one value fills the whole
selection), Ctrl+D fills down, Ctrl+F finds. Edits stay pending (highlighted; invalid ones marked with the
reason) until they are previewed and applied as one batch, for no store or for a chosen store.
"""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QStyledItemDelegate,
    QTableView,
    QToolBar,
    QWidget,
)

from desktop_app.csvio.importer import STALE, ImportRefused, apply_rows
from desktop_app.errors import InventoryError
from ui import look
from ui.conflict import keep_mine
from ui.grid_model import CLEARED, InventoryGridModel, PendingEdit
from ui.item_model import F
from ui.state import AppState, show_refusal
from ui.widgets import display_value, read_only_table

NO_STORE = "(none) — counts change, statuses stay"


class StatusDelegate(QStyledItemDelegate):
    """A status cell is edited with the status list (typing a name works too)."""

    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.state = state

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        combo = QComboBox(parent)
        combo.setEditable(True)
        for status in self.state.statuses.values():
            combo.addItem(look.status_icon(status), status.name)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class GridView(QTableView):
    """A QTableView with a spreadsheet's keyboard."""

    def __init__(self, model: InventoryGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().setSectionResizeMode(self.verticalHeader().ResizeMode.Fixed)
        self.verticalHeader().setMinimumWidth(56)
        metrics = self.horizontalHeader().fontMetrics()
        for i, column in enumerate(model.columns):
            self.setColumnWidth(i, max(column.width, int(metrics.horizontalAdvance(column.title) * 1.1) + 28))
        status = model.column_of("status")
        if status is not None:
            self.setItemDelegateForColumn(status, StatusDelegate(model.state, self))

    @property
    def grid(self) -> InventoryGridModel:
        return self.model()

    def move_down(self) -> None:
        index = self.currentIndex()
        if index.isValid() and index.row() + 1 < self.grid.rowCount():
            self.setCurrentIndex(self.grid.index(index.row() + 1, index.column()))

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        super().closeEditor(
            editor,
            QAbstractItemDelegate.EndEditHint.NoHint
            if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache
            else hint,
        )
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:  # Enter: like a spreadsheet, go down
            self.move_down()

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if self.state() != QAbstractItemView.State.EditingState:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.move_down()
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear_selection_cells()
                return
        super().keyPressEvent(event)

    # -- selection as cells --------------------------------------------------------------------------------
    def selected_cells(self) -> list[tuple[int, int]]:
        cells = {(i.row(), i.column()) for i in self.selectionModel().selectedIndexes()}
        if not cells and self.currentIndex().isValid():
            cells = {(self.currentIndex().row(), self.currentIndex().column())}
        return sorted(cells)

    def copy(self) -> str:
        cells = self.selected_cells()
        if not cells:
            return ""
        rows = sorted({r for r, _ in cells})
        cols = sorted({c for _, c in cells})
        chosen = set(cells)
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        for r in range(rows[0], rows[-1] + 1):
            record = self.grid.row_tuple(r)
            writer.writerow(
                [
                    self.grid.cell_text(record, self.grid.key(c)) if (r, c) in chosen and record else ""
                    for c in range(cols[0], cols[-1] + 1)
                ]
            )
        text = out.getvalue()
        QGuiApplication.clipboard().setText(text)
        return text

    def paste(self, text: str | None = None) -> int:
        text = QGuiApplication.clipboard().text() if text is None else text
        if not text:
            return 0
        block = [
            row for row in csv.reader(io.StringIO(text.replace("\r\n", "\n").rstrip("\n")), delimiter="\t")
        ]
        cells = self.selected_cells()
        if not cells:
            return 0
        if len(block) == 1 and len(block[0]) == 1 and len(cells) > 1:
            edits = [(r, c, block[0][0]) for r, c in cells]  # one value fills the whole selection
        else:
            top, left = cells[0][0], min(c for _, c in cells)
            edits = [
                (top + dr, left + dc, value)
                for dr, row in enumerate(block)
                for dc, value in enumerate(row)
                if top + dr < self.grid.rowCount() and left + dc < self.grid.columnCount()
            ]
            if edits:
                self._select_block(top, left, top + len(block) - 1, left + max(len(r) for r in block) - 1)
        return self.grid.edit_cells(edits, "paste")

    def _select_block(self, top: int, left: int, bottom: int, right: int) -> None:
        bottom = min(bottom, self.grid.rowCount() - 1)
        right = min(right, self.grid.columnCount() - 1)
        selection = self.selectionModel()
        selection.select(
            self._range(top, left, bottom, right), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )

    def _range(self, top: int, left: int, bottom: int, right: int):
        from PySide6.QtCore import QItemSelection

        return QItemSelection(self.grid.index(top, left), self.grid.index(bottom, right))

    def fill_down(self) -> int:
        cells = self.selected_cells()
        columns: dict[int, list[int]] = {}
        for r, c in cells:
            columns.setdefault(c, []).append(r)
        edits = []
        for c, rows in columns.items():
            rows.sort()
            source = self.grid.row_tuple(rows[0])
            if source is None:
                continue
            value = self.grid.cell_text(source, self.grid.key(c))
            edits += [(r, c, value) for r in rows[1:]]
        return self.grid.edit_cells(edits, "fill down")

    def clear_selection_cells(self) -> int:
        edits = [
            (r, c, CLEARED[self.grid.key(c)]) for r, c in self.selected_cells() if self.grid.key(c) in CLEARED
        ]
        return self.grid.edit_cells(edits, "clear")

    def go_to_row(self, row: int) -> None:
        index = self.grid.index(row, max(self.currentIndex().column(), 0))
        self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)


class GridPreviewDialog(QDialog):
    """Every change applying would make, status changes included, before anything is written."""

    def __init__(self, summary, store: str | None, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QDialogButtonBox, QTableWidgetItem, QVBoxLayout

        super().__init__(parent)
        self.setWindowTitle("Preview of the grid's changes")
        self.setObjectName("GridPreviewDialog")
        changes = summary.changes or []
        statuses = summary.status_changes
        where = f"for {store}: the status rules run" if store else "for no store: no automatic status changes"
        head = QLabel(
            f"<b>{summary.updated} items change</b> ({len(changes)} values), "
            f"<b>{len(statuses)} status changes</b> — applied {where}."
        )
        head.setWordWrap(True)
        table = read_only_table(["Item", "Field", "From", "To"], len(changes), select_rows=False)
        by_item_status = {(c.item_number, "status"): c for c in statuses}
        for row, change in enumerate(changes):
            cells = [
                change["item"],
                change["field"].replace("_", " "),
                display_value(change["from"]),
                display_value(change["to"]),
            ]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if change["field"] == "status":
                    rule = by_item_status.get((change["item"], "status"))
                    if rule is not None:
                        cell.setToolTip(f"rule: {rule.rule}")
                        cell.setForeground(look.BLUE if rule.rule != "manual" else look.GREY)
                table.setItem(row, col, cell)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton("Apply as one batch", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(640, 460)


class InventoryGridWindow(QMainWindow):
    """Catalog › Inventory Editor."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Inventory Editor — mass edits")
        self.setObjectName("InventoryGridWindow")
        self.setStyleSheet(look.STYLE_SHEET)
        self.model = InventoryGridModel(state, self)
        self.view = GridView(self.model, self)
        self.setCentralWidget(self.view)
        self.last_summary = None

        self.store = QComboBox()
        self.store.setMinimumWidth(230)
        self.store.setToolTip(
            "Choosing a store makes the count changes triggering: the store's status rules "
            "run, as they do for orders. With (none), statuses stay as they are."
        )
        self._fill_stores()
        self.find = QLineEdit()
        self.find.setPlaceholderText("Find item number or name (Ctrl+F)")
        self.find.setClearButtonEnabled(True)
        self.find.returnPressed.connect(self.find_next)
        self.counts = QLabel()
        self.counts.setObjectName("hint")

        bar = QToolBar("Grid")
        bar.setObjectName("grid_toolbar")
        bar.setMovable(False)
        bar.addWidget(QLabel(" Apply for store "))
        bar.addWidget(self.store)
        bar.addSeparator()
        self.act_apply = self._action("Preview && apply…", self.preview_and_apply, "Ctrl+Return", bar)
        self.act_discard = self._action("Discard pending", self.model.discard, None, bar)
        bar.addSeparator()
        self.act_undo = self.model.undo_stack.createUndoAction(self, "Undo")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self.model.undo_stack.createRedoAction(self, "Redo")
        self.act_redo.setShortcut(QKeySequence.StandardKey.Redo)
        bar.addAction(self.act_undo)
        bar.addAction(self.act_redo)
        bar.addSeparator()
        bar.addWidget(self.find)
        bar.addWidget(self.counts)
        self.addToolBar(bar)
        for text, slot, keys in (
            ("Copy", self.view.copy, QKeySequence.StandardKey.Copy),
            ("Paste", lambda: self.view.paste(), QKeySequence.StandardKey.Paste),
            ("Fill down", self.view.fill_down, "Ctrl+D"),
            ("Find", self.focus_find, QKeySequence.StandardKey.Find),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            setattr(self, f"act_{text.lower().replace(' ', '_')}", action)
        self.model.pending_changed.connect(self._update_counts)
        self.model.modelReset.connect(self._update_counts)
        state.stores_changed.connect(self._fill_stores)
        self.resize(1200, 720)
        self._update_counts()

    def _action(self, text: str, slot, keys, bar: QToolBar) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        bar.addAction(action)
        return action

    def _fill_stores(self) -> None:
        current = self.store.currentText()
        self.store.clear()
        self.store.addItem(NO_STORE)
        self.store.addItems([s.name for s in self.state.stores])
        if current:
            self.store.setCurrentText(current)

    def selected_store(self) -> str | None:
        return None if self.store.currentIndex() <= 0 else self.store.currentText()

    def _update_counts(self) -> None:
        pending, invalid = len(self.model.pending), len(self.model.invalid)
        self.counts.setText(f"  {self.model.rowCount():,} units · {pending} pending · {invalid} invalid")
        self.act_apply.setEnabled(pending > 0)

    def focus_find(self) -> None:
        self.find.setFocus()
        self.find.selectAll()

    def find_next(self) -> None:
        text = self.find.text().strip()
        if not text:
            return
        current = (
            self.model.item_id(self.view.currentIndex().row()) if self.view.currentIndex().isValid() else None
        )
        found = self.state.inventory.view_find(self.model.query, text, current)
        if found is None:
            self.statusBar().showMessage(f"No item number or name contains '{text}'", 4000)
            return
        self.view.go_to_row(self.state.inventory.view_position(self.model.query, found))
        self.view.setFocus()

    # -- applying ------------------------------------------------------------------------------------------
    def preview(self):
        """A dry run of the pending edits; None (with a message shown) if they cannot be applied."""
        if self.model.invalid:
            (item_id, key), reason = next(iter(sorted(self.model.invalid.items())))
            show_refusal(
                self,
                "Cannot apply yet",
                InventoryError(
                    f"{len(self.model.invalid)} cells are invalid; fix or clear them first.",
                    details=[f"{self.model.label_of(item_id)}, {key.replace('_', ' ')}: {reason}"],
                ),
            )
            return None
        rows, lines = self.model.pending_rows()
        try:
            return apply_rows(self.state.inventory.db, rows, store=self.selected_store(), dry_run=True)
        except ImportRefused as refused:
            stale = [lines[e.line] for e in refused.summary.rejected if e.reason == STALE and e.line in lines]
            if stale and len(stale) == len(refused.summary.rejected):
                return self._resolve_conflicts(stale)
            details = [
                f"{self.model.label_of(lines.get(e.line, 0))}: {e.reason}" for e in refused.summary.rejected
            ]
            show_refusal(
                self,
                "Cannot apply",
                InventoryError("Some rows cannot be applied; nothing was changed.", details=details),
            )
        except InventoryError as exc:
            show_refusal(self, "Cannot apply", exc)
        return None

    def _resolve_conflicts(self, stale: list[int]):
        """Rows another workstation changed since the grid loaded them: show both values, let the user choose."""
        model = self.model
        fresh = self.state.inventory.view_rows(stale)
        rows = []
        for item_id in stale:
            loaded, now = model.row_cache[item_id], fresh.get(item_id)
            for key in sorted(model._keys_of.get(item_id, ())):
                rows.append(
                    (
                        f"{model.label_of(item_id)} {key}",
                        model.current_text(loaded, key),
                        model.current_text(now, key) if now else "(deleted)",
                        model.pending[(item_id, key)],
                    )
                )
        if keep_mine(self, f"{len(stale)} of the items you edited", rows):
            for item_id in stale:
                if item_id in fresh:
                    model.row_cache[item_id] = fresh[item_id]
                    model.loaded_version[item_id] = fresh[item_id][F["version"]]
            return self.preview()
        dropped = {(item_id, key): None for item_id in stale for key in model._keys_of.get(item_id, ())}
        model.undo_stack.push(
            PendingEdit(model, "keep theirs", dropped, {c: model.pending[c] for c in dropped})
        )
        model.refresh()
        return None

    def apply(self):
        rows, _ = self.model.pending_rows()
        summary = apply_rows(
            self.state.inventory.db,
            rows,
            store=self.selected_store(),
            dry_run=False,
            note=f"grid edit of {len(rows)} items",
        )
        ids = [row.pk for row in rows]
        self.model.forget_pending()
        self.state.notify(ids)
        self.last_summary = summary
        self.statusBar().showMessage(
            f"Applied batch {summary.batch}: {summary.updated} items changed, "
            f"{len(summary.status_changes)} status changes",
            8000,
        )
        return summary

    def preview_and_apply(self) -> None:
        summary = self.preview()
        if summary is None:
            return
        dialog = GridPreviewDialog(summary, self.selected_store(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self.apply()
            except ImportRefused as refused:
                show_refusal(self, "Apply", InventoryError(refused.message, details=refused.details))
            except InventoryError as exc:
                show_refusal(self, "Apply", exc)

    def closeEvent(self, event) -> None:
        if self.model.pending:
            answer = QMessageBox.question(
                self,
                "Pending edits",
                f"{len(self.model.pending)} edits are not applied. Close and lose them?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        super().closeEvent(event)
