"""``python -m ui`` and the desktop bundle's entry: the command line, with the editor for no command."""

import sys

from desktop_app.cli import main
from ui.app import main as editor


def run() -> int:
    return main(sys.argv[1:], gui=editor)


if __name__ == "__main__":
    sys.exit(run())
