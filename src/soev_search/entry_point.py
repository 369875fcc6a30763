"""The `soev-index` executable: `cli.main`, started and ended light for the commands that
answer at once.

A search imports some 250 modules and makes little garbage. The cyclic garbage collector
would run about seventy times during the imports to free almost nothing (8 ms of a 160 ms
search), so for those commands it is off from before the first import (the command is the
first argument: `soev-index` has no options of its own but --help). And the interpreter's
teardown runs full collections over every object, collector off or not (about 35 ms, a
quarter of a search): once the command is done its objects are frozen (`gc.freeze`), which
collections skip, and the process exits as usual. Long-running or corpus-wide commands
(rebuild, update, serve, watch, add, compare) keep the collector.
"""

from __future__ import annotations

import gc
import sys

ONE_SHOT_COMMANDS = frozenset({"search", "stats", "show", "similar"})


def main() -> None:
    one_shot = len(sys.argv) > 1 and sys.argv[1] in ONE_SHOT_COMMANDS
    if one_shot:
        gc.disable()
    from soev_search.cli import main as run_command  # imported with the collector settled

    code = run_command()
    if one_shot:
        gc.freeze()
    sys.exit(code)
