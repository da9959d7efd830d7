"""The Stock count window's list of scans no unit took yet (a part of ``StockCountWindow``).

Unknown, ambiguous and not-countable codes are kept in the database with the count, so none is lost; a
person assigns each to an item (an ambiguous one asks which of its units) or drops it (confirmed).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QListWidgetItem

from desktop_app.errors import InventoryError
from ui.count_dialogs import choose_candidate
from ui.state import show_refusal
from ui.widgets import confirm_destructive


class UnresolvedScans:
    def _fill_unresolved(self) -> None:
        self.unresolved.clear()
        for kept in self.count.unresolved if self.count else []:
            self._add_unresolved(kept.id, kept.code, kept.quantity, kept.reason)

    def _add_unresolved(self, kept_id: int, code: str, quantity: int, reason: str) -> None:
        item = QListWidgetItem(f"{code}  ×{quantity}\n{reason}")
        item.setData(Qt.ItemDataRole.UserRole, (kept_id, code, quantity))
        self.unresolved.addItem(item)
        self.unresolved_label.setText(f"Not counted yet ({self.unresolved.count()}): assign or drop")

    def _chosen_unresolved(self):
        item = self.unresolved.currentItem() or self.unresolved.item(0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def assign(self) -> None:
        chosen = self._chosen_unresolved()
        if chosen is None or self.count is None:
            return
        kept_id, code, quantity = chosen
        counts = self.state.inventory.counts
        candidates = [c for c in counts.candidates(code) if c.why_not_countable() is None]
        if len(candidates) <= 1:
            ref, ok = QInputDialog.getText(
                self,
                "Assign scan",
                f"Count '{code}' (×{quantity}) for which item? Its item number or barcode:",
            )
            if not ok or not ref.strip():
                return
            candidates = [c for c in counts.candidates(ref) if c.why_not_countable() is None]
            if not candidates:
                show_refusal(
                    self, "Assign scan", InventoryError(f"No countable item is named '{ref.strip()}'")
                )
                return
            code = ref.strip()
        target = candidates[0] if len(candidates) == 1 else choose_candidate(self, code, candidates)
        if target is None:
            return
        line = self.state.attempt(
            self, "Assign scan", lambda: counts.assign(self.count.id, kept_id, target.id)
        )
        if line is not None:
            self.model.put(line)
            self._reload_lines()
            self._say(f"{line.label}: counted {line.counted:,} (assigned '{chosen[1]}')", ok=True)
        self.scan_field.setFocus()

    def drop(self) -> None:
        chosen = self._chosen_unresolved()
        if chosen is None or self.count is None:
            return
        kept_id, code, quantity = chosen
        if not confirm_destructive(
            self, "Drop scan", f"Drop the scan '{code}' (×{quantity})? It will not be counted.", "&Drop it"
        ):
            return
        self.state.attempt(
            self, "Drop scan", lambda: self.state.inventory.counts.drop(self.count.id, kept_id)
        )
        self._reload_lines()  # dropped here or by someone else: the list shows what is left
        self.scan_field.setFocus()
