"""The grid's table view: a spreadsheet's keyboard, copy and paste, fill down, and a frozen item-number column.

Arrows move, Enter moves down, Tab right, typing or F2 edits, Escape cancels, Delete clears where clearing
means something; rectangular selections copy and paste as tab-separated text (one value fills the whole
selection), Ctrl+D fills down.
"""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from desktop_app.errors import InventoryError
from ui import look
from ui.grid_model import CLEARED, PENDING_MARK, InventoryGridModel, PendingRole
from ui.state import AppState


class PendingDelegate(QStyledItemDelegate):
    """Paints a pending cell with an amber bar at its left edge, so it shows even while selected."""

    def paint(self, painter, option, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        if index.data(PendingRole):
            rect = option.rect
            painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), PENDING_MARK)


class StatusDelegate(PendingDelegate):
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


class FrozenColumn(QTableView):
    """The item-number column, laid over the grid's first column so it stays in sight when scrolling right."""

    def __init__(self, main: GridView) -> None:
        super().__init__(main)
        self.main = main
        self.setObjectName("frozen_item_numbers")
        self.setModel(main.model())
        self.setSelectionModel(main.selectionModel())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(main.verticalHeader().defaultSectionSize())
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setSortIndicatorShown(True)
        self.horizontalHeader().setSectionsClickable(True)
        self.horizontalHeader().sectionClicked.connect(self._sort_clicked)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(main.verticalScrollMode())
        self.setWordWrap(False)
        self.setItemDelegate(PendingDelegate(self))
        self.setStyleSheet(
            "QTableView#frozen_item_numbers { border: none; border-right: 2px solid #b8bcc4; }"
        )
        self.setFrameShape(QTableView.Shape.NoFrame)
        self._show_first_column_only()
        main.model().modelReset.connect(self._show_first_column_only)
        main.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(main.verticalScrollBar().setValue)
        header = main.horizontalHeader()
        header.sortIndicatorChanged.connect(
            lambda section, order: self.horizontalHeader().setSortIndicator(section, order)
        )
        self.horizontalHeader().setSortIndicator(header.sortIndicatorSection(), header.sortIndicatorOrder())
        main.viewport().stackUnder(self)

    def _show_first_column_only(self) -> None:
        for column in range(self.model().columnCount()):
            self.setColumnHidden(column, column != 0)
        self.setColumnWidth(0, self.main.columnWidth(0))

    def _sort_clicked(self, section: int) -> None:
        header = self.main.horizontalHeader()
        ascending = (
            header.sortIndicatorSection() != 0 or header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        )
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder if ascending else Qt.SortOrder.DescendingOrder)

    def wheelEvent(self, event) -> None:
        self.main.wheelEvent(event)


