"""What every command module of the command line shares: the common options, argument values, refusals.

``desktop_app.cli`` re-exports these under the same names; a command module imports them from here (so that
``cli`` importing the command modules is not a cycle).
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from desktop_app.errors import InventoryError
from desktop_app.values import COUNT_MAX, INT_MAX, INT_MIN, CellError, parse_int

if TYPE_CHECKING:
    from desktop_app.service import Inventory

# A command's handler: carries out the command, returns what --json prints (and the text is made from).
Handler = Callable[["Inventory", argparse.Namespace], object]
STATUS_FLAGS = ("unavailable", "back_order", "hidden", "show_quantity")
DEFAULT_SETTINGS = {
    "in_stock": "default_in_stock",
    "out_of_stock": "default_out_of_stock",
    "back_order": "default_back_order",
    "discontinued": "default_discontinued",
}


class Refused(InventoryError):
    """Bad input caught by the command line itself (a count that is not a number, say)."""


@functools.cache
def common() -> argparse.ArgumentParser:
    """The options every command takes (--json, --db), as a parent parser."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document on stdout"
    )
    parser.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="database: a SQLite file path or a postgresql:// URL",
    )
    return parser


def sub(group, name: str, help_text: str, handler: Handler | None = None) -> argparse.ArgumentParser:
    """A command (or an action of one) that takes the common options; ``handler(inventory, args)`` runs it."""
    parser = group.add_parser(name, parents=[common()], help=help_text, description=help_text)
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def actions(commands, name: str, help_text: str, handler: Handler):
    """A command made of actions (``order place``, ``order pay``…): returns the group to add them to."""
    parser = commands.add_parser(name, help=help_text)
    parser.set_defaults(handler=handler)
    return parser.add_subparsers(dest="action", metavar="ACTION", required=True)


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
