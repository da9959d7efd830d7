"""Checks and runners shared by the integration tests."""

from __future__ import annotations

import atexit
import contextlib
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import weakref
from dataclasses import dataclass

from sqlalchemy import Engine, event, func, select

from desktop_app.schema import items, movements, order_lines

_MIGRATED: list[str] = []  # the SQLite file migrated_sqlite copies, made once per process


def migrated_sqlite(path) -> str:
    """A new SQLite database at ``path``, already at the newest schema; returns ``path`` as a string.

    A copy of one migrated once per process: migrating takes longer than a property test's example.
    """
    if not _MIGRATED:
        from desktop_app.service import Inventory

        folder = tempfile.mkdtemp(prefix="ie-migrated-")
        atexit.register(shutil.rmtree, folder, True)
        made = os.path.join(folder, "migrated.db")
        Inventory(made).db.dispose()  # closed: nothing is left in a -wal
        _MIGRATED.append(made)
    shutil.copyfile(_MIGRATED[0], path)
    return str(path)


def history_mismatches(db) -> list[str]:
    """Units whose movements do not add up to their counts, and products whose sums are off."""
    with db.connect(write=False) as conn:
        sums = {
            (r.unit_id, r.quantity): r.total
            for r in conn.execute(
                select(
                    movements.c.unit_id, movements.c.quantity, func.sum(movements.c.delta).label("total")
                ).group_by(movements.c.unit_id, movements.c.quantity)
            )
        }
        rows = conn.execute(select(items)).all()
        bad = []
        by_parent: dict[int, list] = {}
        for r in rows:
            if r.parent_id is not None:
                by_parent.setdefault(r.parent_id, []).append(r)
        for r in rows:
            if r.use_variant_inventory:
                kids = by_parent.get(r.id, [])
                for name in ("on_hand", "on_order", "committed"):
                    if getattr(r, name) != sum(getattr(k, name) for k in kids):
                        bad.append(f"{r.item_number}: {name} {getattr(r, name)} is not its variants' sum")
                continue
            for name in ("on_hand", "on_order"):
                if sums.get((r.id, name), 0) != getattr(r, name):
                    bad.append(
                        f"{r.item_number}: {name} {getattr(r, name)} but history sums to "
                        f"{sums.get((r.id, name), 0)}"
                    )
        return bad


def committed_mismatches(db) -> list[str]:
    with db.connect(write=False) as conn:
        counted = dict(
            conn.execute(
                select(order_lines.c.unit_id, func.sum(order_lines.c.committed)).group_by(
                    order_lines.c.unit_id
                )
            ).all()
        )
        return [
            f"{r.item_number}: committed {r.committed} but lines count {counted.get(r.id, 0)}"
            for r in conn.execute(select(items).where(items.c.use_variant_inventory.is_(False)))
            if r.committed != counted.get(r.id, 0)
        ]


def write_csv(path, header, rows, *, encoding="utf-8", delimiter=","):
    with open(path, "w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


@dataclass
class CliResult:
    """What a run of the command line left: its exit status and everything it printed."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args, env: dict[str, str] | None = None) -> CliResult:
    """Run ``inventory-editor ARGS`` in this process: ``desktop_app.cli.main`` with stdout and stderr captured.

    The same entry point the installed command calls, without starting a new Python for every command (a
    second or more each on a loaded machine). ``INVENTORY_EDITOR_DB`` is unset unless ``env`` sets it, as for
    a command run with ``--db``; ``env`` adds variables for the run. Every engine the command opened is
    disposed afterwards, as at the end of its process. Tests of what only a real process shows (a closed pipe,
    the environment of a new process, the log file) use :func:`run_cli_process`.
    """
    from desktop_app.cli import main

    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    engines: weakref.WeakSet = weakref.WeakSet()

    def opened(conn) -> None:
        engines.add(conn.engine)

    changes = {"INVENTORY_EDITOR_DB": None, **(env or {})}
    saved = {name: os.environ.get(name) for name in changes}
    event.listen(Engine, "engine_connect", opened)
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: wrong usage (2), --help and --version (0)
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        event.remove(Engine, "engine_connect", opened)
        for engine in list(engines):
            engine.dispose()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return CliResult(argv, code, out.getvalue(), err.getvalue())


def run_cli_process(*args, env: dict[str, str] | None = None, timeout: float = 300) -> CliResult:
    """Run ``python -m desktop_app ARGS`` in a new process (``INVENTORY_EDITOR_DB`` unset unless ``env`` sets it)."""
    full = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    full.pop("INVENTORY_EDITOR_DB", None)
    full.update(env or {})
    argv = [str(a) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "desktop_app", *argv], capture_output=True, text=True, env=full, timeout=timeout
    )
    return CliResult(argv, proc.returncode, proc.stdout, proc.stderr)


def server_refuses(url: str, *statements: str) -> str:
    """Run the statements on a PostgreSQL server as one transaction; the server must refuse it (its message)."""
    import psycopg

    with psycopg.connect(url) as conn:
        try:
            with conn.transaction():
                for statement in statements:
                    conn.execute(statement)
        except psycopg.Error as exc:
            return str(exc)
    raise AssertionError(f"the server accepted: {statements}")
