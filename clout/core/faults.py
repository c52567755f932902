"""Fault injection for crash tests: `CLOUT_FAULT=step[,step...]` makes the process kill itself (SIGKILL, as a
power cut or `kill -9` would) when it reaches a named step. Steps are named where work becomes durable, e.g.
`optout:registered`, `erase:after_tables`, `erase:after_parquet`, `compact:after_copy`. Unset: no effect."""

from __future__ import annotations

import os
import signal


def point(step: str) -> None:
    """Die here if CLOUT_FAULT names this step."""
    if step in os.environ.get("CLOUT_FAULT", "").split(","):
        os.kill(os.getpid(), signal.SIGKILL)
