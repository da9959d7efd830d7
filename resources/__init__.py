"""Icons, style sheets and the demo catalog; everything is found through ``path``."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent)) / "resources"


def path(*parts: str) -> Path:
    """The file ``resources/<parts…>``, in a source checkout, an installed package or the desktop bundle."""
    here = Path(__file__).resolve().parent.joinpath(*parts)
    return here if here.exists() else _ROOT.joinpath(*parts)
