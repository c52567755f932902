"""Audit: candidate.* -> an outcome (PASS / WARN / HOLD) before anything is published.

audit.py    the stage's entry point (audit_run)          gate.py    the swing gate: contracts, swing, judging
checks.py   the contract checks (Great Expectations)     result.py  what the gate found (GateResult)
report.py   the HTML run report and the backfill report
Its pure Polars (swing metrics, judging rules) is transforms/audit/; its SQL is sql/audit/.
"""

from clout.audit.audit import AuditResult, audit_run
from clout.audit.gate import will_shadow_run

__all__ = ["AuditResult", "audit_run", "will_shadow_run"]
