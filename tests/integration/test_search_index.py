"""The search box finds items by what they are called now: added, renamed and renumbered items included.

On SQLite the search reads the FTS5 trigram table, on PostgreSQL the trigram-indexed side table of migration
0010; both are kept in step with ``items`` by triggers, which these tests exercise through the service.
"""

from __future__ import annotations

from desktop_app.queries import UnitQuery


def found(inventory, text: str) -> list[str]:
    query = UnitQuery(scope="all", search=text, sort="item_number")
    rows = inventory.view_page(query, 0, 50)
    return [row[2] for row in rows]  # item numbers


def test_search_follows_new_renamed_and_renumbered_items(inventory):
    inventory.add_product("MUG-1", name="Enamel Camping Mug")
    inventory.add_product("CUP-1", name="Paper Cup")
    assert found(inventory, "camping") == ["MUG-1"]
    assert found(inventory, "cup-") == ["CUP-1"]

    inventory.edit_item("MUG-1", {"name": "Enamel Travel Mug"})
    assert found(inventory, "camping") == []
    assert found(inventory, "travel") == ["MUG-1"]

    inventory.edit_item("CUP-1", {"item_number": "BOWL-1"})
    assert found(inventory, "cup-") == []
    assert found(inventory, "bowl-") == ["BOWL-1"]
    assert inventory.view_count(UnitQuery(scope="all", search="enamel")) == 1

    # A stock change leaves the search as it was.
    inventory.edit_item("BOWL-1", {"on_hand": 7})
    assert found(inventory, "paper") == ["BOWL-1"]
