"""The command line of SPEC section 6: ``inventory-editor [--db URL] COMMAND [ARGS] [--json]``.

Exit status: 0 done; 2 wrong usage (argparse's own errors); 1 refused, with the reason on stderr and, with
``--json``, ``{"error": …}`` on stdout. Nothing a user types produces a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence

from desktop_app import __version__, cli_counts
from desktop_app.errors import InventoryError
from desktop_app.values import COUNT_MAX, INT_MAX, INT_MIN, CellError, parse_int

log = logging.getLogger(__name__)

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
STATUS_FLAGS = ("unavailable", "back_order", "hidden", "show_quantity")
DEFAULT_SETTINGS = {
    "in_stock": "default_in_stock",
    "out_of_stock": "default_out_of_stock",
    "back_order": "default_back_order",
    "discontinued": "default_discontinued",
}


class Refused(InventoryError):
    """Bad input caught by the command line itself (a count that is not a number, say)."""


# -- parsing -------------------------------------------------------------------------------------
def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document on stdout"
    )
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="database: a SQLite file path or a postgresql:// URL",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="inventory-editor",
        parents=[common],
        description="Inventory editor: with no command, opens the desktop editor.",
    )
    parser.add_argument("--version", action="version", version=f"inventory-editor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def sub(group, name: str, help_text: str) -> argparse.ArgumentParser:
        return group.add_parser(name, parents=[common], help=help_text, description=help_text)

    init = sub(commands, "init", "create (or upgrade) the database")
    init.add_argument("--demo", action="store_true", help="fill an empty database with the demo catalog")

    status = commands.add_parser("status", help="product statuses").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
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

    store = commands.add_parser("store", help="stores and their inventory settings").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
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

    product = commands.add_parser("product", help="products").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
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

    variant = commands.add_parser("variant", help="variants").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
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

    stock = commands.add_parser("stock", help="stock adjustments").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    adjust = sub(stock, "adjust", "change counts by an amount (triggering only with --store)")
    adjust.add_argument("changes", nargs="+", metavar="ITEM=+N|-N")
    adjust.add_argument("--store")
    adjust.add_argument("--note")

    imp = sub(commands, "import", "import a product CSV or .xlsx (storefront or Shopify format)")
    imp.add_argument("file")
    imp.add_argument("--store", help="apply the store's status rules to count changes")
    imp.add_argument("--dry-run", action="store_true")
    imp.add_argument("--skip-invalid", action="store_true")
    imp.add_argument("--update-only", action="store_true")

    exp = sub(commands, "export", "export every product and variant")
    exp.add_argument("file")
    exp.add_argument("--format", choices=("storefront", "shopify"), default="storefront")

    order = commands.add_parser("order", help="orders").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
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

    hist = sub(commands, "history", "movements and status changes of an item, oldest first")
    hist.add_argument("item")

    batch = commands.add_parser("batch", help="mass-change batches").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    sub(batch, "list", "list recent batches and events")
    sub(batch, "revert", "undo a batch with compensating movements").add_argument("batch")

    database = commands.add_parser("db", help="the database itself").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    sub(database, "upgrade", "create or upgrade the schema (done on every open anyway)")
    roles = sub(database, "roles", "PostgreSQL: create an owner and a staff role with the server's GRANTs")
    roles.add_argument("--owner", default="inventory_owner")
    roles.add_argument("--staff", default="inventory_staff")
    roles.add_argument("--owner-password")
    roles.add_argument("--staff-password")
    cli_counts.add_commands(commands, common)
    return parser


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


# -- values --------------------------------------------------------------------------------------


def _int(text: str | None, what: str, *, low: int = INT_MIN, high: int = INT_MAX) -> int | None:
    """A whole number as every door reads it (desktop_app.values): ASCII digits 0-9, within 32 bits."""
    if text is None:
        return None
    try:
        return parse_int(text, minimum=low, maximum=high)
    except CellError as exc:
        raise Refused(f"{what}: {exc}") from None


def _count(text: str | None, what: str) -> int | None:
    """A count (on hand, on order) or a change of one: within a billion either way (SPEC section 5)."""
    return _int(text, what, low=-COUNT_MAX, high=COUNT_MAX)


def _pairs(texts: Sequence[str], *, signed: bool) -> list[tuple[str, int]]:
    pairs = []
    for text in texts:
        ref, sep, amount = text.rpartition("=")
        if not sep or not ref.strip():
            raise Refused(f"'{text}' is not of the form ITEM={'+N or ITEM=-N' if signed else 'QTY'}")
        amount = amount.strip()
        if signed and not amount.startswith(("+", "-")):
            raise Refused(
                f"'{text}': an adjustment is a change, written +N or -N "
                "(to set a count, use product edit or an import)"
            )
        pairs.append((ref.strip(), _count(amount, ref.strip()) if signed else _int(amount, ref.strip())))
    return pairs


def _order_id(text: str) -> int:
    """An order number (``12`` or ``#12``): orders are numbered from 1."""
    return _int(text.strip().removeprefix("#"), "order", low=1)


def _item_fields(args: argparse.Namespace) -> dict:
    from desktop_app.catalog import eta_from_text

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
        fields["eta_date"] = eta_from_text(args.eta)
    for key in ("barcode", "supplier"):  # "none" (or empty) clears
        text = getattr(args, key)
        if text is not None:
            fields[key] = None if text.strip().lower() in ("", "none") else text
    return fields


# -- commands ------------------------------------------------------------------------------------
def run_command(args: argparse.Namespace) -> object:
    """Carry out one command; returns what ``--json`` prints (and what the text output is made from)."""
    from desktop_app.service import Inventory

    inventory = Inventory(getattr(args, "db", None))
    command, action = args.command, getattr(args, "action", None)

    if command in cli_counts.COMMANDS:
        return cli_counts.run(args, inventory)
    if command == "init":
        if args.demo:
            from desktop_app.demo import load_demo

            load_demo(inventory)
        return {"database": inventory.db.display_name, "demo": bool(args.demo)}
    if command == "status":
        if action == "list":
            return [s.as_json() for s in inventory.statuses()]
        if action == "delete":
            inventory.delete_status(args.name)
            return {"deleted": args.name}
        flags = {f: getattr(args, f) for f in STATUS_FLAGS}
        if action == "add":
            return inventory.add_status(args.name, ships_in=args.ships_in, **flags).as_json()
        return inventory.edit_status(args.name, rename=args.rename, ships_in=args.ships_in, **flags).as_json()
    if command == "store":
        if action == "list":
            return [s.as_json() for s in inventory.stores()]
        if action == "add":
            return inventory.add_store(args.name).as_json()
        if action == "show":
            return inventory.store(args.name).as_json()
        changes = {
            setting: getattr(args, f"default_{option}") for option, setting in DEFAULT_SETTINGS.items()
        }
        return inventory.set_store(
            args.name,
            track_inventory=None if args.tracking is None else args.tracking == "on",
            remove_when=args.remove_when,
            rename=args.rename,
            **changes,
        ).as_json()
    if command == "product":
        if action == "add":
            return inventory.add_product(args.item, **_item_fields(args)).as_json()
        if action == "edit":
            changes = _item_fields(args)
            if args.item_number is not None:
                changes["item_number"] = args.item_number
            if not changes:
                raise Refused("Nothing to change: name at least one option (see product edit --help)")
            return inventory.edit_item(args.item, changes).as_json()
        if action == "show":
            return inventory.item(args.item).as_json()
        from desktop_app.queries import UnitQuery, list_items

        limit = _int(args.limit, "--limit", low=1)
        return [
            i.as_json()
            for i in inventory.db.read(lambda c: list_items(c, UnitQuery(search=args.search), limit=limit))
        ]
    if command == "variant":
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
    if command == "stock":
        result = inventory.adjust(_pairs(args.changes, signed=True), store=args.store, note=args.note)
        return {"batch": result.batch, "status_changes": [c.as_json() for c in result.status_changes]}
    if command == "import":
        from desktop_app.csvio.importer import import_file

        return import_file(
            inventory.db,
            args.file,
            store=args.store,
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
            update_only=args.update_only,
        ).as_json()
    if command == "export":
        from desktop_app.csvio.exporter import export_file

        rows = export_file(inventory.db, args.file, format=args.format)
        return {"file": args.file, "format": args.format, "rows": rows}
    if command == "order":
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
    if command == "history":
        return [h.as_json() for h in inventory.history(args.item)]
    if command == "batch":
        if action == "list":
            return [{**b, "at": b["at"].isoformat() if b["at"] else None} for b in inventory.batches()]
        result = inventory.revert_batch(_int(args.batch, "batch", low=1))
        fields = [h.as_json() for h in inventory.batch_history(result.batch) if h.kind == "field"] if result.batch else []
        return {
            "batch": result.batch,
            "status_changes": [c.as_json() for c in result.status_changes],
            "field_changes": fields,
        }
    if command == "db":
        if action == "upgrade":
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
    raise Refused(f"Unknown command {command}")


# -- output --------------------------------------------------------------------------------------
def _text(args: argparse.Namespace, result: object) -> str:
    """A readable rendering of a command's result."""
    from desktop_app import cli_text

    if args.command in cli_counts.COMMANDS:
        return cli_counts.text(args, result)
    return cli_text.render(args, result)


EXIT_BROKEN_PIPE = 141  # what a Unix tool killed by SIGPIPE reports: `cmd | head -1` ends quietly


def main(argv: Sequence[str] | None = None, *, gui: Callable[[str | None], int] | None = None) -> int:
    try:
        code = _main(argv, gui)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader went away (`product list | head -1`): stop quietly. Anything the command wrote to
        # the database was committed before the first line was printed. Python would otherwise complain
        # again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a stream with no descriptor (captured)
                os.dup2(devnull, stream.fileno())
        return EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None, gui: Callable[[str | None], int] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    as_json = getattr(args, "json", False)
    if args.command is None:
        return _open_editor(getattr(args, "db", None), gui)
    from desktop_app.logs import setup_logging

    setup_logging(console=False)
    try:
        result = run_command(args)
    except InventoryError as exc:
        log.info("refused: %s: %s", _masked(argv), exc.message)
        return _refuse(exc, as_json)
    except KeyboardInterrupt:
        return _refuse(InventoryError("Interrupted; the operation was rolled back."), as_json)
    except Exception as exc:  # a fault of ours or of the database: a message, never a traceback
        from desktop_app.db import explain
        from desktop_app.logs import log_file

        log.exception("command failed: %s", _masked(argv))  # the log masks any URL's password too
        problem = explain(exc, getattr(args, "db", None) or "the database")
        if problem is not None:
            return _refuse(problem, as_json)
        return _refuse(
            InventoryError(
                f"Unexpected error ({exc.__class__.__name__}): nothing was changed; "
                f"the details are in {log_file()}."
            ),
            as_json,
        )
    if as_json:
        print(json.dumps(result, default=str, ensure_ascii=False))
    else:
        text = _text(args, result)
        if text:
            print(text)
    if args.command == "import" and result.get("rejected"):
        for error in result["rejected"]:
            print(
                f"skipped: line {error['line']}, column {error['column']}: {error['reason']}", file=sys.stderr
            )
        if result.get("more_rejected"):
            print(f"skipped: … and {result['more_rejected']:,} more errors", file=sys.stderr)
    return EXIT_OK


def _masked(argv: Sequence[str]) -> list[str]:
    """The command line as it may be logged: URLs' passwords and password options' values hidden."""
    from desktop_app.logs import MASK, mask_secrets

    shown = [mask_secrets(a) for a in argv]
    for i, arg in enumerate(argv[:-1]):
        if arg.endswith("-password"):
            shown[i + 1] = MASK
    return shown


def _refuse(exc: InventoryError, as_json: bool) -> int:
    from desktop_app.logs import mask_secrets

    print(f"error: {mask_secrets(exc.message)}", file=sys.stderr)
    for detail in exc.details:
        print(f"  {mask_secrets(detail)}", file=sys.stderr)
    if as_json:
        payload: dict = {"error": mask_secrets(str(exc))}
        summary = getattr(exc, "summary", None)
        if summary is not None:
            payload = {**summary.as_json(), **payload}
        print(json.dumps(payload, default=str, ensure_ascii=False))
    return EXIT_REFUSED


def _open_editor(db: str | None, gui: Callable[[str | None], int] | None) -> int:
    """With no command, open the desktop editor (registered by the ui package as an entry point)."""
    if gui is None:
        from importlib.metadata import entry_points

        found = entry_points(group="inventory_editor.gui")
        if not found:
            print(
                "error: the desktop editor is not installed; commands still work (see --help)",
                file=sys.stderr,
            )
            return EXIT_REFUSED
        gui = next(iter(found)).load()
    return gui(db)
