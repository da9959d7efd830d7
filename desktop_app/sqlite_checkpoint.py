"""A WAL checkpoint that nobody waits for (SQLite files opened for writing).

In WAL mode a commit appends the changed pages to the ``-wal`` file; a *checkpoint* copies them back into the
database file and syncs both (with ``synchronous=NORMAL`` the only fsyncs there are). SQLite runs it inside the
commit that takes the WAL past ``wal_autocheckpoint`` pages, so every ~50th order event waited for a copy of a
few hundred pages and two fsyncs: a third of an order's time. Here a thread with its own connection runs a
``PASSIVE`` checkpoint (it never blocks a writer or a reader) shortly after writes, so the writers' connections
keep only a far threshold (``FAR_AUTOCHECKPOINT`` pages) as a safety net: when they reach it there is almost
nothing left to copy, and the WAL starts again from its beginning. The ``-wal`` stays bounded by that threshold
(one checkpoint a writer runs, as before, if this thread is slow or gone).

The thread starts with the first write and ends after a few idle seconds or when the database is disposed,
closing its connection first so that the last connection to close (a writer's) checkpoints and removes the WAL.
Other processes (the command line, another workstation) need nothing of this: each commit is in the WAL, which
every connection reads, and any connection may checkpoint it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from urllib.request import pathname2url

log = logging.getLogger(__name__)

# Pages (4 KiB) the WAL may reach before a writer checkpoints it itself (SQLite's default is 1,000).
FAR_AUTOCHECKPOINT = 8192
_PAUSE_S = 0.1  # between two checkpoints: let commits gather (fewer copies of the same pages, fewer fsyncs)
_IDLE_S = 3.0  # no write for this long: the thread closes its connection and ends


class Checkpointer:
    """Checkpoints one SQLite file's WAL in a background thread, after writes (``wrote``)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._ending: threading.Thread | None = None  # a thread that went idle, maybe still closing
        self.checkpoints = 0  # how many ran (for tests and benchmarks)
        self._failed = False

    def wrote(self) -> None:
        """A write transaction committed: checkpoint soon (starting the thread if it is not running).

        Cheap when the thread runs and was already told (two attribute reads): it is called after every commit.
        """
        if not self._wake.is_set():
            self._wake.set()
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._stop.is_set() and not self._failed:
                    self._thread = threading.Thread(
                        target=self._run, name=f"sqlite-checkpoint {self.path}", daemon=True
                    )
                    self._thread.start()

    def stop(self) -> None:
        """End the thread (after the checkpoint it may be running) and close its connection."""
        with self._lock:
            self._stop.set()
            self._wake.set()
            threads = (self._thread, self._ending)
        for thread in threads:
            if thread is not None and thread is not threading.current_thread():
                thread.join()

    def _run(self) -> None:
        try:
            # mode=rw: a file that is gone is an error here, never a new empty database
            con = sqlite3.connect(
                f"file:{pathname2url(str(self.path))}?mode=rw", uri=True, isolation_level=None, check_same_thread=False
            )
        except Exception as exc:  # noqa: BLE001 - never a traceback from this thread; the writers checkpoint
            log.info("no background checkpoint for %s: %s", self.path, exc)
            self._ended(failed=True)
            return
        try:
            con.execute("PRAGMA busy_timeout=1000")
            con.execute("PRAGMA synchronous=NORMAL")
            while not self._stop.is_set():
                if not self._wake.wait(_IDLE_S):
                    with self._lock:  # idle: end, unless a write just came in (then go on)
                        if not self._wake.is_set():
                            self._ending, self._thread = self._thread, None
                            break
                self._wake.clear()
                if self._stop.is_set():
                    return
                con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.checkpoints += 1
                self._stop.wait(_PAUSE_S)
        except Exception as exc:  # noqa: BLE001 - the file went away, the disk is full…: the writers checkpoint
            log.info("background checkpoint of %s stopped: %s", self.path, exc)
            self._failed = True  # not started again for this database (the writers' threshold still holds)
        finally:
            try:
                con.close()
            except sqlite3.Error as exc:
                log.info("closing the checkpoint connection of %s: %s", self.path, exc)
            self._ended(failed=self._failed)

    def _ended(self, *, failed: bool) -> None:
        with self._lock:
            self._failed = self._failed or failed
            if self._thread is threading.current_thread():
                self._ending, self._thread = self._thread, None
