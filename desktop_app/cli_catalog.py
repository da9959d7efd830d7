"""Commands for the catalog and its settings: init, status, store, product, variant, stock."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from desktop_app.cli_args import (
    DEFAULT_SETTINGS,
    STATUS_FLAGS,
    Refused,
    _count,
    _int,
    _pairs,
    actions,
    sub,
)

if TYPE_CHECKING:  # the service (and the database) load when a command runs, not for --help
    from desktop_app.service import Inventory


def add_commands(commands) -> None:
    init = sub(commands, "init", "create (or upgrade) the database", run_init)
    init.add_argument("--demo", action="store_true", help="fill an empty database with the demo catalog")

    status = actions(commands, "status", "product statuses", run_status)
    sub(status, "list", "list statuses")
    add = sub(status, "add", "add a status")
    add.add_argument("name")
    for flag in STATUS_FLAGS:
        add.add_argument(f"--{flag.replace('_', '-')}", action="store_true")
    add.add_argument("--ships-in", metavar="TEXT")
    edit = sub(status, "edit", "change a status")
    edit.add_argument("name")
    edit.add_argument("--rename", metavar="NEW")
    for flag in STATUS_FLAGS:
        edit.add_argument(f"--{flag.replace('_', '-')}", action=argparse.BooleanOptionalAction)
    edit.add_argument("--ships-in", metavar="TEXT")
    sub(status, "delete", "delete a status nothing uses").add_argument("name")

    store = actions(commands, "store", "stores and their inventory settings", run_store)
    sub(store, "list", "list stores")
    sub(store, "add", "add a store").add_argument("name")
    sub(store, "show", "show a store's settings").add_argument("name")
    sset = sub(store, "set", "change a store's inventory settings")
    sset.add_argument("name")
    sset.add_argument("--tracking", choices=("on", "off"))
    sset.add_argument("--remove-when", choices=("ordered", "paid", "shipped"))
    sset.add_argument("--rename", metavar="NEW")
    for option in DEFAULT_SETTINGS:
        sset.add_argument(f"--{option.replace('_', '-')}", metavar="STATUS", dest=f"default_{option}")

    product = actions(commands, "product", "products", run_product)
    padd = sub(product, "add", "add a product (a manual edit: never triggers a rule)")
    padd.add_argument("item")
    padd.add_argument("--name")
    _item_options(padd)
    pedit = sub(product, "edit", "edit a product or variant (a manual edit: never triggers a rule)")
    pedit.add_argument("item")
    pedit.add_argument("--name")
    pedit.add_argument("--item-number", metavar="NEW")
    _item_options(pedit)
    sub(product, "show", "show a product or variant").add_argument("item")
    plist = sub(product, "list", "list products and variants")
    plist.add_argument("--search", metavar="TEXT")
    plist.add_argument("--limit", default="100")

    variant = actions(commands, "variant", "variants", run_variant)
    vadd = sub(variant, "add", "add a variant to a product")
    vadd.add_argument("product")
    vadd.add_argument("item")
    vadd.add_argument("--option", action="append", required=True, metavar="NAME=VALUE")
    vadd.add_argument("--on-hand")
    vadd.add_argument("--on-order")
    vadd.add_argument("--status")
    vadd.add_argument("--low-stock-qty", "--low-stock", dest="low_stock_qty", metavar="N")
    vadd.add_argument("--barcode", metavar="CODE")
    vadd.add_argument("--reorder-to", metavar="N")

    stock = actions(commands, "stock", "stock adjustments", run_stock)
    adjust = sub(stock, "adjust", "change counts by an amount (triggering only with --store)")
    adjust.add_argument("changes", nargs="+", metavar="ITEM=+N|-N")
    adjust.add_argument("--store")
    adjust.add_argument("--note")


def _item_options(p: argparse.ArgumentParser) -> None:
    for name in ("on-hand", "on-order", "min-qty", "max-qty", "multiple-qty", "item-id", "reorder-to"):
        p.add_argument(f"--{name}", metavar="N")
    p.add_argument("--low-stock", "--low-stock-qty", dest="low_stock_qty", metavar="N")
    p.add_argument("--barcode", metavar="CODE|none")
    p.add_argument("--supplier", metavar="NAME|none")
    p.add_argument("--status")
    p.add_argument("--eta", metavar="YYYY-MM-DD|none")
    for flag in ("discontinued", "non-inventory", "low-stock-warning"):
        p.add_argument(f"--{flag}", action=argparse.BooleanOptionalAction)


def _item_fields(args: argparse.Namespace) -> dict:
    fields = {
        "on_hand": _count(args.on_hand, "--on-hand"),
        "on_order": _count(args.on_order, "--on-order"),
        "min_qty": _int(args.min_qty, "--min-qty"),
        "max_qty": _int(args.max_qty, "--max-qty"),
        "multiple_qty": _int(args.multiple_qty, "--multiple-qty"),
        "low_stock_qty": _int(args.low_stock_qty, "--low-stock"),
        "reorder_to": _int(args.reorder_to, "--reorder-to"),
        "item_id": _int(args.item_id, "--item-id"),
        "status": args.status,
        "discontinued": args.discontinued,
        "non_inventory": args.non_inventory,
        "low_stock_warning": args.low_stock_warning,
        "name": args.name,
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    if args.eta is not None:
        from desktop_app.service import eta_from_text

        fields["eta_date"] = eta_from_text(args.eta)
    for key in ("barcode", "supplier"):  # "none" (or empty) clears
        text = getattr(args, key)
        if text is not None:
            fields[key] = None if text.strip().lower() in ("", "none") else text
    return fields


def run_init(inventory: Inventory, args: argparse.Namespace) -> object:
    if args.demo:
        from desktop_app.demo import load_demo

        load_demo(inventory)
    return {"database": inventory.db.display_name, "demo": bool(args.demo)}


def run_status(inventory: Inventory, args: argparse.Namespace) -> object:
    if args.action == "list":
        return [s.as_json() for s in inventory.statuses()]
    if args.action == "delete":
        inventory.delete_status(args.name)
        return {"deleted": args.name}
    flags = {f: getattr(args, f) for f in STATUS_FLAGS}
    if args.action == "add":
        return inventory.add_status(args.name, ships_in=args.ships_in, **flags).as_json()
    return inventory.edit_status(args.name, rename=args.rename, ships_in=args.ships_in, **flags).as_json()


def run_store(inventory: Inventory, args: argparse.Namespace) -> object:
    if args.action == "list":
        return [s.as_json() for s in inventory.stores()]
    if args.action == "add":
        return inventory.add_store(args.name).as_json()
    if args.action == "show":
        return inventory.store(args.name).as_json()
    changes = {setting: getattr(args, f"default_{option}") for option, setting in DEFAULT_SETTINGS.items()}
    return inventory.set_store(
        args.name,
        track_inventory=None if args.tracking is None else args.tracking == "on",
        remove_when=args.remove_when,
        rename=args.rename,
        **changes,
    ).as_json()


def run_product(inventory: Inventory, args: argparse.Namespace) -> object:
    if args.action == "add":
        return inventory.add_product(args.item, **_item_fields(args)).as_json()
    if args.action == "edit":
        changes = _item_fields(args)
        if args.item_number is not None:
            changes["item_number"] = args.item_number
        if not changes:
            raise Refused("Nothing to change: name at least one option (see product edit --help)")
        return inventory.edit_item(args.item, changes).as_json()
    if args.action == "show":
        return inventory.item(args.item).as_json()
    limit = _int(args.limit, "--limit", low=1)
    return [i.as_json() for i in inventory.list_items(search=args.search, limit=limit)]


def run_variant(inventory: Inventory, args: argparse.Namespace) -> object:
    return inventory.add_variant(
        args.product,
        args.item,
        args.option,
        on_hand=_count(args.on_hand, "--on-hand"),
        on_order=_count(args.on_order, "--on-order"),
        status=args.status,
        low_stock_qty=_int(args.low_stock_qty, "--low-stock"),
        barcode=args.barcode,
        reorder_to=_int(args.reorder_to, "--reorder-to"),
    ).as_json()


def run_stock(inventory: Inventory, args: argparse.Namespace) -> object:
    result = inventory.adjust(_pairs(args.changes, signed=True), store=args.store, note=args.note)
    return {"batch": result.batch, "status_changes": [c.as_json() for c in result.status_changes]}
