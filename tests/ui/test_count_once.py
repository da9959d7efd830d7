"""The grid and the tables count their rows once, and a new sort of the same rows does not count again.

Counting a million stock units is the slowest query a view runs; these tests count the COUNT queries the real
database receives (an engine event, nothing replaced) while the windows open and sort.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import event

from desktop_app.csvio.importer import import_file
from tests.helpers import write_csv


class CountQueries:
    """Counts the ``SELECT count(*)`` statements sent to an engine while active."""

    def __init__(self, engine) -> None:
        self.engine, self.seen = engine, 0

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().lower().startswith("select count("):
            self.seen += 1

    def __enter__(self) -> CountQueries:
        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on_execute)


@pytest.fixture
def catalog(inventory, tmp_path):
    import_file(
        inventory.db,
        write_csv(
            tmp_path / "c.csv",
            ["ItemNumber", "ItemName", "NumberInStock"],
            [[f"P{n:03d}", f"Product {(n * 7) % 40}", str((n * 13) % 9)] for n in range(40)],
        ),
    )
    return inventory


def test_grid_counts_once_when_it_opens_and_not_when_it_sorts(qtbot, catalog):
    from ui.grid import InventoryGridWindow
    from ui.state import AppState

    state = AppState(catalog, watch=False)
    with CountQueries(catalog.db.engine) as counted:
        grid = InventoryGridWindow(state)
        qtbot.addWidget(grid)
        grid.show()
        qtbot.waitExposed(grid)
    assert counted.seen == 1
    assert grid.model.rowCount() == 40
    assert grid.model.index(0, 0).data() == "P000"

    model, view = grid.model, grid.view
    with CountQueries(catalog.db.engine) as counted:
        view.sortByColumn(model.column_of("on_hand"), Qt.SortOrder.DescendingOrder)
        view.sortByColumn(model.column_of("name"), Qt.SortOrder.AscendingOrder)
    assert counted.seen == 0
    assert model.rowCount() == 40  # the count kept is still right
    names = [model.index(r, model.column_of("name")).data() for r in range(40)]
    assert names == sorted(names, key=str.lower)

    with CountQueries(catalog.db.engine) as counted:
        model.set_query(model.query.with_(search="Product 1"))
    assert counted.seen == 1  # a filter is other rows: counted again
    assert model.rowCount() == sum(1 for n in range(40) if "Product 1" in f"Product {(n * 7) % 40}")
    grid.close()


def test_main_table_keeps_its_count_when_sorted(window):
    table, model = window.product_table, window.products
    shown = model.rowCount()
    with CountQueries(window.state.inventory.db.engine) as counted:
        table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert counted.seen == 0
    assert model.rowCount() == shown


def test_main_window_counts_its_products_once_when_it_opens(qtbot, catalog, settings):
    from ui.main_window import MainWindow
    from ui.state import AppState

    state = AppState(catalog, watch=False)
    with CountQueries(catalog.db.engine) as counted:
        window = MainWindow(state, settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
    assert counted.seen == 1  # a million products: each count is a scan of an index
    assert window.products.rowCount() == 40
    assert window.count_label.text() == "40 products"
    assert window.products.index(0, 0).data() == "P000"
    state.close()
