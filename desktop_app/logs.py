"""Logging to a file in the user's log directory (the command line and the editor share it)."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

_configured = False


def log_dir() -> Path:
    from platformdirs import user_log_path

    return Path(
        os.environ.get("INVENTORY_EDITOR_LOG_DIR") or user_log_path("inventory-editor", appauthor=False)
    )


def log_file() -> Path:
    return log_dir() / "inventory-editor.log"


def setup_logging(*, console: bool = False, level: int = logging.INFO) -> Path | None:
    """Send this process's log to the rotating log file; returns its path (None if it cannot be written)."""
    global _configured
    if _configured:
        return log_file()
    _configured = True
    root = logging.getLogger()
    root.setLevel(level)
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        path = None
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    if console:
        root.addHandler(logging.StreamHandler())
    return path
