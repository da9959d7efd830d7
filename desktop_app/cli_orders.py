"""Commands for orders and what happened: order, history, batch; and the database itself (db)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from desktop_app.cli_args import _int, _order_id, _pairs, actions, sub

if TYPE_CHECKING:  # the service (and the database) load when a command runs, not for --help
    from desktop_app.service import Inventory


def add_commands(commands) -> None:
    order = actions(commands, "order", "orders", run_order)
    place = sub(order, "place", "place an order (prints its id)")
    place.add_argument("--store", required=True)
    place.add_argument("lines", nargs="+", metavar="ITEM=QTY")
    for verb in ("pay", "ship", "cancel", "delete", "show"):
        sub(order, verb, f"{verb} an order").add_argument("order")
    ret = sub(order, "return", "return shipped lines (all of them if none are named)")
    ret.add_argument("order")
    ret.add_argument("lines", nargs="*", metavar="ITEM=QTY")
    olist = sub(order, "list", "list orders")
    olist.add_argument("--store")

    hist = sub(commands, "history", "movements and status changes of an item, oldest first", run_history)
    hist.add_argument("item")

    batch = actions(commands, "batch", "mass-change batches", run_batch)
    sub(batch, "list", "list recent batches and events")
    sub(batch, "revert", "undo a batch with compensating movements").add_argument("batch")

    database = actions(commands, "db", "the database itself", run_db)
    sub(database, "upgrade", "create or upgrade the schema (done on every open anyway)")
    roles = sub(database, "roles", "PostgreSQL: create an owner and a staff role with the server's GRANTs")
    roles.add_argument("--owner", default="inventory_owner")
    roles.add_argument("--staff", default="inventory_staff")
    roles.add_argument("--owner-password")
    roles.add_argument("--staff-password")


def run_order(inventory: Inventory, args: argparse.Namespace) -> object:
    action = args.action
    if action == "place":
        order_id = inventory.place_order(args.store, _pairs(args.lines, signed=False))
        return inventory.order(order_id).as_json()
    if action == "list":
        return [o.as_json() for o in inventory.orders(store=args.store)]
    order_id = _order_id(args.order)
    if action == "return":
        inventory.return_order(order_id, _pairs(args.lines, signed=False))
    elif action != "show":
        getattr(inventory, f"{action}_order")(order_id)
    if action == "delete":
        return {"id": order_id, "state": "deleted"}
    return inventory.order(order_id).as_json()


def run_history(inventory: Inventory, args: argparse.Namespace) -> object:
    return [h.as_json() for h in inventory.history(args.item)]


def run_batch(inventory: Inventory, args: argparse.Namespace) -> object:
    if args.action == "list":
        from desktop_app.times import local_iso

        return [{**b, "at": local_iso(b["at"])} for b in inventory.batches()]
    result = inventory.revert_batch(_int(args.batch, "batch", low=1))
    fields = (
        [h.as_json() for h in inventory.batch_history(result.batch) if h.kind == "field"]
        if result.batch
        else []
    )
    return {
        "batch": result.batch,
        "status_changes": [c.as_json() for c in result.status_changes],
        "field_changes": fields,
    }


def run_db(inventory: Inventory, args: argparse.Namespace) -> object:
    if args.action == "upgrade":
        return {"database": inventory.db.display_name, "revision": inventory.db.schema_revision()}
    from desktop_app.roles import create_roles

    passwords = create_roles(
        inventory.db,
        owner=args.owner,
        staff=args.staff,
        owner_password=args.owner_password,
        staff_password=args.staff_password,
    )
    return {"roles": [{"role": name, "password": pw} for name, pw in passwords.items()]}
