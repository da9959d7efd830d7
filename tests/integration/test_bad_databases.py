"""Issue 11, case 9: bad databases give one sentence the person can act on, never driver text.

A text file, a truncated copy, another program's database, a schema from a newer version, a read-only
folder or file, a full disk: each through the real command line (a separate process) on real files. A
read-only database opens read-only: reading commands work and leave nothing beside the file; writing
commands say it is read-only. The window shows the same sentences.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.helpers import run_cli

LEAKS = (
    "Traceback",
    "sqlalche.me",
    "SELECT",
    "INSERT",
    "UPDATE",
    "[parameters",
    "[SQL",
    "Error:",
    "sqlite3.",
)


@pytest.fixture(autouse=True)
def private_log(tmp_path, monkeypatch):
    monkeypatch.setenv("INVENTORY_EDITOR_LOG_DIR", str(tmp_path / "log"))


def run(db, *args, cwd=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("INVENTORY_EDITOR_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", str(db), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=cwd,
    )


def refused(proc, *words):
    """Exit 1 with one line on stderr that holds ``words``, and nothing a person should not see."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    for leak in LEAKS:
        assert leak not in proc.stderr and leak not in proc.stdout, proc.stderr
    return lines[0]


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo_db(tmp_path):
    """A demo catalog in a folder of its own, closed cleanly (no -wal left)."""
    folder = tmp_path / "shop"
    folder.mkdir()
    db = folder / "shop.db"
    assert run_cli("--db", db, "init", "--demo").returncode == 0  # setting up: in this process
    return db


def test_case_9_a_text_file_is_not_an_inventory_database(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("Remember to order more mugs.\n" * 40)
    before = digest(notes)
    line = refused(run(notes, "product", "list"), str(notes), "is not an inventory database")
    assert "open another file" in line
    refused(run(notes, "init"), "is not an inventory database")
    assert digest(notes) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "log") == ["notes.db"]


def test_case_9_another_programs_database_is_not_an_inventory_database(tmp_path):
    other = tmp_path / "contacts.db"
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('Ann')")
        conn.commit()
    before = digest(other)
    refused(run(other, "status", "list"), "is not an inventory database", "contacts")
    assert digest(other) == before  # no inventory tables were added to someone else's file


def test_case_9_a_truncated_copy_is_damaged(demo_db, tmp_path):
    data = demo_db.read_bytes()
    for fraction in (0.5, 0.9):
        copy = tmp_path / f"copy-{fraction}.db"
        copy.write_bytes(data[: int(len(data) * fraction)])
        line = refused(run(copy, "product", "list"), str(copy), "is damaged", "PRAGMA integrity_check")
        assert "restore a backup" in line


