"""Orders from the storefront's orders export (SPEC section 9), through the service and the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from desktop_app.errors import InventoryError
from desktop_app.storefront import OrdersImportRefused
from tests.conftest import fixture_path
from tests.helpers import committed_mismatches, history_mismatches

ORDERS = fixture_path("shopify-orders-export.csv")
with open(ORDERS, newline="", encoding="utf-8-sig") as _f:
    HEADER = next(csv.reader(_f))


def write_export(path, orders, *, encoding="utf-8", delimiter=","):
    """``orders``: (name, created, financial, fulfillment, cancelled_at, [(sku, qty), ...]) in the real layout."""
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(HEADER)
        for name, created, financial, fulfillment, cancelled, lines in orders:
            for n, (sku, qty) in enumerate(lines):
                row = dict.fromkeys(HEADER, "")
                row.update({"Name": name, "Created at": created, "Lineitem quantity": qty, "Lineitem sku": sku})
                if n == 0:
                    row.update(
                        {"Financial Status": financial, "Fulfillment Status": fulfillment, "Cancelled at": cancelled}
                    )
                w.writerow([row[h] for h in HEADER])
    return str(path)


T1, T2, T3 = "2026-06-01 10:00:00 +1000", "2026-06-02 10:00:00 +1000", "2026-06-03 10:00:00 -0500"


def on_hand(inv, *refs):
    return [inv.item(r).on_hand for r in refs]


def snapshot(inv):
    """Everything an import may change: counts, committed, statuses, orders."""
    units = {r: (i.on_hand, i.committed, i.status) for r in ("MUG", "CAP", "PEN") for i in [inv.item(r)]}
    orders = sorted((o.name, o.state, o.paid, [(ln.item_number, ln.quantity, ln.removed) for ln in o.lines])
                    for o in inv.orders(limit=10_000))
    return units, orders


@pytest.fixture
def web(shop):
    for ref, qty in (("MUG", 5), ("CAP", 3), ("PEN", 10)):
        shop.add_product(ref, on_hand=qty)
    return shop


def test_remove_when_paid_waits_for_the_export_to_say_paid_and_settings_are_read_at_each_event(web, tmp_path):
    web.set_store("Main", remove_when="paid")
    first = write_export(tmp_path / "1.csv", [("#1", T1, "pending", "unfulfilled", "", [("MUG", 2)])])
    summary = web.storefront.import_orders(first, store="Main")
    assert (summary.placed, summary.paid) == (1, 0)
    assert on_hand(web, "MUG") == [5] and web.item("MUG").committed == 2
    web.set_store("Main", remove_when="ordered")  # changed between two imports: the pay event reads it
    second = write_export(tmp_path / "2.csv", [("#1", T1, "paid", "unfulfilled", "", [("MUG", 2)])])
    summary = web.storefront.import_orders(second, store="Main")
    assert (summary.placed, summary.paid, summary.unchanged) == (0, 1, 0)
    assert on_hand(web, "MUG") == [5], "removal at 'ordered' happens at placing; paying removes nothing"
    third = write_export(tmp_path / "3.csv", [("#1", T1, "paid", "fulfilled", "", [("MUG", 2)])])
    web.storefront.import_orders(third, store="Main")
    assert on_hand(web, "MUG") == [3], "shipping removes whatever was not removed yet"
    assert web.item("MUG").committed == 0
    assert history_mismatches(web.db) == [] and committed_mismatches(web.db) == []


def test_an_order_never_goes_back_and_a_shipped_order_cancelled_later_is_reported(web, tmp_path):
    done = write_export(tmp_path / "a.csv", [("#7", T1, "paid", "fulfilled", "", [("CAP", 1)])])
    web.storefront.import_orders(done, store="Main")
    before = snapshot(web)
    back = write_export(tmp_path / "b.csv", [("#7", T1, "pending", "unfulfilled", "", [("CAP", 1)])])
    summary = web.storefront.import_orders(back, store="Main")
    assert (summary.paid, summary.shipped, summary.unchanged) == (0, 0, 1)
    cancelled = write_export(tmp_path / "c.csv", [("#7", T1, "refunded", "fulfilled", T2, [("CAP", 1)])])
    summary = web.storefront.import_orders(cancelled, store="Main")
    assert summary.not_cancelled == ["#7"] and summary.cancelled == 0
    assert snapshot(web) == before


def test_an_open_order_cancelled_since_puts_its_stock_back(web, tmp_path):
    web.storefront.import_orders(
        write_export(tmp_path / "a.csv", [("#8", T1, "paid", "", "", [("PEN", 4)])]), store="Main"
    )
    assert on_hand(web, "PEN") == [6]
    summary = web.storefront.import_orders(
        write_export(tmp_path / "b.csv", [("#8", T1, "refunded", "", T2, [("PEN", 4)])]), store="Main"
    )
    assert summary.cancelled == 1 and on_hand(web, "PEN") == [10]
    assert [o.state for o in web.orders(states=["cancelled"])] == ["cancelled"]


def test_accepted_orders_are_never_refused_oversold_ones_are_reported(web, tmp_path):
    web.edit_item("CAP", {"status": "Out of Stock", "min_qty": 5})  # the editor would refuse this order
    path = write_export(tmp_path / "o.csv", [("#9", T1, "paid", "", "", [("CAP", 4), ("MUG", 1)])])
    summary = web.storefront.import_orders(path, store="Main")
    assert summary.oversold == ["#9"] and on_hand(web, "CAP", "MUG") == [-1, 4]
    assert web.item("CAP").status == "Out of Stock"


def test_orders_are_applied_oldest_first_and_keep_the_storefront_name_and_time(web, tmp_path):
    path = write_export(
        tmp_path / "o.csv",
        [("#12", T3, "paid", "", "", [("MUG", 5)]), ("#11", T1, "paid", "", "", [("MUG", 1)])],
    )
    summary = web.storefront.import_orders(path, store="Main")
    assert [e["order"] for e in summary.events] == ["#11", "#12"]
    assert summary.oversold == ["#12"], "#11 came first, so #12 is the one that took MUG below 0"
    by_name = {o.name: o for o in web.orders()}
    assert by_name["#12"].source == "storefront"
    assert by_name["#12"].placed_at.replace(tzinfo=None).isoformat() == "2026-06-03T15:00:00"


def test_a_dry_run_reports_what_the_import_then_does_and_writes_nothing(web, tmp_path):
    before = snapshot(web)
    dry = web.storefront.import_orders(ORDERS_SMALL(tmp_path), store="Main", dry_run=True)
    assert snapshot(web) == before and not dry.written
    real = web.storefront.import_orders(ORDERS_SMALL(tmp_path), store="Main")
    assert {**dry.as_json(), "dry_run": True, "written": True} == {**real.as_json(), "dry_run": True, "written": True}
    assert real.status_changes and real.status_changes[0].item_number == "CAP"


def ORDERS_SMALL(tmp_path):  # noqa: N802
    return write_export(
        tmp_path / "small.csv",
        [
            ("#1", T1, "paid", "fulfilled", "", [("CAP", 3), ("", 1)]),
            ("#2", T2, "voided", "", T2, [("MUG", 1)]),
            ("#3", T2, "authorized", "partial", "", [("PEN", 2)]),
        ],
    )


@pytest.mark.parametrize(
    ("orders", "line", "column", "reason"),
    [
        ([("#1", T1, "paid", "", "", [("MUG", 1), ("NOPE", 1)])], 4, "Lineitem sku", "there is no item 'NOPE'"),
        ([("#1", T1, "paid", "", "", [("MUG", "2.5")])], 3, "Lineitem quantity", "'2.5' is not a whole number"),
        ([("#1", T1, "paid", "", "", [("MUG", "-1")])], 3, "Lineitem quantity", "below the lowest allowed value"),
        ([("#1", "yesterday", "paid", "", "", [("MUG", 1)])], 3, "Created at", "'yesterday' is not a time"),
        ([("#1", "2026-06-01 10:00:00", "paid", "", "", [("MUG", 1)])], 3, "Created at", "no offset from UTC"),
        ([("", T1, "paid", "", "", [("MUG", 1)])], 3, "Name", "needs the Name of its order"),
    ],
)
def test_a_bad_file_names_line_and_column_and_changes_nothing(web, tmp_path, orders, line, column, reason):
    good = ("#0", T1, "paid", "", "", [("PEN", 1)])
    path = write_export(tmp_path / "bad.csv", [good, *orders])
    before = snapshot(web)
    with pytest.raises(OrdersImportRefused) as refused:
        web.storefront.import_orders(path, store="Main")
    problems = refused.value.summary.rejected
    assert [(p.line, p.column) for p in problems] == [(line, column)]
    assert reason in problems[0].reason and f"line {line}, column {column}" in str(refused.value)
    assert snapshot(web) == before
    skipped = web.storefront.import_orders(path, store="Main", skip_invalid=True)
    assert skipped.placed == 1 and on_hand(web, "PEN") == [9]


def test_unreadable_files_are_refused_with_their_line(web, tmp_path):
    before = snapshot(web)
    broken = tmp_path / "broken.csv"
    ok = write_export(tmp_path / "ok.csv", [("#1", T1, "paid", "", "", [("MUG", 1)])])
    broken.write_text(Path(ok).read_text(encoding="utf-8") + '#2,x,"paid\n', encoding="utf-8")
    with pytest.raises(InventoryError, match="line 3"):
        web.storefront.import_orders(broken, store="Main", skip_invalid=True)
    missing = tmp_path / "missing.csv"
    missing.write_text("Name,Lineitem sku,Lineitem quantity\n#1,MUG,1\n", encoding="utf-8")
    with pytest.raises(InventoryError, match="no Financial Status, Fulfillment Status, Created at, Cancelled at"):
        web.storefront.import_orders(missing, store="Main")
    with pytest.raises(InventoryError, match="There is no store named 'Nowhere'"):
        web.storefront.import_orders(ORDERS_SMALL(tmp_path), store="Nowhere")
    assert snapshot(web) == before


def test_windows_1252_and_semicolons_are_read_like_the_product_import(web, tmp_path):
    path = write_export(
        tmp_path / "w.csv", [("#Ünï", T1, "paid", "", "", [("MUG", 2)])], encoding="cp1252", delimiter=";"
    )
    summary = web.storefront.import_orders(path, store="Main")
    assert summary.placed == 1 and [o.name for o in web.orders()] == ["#Ünï"]


def test_the_command_line_refuses_a_bad_file_with_line_and_column(web, tmp_path, capsys):
    from desktop_app.cli import main

    path = write_export(tmp_path / "bad.csv", [("#1", T1, "paid", "", "", [("NOPE", 1)])])
    url = web.db.url.replace("sqlite:///", "").replace("postgresql+psycopg://", "postgresql://")
    assert main(["--db", url, "orders", "import", path, "--store", "Main", "--json"]) == 1
    out = capsys.readouterr()
    assert "line 2, column Lineitem sku: there is no item 'NOPE'" in out.err
    assert json.loads(out.out)["rejected"] == [{"line": 2, "column": "Lineitem sku", "reason": "there is no item 'NOPE'"}]
