"""``StockCountWindow``: scan to count, review the differences, post them as one batch (SPEC section 7).

A USB scanner types a code and Enter within milliseconds: each Enter in the scan field is one scan, handled
at once (one short transaction), so keystrokes queue behind it and none is lost or merged. ``5*CODE``
counts five. The scan field keeps the focus; the line changed flashes and the system beeps. Codes no unit
takes (unknown, ambiguous, not countable) go to the list on the right, kept in the database with the count,
until someone assigns them to an item or drops them.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.count_models import StockCount
from desktop_app.errors import InventoryError
from ui.count_dialogs import PostPreviewDialog
from ui.count_model import COUNTED, DIFFERENCE, CountLinesModel, DifferencesProxy, UnitIdRole
from ui.count_unresolved import UnresolvedScans
from ui.state import AppState
from ui.widgets import confirm_destructive, fit_within_screen, when_text

QUANTITY_FIRST = re.compile(r"\s*([0-9]{1,9})\s*\*\s*(\S.*)")
FLASH_MS = 350
NO_STORE = "(no store: manual, never triggers)"


def parse_scan(text: str) -> tuple[str, int]:
    """``CODE`` counts one; ``N*CODE`` counts N (not "Nx": item numbers such as 3XL-TEE begin that way)."""
    match = QUANTITY_FIRST.fullmatch(text)
    if match:
        return match.group(2).strip(), int(match.group(1))
    return text.strip(), 1


class StockCountWindow(UnresolvedScans, QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setObjectName("stock_count")
        self.state = state
        self.count: StockCount | None = None
        self.model = CountLinesModel(self)
        self.proxy = DifferencesProxy(self)
        self.proxy.setSourceModel(self.model)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._end_flash)
        self._build()
        self.reload_counts()
        fit_within_screen(self, 1000, 660)
        state.external_change.connect(self._reload_lines)
        state.database_changed.connect(self._database_changed)

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("&Count:"))
        self.count_combo = QComboBox()
        self.count_combo.setObjectName("count_combo")
        self.count_combo.setMinimumWidth(300)
        self.count_combo.currentIndexChanged.connect(self._count_chosen)
        top.itemAt(0).widget().setBuddy(self.count_combo)
        top.addWidget(self.count_combo, 1)
        top.addSpacing(16)
        top.addWidget(QLabel("New count for"))
        self.store_combo = QComboBox()
        self.store_combo.setObjectName("new_count_store")
        top.addWidget(self.store_combo)
        self.start_button = QPushButton("&Start count")
        self.start_button.clicked.connect(self.start_count)
        top.addWidget(self.start_button)

        scan_row = QHBoxLayout()
        scan_label = QLabel("Sc&an:")
        self.scan_field = QLineEdit()
        self.scan_field.setObjectName("scan_field")
        self.scan_field.setPlaceholderText("Scan a barcode, or type a code and Enter  (5*CODE counts five)")
        self.scan_field.returnPressed.connect(self._scan_entered)
        scan_label.setBuddy(self.scan_field)
        scan_row.addWidget(scan_label)
        scan_row.addWidget(self.scan_field, 1)
        self.last_scan = QLabel(" ")
        self.last_scan.setObjectName("last_scan")
        self.last_scan.setMinimumWidth(380)
        scan_row.addWidget(self.last_scan)

        self.table = QTableView()
        self.table.setObjectName("count_lines")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # first scanned first, until asked
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.doubleClicked.connect(lambda _i: self.recount())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 130), (2, 120), (3, 80), (4, 80), (5, 85), (6, 95)):
            self.table.setColumnWidth(column, width)

        review = QHBoxLayout()
        self.only_differences = QCheckBox("Only &differences")
        self.only_differences.setObjectName("only_differences")
        self.only_differences.toggled.connect(self._only_differences)
        review.addWidget(self.only_differences)
        self.totals = QLabel()
        self.totals.setObjectName("totals")
        review.addWidget(self.totals, 1)
        self.recount_button = QPushButton("&Recount…")
        self.recount_button.setToolTip("Replace the selected line's counted quantity (double-click a line)")
        self.recount_button.clicked.connect(self.recount)
        review.addWidget(self.recount_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table)
        left_layout.addLayout(review)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.unresolved_label = QLabel("Not counted yet")
        right_layout.addWidget(self.unresolved_label)
        self.unresolved = QListWidget()
        self.unresolved.setObjectName("unresolved")
        self.unresolved.setWordWrap(True)
        self.unresolved.setAlternatingRowColors(True)
        self.unresolved.setSpacing(2)
        right_layout.addWidget(self.unresolved, 1)
        buttons = QHBoxLayout()
        self.assign_button = QPushButton("Assi&gn to item…")
        self.assign_button.clicked.connect(self.assign)
        self.drop_button = QPushButton("Dro&p…")
        self.drop_button.clicked.connect(self.drop)
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.drop_button)
        right_layout.addLayout(buttons)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([720, 260])

        bottom = QHBoxLayout()
        self.info = QLabel()
        self.info.setObjectName("hint")
        bottom.addWidget(self.info, 1)
        self.export_button = QPushButton("E&xport CSV…")
        self.export_button.clicked.connect(self.export_csv)
        self.post_button = QPushButton("P&ost…")
        self.post_button.clicked.connect(self.post)
        self.cancel_button = QPushButton("Ca&ncel count…")
        self.cancel_button.clicked.connect(self.cancel_count)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        for button in (self.export_button, self.post_button, self.cancel_button, close):
            button.setAutoDefault(False)
            bottom.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(scan_row)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        # The scan field keeps the focus: buttons and lists do not take it from a click.
        for widget in (
            self.only_differences,
            self.recount_button,
            self.assign_button,
            self.drop_button,
            self.export_button,
            self.post_button,
            self.cancel_button,
            close,
            self.start_button,
        ):
            widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    # -- counts ---------------------------------------------------------------------------------
    def reload_counts(self, select: int | None = None) -> None:
        """List the open counts (they outlive a restart) and show the newest, or ``select``."""
        self.store_combo.clear()
        self.store_combo.addItem(NO_STORE, None)
        for store in self.state.stores:
            self.store_combo.addItem(store.name, store.name)
        if self.state.current_store:
            self.store_combo.setCurrentIndex(max(0, self.store_combo.findData(self.state.current_store)))
        counts = self.state.inventory.counts.list(open_only=True)
        self.count_combo.blockSignals(True)
        self.count_combo.clear()
        for c in counts:
            self.count_combo.addItem(
                f"{c.title} — started {when_text(c.started_at, '%Y-%m-%d %H:%M')} by "
                f"{c.started_by or 'someone'}",
                c.id,
            )
        if not counts:
            self.count_combo.addItem("No open count: start one", None)
        row = self.count_combo.findData(select) if select is not None else 0
        self.count_combo.setCurrentIndex(max(0, row))
        self.count_combo.blockSignals(False)
        self._count_chosen()

    def _database_changed(self) -> None:
        self.reload_counts()

    def _count_chosen(self, *_args) -> None:
        count_id = self.count_combo.currentData()
        self.count = self.state.inventory.counts.get(count_id) if count_id is not None else None
        self.model.set_lines(self.count.lines if self.count else [])
        self._fill_unresolved()
        self._update()
        self.scan_field.setFocus()

    def _reload_lines(self) -> None:
        """Another workstation scanned into this count (or posted it): show what the database holds."""
        if self.count is None:
            return
        try:
            self.count = self.state.inventory.counts.get(self.count.id)
        except InventoryError:
            self.count = None
        self.model.set_lines(self.count.lines if self.count else [])
        self._fill_unresolved()
        self._update()

    def start_count(self) -> None:
        store = self.store_combo.currentData()
        count = self.state.attempt(self, "Start count", lambda: self.state.inventory.counts.start(store))
        if count is not None:
            self.reload_counts(select=count.id)

    def _update(self) -> None:
        is_open = self.count is not None and self.count.state == "open"
        for widget in (
            self.scan_field,
            self.recount_button,
            self.post_button,
            self.cancel_button,
            self.assign_button,
            self.drop_button,
        ):
            widget.setEnabled(is_open)
        self.export_button.setEnabled(self.count is not None)
        title = self.count.title if self.count else "Stock count"
        self.setWindowTitle(f"Stock count — {title}" if self.count else "Stock count")
        lines, counted, expected, differ = self.model.totals(self.proxy.only_differences)
        self.totals.setText(
            f"{lines:,} line{'s' if lines != 1 else ''} · counted {counted:,} · expected {expected:,} · "
            f"difference {counted - expected:+,} · {differ:,} line{'s' if differ != 1 else ''} differ"
        )
        if self.count is None:
            self.info.setText("Start a count: for a store (posting then applies its rules) or for none.")
        elif self.count.store:
            self.info.setText(f"Posting applies {self.count.store}'s rules: statuses follow the new counts.")
        else:
            self.info.setText("No store: posting changes counts only, never a status (a manual change).")

    def _only_differences(self, on: bool) -> None:
        self.proxy.set_only_differences(on)
        self._update()

    # -- scanning -------------------------------------------------------------------------------
    def _scan_entered(self) -> None:
        text = self.scan_field.text()
        self.scan_field.clear()
        if not text.strip() or self.count is None:
            return
        code, quantity = parse_scan(text)
        try:
            outcome = self.state.inventory.counts.scan_one(self.count.id, code, quantity)
        except InventoryError as exc:
            self._say(exc.message, ok=False)
            QApplication.beep()
            if "you cannot" in exc.message:
                self._reload_lines()
            return
        QApplication.beep()
        if outcome.line is not None:
            line = outcome.line
            row = self.model.put(line)
            self.model.set_flash(line.unit_id)
            self._flash_timer.start(FLASH_MS)
            self.table.scrollTo(self.proxy.mapFromSource(self.model.index(row, 0)))
            self._say(
                f"{line.label}: counted {line.counted:,} (expected {line.expected:,}, {line.difference:+,})"
                + (f"  +{quantity:,}" if quantity != 1 else ""),
                ok=True,
            )
        else:
            self._add_unresolved(outcome.unresolved_id, outcome.code, outcome.quantity, outcome.problem)
            self._say(f"Not counted: {outcome.problem}", ok=False)
        self._update()

    def _say(self, text: str, *, ok: bool) -> None:
        self.last_scan.setText(text)
        colour = "#d9f2d9" if ok else "#f9d6d5"
        self.last_scan.setStyleSheet(f"background: {colour}; padding: 2px 6px; border-radius: 3px;")
        self._flash_timer.start(FLASH_MS)

    def _end_flash(self) -> None:
        self.model.set_flash(None)
        self.last_scan.setStyleSheet("")

    # -- lines ----------------------------------------------------------------------------------
    def recount(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() or self.count is None:
            return
        unit_id = index.data(UnitIdRole)
        line = self.model.lines[self.model.row_by_unit[unit_id]]
        counted, ok = QInputDialog.getInt(
            self,
            "Recount",
            f"{line.label}: counted quantity (replaces {line.counted:,})",
            line.counted,
            0,
            1_000_000_000,
        )
        if ok:
            lines = self.state.attempt(
                self, "Recount", lambda: self.state.inventory.counts.set(self.count.id, [(unit_id, counted)])
            )
            if lines:
                self.model.put(lines[0])
                self._update()
        self.scan_field.setFocus()

    def export_csv(self) -> None:
        if self.count is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export count", f"count-{self.count.id}.csv", "CSV (*.csv)"
        )
        if path:
            rows = self.state.attempt(
                self, "Export count", lambda: self.state.inventory.counts.export_csv(self.count.id, path)
            )
            if rows is not None:
                self._say(f"Exported {rows:,} rows to {path}", ok=True)

    # -- ending ---------------------------------------------------------------------------------
    def post(self) -> None:
        if self.count is None:
            return
        counts = self.state.inventory.counts
        if self.unresolved.count() and not confirm_destructive(
            self,
            "Post count",
            f"{self.unresolved.count()} scan(s) are not counted yet (unknown or ambiguous codes). Post without them?",
            "&Post without them",
        ):
            return
        preview = self.state.attempt(self, "Post count", lambda: counts.post(self.count.id, dry_run=True))
        if preview is None:
            return
        dialog = PostPreviewDialog(self.count.title, preview, self)
        if dialog.exec() != PostPreviewDialog.DialogCode.Accepted:
            self.scan_field.setFocus()
            return
        result = self.state.attempt(self, "Post count", lambda: counts.post(self.count.id))
        if result is not None:
            self.state.notify()
            QMessageBox.information(
                self,
                "Count posted",
                f"{self.count.title} was posted as batch {result.batch}: {result.changed:,} unit(s) changed, "
                f"{len(result.status_changes):,} status change(s). History by batch can revert it.",
            )
            self.reload_counts()

    def cancel_count(self) -> None:
        if self.count is None:
            return
        lines = len(self.model.lines)
        if not confirm_destructive(
            self,
            "Cancel count",
            f"Cancel {self.count.title}? Its {lines:,} counted line{'s' if lines != 1 else ''} are dropped and "
            "no stock changes.",
            "&Cancel the count",
        ):
            return
        if self.state.attempt(
            self, "Cancel count", lambda: self.state.inventory.counts.cancel(self.count.id)
        ):
            self.reload_counts()

    def keyPressEvent(self, event) -> None:
        # Escape must not close the window in the middle of a count by accident; it clears the scan field.
        if event.key() == Qt.Key.Key_Escape:
            self.scan_field.clear()
            self.scan_field.setFocus()
            return
        super().keyPressEvent(event)


__all__ = ["COUNTED", "DIFFERENCE", "StockCountWindow", "parse_scan"]
