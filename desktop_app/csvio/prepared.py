"""A previewed file import (the import wizard): the preview checks and stages the file once, Import applies it.

The preview reads, checks and stages the file as the import does, and decides every status by the rules, but
writes nothing except temporary tables of its own connection, which it keeps (``PreparedImport.conn``): each
chunk's stage with its decisions, kept as it is under a name of its own (``import_prepared_<n>``: renamed, not
copied, so Import reads it where it lies), and what earlier chunks would change in
the variant products' sums (``import_prepared_parents``, so a later row for such a product sees the sum it
would see in a direct import). It takes no lock and ends its transaction when done, so other workstations go
on working while the person reads the preview.

Import then writes the kept chunks through the ledger's set-wise door (``Ledger.apply_staged``, straight from
each kept table), chunk by chunk as a direct import does, in one transaction, after checking that nothing the preview read has changed:
each staged unit's version, the statuses, the store's settings, the file itself (and, if some rows went the
row-by-row way, no item at all). If something changed, the file is imported afresh, exactly as with no preview,
and ``notice`` says why. A file that creates items, statuses or renames (rows the row-by-row path writes) cannot
be staged this way: its preview is a dry run and Import imports it afresh.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.exc import DBAPIError

from desktop_app import pg_session
from desktop_app.csvio import importer
from desktop_app.csvio import values as cv
from desktop_app.csvio.bulk import _OWN_COLUMNS, STAGE, BulkStage
from desktop_app.csvio.claims import CLAIMS
from desktop_app.csvio.collector import collector_held_back
from desktop_app.csvio.job import ImportJob
from desktop_app.csvio.summary import ImportCancelled, ImportRefused, ImportSummary
from desktop_app.db import Database, explain, read_only_message
from desktop_app.errors import InventoryError
from desktop_app.ledger import Ledger, load_statuses, load_store_rules
from desktop_app.settings import get_store_row
from desktop_app.status_log import StatusChangeLog

PREPARED = "import_prepared"
PARENTS = "import_prepared_parents"
CANCELLED = "The import was cancelled; nothing was changed."


class _NotPreparable(Exception):
    """A row the row-by-row path writes (a new item or status, a rename): the file is previewed as a dry run."""


class _DecidingLedger:
    """The preview job's ledger: a staged chunk is decided and kept (``keep``), never written."""

    def __init__(self, ledger: Ledger, keep: Callable[[str], int]) -> None:
        self._ledger = ledger
        self.apply_staged = keep

    def __getattr__(self, name: str):
        return getattr(self._ledger, name)


class _PreparingStage(BulkStage):
    """The set-based path of a preview: no lock, and the variant products' sums as earlier chunks leave them."""

    lock_items = False

    def _empty(self, table: str) -> None:
        job = self.job
        if table != STAGE or not job.keep_pending:
            super()._empty(table)
            return
        # The chunk's decided stage is kept whole under its own name, and an empty stage takes its place.
        job.keep_pending = False
        kept = f"{PREPARED}_{job.chunks}"
        self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {kept}")
        self.conn.exec_driver_sql(f"ALTER TABLE {STAGE} RENAME TO {kept}")
        job.kept.append(kept)
        job.real_ledger.create_stage(STAGE, _OWN_COLUMNS)

    def _after_found(self) -> None:
        # A direct import has applied the earlier chunks when it reads a chunk's items: a variant product's
        # counts then include its variants' changes. Its row is checked against those sums.
        self._sql(
            f"""UPDATE {STAGE} SET old_hand = old_hand + p.dh, old_ord = old_ord + p.dord,
                new_hand = new_hand + CASE WHEN hand IS NULL THEN p.dh ELSE 0 END,
                new_ord = new_ord + CASE WHEN ord IS NULL THEN p.dord ELSE 0 END
            FROM {PARENTS} p WHERE p.parent = {STAGE}.item"""
        )


