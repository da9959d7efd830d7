"""The grid's apply after a preview writes exactly what an apply with no preview writes.

Random grid edits (counts that cross zero, statuses chosen, flags, limits, dates, barcodes and suppliers
cleared or set, a variant product's sums, a variant's followed fields, invalid cells) for no store, a tracking
store or one that does not track, run on two copies of one catalog: previewed then applied with the preview's
checked work, and applied with no preview. Between the preview and the apply, another connection may change
something (a unit in the batch, a unit outside it, the store's settings, a status): both copies get the same
change. Afterwards both hold the same rows (counts, statuses, every field, and every event, movement, status
change and field change but the clock's times), and a refusal is the same refusal.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from desktop_app import grid_batch
from desktop_app.queries import ROW_FIELDS
from desktop_app.schema import events, field_changes, items, movements, status_changes, statuses, stores
from desktop_app.service import GridChange, GridRefused, Inventory

UNITS = ["A", "B", "C", "D", "E", "T", "T-S", "T-M", "N"]
VERSION = ROW_FIELDS.index("version")
_template: list[Path] = []


def template() -> Path:
    """A small catalog, built once per session and copied for each example."""
    if not _template:
        path = Path(tempfile.mkdtemp(prefix="ie-grid-")) / "template.db"
        inv = Inventory(str(path))
        inv.add_status("Made to Order", back_order=True)
        inv.add_store("Main")
        inv.set_store("Main", track_inventory=True)
        inv.add_store("Off")
        inv.add_product("A", on_hand=3, barcode="4006381333931", supplier="Acme")
        inv.add_product("B", on_hand=0, status="Back Order")
        inv.add_product("C", on_hand=5, non_inventory=True)
        inv.add_product("D", on_hand=1, status="Made to Order", min_qty=2, max_qty=6)
        inv.add_product("E", on_hand=2, discontinued=True)
        inv.add_product("T")
        inv.add_variant("T", "T-S", ["Size=S"], on_hand=2)
        inv.add_variant("T", "T-M", ["Size=M"], on_hand=0)
        inv.add_product("N", on_hand=-1)
        inv.db.dispose()
        _template.append(path)
    return _template[0]


VALUES = {
    "on_hand": ["0", "0", "1", "4", "-2", "lots"],
    "on_order": ["0", "3", "-1"],
    "status": ["In Stock", "Out of Stock", "Back Order", "Made to Order", "Discontinued", "Nope"],
    "min_qty": ["0", "1", "3", "8"],
    "max_qty": ["0", "2", "5"],
    "multiple_qty": ["1", "2", "0"],
    "discontinued": ["Yes", "No", "maybe"],
    "non_inventory": ["Yes", "No"],
    "eta_date": ["", "2027-03-01", "3/4/2027", "soon"],
    "low_stock_qty": ["0", "2"],
    "low_stock_warning": ["Yes", "No"],
    "reorder_to": ["0", "10"],
    "barcode": ["", "5012345678900"],
    "supplier": ["", "Bolt & Co"],
}
cells = st.sampled_from(sorted(VALUES)).flatmap(lambda f: st.tuples(st.just(f), st.sampled_from(VALUES[f])))
# One unit's edits: a few fields with a value each.
unit_edits = st.lists(cells, min_size=1, max_size=3).map(dict)
batch = st.dictionaries(st.sampled_from(UNITS), unit_edits, min_size=1, max_size=6)
meanwhile = st.sampled_from(
    [
        ("nothing",),
        ("nothing",),
        ("edit", "A", 0),  # a unit the batch may name
        ("edit", "E", 4),
        ("tracking", False),  # the store stops tracking: its rules no longer run
        ("back_order", False),  # a status stops allowing back orders: the rules pick another default
    ]
)


def happen(inv: Inventory, step) -> None:
    """Another connection's change, made between the preview and the apply."""
    if step[0] == "edit" and step[1] != "T":
        inv.edit_item(step[1], {"on_hand": step[2]})
    elif step[0] == "tracking":
        inv.set_store("Main", track_inventory=step[1])
    elif step[0] == "back_order":
        inv.edit_status("Made to Order", back_order=step[1])


