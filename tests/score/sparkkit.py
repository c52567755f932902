"""What the Spark engine's comparison modules share (imported as `sparkkit`): the tolerances, what a night publishes
and what the gate decided about it, and `same_nights`, which compares two warehouses' published nights and gate
records. The modules: test_spark_engine.py (the transforms, topics and PageRank on both engines),
test_spark_higgs_week.py (the real Higgs week on Spark), test_spark_generated_week.py (a generated week and a backfill
on both engines); three modules, so that `--dist loadfile` can hand them to both workers (docs/testing.md).

Tolerances, stated once: scores and every 1..100 integer equal; raw values and points within FLOATS (log(1 + x) on
Spark where Polars takes log1p, and sums in Spark's order: measured 1e-14); a change's points, rounded to 0.01 on each
engine, equal (a value exactly halfway would round apart: none on these nights); the sentences equal; network impact
within IMPACT relative (measured 1e-13: the same iterations, sums in another order).
"""

from __future__ import annotations

from testkit import same_frames

from clout.consent.access import open_snapshot
from clout.core.warehouse import connect

FLOATS = 1e-9
IMPACT = 1e-9
KEYS = ["network", "account_id"]
# What a night publishes, by key (published.* views), and what the gate decided about it (meta.*: shadow runs and
# run ids left out, the latter also from the findings' text: they differ by construction).
PUBLISHED = {"scores": ["logical_date", *KEYS], "person_scores": ["logical_date", "person_id"],
             "topic_scores": ["logical_date", *KEYS, "topic_id"]}
GATE = {
    "runs": ("select logical_date, algorithm_version, status, outcome, rows_staged, rows_scored from meta.runs "
             "where status <> 'shadow'", ["logical_date", "algorithm_version", "status"]),
    "outcomes": ("select g.logical_date, r.algorithm_version, g.outcome, g.attribution, g.baseline_date, "
                 "g.data_share_moved, g.data_mean_abs_move, g.algorithm_share_moved, g.algorithm_mean_abs_move, "
                 "regexp_replace(g.findings::varchar, '\\d{8}-[0-9a-f]{10}', 'RUN', 'g') as findings "
                 "from meta.gate_outcomes as g join meta.runs as r using (run_id)",
                 ["logical_date", "algorithm_version", "outcome"]),
    "verdicts": ("select g.logical_date, r.algorithm_version, g.part, g.scope, g.scope_value, g.metric, g.value, "
                 "g.verdict from meta.gate_results as g join meta.runs as r using (run_id)",
                 ["logical_date", "algorithm_version", "part", "scope", "scope_value", "metric"]),
    # every contract check (on the Spark engine computed on Spark: tests/gate/test_contracts_on_spark.py)
    "checks": ("select r.logical_date, r.algorithm_version, c.check_name, c.column_name, c.passed, c.severity, "
               "c.detail from meta.gate_checks as c join meta.runs as r using (run_id) where r.status <> 'shadow'",
               ["logical_date", "algorithm_version", "check_name", "column_name", "detail"]),  # a check name may repeat
}


def same_nights(default, spark) -> dict[str, int]:
    """Every published night of two warehouses the same (integers and strings equal, floats within FLOATS), and the
    gate's outcomes, attributions, findings and per-metric verdicts the same; returns each table's row count."""
    counts = {}
    for table, keys in PUBLISHED.items():
        rows = [open_snapshot(s).sql(f"select * from published.{table} order by all").pl() for s in (default, spark)]
        same_frames(*rows, keys, FLOATS)
        counts[table] = rows[0].height
    for name, (sql, keys) in GATE.items():
        rows = []
        for settings in (default, spark):
            with connect(settings, read_only=True) as con:
                rows.append(con.sql(f"{sql} order by all").pl())
        same_frames(*rows, keys, FLOATS)
        counts[name] = rows[0].height
    return counts
