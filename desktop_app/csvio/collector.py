"""The garbage collector held back while an import runs (a pure helper: no database).

An import holds a chunk of the file's rows at a time: tens of thousands of small lists and tuples, alive
until the chunk is written. Each allocation of container objects counts towards the collector's next pass,
and those rows survive the young passes, so the oldest generation was collected again and again, each time
walking every object the process holds (in the editor: its windows, models and caches too). Measured on a
210,000-row stock import, that was ~0.4 s of CPU, a tenth of the Python side. While an import runs, the
objects that existed before it are frozen (``gc.freeze``: no pass looks at them) and the young generation's
threshold is raised, so the rows, which are freed by reference counting when their chunk ends, are rarely
walked at all. Both are restored when the (outermost) import ends; a cycle made during the import is still
collected, later.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Allocations of container objects between two young passes while an import runs (Python's default: 700).
IMPORT_THRESHOLD = 200_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] = ()


@contextmanager
def collector_held_back() -> Iterator[None]:
    """Freeze the objects that exist now and raise the young generation's threshold until the block ends
    (nested or concurrent blocks restore the collector once, when the last one ends)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.freeze()
            if _saved[0]:  # a threshold of 0 means the collector is off: left so
                gc.set_threshold(max(_saved[0], IMPORT_THRESHOLD), *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
                gc.unfreeze()
