"""The `soev-index` executable: `cli.main`, without the cyclic garbage collector for the
commands that answer at once.

A search imports some 250 modules and makes little garbage, so the collector would run about
seventy times during the imports, and once over everything at exit, to free almost nothing:
8 to 10 ms of a 160 ms search. For those commands it is off from before the first import
(the command is the first argument: `soev-index` has no options of its own but --help) to
the end. Long-running or corpus-wide commands (rebuild, update, serve, watch, add, compare)
keep it.
"""

from __future__ import annotations

import gc
import sys

ONE_SHOT_COMMANDS = frozenset({"search", "stats", "show", "similar"})


def main() -> None:
    if sys.argv[1:2] and sys.argv[1] in ONE_SHOT_COMMANDS:
        gc.disable()
    from soev_search.cli import main as run_command  # imported with the collector settled

    sys.exit(run_command())
