"""Errors on the driver's own cursor (the order and ledger hot path) reach the database layer as SQLAlchemy's
errors, so that a lost race is retried and a refused permission gets its sentence, as on every other path."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from desktop_app.db import Database
from desktop_app.driver import Driver, Sql


def test_a_failing_statement_on_the_driver_cursor_is_a_database_error(db_url):
    db = Database(db_url)
    try:
        with pytest.raises(DBAPIError) as raised, db.connect(write=True) as conn:
            Driver(conn).run(Sql("SELECT no_such_column FROM items"))
        assert "no_such_column" in str(raised.value.orig)
        with pytest.raises(DBAPIError), db.connect(write=True) as conn:
            Driver(conn).run_many(Sql("UPDATE items SET no_such_column = :v"), [{"v": 1}])
    finally:
        db.dispose()


def test_a_lost_race_on_the_driver_cursor_is_retried(db_url, monkeypatch):
    """The first attempt fails as a deadlock would (a retryable error raised by the driver itself)."""
    db = Database(db_url)
    attempts = []

    def work(conn):
        attempts.append(1)
        drv = Driver(conn)
        if len(attempts) == 1:
            drv.run(Sql("SELECT no_such_column FROM items"))
        return drv.run(Sql("SELECT COUNT(*) FROM items")).fetchone()[0]

    import desktop_app.db as dbmod

    retryable = dbmod._retryable  # this error stands for a deadlock: the database layer takes it as one
    monkeypatch.setattr(dbmod, "_retryable", lambda exc: "no_such_column" in str(exc.orig) or retryable(exc))
    try:
        assert db.write(work) >= 0
        assert len(attempts) == 2 and db.retries == 1
    finally:
        db.dispose()
