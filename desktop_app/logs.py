"""Logging to a file in the user's log directory (the command line and the editor share it).

The log is private (the folder 0700, the files 0600) and never holds a secret: every line goes through
``mask_secrets``, which hides the password of any URL (``postgresql://staff:***@host/db``) and of
``password=…`` settings, whatever logged it (a message, an argument list, a traceback).
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import re
from pathlib import Path

_configured = False
MASK = "***"
# scheme://user:PASSWORD@host — the password runs to the last "@" of the word, as URL parsers read it.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@'\"]*:)(?P<secret>[^\s'\"]*)@")
# password=…, --owner-password …, PGPASSWORD=… (libpq key/value strings, argument lists, environments).
_KEY_PASSWORD = re.compile(
    r"(?P<head>(?:password|passwd|pgpassword)(?:['\"]?\s*[=:]\s*|['\"]?,\s*|\s+)['\"]?)(?P<secret>[^\s'\",;]+)",
    re.IGNORECASE,
)


def mask_secrets(text: str) -> str:
    """``text`` with every password it carries replaced by ``***``."""
    if not text:
        return text
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}@" if m["secret"] else m[0], text)
    return _KEY_PASSWORD.sub(lambda m: f"{m['head']}{MASK}", text)


def log_dir() -> Path:
    from platformdirs import user_log_path

    return Path(
        os.environ.get("INVENTORY_EDITOR_LOG_DIR") or user_log_path("inventory-editor", appauthor=False)
    )


def log_file() -> Path:
    return log_dir() / "inventory-editor.log"


class _MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(super().format(record))


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files only their owner may read (created 0600, rotated files keep it)."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with contextlib.suppress(OSError):  # a file made before by a looser version of this program
            os.fchmod(fd, 0o600)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115


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
        made = not path.parent.exists()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if made or not os.environ.get("INVENTORY_EDITOR_LOG_DIR"):
            # Our own folder is private; a folder the user named (say /tmp) is left as it is.
            os.chmod(path.parent, 0o700)
        handler = _PrivateFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        path = None
        # No log file: still never let Python's last-resort handler print driver text on stderr.
        root.addHandler(logging.NullHandler())
    else:
        handler.setFormatter(_MaskingFormatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(_MaskingFormatter())
        root.addHandler(stream)
    return path
