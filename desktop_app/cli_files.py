"""Commands for product files: import and export, through ``Inventory.import_file`` / ``export_file``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from desktop_app.cli_args import sub

if TYPE_CHECKING:  # the service (and the database) load when a command runs, not for --help
    from desktop_app.service import Inventory


def add_commands(commands) -> None:
    imp = sub(commands, "import", "import a product CSV or .xlsx (storefront or Shopify format)", run_import)
    imp.add_argument("file")
    imp.add_argument("--store", help="apply the store's status rules to count changes")
    imp.add_argument("--dry-run", action="store_true")
    imp.add_argument("--skip-invalid", action="store_true")
    imp.add_argument("--update-only", action="store_true")

    exp = sub(commands, "export", "export every product and variant", run_export)
    exp.add_argument("file")
    exp.add_argument("--format", choices=("storefront", "shopify"), default="storefront")


def run_import(inventory: Inventory, args: argparse.Namespace) -> object:
    return inventory.import_file(
        args.file,
        store=args.store,
        dry_run=args.dry_run,
        skip_invalid=args.skip_invalid,
        update_only=args.update_only,
    ).as_json()


def run_export(inventory: Inventory, args: argparse.Namespace) -> object:
    rows = inventory.export_file(args.file, format=args.format)
    return {"file": args.file, "format": args.format, "rows": rows}
