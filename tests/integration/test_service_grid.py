"""``Inventory.apply_grid``: the grid's edits by row id, refused with typed reasons, previewed or applied."""

import pytest

from desktop_app.service import GridChange, GridRefused, GridRejection


def test_a_preview_changes_nothing_and_lists_every_change_with_the_status_rule(shop):
    mug = shop.add_product("MUG", on_hand=3)
    preview = shop.apply_grid([GridChange(mug.id, {"on_hand": "0"}, mug.version)], store="Main", dry_run=True)
    assert (preview.dry_run, preview.written, preview.batch, preview.updated) == (True, False, None, 1)
    assert {(c["item"], c["field"], str(c["to"])) for c in preview.changes} >= {("MUG", "on_hand", "0")}
    assert [(s.item_number, s.to_status) for s in preview.status_changes] == [("MUG", "Out of Stock")]
    assert shop.item("MUG").on_hand == 3  # nothing written

    applied = shop.apply_grid([GridChange(mug.id, {"on_hand": "0"}, mug.version)], store="Main")
    assert applied.written and applied.batch is not None
    assert (shop.item("MUG").on_hand, shop.item("MUG").status) == (0, "Out of Stock")


def test_refusals_name_the_item_and_field_and_say_whether_the_edit_is_stale(shop):
    mug = shop.add_product("MUG", on_hand=3)
    cup = shop.add_product("CUP", on_hand=1)
    shop.edit_item("CUP", {"on_hand": 5})  # another workstation, after the grid loaded CUP
    with pytest.raises(GridRefused) as refused:
        shop.apply_grid(
            [
                GridChange(mug.id, {"on_hand": "lots", "eta_date": ""}, mug.version),
                GridChange(cup.id, {"on_hand": "2"}, cup.version),
            ]
        )
    rejections = refused.value.rejections
    assert GridRejection(cup.id, None, rejections[-1].reason, stale=True) in rejections
    bad = [r for r in rejections if r.item_id == mug.id]
    assert [(r.field, r.stale) for r in bad] == [("on_hand", False)]
    assert "'lots' is not a whole number" in bad[0].reason
    assert refused.value.stale_items == []  # not only stale edits: the grid shows the reasons instead
    assert (shop.item("MUG").on_hand, shop.item("CUP").on_hand) == (3, 5)  # nothing changed


def test_only_stale_edits_are_a_conflict_the_grid_resolves(shop):
    cup = shop.add_product("CUP", on_hand=1)
    shop.edit_item("CUP", {"on_hand": 5})
    with pytest.raises(GridRefused) as refused:
        shop.apply_grid([GridChange(cup.id, {"on_hand": "2"}, cup.version)])
    assert refused.value.stale_items == [cup.id]
    assert shop.item("CUP").on_hand == 5


def test_a_refusals_details_name_the_item_number_a_person_knows_not_its_row_id(shop):
    mug = shop.add_product("MUG", on_hand=3)
    shop.add_product("CUP", on_hand=1)
    with pytest.raises(GridRefused) as refused:
        shop.apply_grid([GridChange(mug.id, {"on_hand": "lots"}, mug.version)])
    assert refused.value.details == ["MUG, on_hand: 'lots' is not a whole number"]
    assert shop.item("MUG").on_hand == 3
