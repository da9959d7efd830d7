"""``python -m desktop_app``: the same command line as ``inventory-editor``."""

import sys

from desktop_app.cli import main

sys.exit(main())
