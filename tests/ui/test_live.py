"""Two editors on one database: changes show without a refresh; a stale edit is a choice, not an overwrite."""

from __future__ import annotations

import pytest

from tests.ui.conftest import cell


@pytest.fixture
def two_editors(qtbot, demo, db_url, settings):
    from desktop_app.service import Inventory
    from ui.main_window import MainWindow
    from ui.state import AppState

    windows = []
    for inventory in (demo, Inventory(db_url)):
        state = AppState(inventory)  # watching for other workstations' changes
        win = MainWindow(state, settings)
        qtbot.addWidget(win)
        win.show()
        windows.append(win)
    yield windows
    for win in windows:
        win.state.close()


def row_of(window, number: str) -> int:
    model = window.products
    return next(r for r in range(model.rowCount()) if cell(window.product_table, r, "item_number") == number)


def test_a_change_in_one_editor_shows_in_the_other_within_two_seconds(two_editors, qtbot):
    from ui import commands

    first, second = two_editors
    row = row_of(second, "SYRUP-VAN")
    assert cell(second.product_table, row, "on_hand") == "40"
    item = first.state.inventory.item("SYRUP-VAN")
    assert commands.edit_item(first.undo_stack, first.state, first, item, {"on_hand": 33})
    qtbot.waitUntil(
        lambda: cell(second.product_table, row_of(second, "SYRUP-VAN"), "on_hand") == "33", timeout=2000
    )


def test_a_stale_edit_shows_both_values_and_keeps_mine_when_asked(two_editors, qtbot, modal):
    from ui import commands

    first, second = two_editors
    loaded = first.state.inventory.item("TEA-EARL")  # the editor opened in the first window
    second.state.inventory.edit_item("TEA-EARL", {"on_hand": 55})  # meanwhile, on another workstation
    shown = {}

    def conflict(dialog):
        table = dialog.table
        shown["row"] = [table.item(0, c).text() for c in range(4)]
        dialog.mine.click()

    modal.on_next(conflict)
    assert commands.edit_item(first.undo_stack, first.state, first, loaded, {"on_hand": 61})
    assert shown["row"] == ["on hand", "60", "55", "61"]
    assert first.state.inventory.item("TEA-EARL").on_hand == 61
    first.act_undo.trigger()  # undo goes back to their value, not to the stale one
    assert first.state.inventory.item("TEA-EARL").on_hand == 55


def test_keeping_theirs_changes_nothing(two_editors, qtbot, modal):
    from ui import commands

    first, second = two_editors
    loaded = first.state.inventory.item("TEA-EARL")
    second.state.inventory.edit_item("TEA-EARL", {"on_hand": 55})
    modal.on_next(lambda dialog: dialog.theirs.click())
    assert not commands.edit_item(first.undo_stack, first.state, first, loaded, {"on_hand": 61})
    assert first.state.inventory.item("TEA-EARL").on_hand == 55
