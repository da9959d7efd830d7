"""``orders import FILE --store NAME [--dry-run] [--skip-invalid]``: the storefront's orders export (SPEC 9)."""

from __future__ import annotations

import argparse
import sys

from desktop_app.cli_args import actions, sub


def add_commands(commands) -> None:
    """Register ``orders import`` on the top-level subparsers."""
    group = actions(commands, "orders", "orders from the storefront", run)
    imp = sub(group, "import", "import the storefront's orders export as order events (idempotent)")
    imp.add_argument("file")
    imp.add_argument("--store", required=True, help="the store the orders belong to")
    imp.add_argument("--dry-run", action="store_true", help="report everything, write nothing")
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid orders, list the rest")
    imp.set_defaults(render=render)


def run(inventory, args: argparse.Namespace) -> dict:
    """Carry out ``orders import``; returns what ``--json`` prints."""
    result = inventory.storefront.import_orders(
        args.file, store=args.store, dry_run=args.dry_run, skip_invalid=args.skip_invalid
    ).as_json()
    for error in result["rejected"]:  # skipped invalid orders: listed on stderr too
        print(f"skipped: line {error['line']}, column {error['column']}: {error['reason']}", file=sys.stderr)
    return result


def render(args: argparse.Namespace, result: dict) -> str:
    """The readable summary of an orders import."""
    verb = "Would import" if result["dry_run"] else "Imported"
    lines = [
        f"{verb} {result['file']} into {result['store']}: {result['orders']} orders "
        f"({result['line_items']} line items): {result['placed']} placed, {result['paid']} paid, "
        f"{result['shipped']} shipped, {result['cancelled']} cancelled, {result['unchanged']} unchanged"
    ]
    if result["oversold"]:
        lines.append(f"  oversold (stock went below 0): {', '.join(result['oversold'])}")
    if result["not_cancelled"]:
        lines.append(f"  cancelled on the storefront after shipping, left shipped: {', '.join(result['not_cancelled'])}")
    for skipped in result["skipped_lines"][:50]:
        lines.append(f"  skipped line {skipped['line']}: {skipped['reason']}")
    if len(result["skipped_lines"]) > 50:
        lines.append(f"  … and {len(result['skipped_lines']) - 50} more skipped lines")
    if result["invalid_orders"]:
        lines.append(f"  invalid orders skipped: {', '.join(result['invalid_orders'][:20])}")
    for c in result["status_changes"][:50]:
        lines.append(f"  {c['item_number']}: {c['from']} -> {c['to']} ({c['rule']})")
    if len(result["status_changes"]) > 50:
        lines.append(f"  … and {len(result['status_changes']) - 50} more status changes")
    return "\n".join(lines)
