"""Product files (SPEC section 5): the names the service calls; the modules behind them may move."""

from desktop_app.csvio.exporter import FORMATS, export_file
from desktop_app.csvio.formats import SHOPIFY, STOREFRONT, RowInput
from desktop_app.csvio.importer import (
    INT_MAXIMUM,
    INT_MINIMUM,
    STALE,
    ImportCancelled,
    ImportRefused,
    ImportSummary,
    RowError,
    apply_rows,
    import_file,
    inspect_file,
)
from desktop_app.csvio.values import parse_bool, parse_date

__all__ = [
    "FORMATS",
    "INT_MAXIMUM",
    "INT_MINIMUM",
    "SHOPIFY",
    "STALE",
    "STOREFRONT",
    "ImportCancelled",
    "ImportRefused",
    "ImportSummary",
    "RowError",
    "RowInput",
    "apply_rows",
    "export_file",
    "import_file",
    "inspect_file",
    "parse_bool",
    "parse_date",
]
