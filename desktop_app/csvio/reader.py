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
import zipfile
from collections.abc import Iterator, Sequence
from itertools import chain, compress, islice
from pathlib import Path

from desktop_app.errors import InventoryError

_CHUNK = 1 << 20
_BATCH_RECORDS = 4096  # CSV records read per batch
DELIMITERS = (",", ";", "\t")
CSV_CELL_MAX = 64 * 1024 * 1024  # real exports carry long HTML descriptions (in columns the import ignores)
csv.field_size_limit(CSV_CELL_MAX)
# An .xlsx is a zip of XML: its parts' expanded sizes are known before anything is parsed, so a bomb (a few
# hundred KB that expand to gigabytes) is refused at once. The sheet itself streams; the shared strings and the
# other parts openpyxl reads whole, so they get tighter limits. Rows and columns stop at Excel's own limits.
MAX_SHEET_BYTES = 1 << 30
MAX_SHARED_STRINGS_BYTES = 128 << 20
MAX_PART_BYTES = 32 << 20
MAX_XLSX_ROWS = 1_048_576
MAX_XLSX_COLUMNS = 16_384
MAX_XLSX_CELLS = 50_000_000  # empty cells between filled ones count: a cell in column XFD is 16,384 cells
# Follows the last line of a CSV file: a quoted field that never closes swallows it (see _csv_batches).
_END = "\ufdd0end of file\ufdd0"
_END_ROW = [_END]


