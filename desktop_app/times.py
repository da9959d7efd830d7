"""Times as people see them: stored in UTC (naive from SQLite), shown in this computer's zone (the brief)."""

from __future__ import annotations

import datetime as dt


def local_time(at: dt.datetime | None) -> dt.datetime | None:
    """A stored time (UTC; naive from SQLite) in this computer's time zone."""
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone()


def local_text(at: dt.datetime | None) -> str:
    """``2026-11-28 14:05:09 NZDT``: local, to the second, with the zone's name; empty for none."""
    local = local_time(at)
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()}" if local else ""


def local_iso(at: dt.datetime | None) -> str | None:
    """ISO 8601 in local time with its offset (``2026-11-28T14:05:09.123456+13:00``): exact, and local."""
    local = local_time(at)
    return local.isoformat() if local else None


def local_text_of_iso(text: str | None) -> str:
    """``local_text`` of a time already written as ISO 8601 (what ``--json`` prints)."""
    return local_text(dt.datetime.fromisoformat(text)) if text else ""