def test_case_9_a_schema_newer_than_the_program(demo_db):
    with contextlib.closing(sqlite3.connect(demo_db)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
        conn.commit()
    before = digest(demo_db)
    for args in (["product", "list"], ["init"], ["product", "add", "NEW"]):
        refused(run(demo_db, *args), "made by a newer version of inventory-editor", "0099")
    assert digest(demo_db) == before


@contextlib.contextmanager
def read_only(path):
    """Make a folder or a file read-only for this user: a read-only bind mount as root (root ignores
    permission bits), the permission bits otherwise."""
    path = str(path)
    if os.geteuid() != 0:
        mode = os.stat(path).st_mode
        os.chmod(path, 0o555 if os.path.isdir(path) else 0o444)
        try:
            yield
        finally:
            os.chmod(path, mode)
        return
    if subprocess.run(["mount", "--bind", path, path], capture_output=True).returncode != 0:
        pytest.skip("cannot make a read-only bind mount here")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", path], check=True, capture_output=True)
        yield
    finally:
        subprocess.run(["umount", path], check=True)


READING = [
    ["product", "list"],
    ["product", "show", "MUG-CER"],
    ["history", "MUG-CER"],
    ["status", "list"],
    ["store", "list"],
    ["order", "list"],
    ["batch", "list"],
    ["db", "upgrade"],
]
WRITING = [
    ["product", "edit", "MUG-CER", "--on-hand", "3"],
    ["stock", "adjust", "MUG-CER=+1"],
    ["status", "add", "Seasonal"],
]


def _reads_and_refuses_writes(db, export_to):
    for args in READING:
        proc = run(db, *args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert proc.stderr == ""
    assert "MUG-CER" in run(db, "product", "list").stdout
    proc = run(db, "export", export_to)
    assert proc.returncode == 0, proc.stderr
    assert "MUG-CER" in export_to.read_text(encoding="utf-8-sig")
    for args in WRITING:
        refused(run(db, *args), str(db), "is read-only", "nothing was changed")


@pytest.mark.slow
def test_case_9_a_read_only_folder_opens_read_only(demo_db, tmp_path):
    assert json.loads(run(demo_db, "product", "show", "MUG-CER", "--json").stdout)["on_hand"] > 0
    before = (sorted(os.listdir(demo_db.parent)), digest(demo_db))
    with read_only(demo_db.parent):
        _reads_and_refuses_writes(demo_db, tmp_path / "out.csv")
    assert (sorted(os.listdir(demo_db.parent)), digest(demo_db)) == before


def test_case_9_a_read_only_file_opens_read_only_and_leaves_nothing_beside_it(demo_db, tmp_path):
    before = (sorted(os.listdir(demo_db.parent)), digest(demo_db))
    with read_only(demo_db):
        _reads_and_refuses_writes(demo_db, tmp_path / "out.csv")
        assert sorted(os.listdir(demo_db.parent)) == before[0]  # no -wal, no -shm
    assert (sorted(os.listdir(demo_db.parent)), digest(demo_db)) == before


@contextlib.contextmanager
def small_disk(path, size="1200k"):
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root")
    path.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def _fill(disk):
    with contextlib.suppress(OSError), open(disk / "filler", "wb", buffering=0) as f:
        while True:
            f.write(b"\0" * 4096)


def test_case_9_a_full_disk_says_so_and_changes_nothing(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "shop.db"
        assert run(db, "init").returncode == 0
        assert run(db, "product", "add", "MUG", "--on-hand", "1").returncode == 0
        before = run(db, "product", "list", "--json").stdout
        _fill(disk)
        rows = "\n".join(f"ITEM-{n},{'A long product name ' * 20},{n}" for n in range(3000))
        csv = tmp_path / "many.csv"
        csv.write_text("ItemNumber,ItemName,NumberInStock\n" + rows + "\n")
        for args in (
            ["import", csv],
            ["stock", "adjust", "MUG=+5"],
            ["product", "add", "CUP", "--name", "x" * 400],
        ):
            refused(run(db, *args), "The disk is full", "nothing was changed")
        refused(run(db, "export", disk / "out.csv"), "The disk is full")
        os.remove(disk / "filler")
        assert run(db, "product", "list", "--json").stdout == before
        with contextlib.closing(sqlite3.connect(db)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_case_9_the_editor_shows_the_same_sentences(qtbot, tmp_path, demo_db, settings_dir):
    """The window side: the same one-sentence message in a dialog, and 'read-only' for a read-only file."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from tests.ui.conftest import ModalDriver, message_text
    from ui.app import open_inventory
    from ui.state import AppState

    modal = ModalDriver(qtbot)
    shown: list[str] = []

    def read_and_close(box):
        assert isinstance(box, QMessageBox)
        shown.append(message_text(box))
        box.close()

    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n" * 30)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(demo_db.read_bytes()[:60000])
    for path in (notes, damaged):
        modal.on_next(read_and_close)
        assert open_inventory(str(path)) is None
    modal.check()
    assert "is not an inventory database" in shown[0] and "is damaged" in shown[1]
    assert "PRAGMA integrity_check" in shown[1]
    for text in shown:
        assert not any(leak in text for leak in LEAKS), text

    with read_only(demo_db):
        inventory = open_inventory(str(demo_db))
        assert inventory is not None and inventory.db.read_only
        state = AppState(inventory, watch=True)
        try:
            assert state.read_only
            assert "read-only" in state.read_only_banner()
            assert str(demo_db) in state.read_only_banner()
            assert state.watcher is None  # nothing can change it: no watcher leaving -shm files
            shown.clear()
            modal.on_next(read_and_close)
            assert state.attempt(None, "Edit", lambda: inventory.edit_item("MUG-CER", {"on_hand": 1})) is None
            modal.check()
            assert "is read-only" in shown[0]
            from PySide6.QtCore import QSettings

            from ui.main_window import MainWindow

            window = MainWindow(state, QSettings())
            qtbot.addWidget(window)
            window.show()
            assert window.windowTitle().endswith("(read-only)")
            assert "read-only" in window.statusBar().currentMessage()
            window.close()
        finally:
            state.close()
            inventory.db.dispose()
        assert sorted(os.listdir(demo_db.parent)) == ["shop.db"]
    assert QApplication.instance() is not None


@pytest.fixture
def settings_dir(tmp_path):
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield tmp_path / "settings"
    shutil.rmtree(tmp_path / "settings", ignore_errors=True)
