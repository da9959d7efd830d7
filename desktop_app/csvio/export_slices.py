"""The SQLite export's reading: the catalog in slices of products, read by worker threads at one snapshot.

SQLite formats every line (``exporter._STOREFRONT_LINES``), so nearly all of an export's time is SQLite
stepping through its statement, which runs without Python's GIL. Here the products are cut into slices by id
(each product with its variants: the family index hands each slice over in order), and up to ``READERS``
threads each read slices on their own connection while the caller writes the finished ones, in order, as
one block each. Memory stays a few slices' text (``WINDOW`` slices in flight).

The readers must see one and the same catalog, as one read transaction would. Their read transactions
start while a third connection holds SQLite's write lock (``BEGIN IMMEDIATE``), so that no other workstation
can commit in between; the lock is let go as soon as they have started (milliseconds). If the lock cannot be
had at once (a long write is running, or the file is read-only) one reader does it all, in one transaction.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from desktop_app.db import Database

READERS = max(1, min(2, os.cpu_count() or 1))
SLICE_ROWS = 32_768  # about the rows of one slice (its text is written as one block)
MAX_SLICES = 4096
WINDOW = 2  # slices in flight per reader: the next is being read while one waits to be written
LOCK_WAIT_MS = 200  # how long the export waits for the write lock before reading with one connection


class _Stopped(Exception):
    """The export ended early (an error, or the caller stopped reading): the readers stop at their next slice."""


def sqlite_slices(db: Database, sql: str) -> Iterator[tuple[bytes, int, float]]:
    """The export's lines as blocks of UTF-8 bytes, in order: (block, rows in it, fraction of the slices done).

    ``sql`` selects one column (a finished line, as a BLOB) of the rows whose family key (the product's id)
    is in ``[?, ?)``, in file order."""
    connections = _snapshot(db, READERS)
    free: deque = deque(connections)
    guard = threading.Lock()
    stopped = threading.Event()
    try:
        lo, hi = connections[0].driver_connection.execute("SELECT MIN(id), MAX(id) FROM items").fetchone()
        if lo is None:
            return
        count = min(MAX_SLICES, max(1, -(-(hi - lo + 1) // SLICE_ROWS)))  # (ids far apart: fewer, wider)
        width = -(-(hi - lo + 1) // count)
        bounds = [(lo + n * width, lo + (n + 1) * width) for n in range(count)]

        def read(start: int, end: int) -> tuple[bytes, int]:
            if stopped.is_set():
                raise _Stopped()
            with guard:
                conn = free.popleft()
            try:
                # One step of SQLite per slice, all of it without the GIL.
                rows, block = conn.driver_connection.execute(sql, (start, end)).fetchone()
                return block or b"", rows
            finally:
                with guard:
                    free.append(conn)

        with ThreadPoolExecutor(max_workers=len(connections), thread_name_prefix="export") as pool:
            pending: deque[Future] = deque()
            ahead, done = WINDOW * len(connections), 0
            try:
                for start, end in bounds:
                    pending.append(pool.submit(read, start, end))
                    while len(pending) >= ahead or (pending and start == bounds[-1][0]):
                        block, rows = pending.popleft().result()
                        done += 1
                        yield block, rows, done / count
            finally:
                stopped.set()
                for future in pending:
                    future.cancel()
    finally:
        for conn in connections:
            conn.close()  # back to the pool (its read transaction rolled back)


def _snapshot(db: Database, wanted: int) -> list:
    """``wanted`` pooled connections, each in a read transaction, all at the same snapshot (or just one)."""
    connections = [db.engine.raw_connection()]
    lock = None
    try:
        if wanted > 1:
            lock = _write_lock(db)
            if lock is not None:
                connections += [db.engine.raw_connection() for _ in range(wanted - 1)]
        for conn in connections:
            driver = conn.driver_connection
            driver.execute("BEGIN")
            driver.execute("SELECT 1 FROM items LIMIT 1").fetchall()  # the snapshot is taken at the first read
    except BaseException:
        for conn in connections:
            conn.close()
        raise
    finally:
        if lock is not None:
            _release(lock)
    return connections


def _write_lock(db: Database):
    """A connection holding SQLite's write lock (no commit can happen while it does), or None if not at once."""
    lock = db.engine.raw_connection()
    driver = lock.driver_connection
    try:
        (timeout,) = driver.execute("PRAGMA busy_timeout").fetchone()
        driver.execute(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
        try:
            driver.execute("BEGIN IMMEDIATE")
        finally:
            driver.execute(f"PRAGMA busy_timeout={int(timeout)}")
    except sqlite3.Error:  # busy, or a read-only file: one reader, in one transaction, is as consistent
        lock.close()
        return None
    return lock


def _release(lock) -> None:
    try:
        lock.driver_connection.execute("ROLLBACK")
    finally:
        lock.close()
