"""Shared fixtures: a fresh database per test (SQLite file, or PostgreSQL when the switch is set).

Set ``INVENTORY_EDITOR_TEST_PG`` to a server URL (``postgresql://user@127.0.0.1:5432/postgres``) to run
the database tests against PostgreSQL: each test then gets its own, new database on that server.
"""

from __future__ import annotations

import os
import uuid

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_URL = os.environ.get("INVENTORY_EDITOR_TEST_PG")


def _pg_database():
    """Create an empty database on the test server; yields its URL and drops it afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"ietest_{uuid.uuid4().hex[:12]}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name, drivername="postgresql").render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db_url(tmp_path):
    """The URL of a new, empty database for one test."""
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
