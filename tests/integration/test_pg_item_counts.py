"""PostgreSQL: the views sort and filter by counts and statuses read from ``item_counts`` (migration 0015).

That table mirrors ``items``' counts and statuses (kept in step by triggers) and carries their indexes, so that
a count change on ``items`` is a heap-only update. Here every kind of writer — orders, an import, the grid,
reverting batches, edits, new items and variants — changes stock, and after each one the mirror holds exactly
what ``items`` holds, and every count sort and filter shows the rows a user expects, in the order expected.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop_app import queries
from desktop_app.csvio.importer import import_file
from desktop_app.db import Database
from desktop_app.queries import UnitQuery
from desktop_app.service import GridChange, Inventory
from tests.conftest import PG_URL
from tests.helpers import history_mismatches, write_csv

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="item_counts is PostgreSQL's (INVENTORY_EDITOR_TEST_PG)"),
]

COUNT_SORTS = ("on_hand", "on_order", "committed", "available", "available_to_sell", "status")
FIELDS = {name: n for n, name in enumerate(queries.ROW_FIELDS)}


def mirror_drift(inventory) -> list[tuple]:
    """Rows where ``item_counts`` and ``items`` disagree (either way)."""
    mirrored = "id, NOT use_variant_inventory, parent_id IS NULL, on_hand, on_order, committed, status_id"
    columns = "id, unit, product, on_hand, on_order, committed, status_id"
    return inventory.db.read(lambda c: c.execute(text(
        f"(SELECT {mirrored} FROM items EXCEPT SELECT {columns} FROM item_counts) UNION ALL "
        f"(SELECT {columns} FROM item_counts EXCEPT SELECT {mirrored} FROM items)"
    )).all())


def sort_value(row: tuple, sort: str):
    hand, order, committed = row[FIELDS["on_hand"]], row[FIELDS["on_order"]], row[FIELDS["committed"]]
    return {
        "on_hand": hand, "on_order": order, "committed": committed, "available": hand + order,
        "available_to_sell": hand + order - committed, "status": row[FIELDS["status_id"]],
        "name": row[FIELDS["name"]].lower(),
    }[sort]


def keeps(row: tuple, query: UnitQuery, statuses: dict) -> bool:
    """Whether a row belongs in a view, worked out in Python from what ``items`` holds."""
    hand = row[FIELDS["on_hand"]]
    if query.status_id is not None and row[FIELDS["status_id"]] != query.status_id:
        return False
    status = statuses[row[FIELDS["status_id"]]]
    return {
        "": True,
        "out": hand <= 0,
        "back_ordered": hand < 0,
        "low": row[FIELDS["low_stock_warning"]] and hand <= row[FIELDS["low_stock_qty"]],
        "disagrees": queries.disagrees(
            on_hand=hand, unavailable=status.unavailable, back_order=status.back_order,
            discontinued=row[FIELDS["discontinued"]], non_inventory=row[FIELDS["non_inventory"]],
            use_variant_inventory=row[FIELDS["use_variant_inventory"]],
        ),
    }[query.stock]


def assert_views_follow(inventory) -> None:
    """The mirror is exact, and each count sort and filter shows what ``items`` says, in order, from both ends."""
    assert mirror_drift(inventory) == []
    statuses = {s.id: s for s in inventory.statuses()}
    filters = [{}, {"stock": "out"}, {"stock": "back_ordered"}, {"stock": "low"}, {"stock": "disagrees"},
               *({"status_id": sid} for sid in statuses)]
    # Every count sort both ways; each filter under a count sort and under a sort of items' own (by name).
    views = [(sort, {}, descending) for sort in COUNT_SORTS for descending in (False, True)]
    views += [(sort, chosen, sort == "name") for chosen in filters[1:] for sort in ("on_hand", "status", "name")]
    for scope in ("units", "products"):
        everything = inventory.view_page(UnitQuery(scope=scope), 0, 1000)  # by id: items alone
        for sort, chosen, descending in views:
            query = UnitQuery(scope=scope, sort=sort, descending=descending, **chosen)
            rows = sorted((r for r in everything if keeps(r, query, statuses)),
                          key=lambda r, s=sort: (sort_value(r, s), r[0]), reverse=descending)
            want = [r[0] for r in rows]
            total = inventory.view_count(query)
            assert total == len(want), query
            got = [r[0] for r in inventory.view_page(query, 0, 1000, total)]
            tail = [r[0] for r in inventory.view_page(query, max(0, total - 2), 2, total)]
            assert (got, tail) == (want, want[-2:]), query
            if want:
                middle = want[len(want) // 2]
                assert inventory.view_position(query, middle) == len(want) // 2, query


def test_views_sort_and_filter_by_counts_and_statuses_after_every_kind_of_write(shop, tmp_path):
    shop.add_product("MUG", on_hand=3)
    shop.add_product("CUP", on_hand=1, on_order=4)
    shop.add_product("BOWL", on_hand=0, status="Out of Stock", low_stock_warning=True, low_stock_qty=2)
    shop.add_product("PLATE", on_hand=5, status="Back Order")
    shop.add_product("TEE")
    shop.add_variant("TEE", "TEE-S", ["Size=S"], on_hand=2)
    shop.add_variant("TEE", "TEE-M", ["Size=M"], on_hand=6, on_order=1)
    assert_views_follow(shop)

    order = shop.place_order("Main", [("CUP", 1), ("TEE-S", 2)])  # both reach 0: the store's rule fires
    shop.pay_order(order)
    assert_views_follow(shop)
    shop.ship_order(order)
    later = shop.place_order("Main", [("MUG", 1)])
    assert_views_follow(shop)

    stock = write_csv(tmp_path / "stock.csv", ["ItemNumber", "NumberInStock", "OnOrderQuantity"],
                      [["MUG", "0", "2"], ["BOWL", "9", "0"], ["TEE-M", "1", "3"], ["NEW", "4", "0"]])
    imported = import_file(shop.db, stock, store="Main")
    assert shop.item("BOWL").status == "In Stock" and shop.item("NEW").on_hand == 4
    assert_views_follow(shop)

    mug, plate = shop.item("MUG"), shop.item("PLATE")
    grid = shop.apply_grid(
        [GridChange(mug.id, {"on_hand": "7"}, mug.version), GridChange(plate.id, {"on_hand": "-2"}, plate.version)],
        store="Main",
    )
    assert (shop.item("PLATE").on_hand, shop.item("MUG").on_hand) == (-2, 7)
    assert_views_follow(shop)

    shop.revert_batch(grid.batch)
    assert_views_follow(shop)
    shop.revert_batch(imported.batch)
    assert_views_follow(shop)

    shop.cancel_order(later)
    shop.edit_item("CUP", {"on_hand": 12, "status": "Discontinued"})
    shop.adjust([("TEE-S", +4)])
    assert_views_follow(shop)
    assert history_mismatches(shop.db) == []


def test_a_count_change_on_items_is_a_heap_only_update(shop):
    """No index of ``items`` covers a count or a status, and a page has room for a new version of its rows: a
    count change writes no index entry on ``items`` (PostgreSQL counts it as a HOT update)."""
    for n in range(40):
        shop.add_product(f"SKU-{n}", on_hand=n % 5)
    indexed = shop.db.read(lambda c: c.execute(text(
        "SELECT DISTINCT a.attname FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indrelid "
        "WHERE x.indrelid = 'items'::regclass AND (a.attnum = ANY (x.indkey) "
        "OR pg_get_expr(x.indexprs, x.indrelid) LIKE '%' || a.attname || '%' "
        "OR pg_get_expr(x.indpred, x.indrelid) LIKE '%' || a.attname || '%')"
    )).scalars().all())
    assert not {"on_hand", "on_order", "committed", "status_id", "version"} & set(indexed)
    with shop.db.engine.connect() as conn:  # rolled back: only the server's counters of this transaction are read
        conn.execute(text("UPDATE items SET on_hand = on_hand + 1, version = version + 1"))
        updated, hot = conn.execute(text(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'items'"
        )).one()
        conn.rollback()
    assert (updated, hot) == (40, 40)


def test_a_downgrade_puts_the_indexes_back_on_items_and_the_upgrade_mirrors_again(empty_db_url):
    from alembic import command


    shop = Inventory(empty_db_url)
    shop.add_store("Main")
    shop.set_store("Main", track_inventory=True, remove_when="ordered")
    shop.add_product("MUG", on_hand=3)
    shop.add_product("CUP", on_hand=1)
    shop.db.dispose()

    def migrate(step, target: str) -> None:
        _migrate(empty_db_url, step, target)

    migrate(command.downgrade, "0014")
    old = Database(empty_db_url, migrate=False)
    with old.connect(write=False) as conn:
        assert not conn.execute(text("SELECT to_regclass('item_counts') IS NOT NULL")).scalar()
        assert conn.execute(text("SELECT to_regclass('ix_units_on_hand') IS NOT NULL")).scalar()
        assert conn.execute(text("SELECT reloptions FROM pg_class WHERE oid = 'items'::regclass")).scalar() is None
    old.dispose()
    migrate(command.upgrade, "head")

    shop = Inventory(empty_db_url)
    try:
        assert mirror_drift(shop) == []
        order = shop.place_order("Main", [("MUG", 3)])
        assert shop.view_page(UnitQuery(sort="on_hand"), 0, 10)[0][2] == "MUG"
        shop.cancel_order(order)
        assert_views_follow(shop)
    finally:
        shop.db.dispose()


def _migrate(url: str, step, target: str) -> None:
    from alembic.config import Config

    from desktop_app.db import MIGRATIONS_DIR

    db = Database(url, migrate=False)
    with db.connect(write=True) as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = conn
        step(cfg, target)
    db.dispose()


def test_an_owners_truncate_of_items_empties_the_mirror_and_new_items_follow(shop):
    shop.add_product("OLD-1", on_hand=3)
    shop.db.write(lambda c: c.execute(text("TRUNCATE items RESTART IDENTITY CASCADE")))
    assert mirror_drift(shop) == []
    shop.add_product("CUP", on_hand=2)  # id 1 again
    assert mirror_drift(shop) == []
    assert [row[2] for row in shop.view_page(UnitQuery(sort="on_hand"), 0, 10)] == ["CUP"]


def test_a_database_upgraded_while_open_sorts_by_counts_from_the_new_table(empty_db_url):
    from alembic import command

    shop = Inventory(empty_db_url)
    for n, hand in enumerate((4, 1, 3)):
        shop.add_product(f"P{n}", on_hand=hand)
    shop.db.dispose()
    _migrate(empty_db_url, command.downgrade, "0014")
    db = Database(empty_db_url, migrate=False)
    try:
        by_hand = UnitQuery(sort="on_hand")
        assert [r[2] for r in db.read(lambda c: queries.page_rows(c, by_hand, 0, 10))] == ["P1", "P2", "P0"]
        db.ensure_schema()  # the same engine, now at 0015: its views read the counts from item_counts
        with db.connect(write=False) as conn:
            assert queries.counted(conn, by_hand)
        assert [r[2] for r in db.read(lambda c: queries.page_rows(c, by_hand, 0, 10))] == ["P1", "P2", "P0"]
    finally:
        db.dispose()
