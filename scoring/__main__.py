"""``python -m scoring``: the command-line interface (DESIGN §5)."""

import sys

from scoring.cli import main

sys.exit(main())
