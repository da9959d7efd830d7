"""Issue 11, case 4: a database URL's password never reaches the log, the screen or a window title.

Commands that fail (a server that does not answer, a database that does not exist, a refused command) are
run as a user would, through the real command line; then every file of the log folder is read. The log is
private: its folder 0700, its files 0600 (a file left 0644 by an older version is tightened).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from sqlalchemy.engine import make_url

from tests.conftest import PG_URL

PASSWORD = "S3cret-Staff!"
OWNER_PASSWORD = "Hunter2-Owner"


def run(log_dir, db, *args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", INVENTORY_EDITOR_LOG_DIR=str(log_dir))
    env.pop("INVENTORY_EDITOR_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", str(db), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def with_password(url: str, **changes) -> str:
    return make_url(url).set(password=PASSWORD, **changes).render_as_string(hide_password=False)


def test_case_4_failing_commands_never_write_a_password(tmp_path, db_url):
    log_dir = tmp_path / "state" / "log"
    failures = [
        # A server that does not answer (nothing listens on port 9 of this machine).
        ("postgresql://inventory_staff:" + PASSWORD + "@127.0.0.1:9/inventory", ["product", "list"]),
    ]
    if PG_URL:
        # The real server (trust authentication takes any password): a database that does not exist, and
        # a refused command on one that does.
        failures.append((with_password(db_url, database="no_such_db"), ["status", "list"]))
        real = with_password(db_url)
        assert run(log_dir, real, "init").returncode == 0
        failures.append((real, ["product", "show", "NOPE"]))
        failures.append((real, ["order", "pay", "99999999999999999999"]))
    seen = []
    for url, args in failures:
        proc = run(log_dir, url, *args)
        assert proc.returncode == 1, proc.stderr
        assert PASSWORD not in proc.stderr + proc.stdout
        assert "Traceback" not in proc.stderr
        seen.append(proc.stderr)
    assert ":***@127.0.0.1:9/inventory" in seen[0] and "Cannot connect" in seen[0]
    # Password options of `db roles` are secrets too (refused here: a SQLite file has no roles).
    proc = run(log_dir, tmp_path / "shop.db", "db", "roles", "--owner-password", OWNER_PASSWORD)
    assert proc.returncode == 1 and OWNER_PASSWORD not in proc.stderr + proc.stdout

    logged = "".join(p.read_text(encoding="utf-8") for p in log_dir.iterdir())
    assert PASSWORD not in logged and OWNER_PASSWORD not in logged
    assert "inventory_staff:***@127.0.0.1:9/inventory" in logged  # the log still says which database
    assert "'--owner-password', '***'" in logged
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700
    for path in log_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_case_4_a_log_left_readable_by_others_is_made_private(tmp_path):
    # The default place (XDG_STATE_HOME/inventory-editor/log), as an older version left it: 0755 and 0644.
    log_dir = tmp_path / "xdg" / "inventory-editor" / "log"
    log_dir.mkdir(parents=True)
    os.chmod(log_dir, 0o755)
    old = log_dir / "inventory-editor.log"
    old.write_text("an older line\n")
    os.chmod(old, 0o644)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_STATE_HOME=str(tmp_path / "xdg"))
    env.pop("INVENTORY_EDITOR_LOG_DIR", None)
    env.pop("INVENTORY_EDITOR_DB", None)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_app",
            "--db",
            f"postgresql://u:{PASSWORD}@127.0.0.1:9/x",
            "status",
            "list",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1 and str(log_dir) not in proc.stderr
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700
    text = old.read_text()
    assert "an older line" in text and "u:***@127.0.0.1:9/x" in text and PASSWORD not in text


def test_case_4_the_name_shown_for_a_database_masks_its_password():
    from desktop_app.db import Database

    db = Database("postgresql://inventory_staff:" + PASSWORD + "@server.example/inventory", migrate=False)
    try:
        assert db.display_name == "postgresql://inventory_staff:***@server.example/inventory"
    finally:
        db.dispose()


def test_the_remembered_server_holds_no_password(tmp_path, monkeypatch):
    """The editor remembers the last database in its settings file: never a server's password."""
    from PySide6.QtCore import QSettings

    from ui import app

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    app.application()

    class FakeDb:  # only the two attributes remember() reads; opening a real server needs its password
        is_sqlite = False
        url = "postgresql+psycopg://inventory_staff:S3cret-Staff!@127.0.0.1:5432/shop"

    class FakeInventory:
        db = FakeDb()

    app.remember(FakeInventory())
    QSettings().sync()
    stored = QSettings().value(app.LAST_DATABASE)
    assert "S3cret" not in stored and "inventory_staff@127.0.0.1:5432/shop" in stored
    written = "".join(p.read_text() for p in (tmp_path / "settings").rglob("*.ini"))
    assert "S3cret" not in written
