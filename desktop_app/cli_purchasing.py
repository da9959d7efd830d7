"""``inventory-editor po …``: purchase orders, receiving and reorder suggestions (SPEC sections 6 and 8)."""

from __future__ import annotations

import argparse

from desktop_app import cli_args


def add_commands(commands) -> None:
    """Register ``po create|order|close|cancel|show|receive|suggest|list`` on the top-level subparsers."""

    def sub(group, name: str, help_text: str) -> argparse.ArgumentParser:
        parser = cli_args.sub(group, name, help_text)
        parser.set_defaults(render=render)
        return parser

    po = cli_args.actions(commands, "po", "purchase orders to suppliers", run)
    create = sub(po, "create", "create a draft purchase order (prints its id)")
    create.add_argument("--supplier", required=True, metavar="NAME")
    create.add_argument("--store", metavar="NAME", help="whose status rules apply to its receipts")
    create.add_argument("--expected", metavar="YYYY-MM-DD")
    create.add_argument("lines", nargs="+", metavar="ITEM=QTY")
    sub(po, "order", "order a draft: its quantities go on order").add_argument("po")
    sub(po, "close", "close an ordered PO: the rest will not come").add_argument("po")
    sub(po, "cancel", "cancel a PO with nothing received").add_argument("po")
    sub(po, "show", "show a purchase order").add_argument("po")
    receive = sub(po, "receive", "receive goods on an ordered PO (one receipt)")
    receive.add_argument("po")
    receive.add_argument("lines", nargs="+", metavar="ITEM=N")
    suggest = sub(po, "suggest", "reorder suggestions (projected stock at or below the reorder point)")
    suggest.add_argument("--create", action="store_true", help="turn them into draft POs, one per supplier")
    plist = sub(po, "list", "list purchase orders")
    plist.add_argument("--state", choices=("draft", "ordered", "received", "closed", "cancelled"))
    plist.add_argument("--supplier", metavar="NAME")


def po_id(text: str) -> int:
    """A PO number (``12`` or ``#12``)."""
    return cli_args._int(text.strip().removeprefix("#"), "purchase order", low=1)


def run(inventory, args: argparse.Namespace) -> object:
    """Carry out one ``po`` command; returns what ``--json`` prints."""
    purchasing, action = inventory.purchasing, args.action
    if action == "create":
        new = purchasing.create(
            args.supplier, cli_args._pairs(args.lines, signed=False), store=args.store, expected=args.expected
        )
        return purchasing.get(new).as_json()
    if action == "suggest":
        if args.create:
            return {"created": purchasing.create_from_suggestions()}
        return [s.as_json() for s in purchasing.suggestions()]
    if action == "list":
        return [
            {
                "id": p.id,
                "supplier": p.supplier,
                "store": p.store,
                "state": p.state,
                "expected": p.expected.isoformat() if p.expected else None,
                "lines": p.lines,
                "outstanding": p.outstanding,
            }
            for p in purchasing.list(states=[args.state] if args.state else None, supplier=args.supplier)
        ]
    number = po_id(args.po)
    if action == "receive":
        po, changes = purchasing.receive(number, cli_args._pairs(args.lines, signed=False))
        return {**po.as_json(), "status_changes": [c.as_json() for c in changes]}
    if action == "show":
        return purchasing.get(number).as_json()
    done = {"order": purchasing.order, "close": purchasing.close, "cancel": purchasing.cancel}[action]
    return done(number).as_json()


def render(args: argparse.Namespace, result: object) -> str:
    """Readable text for a ``po`` command's result."""
    if args.action == "create":
        return str(result["id"])  # scripts read the new PO's id
    if args.action == "suggest":
        if isinstance(result, dict):
            return " ".join(str(i) for i in result["created"]) or "No purchase order created"
        if not result:
            return "Nothing to reorder"
        return cli_table(
            [
                [s["item_number"], s["supplier"] or "(no supplier)", s["projected"], s["suggested"]]
                for s in result
            ],
            ["Item", "Supplier", "Projected", "Suggested"],
        )
    if args.action == "list":
        return cli_table(
            [
                [p["id"], p["supplier"], p["store"] or "", p["state"], p["expected"] or "", p["outstanding"]]
                for p in result
            ],
            ["PO", "Supplier", "Store", "State", "Expected", "Outstanding"],
        )
    head = (
        f"PO {result['id']} · {result['supplier']} · {result['state']}"
        + (f" · store {result['store']}" if result["store"] else "")
        + (f" · expected {result['expected']}" if result["expected"] else "")
    )
    table = cli_table(
        [
            [line["item_number"], line["quantity"], line["received"], line["outstanding"]]
            for line in result["lines"]
        ],
        ["Item", "Quantity", "Received", "Outstanding"],
    )
    changes = [
        f"{c['item_number']}: {c['from']} -> {c['to']} ({c['rule']})"
        for c in result.get("status_changes", [])
    ]
    return "\n".join([head, table, *changes])


def cli_table(rows: list[list], header: list[str]) -> str:
    from desktop_app.cli_text import _table

    return _table([[str(v) for v in r] for r in rows], header)
