"""Audit: the swing gate reads a run's candidate tables before anything is published (see gate.py).

Outcome PASS or WARN: the run may be published (WARN with its warnings recorded). HOLD: the run is marked
held, its candidate is kept, and nothing is published until `clout approve` or `clout reject`.
"""

from __future__ import annotations

import duckdb

from clout.audit.gate import run_gate
from clout.audit.result import GateResult
from clout.core.settings import Settings
from clout.core.snapshot import refresh_snapshot

AuditResult = GateResult  # the audit's result is the gate's


def audit_run(con: duckdb.DuckDBPyConnection, run_id: str, settings: Settings) -> GateResult:
    """Check the run's candidate night, record the gate outcome and write the run report.

    A held run is shown in the readers' snapshot at once (`clout runs`), though nothing is published.
    """
    result = run_gate(con, settings, run_id)
    if result.held:
        refresh_snapshot(con, settings)
    return result
