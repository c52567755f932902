"""Fault injection for crash tests: `CLOUT_FAULT=step[,step...]` makes the process kill itself (SIGKILL, as a
power cut or `kill -9` would) when it reaches a named step. Steps are named where work becomes durable, e.g.
`optout:registered`, `erase:after_tables`, `erase:after_parquet`, `compact:after_copy`. Unset: no effect.

`CLOUT_PAUSE=step` makes the process wait at that step instead (a line `paused at STEP` on stderr first), so a test
can signal a process that is inside a step (`in:score`: the score step, its warehouse open, the run locked), for
CLOUT_PAUSE_SECONDS (default 120)."""

from __future__ import annotations

import os
import signal
import sys
import time

PAUSE_SECONDS = float(os.environ.get("CLOUT_PAUSE_SECONDS", "120"))


def point(step: str) -> None:
    """Die here if CLOUT_FAULT names this step; wait here if CLOUT_PAUSE does."""
    if step in os.environ.get("CLOUT_FAULT", "").split(","):
        os.kill(os.getpid(), signal.SIGKILL)
    if step in os.environ.get("CLOUT_PAUSE", "").split(","):
        print(f"paused at {step}", file=sys.stderr, flush=True)
        time.sleep(PAUSE_SECONDS)
