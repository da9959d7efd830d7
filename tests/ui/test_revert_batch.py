"""Reverting a grid batch from the batches window puts back every field the batch changed (issue 10, defect 4)."""

from __future__ import annotations

import pytest

from desktop_app.csvio.importer import import_file
from tests.helpers import write_csv


@pytest.fixture
def catalog(inventory, tmp_path):
    """Ten products P000..P009: 5 on hand, max 24, multiple 1; a store that tracks inventory."""
    inventory.add_store("Main")
    inventory.set_store("Main", track_inventory=True)
    import_file(
        inventory.db,
        write_csv(
            tmp_path / "c.csv",
            ["ItemNumber", "ItemName", "NumberInStock", "MaximumOrderQuantity", "MultiplesOfQuantity"],
            [[f"P{n:03d}", f"Product {n}", "5", "24", "1"] for n in range(10)],
        ),
    )
    return inventory


@pytest.fixture
def grid(qtbot, catalog):
    from ui.grid import InventoryGridWindow
    from ui.state import AppState

    win = InventoryGridWindow(AppState(catalog, watch=False))
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.model.forget_pending()
    win.close()
    win.deleteLater()


def fields(item) -> tuple:
    return (item.on_hand, item.status, item.max_qty, item.multiple_qty, item.discontinued, item.eta_date)


def test_defect_4_revert_batch_restores_every_field(grid, qtbot, catalog, modal):
    from ui.batches import BatchesDialog

    model = grid.model
    before = {n: fields(catalog.item(f"P{n:03d}")) for n in range(4)}
    max_col, multiple_col = model.column_of("max_qty"), model.column_of("multiple_qty")
    # As the user did: max 24 -> 0 on three items, multiple 1 -> 2, and one count to 0 for good measure.
    model.edit_cells([(r, max_col, "0") for r in range(3)], "paste")
    model.edit_cells([(3, multiple_col, "2")], "edit")
    model.edit_cells([(0, model.column_of("on_hand"), "0")], "edit")
    grid.store.setCurrentText("Main")
    summary = grid.apply()
    assert [catalog.item(f"P{n:03d}").max_qty for n in range(3)] == [0, 0, 0]
    assert catalog.item("P003").multiple_qty == 2
    assert catalog.item("P000").status == "Out of Stock"

    # The batch's history lists every field it changed, with the old and new values.
    edits = {
        (e.item_number, e.field, e.from_status, e.to_status)
        for e in catalog.batch_history(summary.batch)
        if e.kind == "field"
    }
    assert edits == {
        ("P000", "max_qty", "24", "0"),
        ("P001", "max_qty", "24", "0"),
        ("P002", "max_qty", "24", "0"),
        ("P003", "multiple_qty", "1", "2"),
    }

    dialog = BatchesDialog(grid.state, grid)
    qtbot.addWidget(dialog)
    assert dialog.selected()["batch"] == summary.batch
    shown = [
        " ".join(dialog.details.item(r, c).text() for c in range(dialog.details.columnCount()))
        for r in range(dialog.details.rowCount())
    ]
    assert sum("Max 24 → 0" in line for line in shown) == 3, shown
    assert any("P003" in line and "Multiple 1 → 2" in line for line in shown), shown
    assert any("P000" in line and "In Stock → Out of Stock" in line for line in shown), shown
    header = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert row[header.index("Field changes")] == "4"

    modal.on_next(lambda box: box.button(box.StandardButton.Yes).click())
    dialog.revert_button.click()
    for n in range(4):
        assert fields(catalog.item(f"P{n:03d}")) == before[n], n
    revert = catalog.batches()[0]
    assert revert["reverts"] == summary.batch and revert["field_changes"] == 4
    undone = {
        (e.item_number, e.field, e.from_status, e.to_status)
        for e in catalog.batch_history(revert["batch"])
        if e.kind == "field"
    }
    assert undone == {(n, f, new, old) for n, f, old, new in edits}
    assert model.index(0, max_col).data() == "24"
