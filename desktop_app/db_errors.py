"""The sentence a person reads for a database or file problem: no SQL, no parameters, no driver text."""

import errno
import os
import sqlite3

from sqlalchemy.exc import DBAPIError

from desktop_app.errors import InventoryError
from desktop_app.logs import mask_secrets


def read_only_message(name: str) -> str:
    return (
        f"{name} is read-only, so nothing was changed: copy it to a folder you may write to, "
        "or ask for write access to it."
    )


def explain(exc: BaseException, name: str) -> InventoryError | None:
    """One sentence for a database or file problem (no SQL, no parameters, no driver text), or None.

    ``name`` is the database as it is shown (a path, or a URL with its password masked).
    """
    name = mask_secrets(name)
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorname", "") or ""
        text_ = str(orig).lower()
        if code == "SQLITE_NOTADB" or "file is not a database" in text_:
            return InventoryError(
                f"{name} is not an inventory database (it is not a database file at all): open another "
                "file, or give a new name to start a new database."
            )
        if code.startswith("SQLITE_CORRUPT") or "malformed" in text_:
            return InventoryError(
                f"{name} is damaged (the file is incomplete or corrupted): restore a backup copy, or run "
                f'sqlite3 "{name}" "PRAGMA integrity_check" to see what is wrong.'
            )
        if code.startswith("SQLITE_READONLY") or "readonly database" in text_:
            return InventoryError(read_only_message(name))
        if code == "SQLITE_FULL" or "disk is full" in text_:
            return InventoryError(disk_full_message(name))
        if code.startswith("SQLITE_CANTOPEN") or "unable to open database" in text_:
            return InventoryError(
                f"{name} cannot be opened: check that its folder exists and that you may read and write it."
            )
        if (code.startswith("SQLITE_IOERR") or "disk i/o error" in text_) and _disk_full(name):
            # SQLite reports a write the full disk refused as an I/O error when it hits the WAL index.
            return InventoryError(disk_full_message(name))
        if code.startswith("SQLITE_IOERR") or "disk i/o error" in text_:
            return InventoryError(
                f"{name} could not be read or written (a disk error), so nothing was changed: check the "
                "disk and try again."
            )
        return None
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate == "53100":
        return InventoryError(disk_full_message(name))
    if sqlstate == "25006":
        return InventoryError(read_only_message(name))
    if sqlstate == "22003":  # a number (or a sum, or a difference) beyond the server's 32-bit integers
        return InventoryError(
            "A number is beyond what the database stores (-2,147,483,648 to 2,147,483,647), so nothing "
            "was changed: use a smaller one."
        )
    if sqlstate == "22001":
        return InventoryError(
            "A text is longer than the database stores, so nothing was changed: shorten it."
        )
    if sqlstate in ("22021", "22P05"):
        return InventoryError(
            "A text holds a character the database cannot store (such as a NUL byte), so nothing was "
            "changed: remove it."
        )
    if (
        type(orig).__module__.startswith("psycopg")
        and isinstance(exc, DBAPIError)
        and exc.connection_invalidated
    ):
        return InventoryError(f"The connection to {name} was lost, so nothing was changed: try again.")
    if (
        type(orig).__name__ == "OperationalError"
        and type(orig).__module__.startswith("psycopg")
        and (sqlstate is None or sqlstate.startswith(("08", "28", "3D", "57P")))
    ):
        first = (mask_secrets(str(orig)).strip().splitlines() or [""])[0]
        reason = " ".join(first.split("failed: ")[-1].replace("FATAL:", "").split()).rstrip(".")
        return InventoryError(f"Cannot connect to {name}: {reason or 'the server did not answer'}.")
    if isinstance(orig, OSError):
        if orig.errno == errno.ENOSPC:
            return InventoryError(disk_full_message(orig.filename))
        target = orig.filename
        if target is None:
            return None
        if orig.errno in (errno.EACCES, errno.EPERM):
            return InventoryError(
                f"You may not use {target} (permission denied): choose another file or folder."
            )
        if orig.errno == errno.EROFS:
            return InventoryError(f"{target} is on a read-only disk: choose another place.")
        if orig.errno == errno.ENOENT:
            return InventoryError(f"{target} does not exist: check the name.")
        if orig.errno == errno.EISDIR:
            return InventoryError(f"{target} is a folder: give a file name.")
    return None


def _disk_full(path: str) -> bool:
    """Whether the disk holding ``path`` has (next to) no room left."""
    folder = os.path.dirname(path)
    try:
        stat = os.statvfs(folder or ".")
    except OSError:
        return False
    return stat.f_bavail * stat.f_frsize < 256 * 1024


def disk_full_message(name: str | None = None) -> str:
    where = f" on the disk holding {name}" if name else ""
    return f"The disk is full, so nothing was changed: free some space{where} and try again."
