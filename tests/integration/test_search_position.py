"""Where an item is in a view: its row when the view shows it, -1 when the view leaves it out.

A window asks for the row of the item it had selected after a new filter (to keep it selected); an item the
filter leaves out has no row, and the answer says so (before, it was the row where the item would have been,
which selected a neighbour, and the view counted every row before it to say so).
"""

from __future__ import annotations

from desktop_app.queries import UnitQuery


def test_the_row_of_an_item_in_a_filtered_view_and_none_for_one_left_out(inventory):
    for number, name in (("MUG-1", "Enamel Camping Mug"), ("CUP-1", "Paper Cup"), ("MUG-2", "Travel Mug"),
                         ("BOWL-1", "Camping Bowl")):
        inventory.add_product(number, name=name)
    ids = {row[2]: row[0] for row in inventory.view_page(UnitQuery(scope="all", sort="item_number"), 0, 50)}
    camping = UnitQuery(scope="units", search="camping", sort="item_number")
    shown = [row[2] for row in inventory.view_page(camping, 0, 50)]
    assert shown == ["BOWL-1", "MUG-1"]
    assert inventory.view_position(camping, ids["BOWL-1"]) == 0
    assert inventory.view_position(camping, ids["MUG-1"]) == 1
    # Left out by the search, whether it sorts before, between or after the rows shown.
    for number in ("CUP-1", "MUG-2"):
        assert inventory.view_position(camping, ids[number]) == -1
    descending = camping.with_(descending=True)
    assert inventory.view_position(descending, ids["MUG-1"]) == 0
    assert inventory.view_position(descending, ids["CUP-1"]) == -1
    # A two-letter fragment (no trigram), and a status filter.
    assert inventory.view_position(UnitQuery(scope="units", search="ug", sort="name"), ids["MUG-2"]) == 1
    assert inventory.view_position(UnitQuery(scope="units", search="ug", sort="name"), ids["BOWL-1"]) == -1
    row = inventory.view_page(UnitQuery(scope="units"), 0, 1)[0]
    other_status = next(s for s in inventory.statuses() if s.id != row[6])
    assert inventory.view_position(UnitQuery(scope="units", status_id=other_status.id), row[0]) == -1
    assert inventory.view_position(UnitQuery(scope="units", status_id=row[6]), row[0]) >= 0