def dump(inv: Inventory) -> dict:
    """Every row a batch can write, but the clock's times."""

    def rows(table, *, without=()):
        columns = [c for c in table.c if c.name not in without]
        return [tuple(r) for r in conn.execute(select(*columns).order_by(*table.primary_key.columns))]

    with inv.db.connect(write=False) as conn:
        return {
            "items": rows(items),
            "events": rows(events, without=("at",)),
            "movements": rows(movements),
            "status_changes": rows(status_changes),
            "field_changes": rows(field_changes),
            "statuses": rows(statuses),
            "stores": rows(stores),
        }


def outcome(call):
    """What the person sees: the result (its rows, its status changes) or the refusal's reasons."""
    try:
        result = call()
    except GridRefused as refused:
        return ("refused", refused.message, refused.rejections)
    return ("applied", result.batch, result.updated, result.changes, result.status_changes)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=batch, store=st.sampled_from([None, "Main", "Main", "Off"]), step=meanwhile)
# Settings that change what the rules decide, changed between the preview and the apply:
@example(edits={"D": {"on_hand": "0"}}, store="Main", step=("back_order", False))
@example(edits={"A": {"on_hand": "0"}, "B": {"on_hand": "2"}}, store="Main", step=("tracking", False))
@example(edits={"A": {"on_hand": "1"}, "B": {"barcode": ""}}, store="Main", step=("edit", "A", 0))
def test_apply_after_a_preview_writes_what_an_apply_without_one_writes(edits, store, step):
    folder = Path(tempfile.mkdtemp(prefix="ie-grid-ex-"))
    checks = []
    real_check = grid_batch._check

    def counting_check(*args, **kwargs):
        checks.append(1)
        return real_check(*args, **kwargs)

    try:
        previewed, direct = (
            Inventory(str(shutil.copyfile(template(), folder / n))) for n in ("a.db", "b.db")
        )
        ids = {u: previewed.item(u).id for u in UNITS}
        loaded = previewed.view_rows(list(ids.values()))
        changes = [GridChange(ids[u], values, loaded[ids[u]][VERSION]) for u, values in edits.items()]
        grid_batch._check = counting_check
        try:
            shown = previewed.apply_grid(changes, store=store, dry_run=True)
        except GridRefused:
            shown = None
        checks.clear()
        for inv in (previewed, direct):
            other = Inventory(inv.db.url)  # another workstation's connection
            happen(other, step)
            other.db.dispose()
        applied = outcome(lambda: previewed.apply_grid(changes, store=store, note="grid", previewed=shown))
        reused = not checks
        alone = outcome(lambda: direct.apply_grid(changes, store=store, note="grid"))
        assert applied == alone
        assert dump(previewed) == dump(direct)
        if shown is not None and step == ("nothing",):
            # Nothing changed in between: the preview's work is reused, and it showed what applying did.
            assert reused
            assert (shown.updated, shown.changes, shown.status_changes) == applied[2:]
        previewed.db.dispose()
        direct.db.dispose()
    finally:
        grid_batch._check = real_check
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("store", [None, "Main"])
def test_an_edit_made_elsewhere_between_preview_and_apply_is_a_conflict(shop, store):
    mug = shop.add_product("MUG", on_hand=3)
    cup = shop.add_product("CUP", on_hand=1)
    changes = [
        GridChange(mug.id, {"on_hand": "0"}, mug.version),
        GridChange(cup.id, {"on_hand": "4"}, cup.version),
    ]
    preview = shop.apply_grid(changes, store=store, dry_run=True)
    assert preview.updated == 2
    other = Inventory(shop.db.url)  # another workstation sells one mug meanwhile
    other.place_order("Main", [("MUG", 1)])
    other.db.dispose()
    with pytest.raises(GridRefused) as refused:
        shop.apply_grid(changes, store=store, note="grid", previewed=preview)
    assert refused.value.message == "Some rows cannot be applied; nothing was changed."
    assert refused.value.stale_items == [mug.id]
    assert refused.value.details == [
        "MUG: changed by someone else since you loaded it; reload and choose which values to keep"
    ]
    assert (shop.item("MUG").on_hand, shop.item("CUP").on_hand) == (2, 1)  # only the other sale happened
