"""Audit: check a run's candidate tables against their contracts before anything is published."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from clout.contracts import ValidationReport, validate
from clout.warehouse import query


@dataclass(frozen=True)
class AuditResult:
    outcome: str  # PASS | FAIL
    reports: tuple[ValidationReport, ...]

    @property
    def passed(self) -> bool:
        return self.outcome == "PASS"

    def reasons(self) -> list[str]:
        return [
            f"{r.contract}: {f.check}" + (f" on {f.column}" if f.column else "") + f" ({f.detail})"
            for r in self.reports for f in r.failures()
        ]


def audit_run(con: duckdb.DuckDBPyConnection, run_id: str) -> AuditResult:
    frame = query(con, "audit/candidate_scores", run_id=run_id).df()
    report = validate(frame, "candidate_scores")
    return AuditResult("PASS" if report.success else "FAIL", (report,))
