"""The Inventory Editor grid (Catalog › Inventory Editor): mass edits that behave like a spreadsheet.

Arrows move, Enter moves down, Tab right, typing or F2 edits, Escape cancels, Delete clears where clearing
means something; rectangular selections copy and paste as tab-separated text (one value fills the whole
selection), Ctrl+D fills down, Ctrl+F finds. Edits stay pending (highlighted; invalid ones marked with the
reason) until they are previewed and applied as one batch, for no store or for a chosen store.
"""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QStyledItemDelegate,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app.csvio.importer import STALE, ImportRefused, apply_rows
from desktop_app.errors import InventoryError
from ui import look
from ui.conflict import keep_mine
from ui.grid_model import CLEARED, PENDING_MARK, InventoryGridModel, PendingRole
from ui.item_model import F
from ui.state import AppState, show_refusal
from ui.widgets import confirm_destructive, display_value, fit_within_screen, read_only_table

NO_STORE = "(none) — counts change, statuses stay"


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
        self.frozen = FrozenColumn(self)
        self.horizontalHeader().sectionResized.connect(self._column_resized)
        self._place_frozen()
        self._kept: tuple[int, int] | None = None
        model.modelAboutToBeReset.connect(self._remember_current)
        model.modelReset.connect(self._restore_current)

    # -- the current cell follows its item through a refresh or a sort ---------------------------------------
    def _remember_current(self) -> None:
        index = self.currentIndex()
        item_id = self.grid.item_id(index.row()) if index.isValid() else None
        self._kept = (item_id, index.column()) if item_id is not None else None

    def _restore_current(self) -> None:
        kept, self._kept = self._kept, None
        if kept is None:
            return
        item_id, column = kept
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
            edits = [
                (top + dr, left + dc, value)
                for dr, row in enumerate(block)
                for dc, value in enumerate(row)
                if top + dr < self.grid.rowCount() and left + dc < self.grid.columnCount()
            ]
            if edits:
                self._select_block(top, left, top + len(block) - 1, left + max(len(r) for r in block) - 1)
        editable = [(r, c, v) for r, c, v in edits if self._editable(r, c)]
        if len(editable) < len(edits):
            self.notice.emit(
                f"{len(edits) - len(editable)} pasted cells are read-only (item number, name, or a variant's "
                "product fields) and were left as they are."
            )
        return self.grid.edit_cells(editable, "paste")

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
                    "Delete clears only ETA, Min, Max and Low stock (to no date, 0 = none); type a value to "
                    "change other cells."
                )
        return done

    def go_to_row(self, row: int) -> None:
        index = self.grid.index(row, max(self.currentIndex().column(), 0))
        self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)


RULE_WORDS = {
    "manual": "your choice (the status cell)",
    "out_of_stock": "automatic: stock reached 0 (store's Out of Stock)",
    "back_order": "automatic: stock reached 0, back orders allowed (store's Back Order)",
    "discontinued": "automatic: stock reached 0, discontinued (store's Discontinued)",
    "in_stock": "automatic: back above 0 (store's In Stock)",
}


