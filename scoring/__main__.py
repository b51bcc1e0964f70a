"""``python -m scoring``: the command-line interface (see the README, "Command line")."""

import sys

from scoring.cli import main

sys.exit(main())
