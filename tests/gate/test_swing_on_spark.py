"""The swing metrics and their judging on the Spark engine (issue 18, docs/engines.md "What runs where"): the same
functions (transforms/audit/swing.py, gate_rules.py), run on Spark DataFrames, give every metric the default
engine gives (floats within 1e-9, counts equal) and the same verdicts; a gate run with CLOUT_ENGINE=spark records
the same outcome, findings and metrics and prints the same review lines.

Few Spark jobs: one real night (July 3 of two networks of the Higgs data, `two_networks_scored`) and one night of
edge cases, each a network of its own (one network per group: every metric is computed per network), are computed
once for the module."""

from __future__ import annotations

import polars as pl
import pytest
from gatekit import audit_held_or_not, copy_warehouse
from testkit import clout_here

from clout.audit.gate import published_night, run_night
from clout.core.warehouse import connect
from transforms.audit.gate_rules import GateRules, MetricRule, judge
from transforms.audit.swing import METRICS, SwingParams, swing_metrics

pytestmark = pytest.mark.spark

TOLERANCE = 1e-9  # measured: 2e-14 (Spark's Pearson of ranks against Polars' spearman; sums in another order)
KEYS = ["scope", "scope_value", "metric"]
BOTH = SwingParams(groupings=((), ("network",)))


def _night(rows: dict[str, dict[str, float]]) -> pl.DataFrame:
    """{network: {account: score}} as a night's rows (raw score = score, so ties stay ties)."""
    out = [(net, acc, int(s), float(s)) for net, scores in rows.items() for acc, s in scores.items()]
    return pl.DataFrame(out, schema={"network": pl.String, "account_id": pl.String, "score": pl.Int64,
                                     "raw_score": pl.Float64}, orient="row")


