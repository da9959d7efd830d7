"""The command line of SPEC section 6: ``inventory-editor [--db URL] COMMAND [ARGS] [--json]``.

Exit status: 0 done; 2 wrong usage (argparse's own errors); 1 refused, with the reason on stderr and, with
``--json``, ``{"error": …}`` on stdout. Nothing a user types produces a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence

from desktop_app import __version__
from desktop_app.cli_args import (  # noqa: F401  (the helpers, importable from here under their old names)
    DEFAULT_SETTINGS,
    STATUS_FLAGS,
    Refused,
    _count,
    _int,
    _order_id,
    _pairs,
    common,
)
from desktop_app.errors import InventoryError

log = logging.getLogger(__name__)

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
# The command modules, in the order --help lists them: each has ``add_commands(subparsers)``, which gives
# every command a handler. A new group of commands is one more line here.
COMMAND_MODULES = (
    "desktop_app.cli_catalog",  # init, status, store, product, variant, stock
    "desktop_app.cli_files",  # import, export
    "desktop_app.cli_orders",  # order, history, batch, db
    "desktop_app.cli_storefront",  # orders import
    "desktop_app.cli_purchasing",  # po
    "desktop_app.cli_counts",  # lookup, count
)


# -- parsing -------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inventory-editor",
        parents=[common()],
        description="Inventory editor: with no command, opens the desktop editor.",
    )
    parser.add_argument("--version", action="version", version=f"inventory-editor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(commands)
    return parser


# -- commands ------------------------------------------------------------------------------------
def run_command(args: argparse.Namespace) -> object:
    """Carry out one command; returns what ``--json`` prints (and what the text output is made from)."""
    from desktop_app.service import Inventory

    handler = getattr(args, "handler", None)
    if handler is None:
        raise Refused(f"Unknown command {args.command}")
    inventory = Inventory(getattr(args, "db", None))
    try:
        return handler(inventory, args)
    finally:  # closed as the command ends: SQLite folds its write-ahead log back into the file
        inventory.db.dispose()


# -- output --------------------------------------------------------------------------------------
def _text(args: argparse.Namespace, result: object) -> str:
    """A readable rendering of a command's result."""
    render = getattr(args, "render", None)  # a command module's own render(args, result), when it has one
    if render is not None:
        return render(args, result)
    from desktop_app import cli_text

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


if __name__ == "__main__":  # python -m desktop_app.cli works as python -m desktop_app does
    sys.exit(main())
