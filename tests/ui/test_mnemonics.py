"""Alt+letter reaches one control: no two buttons or labels of a window share a mnemonic."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel

from tests.ui.test_purchasing_windows import show, state  # noqa: F401  (the fixture)

MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def mnemonics(window) -> Counter:
    letters: Counter = Counter()
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        for letter in MNEMONIC.findall(widget.text()):
            letters[letter.lower()] += 1
    return letters


@pytest.mark.parametrize(
    "window",
    ["ui.purchase_editor:PurchaseOrderEditor", "ui.purchase_orders:PurchaseOrdersWindow"],
)
def test_no_two_controls_share_an_alt_letter(window, state, qtbot):  # noqa: F811
    module, name = window.split(":")
    cls = getattr(__import__(module, fromlist=[name]), name)
    dialog = show(qtbot, cls(state))
    shared = {letter: n for letter, n in mnemonics(dialog).items() if n > 1}
    assert not shared, f"{name}: Alt+{', Alt+'.join(sorted(shared))} reach more than one control"
