"""A view's windows, read from either end, show its rows in one order: the sort key, then the id.

A large view follows its sort key's index and reads windows past the middle from the far end; a small filtered
view is sorted as a whole (``queries.SMALL_VIEW``). Whatever the path, a user scrolling through sees every row
once, in order, with empty item numbers first (ascending) or last (descending).
"""

from __future__ import annotations

import pytest

from desktop_app.queries import UnitQuery


@pytest.fixture
def shelf(inventory):
    """31 products: repeated names and counts (ties broken by id), a few without an item number, two statuses."""
    for n in range(31):
        number = None if n % 10 == 3 else f"{'ab'[n % 2]}-{(n * 7) % 13:02d}-{n}"
        inventory.add_product(
            number,
            item_id=None if number else 5000 + n,
            name=f"{'Mug' if n % 3 else 'cup'} {(n * 5) % 4}",
            on_hand=(n * 11) % 6,
            status="Out of Stock" if n % 4 == 0 else "In Stock",
        )
    return inventory


def expected(inventory, query: UnitQuery) -> list[int]:
    rows = inventory.view_page(query.with_(sort="id", descending=False), 0, 1000)
    def key(row):
        value = {"item_number": row[2] and row[2].lower(), "name": row[4].lower(), "on_hand": row[7]}[query.sort]
        return (value is not None, value if value is not None else "", row[0])
    ordered = sorted(rows, key=key)
    return [row[0] for row in (reversed(ordered) if query.descending else ordered)]


def scrolled(inventory, query: UnitQuery, window: int = 4) -> list[int]:
    total = inventory.view_count(query)
    ids: list[int] = []
    for offset in range(0, total, window):
        ids += [row[0] for row in inventory.view_page(query, offset, window, total)]
    return ids


@pytest.mark.parametrize("sort", ["item_number", "name", "on_hand"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("status", [None, "Out of Stock"])
def test_windows_from_both_ends_show_every_row_once_in_order(shelf, sort, descending, status):
    status_id = next(s.id for s in shelf.statuses() if s.name == status) if status else None
    query = UnitQuery(scope="products", sort=sort, descending=descending, status_id=status_id)
    want = expected(shelf, query)
    assert len(want) == (8 if status else 31)
    assert scrolled(shelf, query) == want
