"""The command line of SPEC section 7: ``lookup CODE`` and ``count start|scan|set|show|post|cancel``."""

from __future__ import annotations

import argparse

from desktop_app import cli_args

COMMANDS = ("lookup", "count")


def add_commands(commands) -> None:
    """Register ``lookup`` and ``count`` on the main parser's subcommands."""

    def sub(group, name: str, help_text: str, handler=None) -> argparse.ArgumentParser:
        parser = cli_args.sub(group, name, help_text, handler)
        parser.set_defaults(render=_render)
        return parser

    sub(commands, "lookup", "the unit a barcode or item number names", _run).add_argument("code")
    count = cli_args.actions(commands, "count", "stock counts", _run)
    sub(count, "start", "open a stock count (prints its id)").add_argument("--store", metavar="NAME")
    scan = sub(count, "scan", "add N (default 1) to each code's line")
    scan.add_argument("count")
    scan.add_argument("scans", nargs="+", metavar="CODE[=N]")
    recount = sub(count, "set", "a recount: each line's counted quantity becomes N")
    recount.add_argument("count")
    recount.add_argument("recounts", nargs="+", metavar="ITEM=N")
    for action, text in (
        ("show", "show a count's lines"),
        ("post", "apply counted - expected to each line, as one batch"),
        ("cancel", "end a count without changing stock"),
    ):
        sub(count, action, text).add_argument("count")
    sub(count, "list", "list stock counts")


def _count_id(text: str) -> int:
    from desktop_app.cli_args import _int

    return _int(text.strip().removeprefix("#"), "count", low=1)


def _scans(texts: list[str]) -> list[tuple[str, int]]:
    """CODE or CODE=N. A code may itself hold '=': only a trailing =digits is a quantity."""
    from desktop_app.cli_args import Refused, _count

    out = []
    for text in texts:
        code, sep, amount = text.rpartition("=")
        if sep and code.strip() and amount.strip().lstrip("+-").isdigit():
            out.append((code.strip(), _count(amount.strip(), code.strip())))
        elif not text.strip():
            raise Refused("an empty code cannot be scanned")
        else:
            out.append((text.strip(), 1))
    return out


def run(args: argparse.Namespace, inventory) -> object:
    """Carry out ``lookup`` or ``count ...``; returns what ``--json`` prints."""
    from desktop_app.cli_args import _pairs

    if args.command == "lookup":
        return inventory.counts.lookup(args.code).as_json()
    counts = inventory.counts
    action = args.action
    if action == "start":
        return counts.start(args.store).as_json()
    if action == "list":
        return [c.as_json() for c in counts.list()]
    count_id = _count_id(args.count)
    if action == "scan":
        counts.scan(count_id, _scans(args.scans))
        return counts.get(count_id).as_json()
    if action == "set":
        counts.set(count_id, _pairs(args.recounts, signed=False))
        return counts.get(count_id).as_json()
    if action == "show":
        return counts.get(count_id).as_json()
    if action == "post":
        return counts.post(count_id).as_json()
    return counts.cancel(count_id).as_json()


def _run(inventory, args: argparse.Namespace) -> object:
    return run(args, inventory)


def _render(args: argparse.Namespace, result) -> str:
    return text(args, result)


def text(args: argparse.Namespace, result) -> str:
    """Readable output."""
    if args.command == "lookup":
        from desktop_app import cli_text

        return cli_text.render(argparse.Namespace(command="product", action="show"), result)
    action = args.action
    if action == "start":
        return str(result["id"])
    if action == "list":
        return "\n".join(
            f"{c['id']}  {c['state']:<9}  {c['store'] or '(no store)'}  started by {c['started_by']}"
            for c in result
        )
    if action == "post":
        lines = [f"Posted as batch {result['batch']}: {result['changed']} units changed"]
        lines += [
            f"  {c['item_number']}: {c['from']} -> {c['to']} ({c['rule']})" for c in result["status_changes"]
        ]
        lines += [f"  skipped: {s}" for s in result["skipped"]]
        return "\n".join(lines)
    head = f"Count {result['id']} ({result['store'] or 'no store'}): {result['state']}"
    rows = [
        f"  {line['item_number']}: expected {line['expected']}, counted {line['counted']}, "
        f"difference {line['difference']:+d}"
        for line in result["lines"]
    ]
    rows += [
        f"  unresolved {u['code']} x{u['quantity']}: {u['reason']}" for u in result.get("unresolved", [])
    ]
    return "\n".join([head, *rows])
