"""The status changes a mass change reports, kept compactly (a pure helper: no database, no writes).

An import of a million rows may change a third of a million statuses. One ``StatusChangeReport`` object each
(with four strings of its own) cost ~100 MB; this log keeps, per change, the unit's row id in an array, its item
number, and a 2-byte index into the few distinct (from, to, rule) triples, and makes the report objects only
when someone reads them (the wizard shows the first few thousand; the JSON report streams them).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from operator import itemgetter
from typing import overload

from desktop_app.models import StatusChangeReport


class StatusChangeLog(Sequence[StatusChangeReport]):
    """A read-only sequence of ``StatusChangeReport`` that stores each change in about 70 bytes."""

    def __init__(self, reports: Iterable[StatusChangeReport] = ()) -> None:
        self._units = array("q")
        self._numbers: list[str | None] = []
        self._kinds = array("H")
        self._kind_of: dict[tuple[str, str, str], int] = {}
        self._triples: list[tuple[str, str, str]] = []
        for report in reports:
            self.append(report)

    def _kind(self, triple: tuple[str, str, str]) -> int:
        kind = self._kind_of.get(triple)
        if kind is None:
            kind = self._kind_of[triple] = len(self._triples)
            self._triples.append(triple)
        return kind

    def append(self, report: StatusChangeReport) -> None:
        self.add(report.unit_id, report.item_number, report.from_status, report.to_status, report.rule)

    def add(self, unit_id: int, item_number: str | None, from_status: str, to_status: str, rule: str) -> None:
        self._units.append(unit_id)
        self._numbers.append(item_number)
        self._kinds.append(self._kind((from_status, to_status, rule)))

    def add_rows(self, rows: Iterable[tuple[int, str | None, str, str, str]]) -> None:
        """Add ``(unit_id, item_number, from, to, rule)`` rows (e.g. straight from a cursor)."""
        units, numbers, kinds, kind = self._units, self._numbers, self._kinds, self._kind
        for unit_id, number, old, new, rule in rows:
            units.append(unit_id)
            numbers.append(number)
            kinds.append(kind((old, new, rule)))

    def add_staged(self, rows: Sequence[tuple[int, str | None, int, int, str]], names: Mapping[int, str]) -> None:
        """Add ``(unit_id, item_number, from status id, to status id, rule)`` rows (a batch from a cursor), the
        statuses named by ``names``: a column at a time, in C-level calls (no Python step per row)."""
        kinds = _Kinds(self, names)
        self._units.extend(map(itemgetter(0), rows))
        self._numbers.extend(map(itemgetter(1), rows))
        self._kinds.extend(map(kinds.__getitem__, map(itemgetter(2, 3, 4), rows)))

    def __len__(self) -> int:
        return len(self._units)

    def _report(self, i: int) -> StatusChangeReport:
        old, new, rule = self._triples[self._kinds[i]]
        return StatusChangeReport(self._units[i], self._numbers[i], old, new, rule)

    @overload
    def __getitem__(self, index: int) -> StatusChangeReport: ...
    @overload
    def __getitem__(self, index: slice) -> list[StatusChangeReport]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._report(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("status change index out of range")
        return self._report(index)

    def __iter__(self) -> Iterator[StatusChangeReport]:
        return (self._report(i) for i in range(len(self)))

    def head(self, count: int) -> list[StatusChangeReport]:
        """The first ``count`` changes (what a window lists)."""
        return list(islice(self, count))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StatusChangeLog({len(self)} changes)"


class _Kinds(dict):
    """(from id, to id, rule) -> the log's index of (from name, to name, rule), made on first sight."""

    def __init__(self, log: StatusChangeLog, names: Mapping[int, str]) -> None:
        super().__init__()
        self.log, self.names = log, names

    def __missing__(self, key: tuple[int, int, str]) -> int:
        old, new, rule = key
        kind = self[key] = self.log._kind((self.names[old], self.names[new], rule))
        return kind