class _PreparingJob(ImportJob):
    """One preview: the import's own checks, with chunks kept instead of written."""

    def __init__(self, conn: Connection, kept: list[str], *args, **kwargs) -> None:
        super().__init__(conn, *args, **kwargs)
        self.kept = kept  # the names of the kept chunks' tables, in order
        self.keep_pending = False  # the stage holds a decided chunk, to keep when it would be emptied
        self.real_ledger: Ledger = self.ledger
        self.ledger = _DecidingLedger(self.real_ledger, self._keep)
        self.bulk = _PreparingStage(self)
        self.chunks = 0
        self.general = 0  # rows that went the row-by-row way (each refused, or the file is not preparable)

    def _apply_rows(self, general) -> None:
        s = self.summary
        before = (s.created, s.updated, s.unchanged, len(s.created_statuses))
        super()._apply_rows(general)
        self.general += len(general)
        if (s.created, s.updated, s.unchanged, len(s.created_statuses)) != before:
            raise _NotPreparable()
        if general and self.chunks and self._names_a_changed_sum(general):
            # Refused or not, such a row was checked against the sum the database holds, which a direct
            # import has changed by now: the preview is a dry run instead.
            raise _NotPreparable()

    def _names_a_changed_sum(self, general) -> bool:
        """Whether a row names a product whose variants' changes, in earlier chunks, change its sums."""
        numbers = sorted({cv.unquote_text(r.text("item_number")) for r in general} - {""})
        ids = sorted({i for r in general if (i := cv.int_or_none(r.text("item_id"))) is not None})
        for column, keys in (("item_number", numbers), ("item_id", ids)):
            for start in range(0, len(keys), 900):
                found = self.conn.execute(
                    text(
                        f"SELECT 1 FROM items i JOIN {PARENTS} p ON p.parent = i.id "
                        f"WHERE i.{column} IN :keys AND (p.dh <> 0 OR p.dord <> 0)"
                    ).bindparams(bindparam("keys", expanding=True)),
                    {"keys": keys[start : start + 900]},
                ).first()
                if found:
                    return True
        return False

    def _keep(self, table: str) -> int:
        """Decide the chunk's statuses, note what it changes in the parents' sums, and keep its rows (the stage
        is renamed when the chunk is done with it: ``_PreparingStage._empty``)."""
        changed = self.real_ledger.preview_staged(table)
        self.chunks += 1
        self.keep_pending = True
        conn = self.conn
        conn.exec_driver_sql(
            f"""INSERT INTO {PARENTS} (parent, dh, dord)
            SELECT parent, SUM(new_hand - old_hand), SUM(new_ord - old_ord) FROM {table}
            WHERE parent IS NOT NULL AND (new_hand <> old_hand OR new_ord <> old_ord) GROUP BY parent
            ON CONFLICT (parent) DO UPDATE SET dh = {PARENTS}.dh + excluded.dh, dord = {PARENTS}.dord + excluded.dord"""
        )
        return changed


