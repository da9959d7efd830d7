"""Structural checks: the core stays Qt-free, and opening a database knows the newest migration."""

import shutil
import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from desktop_app.db import MIGRATIONS_DIR, SCHEMA_REVISION

ROOT = Path(__file__).resolve().parents[2]


def test_core_never_imports_qt_or_ui():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the dev dependencies"
    proc = subprocess.run(
        [lint, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_revision_is_alembic_head():
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_REVISION
