"""``VariantsDialog``: option groups and values, generated combinations, and the variants' stock.

A product with two option groups also gets a matrix (rows one option, columns the other, cells on hand)
whose cells are edited in place, each as a manual edit.
"""

from __future__ import annotations

import itertools
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import InventoryError
from desktop_app.models import Item, format_options, parse_options, unit_label
from desktop_app.queries import UnitQuery
from ui import commands, look
from ui.item_model import VARIANT_COLUMNS, ItemTableModel
from ui.main_table import fit_header
from ui.state import AppState, show_refusal
from ui.widgets import fit_to_screen


def option_groups(variants: tuple[Item, ...]) -> list[tuple[str, list[str]]]:
    """The option groups the variants use, in first-seen order: [("Size", ["S", "M"]), ...]."""
    groups: dict[str, list[str]] = {}
    for variant in variants:
        for name, value in parse_options(variant.options or ""):
            values = groups.setdefault(name, [])
            if value not in values:
                values.append(value)
    return list(groups.items())


def suggested_number(product: str, values: tuple[str, ...]) -> str:
    parts = [re.sub(r"[^A-Za-z0-9]+", "", v).upper()[:6] or "X" for v in values]
    return "-".join([product, *parts])


class VariantsDialog(QDialog):
    """Define options, generate variants, edit their stock."""

    def __init__(
        self, state: AppState, stack: QUndoStack, product_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.stack = stack
        self.product = state.inventory.item(product_id)
        self.setWindowTitle(f"Variants of {self.product.label} — {self.product.name}")
        self.setObjectName("VariantsDialog")

        # Option groups.
        self.groups = QTableWidget(0, 2)
        self.groups.setHorizontalHeaderLabels(["Option", "Values (comma-separated)"])
        self.groups.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.groups.verticalHeader().hide()
        add_group = QPushButton("Add &option")
        add_group.clicked.connect(lambda: self._add_group("", ""))
        generate = QPushButton("&Generate combinations")
        generate.clicked.connect(self.generate)
        group_buttons = QHBoxLayout()
        group_buttons.addWidget(add_group)
        group_buttons.addWidget(generate)
        group_buttons.addStretch()

        self.combos = QTableWidget(0, 4)
        self.combos.setHorizontalHeaderLabels(["Create", "Options", "Item number", "Barcode (optional)"])
        self.combos.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.combos.verticalHeader().hide()
        self.create_button = QPushButton("C&reate checked variants")
        self.create_button.clicked.connect(self.create_variants)
        self.create_button.setEnabled(False)
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)

        define = QWidget()
        define_layout = QVBoxLayout(define)
        define_layout.addWidget(QLabel("Option groups, e.g. Size: S, M, L and Color: Red, Blue"))
        define_layout.addWidget(self.groups)
        define_layout.addLayout(group_buttons)
        define_layout.addWidget(QLabel("Combinations"))
        define_layout.addWidget(self.combos)
        define_layout.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignLeft)
        define_layout.addWidget(self.note)

        # Variants and their stock.
        self.model = ItemTableModel(
            state, UnitQuery(scope="variants_of", parent_id=product_id), VARIANT_COLUMNS, self
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(self.edit_variant)
        self.table.setTabKeyNavigation(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        fit_header(self.table, self.model.columns, sort_arrow=False)  # "On order", "Committed" read whole
        stock = QWidget()
        stock_layout = QVBoxLayout(stock)
        stock_layout.addWidget(self.table)
        hint = QLabel("Double-click a variant to edit its stock and status (a manual edit).")
        hint.setObjectName("hint")
        stock_layout.addWidget(hint)

        self.matrix = QTableWidget()
        self.matrix.itemChanged.connect(self._matrix_edited)
        self.matrix_hint = QLabel()
        self.matrix_hint.setObjectName("hint")
        matrix = QWidget()
        matrix_layout = QVBoxLayout(matrix)
        matrix_layout.addWidget(self.matrix)
        matrix_layout.addWidget(self.matrix_hint)

        self.tabs = QTabWidget()
        self.tabs.addTab(stock, "Variants")
        self.tabs.addTab(matrix, "Matrix")
        self.tabs.addTab(define, "Options && generate")
        close = QPushButton("&Close")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        fit_to_screen(self, 1000, 540)
        self.reload()
        if not self.product.variants:
            self.tabs.setCurrentIndex(2)
        state.items_changed.connect(self._changed)

    # -- loading -------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.product = self.state.inventory.item(self.product.id)
        self.groups.setRowCount(0)
        for name, values in option_groups(self.product.variants) or [("Size", "")]:
            self._add_group(name, ", ".join(values) if isinstance(values, list) else values)
        self._fill_matrix()
        if not self.product.use_variant_inventory and (self.product.on_hand or self.product.on_order):
            self.note.setText(
                f"{self.product.label} has its own stock ({self.product.on_hand} on hand, "
                f"{self.product.on_order} on order): set both to 0 before adding variants."
            )

    def _changed(self, _ids) -> None:
        self._fill_matrix()

    def _add_group(self, name: str, values: str) -> None:
        row = self.groups.rowCount()
        self.groups.insertRow(row)
        self.groups.setItem(row, 0, QTableWidgetItem(name))
        self.groups.setItem(row, 1, QTableWidgetItem(values))

    def defined_groups(self) -> list[tuple[str, list[str]]]:
        out = []
        for row in range(self.groups.rowCount()):
            name = (self.groups.item(row, 0).text() if self.groups.item(row, 0) else "").strip()
            values = [
                v.strip()
                for v in (self.groups.item(row, 1).text() if self.groups.item(row, 1) else "").split(",")
                if v.strip()
            ]
            if name and values:
                out.append((name, list(dict.fromkeys(values))))
        return out

    # -- generating ----------------------------------------------------------------------------------------
    def generate(self) -> None:
        groups = self.defined_groups()
        existing = {
            frozenset((n.lower(), v.lower()) for n, v in parse_options(v.options or ""))
            for v in self.product.variants
        }
        combos = list(itertools.product(*[[(name, value) for value in values] for name, values in groups]))
        self.combos.setRowCount(len(combos))
        base = self.product.item_number or f"ITEM{self.product.item_id or self.product.id}"
        new = 0
        for row, combo in enumerate(combos):
            exists = frozenset((n.lower(), v.lower()) for n, v in combo) in existing
            check = QTableWidgetItem("exists" if exists else "")
            check.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | (Qt.ItemFlag.NoItemFlags if exists else Qt.ItemFlag.ItemIsUserCheckable)
            )
            if not exists:
                check.setCheckState(Qt.CheckState.Checked)
                new += 1
            options = QTableWidgetItem(format_options(combo))
            options.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.combos.setItem(row, 0, check)
            self.combos.setItem(row, 1, options)
            self.combos.setItem(
                row, 2, QTableWidgetItem("" if exists else suggested_number(base, tuple(v for _, v in combo)))
            )
            self.combos.setItem(row, 3, QTableWidgetItem(""))
        self.create_button.setEnabled(new > 0)
        self.note.setText(
            f"{len(combos)} combinations, {new} new. Item numbers are suggestions: edit them before creating."
            if combos
            else "Name at least one option with values."
        )

    def create_variants(self) -> None:
        wanted = []
        for row in range(self.combos.rowCount()):
            check = self.combos.item(row, 0)
            if (
                check.flags() & Qt.ItemFlag.ItemIsUserCheckable
                and check.checkState() == Qt.CheckState.Checked
            ):
                options = [o.strip() for o in self.combos.item(row, 1).text().split(";")]
                barcode = self.combos.item(row, 3)
                wanted.append(
                    (self.combos.item(row, 2).text().strip(), options, barcode.text().strip() if barcode else "")
                )
        created = 0
        for number, options, barcode in wanted:
            try:
                self.state.inventory.add_variant(
                    unit_label(self.product.item_number, self.product.item_id), number, options, barcode=barcode or None
                )
                created += 1
            except InventoryError as exc:
                show_refusal(self, f"Create variant {number}", exc)
                break
        self.state.notify([self.product.id])
        self.model.refresh()
        self.reload()
        self.generate()
        self.note.setText(
            f"Created {created} variants."
            + (
                " Variants cannot be undone from here; set their stock on the Variants tab."
                if created
                else ""
            )
        )
        if created:
            self.tabs.setCurrentIndex(0)

    # -- editing -------------------------------------------------------------------------------------------
    def edit_variant(self, index) -> None:
        from ui.product_editor import ProductEditorDialog

        item_id = self.model.item_id(index.row())
        if item_id is None:
            return
        item = self.state.inventory.item(item_id)
        dialog = ProductEditorDialog(
            self.state,
            item,
            self,
            apply_rule=lambda unit_id: commands.apply_store_rule(self.stack, self.state, self, unit_id),
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            commands.edit_item(self.stack, self.state, self, dialog.item, dialog.changes())

    def _fill_matrix(self) -> None:
        self.product = self.state.inventory.item(self.product.id)
        groups = option_groups(self.product.variants)
        self.matrix.blockSignals(True)
        self.matrix.clear()
        if len(groups) != 2:
            self.matrix.setRowCount(0)
            self.matrix.setColumnCount(0)
            self.matrix_hint.setText(
                f"The matrix shows products with exactly two option groups ({len(groups)} here)."
            )
            self.matrix.blockSignals(False)
            return
        (row_name, row_values), (col_name, col_values) = groups
        self.matrix.setRowCount(len(row_values))
        self.matrix.setColumnCount(len(col_values))
        self.matrix.setVerticalHeaderLabels(row_values)
        self.matrix.setHorizontalHeaderLabels(col_values)
        by_options = {frozenset(parse_options(v.options or "")): v for v in self.product.variants}
        for r, rv in enumerate(row_values):
            for c, cv in enumerate(col_values):
                variant = by_options.get(frozenset([(row_name, rv), (col_name, cv)]))
                cell = QTableWidgetItem("" if variant is None else str(variant.on_hand))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if variant is None:
                    cell.setFlags(Qt.ItemFlag.NoItemFlags)
                    cell.setToolTip("No variant for this combination")
                else:
                    cell.setData(Qt.ItemDataRole.UserRole, variant.id)
                    cell.setToolTip(
                        f"{variant.item_number}: {variant.status}"
                        + (f" · barcode {variant.barcode}" if variant.barcode else "")
                    )
                    if variant.on_hand <= 0:
                        cell.setBackground(look.OUT_BG)
                self.matrix.setItem(r, c, cell)
        self.matrix_hint.setText(
            f"Rows: {row_name} · columns: {col_name} · cells: on hand. Type a new count to "
            "change it (a manual edit: no automatic status change)."
        )
        self.matrix.blockSignals(False)

    def _matrix_edited(self, cell: QTableWidgetItem) -> None:
        variant_id = cell.data(Qt.ItemDataRole.UserRole)
        if variant_id is None:
            return
        text = cell.text().strip()
        variant = self.state.inventory.item(variant_id)
        if not text.lstrip("-").isdigit():
            show_refusal(self, "Matrix", InventoryError(f"'{text}' is not a whole number"))
            self._fill_matrix()
            return
        if int(text) != variant.on_hand:
            commands.edit_item(self.stack, self.state, self, variant, {"on_hand": int(text)})
        self._fill_matrix()