class GridView(QTableView):
    """A QTableView with a spreadsheet's keyboard."""

    notice = Signal(str)  # a short message for the status bar (why typing was refused, what a paste skipped)

    def __init__(self, model: InventoryGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(PendingDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        # The indicator first: enabling sorting then sorts by it, which is the model's own order (no reset).
        self.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().setSectionResizeMode(self.verticalHeader().ResizeMode.Fixed)
        self.verticalHeader().setMinimumWidth(56)
        metrics = self.horizontalHeader().fontMetrics()
        for i, column in enumerate(model.columns):
            self.setColumnWidth(i, max(column.width, int(metrics.horizontalAdvance(column.title) * 1.1) + 28))
        status = model.column_of("status")
        if status is not None:
            self.setItemDelegateForColumn(status, StatusDelegate(model.state, self))
        self.frozen = FrozenColumn(self)
        self.horizontalHeader().sectionResized.connect(self._column_resized)
        self._place_frozen()
        self._kept: tuple[int, int, int, object] | None = None
        model.modelAboutToBeReset.connect(self._remember_current)
        model.modelReset.connect(self._restore_current)

    # -- the current cell follows its item through a refresh or a sort ---------------------------------------
    def _remember_current(self) -> None:
        index = self.currentIndex()
        item_id = self.grid.item_id(index.row()) if index.isValid() else None
        self._kept = (item_id, index.column(), index.row(), self.grid.query) if item_id is not None else None

    def _restore_current(self) -> None:
        kept, self._kept = self._kept, None
        if kept is None:
            return
        item_id, column, row, query = kept
        # After a new filter or sort the old row says nothing (reading it would cost a search of its own).
        same_view = query == self.grid.query
        if not (same_view and 0 <= row < self.grid.rowCount() and self.grid.item_id(row) == item_id):
            # It moved (a sort, a filter, or its values changed its place): ask where it is now.
            try:
                row = self.grid.state.inventory.view_position(self.grid.query, item_id)
            except InventoryError:
                return
        if 0 <= row < self.grid.rowCount() and self.grid.item_id(row) == item_id:
            self.setCurrentIndex(self.grid.index(row, column))
            self.scrollTo(self.grid.index(row, column))

    @property
    def grid(self) -> InventoryGridModel:
        return self.model()

    # -- the frozen item-number column ---------------------------------------------------------------------
    def _column_resized(self, column: int, _old: int, new: int) -> None:
        if column == 0:
            self.frozen.setColumnWidth(0, new)
            self._place_frozen()

    def _place_frozen(self) -> None:
        self.frozen.setGeometry(
            self.verticalHeader().width() + self.frameWidth(),
            self.frameWidth(),
            self.columnWidth(0),
            self.viewport().height() + self.horizontalHeader().height(),
        )

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_frozen()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        if hasattr(self, "frozen"):
            self._place_frozen()

    def moveCursor(self, action, modifiers):
        current = super().moveCursor(action, modifiers)
        if current.isValid() and current.column() > 0:
            left = self.columnViewportPosition(current.column())
            if left < self.columnWidth(0) and action != QAbstractItemView.CursorAction.MoveRight:
                bar = self.horizontalScrollBar()
                bar.setValue(bar.value() + left - self.columnWidth(0))
        return current

    def scrollTo(self, index: QModelIndex, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        bar = self.horizontalScrollBar()
        keep = bar.value()
        super().scrollTo(index, hint)
        if index.isValid() and index.column() == 0:
            bar.setValue(keep)  # the item number is always in sight: only scroll up or down for it
        elif index.isValid() and self.columnViewportPosition(index.column()) < self.columnWidth(0):
            bar.setValue(bar.value() + self.columnViewportPosition(index.column()) - self.columnWidth(0))

    def keyboardSearch(self, search: str) -> None:
        """Typing never jumps to another row (a spreadsheet's cells are typed into, not searched)."""

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
            typing = (
                event.text()
                and event.text().isprintable()
                and not event.modifiers()
                & (
                    Qt.KeyboardModifier.ControlModifier
                    | Qt.KeyboardModifier.AltModifier
                    | Qt.KeyboardModifier.MetaModifier
                )
            )
            current = self.currentIndex()
            if typing and current.isValid() and not self.grid.flags(current) & Qt.ItemFlag.ItemIsEditable:
                row = self.grid.row_tuple(current.row())
                if row is not None:
                    reason = self.grid.read_only_reason(row, self.grid.key(current.column()))
                    self.notice.emit(f"{reason} (typing is ignored in this cell)")
                event.accept()  # a read-only cell swallows typing; the keys never land elsewhere
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
            rows, columns = self.grid.rowCount(), self.grid.columnCount()
            edits = [
                (top + dr, left + dc, value)
                for dr, row in enumerate(block)
                if top + dr < rows
                for dc, value in enumerate(row)
                if left + dc < columns
            ]
            if edits:
                self._select_block(top, left, top + len(block) - 1, left + max(len(r) for r in block) - 1)
        if not edits:
            return 0
        # The pasted rows are read once (one query, not a page at a time), then checked without the view.
        rows = self.grid.rows_between(min(e[0] for e in edits), max(e[0] for e in edits))
        editable = self.grid.editable_cells(edits, rows)
        if len(editable) < len(edits):
            self.notice.emit(
                f"{len(edits) - len(editable)} pasted cells are read-only (item number, name, or a variant's "
                "product fields) and were left as they are."
            )
        return self.grid.edit_cells(editable, "paste", rows)

    def _editable(self, row: int, column: int) -> bool:
        return bool(self.grid.flags(self.grid.index(row, column)) & Qt.ItemFlag.ItemIsEditable)

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
        cells = self.selected_cells()
        edits = [(r, c, CLEARED[self.grid.key(c)]) for r, c in cells if self.grid.key(c) in CLEARED]
        done = self.grid.edit_cells(edits, "clear")
        if not done and cells:
            r, c = cells[0]
            row = self.grid.row_tuple(r)
            if len(cells) == 1 and row is not None and not self._editable(r, c):
                self.notice.emit(self.grid.read_only_reason(row, self.grid.key(c)))
            elif not edits:
                self.notice.emit(
                    "Delete clears only ETA, Min, Max, Low stock, Reorder to, Barcode and Supplier (to none); "
                    "type a value to change other cells."
                )
        return done

    def go_to_row(self, row: int) -> None:
        index = self.grid.index(row, max(self.currentIndex().column(), 0))
        self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
