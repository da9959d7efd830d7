"""The Inventory Editor grid (Catalog › Inventory Editor): mass edits that behave like a spreadsheet.

Edits stay pending (highlighted; invalid ones marked with the reason) until they are previewed and applied as
one batch, for no store or for a chosen store, through ``Inventory.apply_grid``. The table itself is
``ui.grid_view.GridView``; the preview is ``ui.grid_preview.GridPreviewDialog``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import InventoryError
from desktop_app.service import GridRefused, GridResult
from ui import look
from ui.conflict import keep_mine
from ui.grid_model import InventoryGridModel
from ui.grid_preview import RULE_WORDS, GridPreviewDialog  # noqa: F401  (re-exported: tests open it here)
from ui.grid_view import GridView
from ui.state import AppState, show_refusal
from ui.widgets import confirm_destructive, fit_within_screen

NO_STORE = "(none) — counts change, statuses stay"


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
        self._previewed: GridResult | None = None  # the last preview, whose checked work applying reuses

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
    def preview(self) -> GridResult | None:
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
        try:
            self._previewed = self.state.inventory.apply_grid(
                self.model.pending_changes(), store=self.selected_store(), dry_run=True
            )
            return self._previewed
        except GridRefused as refused:
            if refused.stale_items:
                return self._resolve_conflicts(refused.stale_items)
            details = [
                f"{self.model.label_of(r.item_id)}"
                f"{', ' + r.field.replace('_', ' ') if r.field else ''}: {r.reason}"
                for r in refused.rejections
            ]
            show_refusal(self, "Cannot apply", InventoryError(refused.message, details=details))
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
            model.keep_mine({item_id: fresh[item_id] for item_id in stale if item_id in fresh})
            return self.preview()
        dropped = {(item_id, key): None for item_id in stale for key in model._keys_of.get(item_id, ())}
        model.push_pending("keep theirs", dropped)
        model.refresh()
        return None

    def apply(self) -> GridResult:
        """Apply the pending edits; the last preview's checked work is reused if nothing changed since."""
        changes = self.model.pending_changes()
        previewed, self._previewed = self._previewed, None
        summary = self.state.inventory.apply_grid(
            changes, store=self.selected_store(), note=f"grid edit of {len(changes)} items", previewed=previewed
        )
        self.model.forget_pending()
        ids = [change.item_id for change in changes]
        self.model.applied(ids)
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