class GridPreviewDialog(QDialog):
    """Every change applying would make, status changes included, before anything is written.

    Rows are in item-number order (any case); a status change says in its own column whether the store's rule
    or the person's choice made it.
    """

    def __init__(self, summary, store: str | None, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QDialogButtonBox, QTableWidgetItem

        super().__init__(parent)
        self.setWindowTitle("Preview of the grid's changes")
        self.setObjectName("GridPreviewDialog")
        changes = sorted(summary.changes or [], key=lambda c: (str(c["item"]).casefold(), str(c["item"])))
        statuses = summary.status_changes
        where = f"for {store}: the status rules run" if store else "for no store: no automatic status changes"
        head = QLabel(
            f"<b>{summary.updated} items change</b> ({len(changes)} values), "
            f"<b>{len(statuses)} status changes</b> — applied {where}."
        )
        head.setWordWrap(True)
        table = read_only_table(
            ["Item", "Field", "From", "To", "Status change"], len(changes), select_rows=False
        )
        by_item_status = {c.item_number: c for c in statuses}
        for row, change in enumerate(changes):
            rule = by_item_status.get(change["item"]) if change["field"] == "status" else None
            why = ""
            if change["field"] == "status":
                why = (
                    RULE_WORDS.get(rule.rule, f"rule: {rule.rule}") if rule is not None else "status changes"
                )
            cells = [
                change["item"],
                change["field"].replace("_", " "),
                display_value(change["from"]),
                display_value(change["to"]),
                why,
            ]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if change["field"] == "status":
                    cell.setBackground(look.LOW_STOCK_BG)
                    if col in (3, 4):
                        font = cell.font()
                        font.setBold(True)
                        cell.setFont(font)
                    if rule is not None:
                        cell.setToolTip(f"rule: {rule.rule}")
                table.setItem(row, col, cell)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.setTabKeyNavigation(False)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton("&Apply as one batch", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(table)
        layout.addWidget(buttons)
        fit_within_screen(self, 760, 480)


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
        self.problem_line = QLabel()
        self.problem_line.setObjectName("error")
        self.problem_line.setWordWrap(True)
        self.problem_line.setContentsMargins(8, 2, 8, 2)
        self.problem_line.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.view, 1)
        column.addWidget(self.problem_line)
        self.setCentralWidget(central)
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
        self.act_discard = self._action("Discard pending…", self.discard_pending, None, bar)
        bar.addSeparator()
        # Short, fixed labels (the step undone is in the tooltip), so the toolbar fits 1024 pixels.
        stack = self.model.undo_stack
        self.act_undo = self._stack_action("Undo", stack.undo, QKeySequence.StandardKey.Undo)
        self.act_redo = self._stack_action("Redo", stack.redo, QKeySequence.StandardKey.Redo)
        stack.canUndoChanged.connect(self.act_undo.setEnabled)
        stack.canRedoChanged.connect(self.act_redo.setEnabled)
        stack.undoTextChanged.connect(lambda text: self.act_undo.setToolTip(f"Undo {text} (Ctrl+Z)"))
        stack.redoTextChanged.connect(lambda text: self.act_redo.setToolTip(f"Redo {text} (Ctrl+Shift+Z)"))
        bar.addAction(self.act_undo)
        bar.addAction(self.act_redo)
        bar.addSeparator()
        bar.addWidget(self.find)
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
        self.view.notice.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.view.selectionModel().currentChanged.connect(self._show_problem)
        self.model.pending_changed.connect(self._show_problem)
        self.model.modelReset.connect(self._show_problem)
        state.stores_changed.connect(self._fill_stores)
        self.statusBar().addPermanentWidget(self.counts)
        fit_within_screen(self, 1200, 720)
        self._update_counts()

    def _stack_action(self, text: str, slot, keys) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setEnabled(False)
        action.triggered.connect(slot)
        return action

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

    def _show_problem(self, *_args) -> None:
        """The current cell's problem, in words under the grid (and in the status bar), not only as a tooltip."""
        model, current = self.model, self.view.currentIndex()
        text = ""
        if current.isValid():
            row = model.row_tuple(current.row())
            key = model.key(current.column())
            reason = model.invalid.get((row[0], key)) if row is not None else None
            if reason:
                title = model.headerData(current.column(), Qt.Orientation.Horizontal)
                text = (
                    f"{model.label_of(row[0])} · {title}: {reason}. Fix it, or press Delete or Ctrl+Z; "
                    "it blocks applying."
                )
                self.statusBar().showMessage(f"{model.label_of(row[0])} · {title}: {reason}", 8000)
        if not text and model.invalid:
            (item_id, key), _reason = min(model.invalid.items())
            text = (
                f"{len(model.invalid)} invalid cells block applying; the first is {model.label_of(item_id)} · "
                f"{key.replace('_', ' ')} (red; select it to read why)."
            )
        self.problem_line.setText(text)
        self.problem_line.setVisible(bool(text))

    def discard_pending(self) -> None:
        pending = self.model.pending
        if not pending:
            return
        items = sorted({self.model.label_of(item_id) for item_id, _ in pending}, key=str.casefold)
        named = ", ".join(items[:5]) + (f" and {len(items) - 5} more" if len(items) > 5 else "")
        if confirm_destructive(
            self,
            "Discard pending edits",
            f"Discard {len(pending)} pending edits of {named}? Nothing was applied yet; Undo brings them back.",
            "&Discard them",
        ):
            self.model.discard()

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
        model.push_pending("keep theirs", dropped)
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
        if self.model.pending and not confirm_destructive(
            self,
            "Pending edits",
            f"{len(self.model.pending)} edits are not applied. Close the grid and lose them?",
            "&Close and lose them",
        ):
            event.ignore()
            return
        super().closeEvent(event)
