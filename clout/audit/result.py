"""What the gate found about one run: its outcome, findings, checks, judged metrics and the nights compared."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from clout.audit.checks import Check


@dataclass(frozen=True)
class Finding:
    severity: str  # hold | warn | note
    kind: str  # check | swing | attribution
    text: str


@dataclass(frozen=True)
class Night:
    """The frames one comparison needs: account scores (network, account_id, score, raw_score: only what the
    swing metrics read, so 10M accounts stay a few hundred MB), and topic scores when the model writes them."""

    scores: pl.DataFrame
    topics: pl.DataFrame | None = None


@dataclass
class GateResult:
    run_id: str
    logical_date: date
    outcome: str  # PASS | WARN | HOLD
    attribution: str  # none | data | algorithm | unknown
    baseline: dict | None
    shadow_run_id: str | None
    findings: list[Finding]
    checks: list[Check]
    metrics: pl.DataFrame  # judged: part, scope, scope_value, metric, value, ..., verdict
    report_path: Path | None = None
    seconds: float = 0.0
    nights: dict[str, Night] = field(default_factory=dict, repr=False)
    # the baseline's and the candidate's accounts paired (transforms.audit.swing.paired), as the gate's compares shared
    # them (clout.audit.gate.compare `shared`; not on Spark); the report's movers and a backfill's range sums read them
    paired: pl.DataFrame | None = field(default=None, repr=False)
    algorithm: str | None = None  # the run's algorithm version, named beside the baseline's when they differ

    @property
    def passed(self) -> bool:
        return self.outcome != "HOLD"

    @property
    def held(self) -> bool:
        return self.outcome == "HOLD"

    def reasons(self) -> list[str]:
        return [f.text for f in self.findings if f.severity == "hold"]

    def warnings(self) -> list[str]:
        return [f.text for f in self.findings if f.severity == "warn"]

    def part(self, part: str, metric: str) -> float | None:
        row = self.metrics.filter(
            (pl.col("part") == part) & (pl.col("scope") == "all") & (pl.col("metric") == metric)
        )
        return float(row["value"][0]) if row.height else None

    def hold_message(self) -> str:
        # What happened and what to do first, the reasons after, one to a line: they are long, and a terminal or a
        # task log shows the start of a message first
        reasons = self.reasons()
        old = (self.baseline or {}).get("algorithm_version")
        change = f" (the algorithm {old} -> {self.algorithm})" if old and old != self.algorithm else ""
        lines = [
            f"run {self.run_id} ({self.logical_date}) HELD by the gate{change}. The last published night stays live; "
            "the candidate is kept.",
            f"  report: {self.report_path}",
            f"  next:   `clout review {self.run_id}`, then `clout approve {self.run_id} --reason \"...\"` or "
            f"`clout reject {self.run_id} --reason \"...\"`",
            *_why(reasons[:3]),
        ]
        if len(reasons) > 3:
            lines.append(f"          and {len(reasons) - 3} more: `clout review {self.run_id}`")
        return "\n".join(lines)


HELD_SUFFIX = ": an algorithm-driven change, held until someone reviews it"  # clout.audit.gate._findings


def _why(reasons: list[str]) -> list[str]:
    """The reasons under the part they measure, each part named once: "the algorithm alone (...)" heads them all."""
    lines, part = [], None
    for reason in reasons:
        head, sep, rest = reason.removesuffix(HELD_SUFFIX).partition(": ")
        if not sep:
            head, rest = None, reason
        if head != part or head is None:
            lines.append(f"  why:    {head}:" if head else f"  why:    {rest}")
            part = head
        if head:
            lines.append(f"          - {rest}")
    return lines
