"""A status that disagrees with the stock (issue 10, defect 7): the SQL filter, its Python twin, the fix."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from desktop_app.errors import InventoryError
from desktop_app.queries import UnitQuery, count, disagrees, page_ids
from desktop_app.schema import items


def test_the_sql_filter_finds_exactly_the_units_the_python_rule_flags(shop):
    rng = random.Random(10)
    names = ["In Stock", "Out of Stock", "Back Order", "Discontinued"]
    for n in range(80):
        shop.add_product(
            f"U{n:03d}",
            name=f"Unit {n}",
            on_hand=rng.randint(-3, 3),
            status=rng.choice(names),
            discontinued=rng.random() < 0.2,
            non_inventory=rng.random() < 0.15,
        )
    shop.add_product("TEE", name="Tee", status="Out of Stock")
    shop.add_variant("TEE", "TEE-S", ["Size=S"], on_hand=4, status="Out of Stock")
    shop.add_variant("TEE", "TEE-M", ["Size=M"], on_hand=0, status="In Stock")
    statuses = {s.id: s for s in shop.statuses()}
    with shop.db.connect(write=False) as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(items).order_by(items.c.id))]
        for scope in ("units", "products", "all"):
            q = UnitQuery(scope=scope, stock="disagrees")
            expected = [
                r["id"]
                for r in rows
                if (scope != "units" or not r["use_variant_inventory"])
                and (scope != "products" or r["parent_id"] is None)
                and disagrees(
                    on_hand=r["on_hand"],
                    unavailable=statuses[r["status_id"]].unavailable,
                    back_order=statuses[r["status_id"]].back_order,
                    discontinued=r["discontinued"],
                    non_inventory=r["non_inventory"],
                    use_variant_inventory=r["use_variant_inventory"],
                )
            ]
            assert count(conn, q) == len(expected) > 0
            assert page_ids(conn, q, 0, 1000) == expected
    found = {shop.item(i).item_number for i in expected}
    assert {"TEE-S", "TEE-M"} <= found and "TEE" not in found  # a product with variants is set by hand


@pytest.mark.parametrize(
    ("fields", "store", "status", "rule"),
    [
        ({"on_hand": 5, "status": "Out of Stock"}, "Main", "In Stock", "in_stock"),
        ({"on_hand": 0, "status": "In Stock"}, "Main", "Out of Stock", "out_of_stock"),
        ({"on_hand": -2, "status": "In Stock", "discontinued": True}, None, "Discontinued", "discontinued"),
    ],
)
def test_applying_the_store_rule_is_a_manual_change_with_a_note(shop, fields, store, status, rule):
    shop.add_product("MUG", name="Mug", **fields)
    advice = shop.status_advice("MUG", store=store)
    assert (advice.suggested, advice.rule) == (status, rule)
    item, applied = shop.apply_store_rule("MUG", store=store)
    assert item.status == status
    last = shop.history("MUG")[-1]
    assert (last.kind, last.to_status, last.rule, last.cause) == ("status", status, "manual", "manual")
    assert last.note == applied.note and f"→ {status}" in last.note
    assert shop.status_advice("MUG", store=store) is None
    with pytest.raises(InventoryError, match="agrees with its stock; nothing was changed"):
        shop.apply_store_rule("MUG", store=store)


def test_agreeing_and_untracked_units_are_not_flagged(shop):
    shop.add_product("CARD", name="Gift card", non_inventory=True, status="In Stock")
    shop.add_product("OLD", name="Old mug", on_hand=3, status="Discontinued", discontinued=True)
    shop.add_product("PRE", name="Preorder", on_hand=-4, status="Back Order")
    for ref in ("CARD", "OLD", "PRE"):
        assert shop.status_advice(ref, store="Main") is None
