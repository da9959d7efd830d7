"""Shared pieces of the purchasing windows: a code field, money text, and what Enter is."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from ui.entry_row import is_enter  # noqa: F401  (re-exported: the purchasing windows import it from here)

SCAN_OR_SEARCH = "scan a barcode, or type an item number or part of a name, then Enter"


def cents_from_text(text: str) -> int | None:
    """``12.5`` → 1250; empty → None. Raises ValueError with a readable reason."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    whole, _, frac = text.partition(".")
    if not (whole or frac) or not (whole or "0").isdigit() or (frac and not frac.isdigit()) or len(frac) > 2:
        raise ValueError(f"'{text[:20]}' is not an amount such as 12.50")
    cents = int(whole or "0") * 100 + int((frac + "00")[:2])
    if cents > 2**31 - 1:
        raise ValueError(f"'{text[:20]}' is more than an amount can be")
    return cents


class CodeField(QLineEdit):
    """A field that takes a scan (a barcode or an item number, then Enter) or the start of a search.

    No completion pop-up: a scanner's Enter must reach the form, never a pop-up's list.
    """

    def __init__(self, placeholder: str = SCAN_OR_SEARCH, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)

    def code(self) -> str:
        return self.text().strip()
