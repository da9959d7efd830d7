"""Shared fixtures: a new database per test (SQLite file, or PostgreSQL when the switch is set).

Set ``INVENTORY_EDITOR_TEST_PG`` to a server URL (``postgresql://user@127.0.0.1:5432/postgres``) to run
the database tests against PostgreSQL: each test then gets its own, new database on that server.

Migrating a database takes longer than most tests, so it happens once per session (per xdist worker): each
test's database is a copy of a migrated template (SQLite: the file copied; PostgreSQL: ``CREATE DATABASE
... TEMPLATE``). ``empty_db_url`` is a database with no tables at all, for a test of creating one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_URL = os.environ.get("INVENTORY_EDITOR_TEST_PG")
# Fixtures that give a test its database: a test using none of them never touches the test server.
DATABASE_FIXTURES = {"db_url", "empty_db_url", "migrated_template"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the test database (DATABASE_FIXTURES): the PostgreSQL pass of "
        "./dev test, where the other tests would only repeat the SQLite pass",
    )


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    keep, drop = [], []
    for item in items:
        uses = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("postgres")
        (keep if uses else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# -- PostgreSQL ------------------------------------------------------------------------------------------
def _pg_server():
    from sqlalchemy.engine import make_url

    return make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))


def _pg_admin(sql: str) -> None:
    import psycopg

    admin = _pg_server().set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def _pg_url(name: str) -> str:
    return _pg_server().set(database=name, drivername="postgresql").render_as_string(hide_password=False)


def _pg_create(template: str | None = None) -> str:
    name = f"ietest_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def _pg_database(template: str | None = None, made: str | None = None):
    """Create a database on the test server (a copy of ``template``), or take ``made``; yields its URL and
    drops it afterwards."""
    name = made or _pg_create(template)
    try:
        yield _pg_url(name)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _PgCopies:
    """Copies of one template database, each made while the test before runs.

    CREATE DATABASE spends most of its time waiting on the server, not computing: made one test ahead in a
    thread, the copy is ready when its test starts. Dropped as before, as its test ends.
    """

    def __init__(self, template: str) -> None:
        self.template = template
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-copies")
        self.ahead: Future | None = None

    def take(self) -> str:
        made = (self.ahead or self.thread.submit(_pg_create, self.template)).result()
        self.ahead = self.thread.submit(_pg_create, self.template)
        return made

    def close(self) -> None:
        if self.ahead is not None:
            try:
                name = self.ahead.result()
            except Exception:  # a copy that could not be made needs no dropping
                name = None
            if name:
                _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.thread.shutdown(wait=True)


# -- templates -------------------------------------------------------------------------------------------
def _sqlite_copy(source: str, target: str) -> str:
    """Copy a closed SQLite database (its -wal too, if one was left) to ``target``."""
    shutil.copyfile(source, target)
    if os.path.exists(source + "-wal"):
        shutil.copyfile(source + "-wal", target + "-wal")
    return target


class Template:
    """A database made once per session (migrated, or copied from ``base``, then filled by ``fill``).

    Tests get copies: ``new_url`` hands out a new one each time. The template is made on first use.
    """

    def __init__(self, fill=None, base: Template | None = None) -> None:
        self.fill, self.base = fill, base
        self._made: str | None = None  # a SQLite file path, or a PostgreSQL database name
        self._dir: str | None = None
        self._copies: _PgCopies | None = None

    def source(self) -> str:
        if self._made is None:
            self._made = self._make()
        return self._made

    def _make(self) -> str:
        from desktop_app.service import Inventory

        if PG_URL:
            name = f"ietpl_{uuid.uuid4().hex[:12]}"
            _pg_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{self.base.source()}"' if self.base else ""))
            url = _pg_url(name)
        else:
            self._dir = tempfile.mkdtemp(prefix="ie-template-")
            name = url = os.path.join(self._dir, "template.db")
            if self.base:
                _sqlite_copy(self.base.source(), name)
        inventory = Inventory(url)  # migrates (unless copied from a migrated base)
        try:
            if self.fill:
                self.fill(inventory)
        finally:
            inventory.db.dispose()  # no connection may stay open on a template
        return name

    def new_url(self, target: str):
        """Yield the URL of a new copy (``target``: the SQLite path to use), dropped afterwards on a server."""
        if PG_URL:
            if self._copies is None:
                self._copies = _PgCopies(self.source())
            yield from _pg_database(made=self._copies.take())
        else:
            yield _sqlite_copy(self.source(), target)

    def drop(self) -> None:
        if self._copies is not None:
            self._copies.close()
            self._copies = None
        if self._made is not None and PG_URL:
            _pg_admin(f'DROP DATABASE IF EXISTS "{self._made}" WITH (FORCE)')
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
        self._made = self._dir = None


@pytest.fixture(scope="session")
def migrated_template():
    """A database at the newest schema, made on first use; ``db_url`` hands out copies of it."""
    template = Template()
    yield template
    template.drop()


@pytest.fixture
def db_url(tmp_path, migrated_template):
    """The URL of a new database for one test, already at the newest schema (nothing else in it)."""
    yield from migrated_template.new_url(str(tmp_path / "inventory.db"))


@pytest.fixture
def empty_db_url(tmp_path):
    """The URL of a new database with no tables at all (opening it creates the schema)."""
    if PG_URL:
        yield from _pg_database()
    else:
        yield str(tmp_path / "inventory.db")


@pytest.fixture
def inventory(db_url):
    from desktop_app.service import Inventory

    inv = Inventory(db_url)
    yield inv
    inv.db.dispose()


@pytest.fixture
def shop(inventory):
    """A store that tracks inventory and removes stock when ordered."""
    inventory.add_store("Main")
    inventory.set_store("Main", track_inventory=True, remove_when="ordered")
    return inventory


# Copies of the real exports in ../shared/fixtures, byte for byte.
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def fixture_path(name: str) -> str:
    return os.path.join(FIXTURES, name)