class PreparedImport:
    """A file import previewed once and applied from its kept work (see the module's docstring).

    ``preview`` and ``apply`` may run in a worker thread (one at a time); ``close`` drops the kept work.
    """

    def __init__(
        self,
        db: Database,
        path: str | os.PathLike,
        *,
        store: str | None = None,
        skip_invalid: bool = False,
        update_only: bool = False,
    ) -> None:
        self.db = db
        self.path = Path(path)
        self.store = store
        self.skip_invalid = skip_invalid
        self.update_only = update_only
        self.notice: str | None = None  # why Import did not reuse the preview (None: it did, or has not run)
        self.summary: ImportSummary | None = None
        self.prepared = False  # the kept work is complete and may be applied
        self.conn: Connection | None = None
        self._snapshot: dict = {}
        self._kept: list[str] = []  # the kept chunks' tables (``import_prepared_<n>``)
        self._lock = threading.Lock()
        self._close_when_done = False

    # -- preview ---------------------------------------------------------------------------------------------
    def preview(
        self,
        *,
        progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportSummary:
        """What importing the file would do (a dry run's summary); ``ImportRefused`` for an unreadable file."""
        with self._lock, collector_held_back():  # as a direct import: the chunks' rows would set it walking
            try:
                return self._preview(progress, cancelled)
            except BaseException:
                self._drop()
                raise
            finally:
                if self._close_when_done:
                    self._drop()

    def _preview(self, progress, cancelled) -> ImportSummary:
        self._drop()
        self._stat = self._file_state()
        summary = self._new_summary(dry_run=True)
        self.conn = self.db.engine.connect()
        try:
            if self.db.is_sqlite:
                # A million staged rows would cost the editor a hundred megabytes in memory: keep them in a file.
                driver = self.conn.connection.driver_connection
                driver.execute("PRAGMA temp_store=FILE")
                driver.execute("PRAGMA temp.cache_size=-16384")
            with self._transaction(write=False) as conn:
                job = _PreparingJob(
                    conn,
                    self._kept,
                    self.db.who,
                    summary,
                    store=self.store,
                    update_only=self.update_only,
                    cause="import",
                    note=f"import of {self.path.name}",
                )
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {PARENTS}")
                conn.exec_driver_sql(
                    f"CREATE TEMPORARY TABLE {PARENTS} (parent INTEGER PRIMARY KEY, dh INTEGER, dord INTEGER)"
                )
                fingerprint = self._fingerprint(conn)
                importer.drive(
                    job,
                    importer.file_chunks(self.path, summary),
                    progress=progress,
                    cancelled=cancelled,
                )
                if job.real_ledger.event_id is not None:  # nothing may have been written
                    raise _NotPreparable()
                self._snapshot = {
                    "statuses": job.real_ledger.statuses,
                    "rules": job.real_ledger.rules,
                    "store_id": job.real_ledger.store_id,
                    "chunks": list(self._kept),
                    "staged": sum(
                        conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar_one() for table in self._kept
                    ),
                    # Refused rows (and the row-by-row path's) were judged by items the stage may not hold (a
                    # variant product's sum): their messages stand only while no item at all has changed.
                    "fingerprint": fingerprint if job.general or summary.rejected else None,
                }
        except _NotPreparable:
            self._drop()
            if progress:
                progress(0.0)
            # The file creates or renames things: its preview is a dry run, and Import imports it afresh.
            try:
                summary = self._import(dry_run=True, progress=progress, cancelled=cancelled)
            except ImportRefused as refused:
                self.summary = refused.summary
                raise
            self.summary = summary
            return summary
        except (DBAPIError, sqlite3.Error, OSError) as exc:
            raise explain(exc, self.db.display_name) or exc from exc
        self.prepared = True
        self.summary = summary
        if summary.rejected and not self.skip_invalid:
            raise ImportRefused(summary)
        return summary

    # -- apply -----------------------------------------------------------------------------------------------
    def apply(
        self,
        *,
        progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportSummary:
        """Import the file: the preview's work if nothing it read has changed, else the file afresh."""
        with self._lock, collector_held_back():
            try:
                return self._apply_or_import(progress, cancelled)
            finally:
                if self._close_when_done:
                    self._drop()

    def _apply_or_import(self, progress, cancelled) -> ImportSummary:
        self.notice = None
        if self.prepared and self.conn is not None:
            why = self._file_changed()
            if why is None:
                try:
                    applied = self._apply(progress, cancelled)
                except DBAPIError as exc:
                    if not pg_session.connection_lost(exc):  # (lost before the COMMIT: nothing was written)
                        raise explain(exc, self.db.display_name) or exc from exc
                    applied, lost = None, True
                except (sqlite3.Error, OSError) as exc:
                    raise explain(exc, self.db.display_name) or exc from exc
                else:
                    lost = False
                if applied is not None:
                    self._drop()
                    return applied
                why = (
                    "the connection to the database was lost after the preview"
                    if lost
                    else "the catalog changed since the preview (another change to items, statuses or settings)"
                )
            self.notice = f"{why[0].upper()}{why[1:]}, so the file was checked again and imported as it is now."
        self._drop()
        return self._import(dry_run=False, progress=progress, cancelled=cancelled)

    def _apply(self, progress, cancelled) -> ImportSummary | None:
        """Write the kept chunks in one transaction; None (nothing written) if what the preview read changed."""
        preview = self.summary
        if preview.rejected and not self.skip_invalid:
            raise ImportRefused(preview)
        snap = self._snapshot
        with self._transaction(write=True) as conn:
            if conn.dialect.name != "sqlite" and snap["chunks"]:
                # Every kept chunk's units, locked in one id order (chunk by chunk, two Imports of files listing
                # the same items in other orders could each hold what the other waits for).
                kept = " UNION ALL ".join(f"SELECT item FROM {table}" for table in snap["chunks"])
                conn.exec_driver_sql(f"SELECT i.id FROM items i WHERE i.id IN ({kept}) ORDER BY i.id FOR UPDATE OF i")
            if not self._unchanged(conn, snap):
                return None
            store_row = get_store_row(conn, self.store) if self.store else None
            ledger = Ledger(
                conn,
                cause="import",
                who=self.db.who,
                store_id=store_row.id if store_row else None,
                note=f"import of {self.path.name}",
                store_row=store_row,
            )
            ledger.status_changes = preview.status_changes  # decided and reported by the preview, rules unchanged
            for done, table in enumerate(snap["chunks"], 1):
                ledger.apply_staged(table, decided=True)  # the kept chunk, where it lies
                if progress:
                    progress(done / len(snap["chunks"]))
                if cancelled and cancelled():
                    raise ImportCancelled(CANCELLED)
            ledger.flush()
            summary = self._new_summary(dry_run=False)
            for name in ("format", "encoding", "delimiter", "rows", "created", "updated", "unchanged",
                         "rejected", "more_rejected", "ignored_columns", "used_columns"):
                setattr(summary, name, getattr(preview, name))
            summary.status_changes = preview.status_changes
            summary.batch = ledger.event_id
            summary.written = True
            return summary

    def _unchanged(self, conn: Connection, snap: dict) -> bool:
        """Whether everything the preview read is as it was: statuses, store settings, every staged unit."""
        store_id = get_store_row(conn, self.store).id if self.store else None
        if store_id != snap["store_id"] or load_statuses(conn) != snap["statuses"]:
            return False
        if (load_store_rules(conn, store_id) if store_id is not None else None) != snap["rules"]:
            return False
        if snap["fingerprint"] is not None and self._fingerprint(conn) != snap["fingerprint"]:
            return False
        same = sum(
            conn.exec_driver_sql(
                f"SELECT COUNT(*) FROM {table} p JOIN items i ON i.id = p.item AND i.version = p.cur_ver"
            ).scalar_one()
            for table in snap["chunks"]
        )
        return same == snap["staged"]

    @staticmethod
    def _fingerprint(conn: Connection) -> tuple:
        """Every item's version summed, their count and highest id: any change to any item changes it. (Rows
        the row-by-row path refused may depend on items the file does not stage, e.g. --update-only's.)"""
        return tuple(
            conn.exec_driver_sql("SELECT COUNT(*), MAX(id), SUM(version) FROM items").one()
        )

    # -- the rest --------------------------------------------------------------------------------------------
    def _import(self, *, dry_run: bool, progress, cancelled) -> ImportSummary:
        summary = importer.import_file(
            self.db,
            self.path,
            store=self.store,
            dry_run=dry_run,
            skip_invalid=self.skip_invalid,
            update_only=self.update_only,
            progress=progress,
            cancelled=cancelled,
        )
        if dry_run:
            self.summary = summary
        return summary

    def _new_summary(self, *, dry_run: bool) -> ImportSummary:
        return ImportSummary(
            file=self.path.name, format="", store=self.store, dry_run=dry_run, status_changes=StatusChangeLog()
        )

    def _file_state(self) -> tuple | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns

    def _file_changed(self) -> str | None:
        return None if self._file_state() == self._stat else f"{self.path.name} changed since the preview"

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        conn = self.conn
        if write and self.db.read_only:
            raise InventoryError(read_only_message(self.db.display_name))
        if conn.get_execution_options().get("inventory_write") is not write:
            conn.execution_options(inventory_write=write)
        with conn.begin():
            try:
                yield conn
                if not self.db.is_sqlite:  # COMMIT as every write's (a connection lost during it)
                    pg_session.commit(conn, write=write, name=self.db.display_name)
            except BaseException:
                pg_session.drop_if_lost(conn)
                raise

    def close(self) -> None:
        """Drop the kept work (the wizard closed or went back). A preview still running drops it when it ends."""
        self._close_when_done = True  # first: a preview ending meanwhile sees it and drops its work itself
        if self._lock.acquire(blocking=False):
            try:
                self._drop()
            finally:
                self._lock.release()

    def _drop(self) -> None:
        self.prepared = False
        kept, self._kept = self._kept, []  # a new list: a preview still running keeps adding to its own
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                conn.rollback()
            if self.db.is_sqlite:  # its temporary tables' file is deleted at once (dropping them: ~0.7 s at 1M)
                conn.invalidate()
                conn.close()
                return
            conn.execution_options(inventory_write=False)  # dropping temp tables waits for no other writer
            for table in (*kept, PARENTS, STAGE, CLAIMS):
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
            if conn.in_transaction():
                conn.commit()
            conn.close()
        except Exception:  # a connection that broke is thrown away, not returned to the pool
            conn.invalidate()
            conn.close()
