"""Streaming rows out of a product spreadsheet: CSV (any encoding and delimiter we accept) or .xlsx.

Nothing reads a whole file into memory: rows come one at a time with the file line where each starts,
and ``progress`` tells how far through the file the reader is (0..1).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
from collections.abc import Iterator
from pathlib import Path

from desktop_app.errors import InventoryError

_CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t")
csv.field_size_limit(64 * 1024 * 1024)  # real exports carry long HTML descriptions


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if every byte decodes as UTF-8, else Windows-1252."""
    with open(path, "rb") as f:
        if f.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: f.read(_CHUNK), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def detect_delimiter(first_line: str) -> str:
    """The delimiter that splits the header line most often (outside quotes)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class SheetReader:
    """A header and a stream of ``(line, cells)`` from a CSV or .xlsx file."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise InventoryError(f"There is no file {self.path}")
        self.size = self.path.stat().st_size or 1
        self.is_xlsx = self.path.suffix.lower() in (".xlsx", ".xlsm")
        self.encoding = None if self.is_xlsx else detect_encoding(self.path)
        self.delimiter = None
        self._position = 0.0
        self.header: list[str] = []
        self._rows = self._xlsx_rows() if self.is_xlsx else self._csv_rows()
        try:
            first = next(self._rows)
        except StopIteration:
            raise InventoryError(f"{self.path.name} is empty: it has no header row") from None
        self.header = [h.strip() for h in first[1]]

    @property
    def progress(self) -> float:
        return min(self._position, 1.0)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows

    def close(self) -> None:
        self._rows.close()

    # -- CSV --------------------------------------------------------------------------------------
    def _csv_rows(self) -> Iterator[tuple[int, list[str]]]:
        with open(self.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")
            first_line = text.readline()
            self.delimiter = detect_delimiter(first_line)
            reader = csv.reader(_chain(first_line, text), delimiter=self.delimiter)
            start = 1
            for count, row in enumerate(reader):
                if not count % 1024:
                    self._position = raw.tell() / self.size
                if "".join(row).strip():  # a blank line is not a row
                    yield start, row
                start = reader.line_num + 1
        self._position = 1.0

    # -- Excel ------------------------------------------------------------------------------------
    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        try:
            from openpyxl import load_workbook

            book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # a damaged or password-protected workbook
            raise InventoryError(f"{self.path.name} cannot be read as an Excel workbook: {exc}") from None
        try:
            sheet = book.worksheets[0]
            total = sheet.max_row or 1
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                self._position = number / total
                cells = [_cell_text(v) for v in values]
                if any(c.strip() for c in cells):
                    yield number, cells
        finally:
            book.close()
        self._position = 1.0


def _chain(first_line: str, rest: io.TextIOBase) -> Iterator[str]:
    yield first_line
    yield from rest


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