BASE = {f"a{i:03}": 1 + i % 100 for i in range(300)}
# Each network one edge case: only one network on each night, no common accounts, every score tied on both nights,
# ties at the top and reversed ranks, one account.
EDGES_BEFORE = _night({"only_before": BASE, "disjoint": BASE, "ties": dict.fromkeys(BASE, 7),
                       "reversed": {k: 1 + v // 10 for k, v in BASE.items()}, "single": {"a": 40}})
EDGES_AFTER = _night({"only_after": BASE, "disjoint": {f"b{k}": v for k, v in BASE.items()},
                      "ties": dict.fromkeys(BASE, 7), "reversed": {k: 101 - v for k, v in BASE.items()},
                      "single": {"a": 55}})


def _scores(settings, run_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the last published night, the candidate) of the real night, as the gate reads them."""
    with connect(settings, read_only=True) as con:
        day = con.execute("select logical_date from meta.runs where run_id = ?", [run_id]).fetchall()[0][0]
        last = con.execute("select max(logical_date) from published.nights where logical_date < ?",
                           [day]).fetchall()[0][0]
        return published_night(con, last, None).scores, run_night(con, run_id, None).scores


@pytest.fixture(scope="module")
def nights(spark, two_networks_scored, tmp_path_factory):
    """{case: (before, after, params)}: the real night, the edge cases, and an empty night."""
    home, run_id = two_networks_scored
    before, after = _scores(copy_warehouse(home, tmp_path_factory.mktemp("swing-spark") / "w"), run_id)
    empty = EDGES_BEFORE.head(0)
    return {"real night": (before, after, BOTH), "real night, floor 1": (before, after, SwingParams(floor=1)),
            "edge cases": (EDGES_BEFORE, EDGES_AFTER, BOTH), "an empty night": (empty, empty, BOTH)}


@pytest.fixture(scope="module")
def on_both(nights):
    """{case: (the metrics on Polars, on Spark)}, one Spark job each."""
    from clout.core.engine import from_spark, to_spark

    return {case: (swing_metrics(b.lazy(), a.lazy(), p).collect(), from_spark(swing_metrics(to_spark(b),
                                                                                             to_spark(a), p)))
            for case, (b, a, p) in nights.items()}


def _same(polars: pl.DataFrame, spark: pl.DataFrame) -> pl.DataFrame:
    """The rows of both engines side by side: the same keys, counts and texts; floats within TOLERANCE."""
    assert polars.schema == spark.schema
    keys = [k for k in ("part", *KEYS) if k in polars.columns]
    joined = polars.join(spark, on=keys, how="full", nulls_equal=True, suffix="_spark")
    assert joined.height == polars.height == spark.height
    for col in [c for c in polars.columns if c not in keys]:
        a, b = joined[col], joined[f"{col}_spark"]
        if polars.schema[col] == pl.Float64:
            gap = (a - b).abs().fill_nan(0.0)
            assert ((a.is_null() == b.is_null()) & (gap.fill_null(0.0) <= TOLERANCE)).all(), (col, gap.max())
        else:
            assert (a.eq_missing(b)).all(), col
    return joined


@pytest.mark.parametrize("case", ["real night", "real night, floor 1", "edge cases", "an empty night"])
def test_every_swing_metric_is_the_same_on_spark(on_both, case):
    polars, spark = on_both[case]
    _same(polars, spark)
    if case != "an empty night":
        assert set(polars["metric"]) == set(METRICS)
    else:
        assert polars.filter(pl.col("scope") == "network").is_empty()
    if case == "edge cases":  # what each edge makes of the metrics, on both engines
        value = {(r["scope_value"], r["metric"]): r["value"] for r in spark.iter_rows(named=True)}
        assert value["disjoint", "share_new"] == value["disjoint", "share_missing"] == 1
        assert value["only_before", "share_missing"] == 1 and value["only_after", "share_new"] == 1
        assert value["ties", "spearman"] == 0 and value["ties", "top100_overlap"] == 1
        assert value["reversed", "spearman"] < -0.9 and value["single", "mean_abs_move"] == 15


RULES = GateRules(metrics=tuple(MetricRule(m, bad, 0.05 if bad == "high" else 0.95, 0.1 if bad == "high" else 0.9,
                                           0.01) for m, bad in METRICS.items()), min_history=3)


def test_the_judging_is_the_same_on_spark(on_both):
    """Every part (data with and without history, algorithm, total split or not) of the real night's and the edge
    cases' metrics judged on both engines: the same bounds, medians and verdicts (hold, warn, ok and info each)."""
    from clout.core.engine import from_spark, to_spark

    edges = on_both["edge cases"][0].filter(pl.col("scope") == "network")  # one row per key: the networks only
    metrics = pl.concat([on_both["real night"][0], edges])
    current = pl.concat([metrics.with_columns(part=pl.lit(p)) for p in ("data", "algorithm", "total")]).select(
        "part", *KEYS, "value", "n_common")
    real = on_both["real night"][0].filter(pl.col("scope") == "all")  # a history for the real night's figures
    history = pl.concat([real.select(*KEYS, value=pl.col("value") * (1 + k / 50)) for k in range(4)])
    verdicts = set()
    for split in (True, False):
        polars = judge(current.lazy(), history.lazy(), RULES, split).collect()
        spark = from_spark(judge(to_spark(current), to_spark(history), RULES, split))
        verdicts |= set(_same(polars, spark)["verdict"])
    assert verdicts == {"hold", "warn", "ok", "info"}


def _audit(settings, run_id: str):
    audit_held_or_not(settings, run_id)
    with connect(settings, read_only=True) as con:
        outcome = con.execute("select outcome, attribution, findings::varchar from meta.gate_outcomes "
                              "where run_id = ?", [run_id]).fetchall()
        results = con.sql("select * exclude (run_id) from meta.gate_results where run_id = $1",
                          params=[run_id]).pl()
    review = clout_here("review", run_id, "--all", warehouse=settings)
    return outcome, results, review.stdout


def test_a_gate_run_on_spark_gives_the_same_outcome_and_review(spark, two_networks_scored, tmp_path,
                                                                monkeypatch):
    """The real night audited with CLOUT_ENGINE=duckdb and with CLOUT_ENGINE=spark: the same outcome, attribution
    and findings, every recorded metric (floats within 1e-9, verdicts equal), and `clout review --all` prints the
    same lines."""
    home, run_id = two_networks_scored
    audits = {}
    for engine in ("duckdb", "spark"):
        monkeypatch.setenv("CLOUT_ENGINE", engine)
        outcome, results, review = _audit(copy_warehouse(home, tmp_path / engine), run_id)
        audits[engine] = outcome, results, review.replace(str(tmp_path / engine), "WAREHOUSE")  # the report's path
    (duck, spark_) = audits["duckdb"], audits["spark"]
    assert spark_[0] == duck[0] and duck[0][0][0] in ("PASS", "WARN")
    sort = [c for c in ("part", *KEYS) if c in duck[1].columns]
    _same(duck[1].sort(sort), spark_[1].sort(sort))
    assert spark_[2] == duck[2] and "Overall swing by part" in duck[2]