class SheetError(InventoryError):
    """The file cannot be read past a cell: ``line N, column C: reason``; nothing is imported."""

    def __init__(self, line: int, column: str, reason: str) -> None:
        super().__init__(f"line {line}, column {column}: {reason}")
        self.line, self.column, self.reason = line, column, reason


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
        self._stat = _identity(self.path)
        self.size = self._stat[0] or 1
        self.is_xlsx = self.path.suffix.lower() in (".xlsx", ".xlsm")
        self.encoding = None if self.is_xlsx else detect_encoding(self.path)
        self.delimiter = None
        self._position = 0.0
        self.header: list[str] = []
        # The rows (``__iter__``); a CSV file's come in batches, each iterated at C speed.
        self._source = self._xlsx_rows() if self.is_xlsx else self._csv_batches()
        self._rows = self._source if self.is_xlsx else chain.from_iterable(self._source)
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
        self._source.close()

    def check_unchanged(self) -> None:
        """Refuse a file whose size or modification time changed since it was opened (it was being written,
        truncated or replaced while it was read: what was read is not what the file holds)."""
        if _identity(self.path) != self._stat:
            raise InventoryError(
                f"{self.path.name} changed while it was being imported (its size or modification time is not "
                "what it was when the import began); nothing was imported. Import it again once it is complete."
            )

    def _column(self, index: int) -> str:
        name = self.header[index] if index < len(self.header) else ""
        return name or str(index + 1)

    # -- CSV --------------------------------------------------------------------------------------
    def _csv_batches(self) -> Iterator[list[tuple[int, list[str]]]]:
        """The file's rows, a few thousand at a time: the CSV reader's records are pulled, checked for blank
        lines and numbered per batch in C-level calls (a Python step per row cost more than parsing it)."""
        with open(self.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")
            first_line = text.readline()
            self.delimiter = detect_delimiter(first_line)
            # The file's lines, then one more: a quoted field still open at the end takes it in, else it is a
            # record of its own (the CSV reader, like Excel, otherwise ends such a field silently at the end).
            reader = csv.reader(chain((first_line,), text, (_END + "\n",)), delimiter=self.delimiter)
            start = 1  # the line where the next record begins
            records: list[list[str]] = []  # the last record of a batch waits: it may be the end-of-file line
            while True:
                pulled = len(records)
                try:
                    records.extend(islice(reader, _BATCH_RECORDS))
                except csv.Error as exc:
                    # Every record before the bad one is a row, as when they were read one at a time.
                    lines, bad = _record_lines(start, records, reader.line_num + 1)
                    yield _rows_of(lines, records)
                    raise InventoryError(f"{self.path.name}, line {bad:,}: {_csv_problem(exc)}") from None
                ended = len(records) - pulled < _BATCH_RECORDS
                lines, start_next = _record_lines(start, records, reader.line_num + 1)
                if ended:
                    last = records.pop()
                    if last != _END_ROW:
                        # Swallowed: a quoted field was still open when the file ended.
                        yield _rows_of(lines, records)
                        index = len(last) - 1
                        line = lines[-1] + sum(_line_breaks(cell) for cell in last[:index])
                        raise SheetError(line, self._column(index), "a quoted field that begins here never closes")
                    lines = lines[:-1]
                    kept, records = records, []
                else:
                    kept, records = records[:-1], records[-1:]
                    lines, start_next = lines[:-1], lines[-1]
                self._position = raw.tell() / self.size
                if kept:
                    yield _rows_of(lines, kept)
                start = start_next
                if ended:
                    break
        self._position = 1.0

    # -- Excel ------------------------------------------------------------------------------------
    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        name = self.path.name
        self._check_expanded_sizes()
        try:
            from openpyxl import load_workbook

            book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # a damaged or password-protected workbook
            raise InventoryError(f"{name} cannot be read as an Excel workbook: {exc}") from None
        try:
            sheet = book.worksheets[0]
            declared = sheet.max_row  # the sheet's own <dimension>, if it has one
            if declared and declared > MAX_XLSX_ROWS:
                raise InventoryError(
                    f"{name}: its sheet has {declared:,} rows; a sheet can have at most {MAX_XLSX_ROWS:,}; "
                    "nothing was imported"
                )
            total = declared or 1
            # Read every row the sheet has, whatever its <dimension> says (it may be wrong or missing).
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
            width = None
            cells = 0
            number = 0
            while True:
                try:
                    values = next(rows)
                except StopIteration:
                    break
                except Exception as exc:  # a damaged part of the sheet (or a file changed under us)
                    self.check_unchanged()
                    raise InventoryError(
                        f"{name}, line {number + 1:,}: the sheet cannot be read from here on ({exc}); "
                        "nothing was imported"
                    ) from None
                number += 1
                self._position = number / total
                if number > MAX_XLSX_ROWS:
                    raise InventoryError(
                        f"{name}, line {number:,}: a sheet can have at most {MAX_XLSX_ROWS:,} rows; "
                        "nothing was imported"
                    )
                cells += len(values)
                if len(values) > MAX_XLSX_COLUMNS or cells > MAX_XLSX_CELLS:
                    raise InventoryError(
                        f"{name}, line {number:,}: "
                        + (
                            f"a row can have at most {MAX_XLSX_COLUMNS:,} columns"
                            if len(values) > MAX_XLSX_COLUMNS
                            else f"the sheet has more than {MAX_XLSX_CELLS:,} cells"
                        )
                        + "; nothing was imported"
                    )
                texts = [_cell_text(v) for v in values[:width]]
                if any(c.strip() for c in texts):
                    if width is None:
                        width = len(texts)  # cells right of the header have no column: never read
                    yield number, texts
        finally:
            book.close()
        self._position = 1.0

    def _check_expanded_sizes(self) -> None:
        """Refuse a workbook whose parts would expand beyond what can be read, before parsing any of it."""
        name = self.path.name
        try:
            with zipfile.ZipFile(self.path) as archive:
                parts = archive.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise InventoryError(f"{name} cannot be read as an Excel workbook: {exc}") from None
        for part in parts:
            lowered = part.filename.lower()
            if lowered.endswith("sharedstrings.xml"):
                what, limit = "its shared strings expand", MAX_SHARED_STRINGS_BYTES
            elif lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
                what, limit = "its sheet expands", MAX_SHEET_BYTES
            elif lowered.endswith((".xml", ".rels")):
                what, limit = f"its part {part.filename} expands", MAX_PART_BYTES
            else:
                continue  # pictures and the like: never read
            if part.file_size > limit:
                raise InventoryError(
                    f"{name}: {what} to {_megabytes(part.file_size)}; at most {_megabytes(limit)} can "
                    "be read; nothing was imported"
                )


def _identity(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB"


def _line_breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"a cell is longer than {CSV_CELL_MAX:,} characters (does a quoted field never close?)"
    return str(exc)


def _record_lines(start: int, records: list[list[str]], next_start: int) -> tuple[Sequence[int], int]:
    """The line where each record begins (the first at ``start``), and where the one after them begins.

    ``next_start`` is what the CSV reader counted: when every record took one line, that is all it takes;
    otherwise a record spans one line more per line break inside its (quoted) cells."""
    if next_start - start == len(records):
        return range(start, next_start), next_start
    lines = []
    for row in records:
        lines.append(start)
        start += 1 + sum(map(_line_breaks, row))
    return lines, start


def _rows_of(lines: Sequence[int], records: list[list[str]]) -> list[tuple[int, list[str]]]:
    """``(line, cells)`` of every record that is not a blank line."""
    filled = list(map(str.strip, map("".join, records)))
    if all(filled):
        return list(zip(lines, records, strict=False))  # (lines may name one record more)
    return list(compress(zip(lines, records, strict=False), filled))


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
