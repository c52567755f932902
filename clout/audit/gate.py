"""The swing gate: audit a run's candidate night before it is published.

1. Contract checks (Great Expectations): the static contract plus checks against the last published night.
   A failed check is a broken run: HOLD.
2. Swing metrics (transforms/audit/swing.py) against the last published night, overall, per network and per topic.
   When the run's algorithm fingerprint differs from the last published night's, the night is scored again
   with the last published algorithm (a shadow run, never published), so the change splits into a
   data-driven part (old algorithm: new data vs last night) and an algorithm-driven part (new vs old
   algorithm, same data).
3. Judging (transforms/audit/gate_rules.py, thresholds in config/gate.yaml): an algorithm-driven swing past
   tolerance is a HOLD; an unusual data-driven swing is a real-world change: WARN, published with the warning.
   Steps 2 and 3 run on the configured engine (CLOUT_ENGINE): on spark the nights' rows travel to Spark, Spark
   computes the metrics and judges them, and the long rows (a few per group) come back (docs/engines.md).
4. Recording: meta.gate_outcomes, meta.gate_results, meta.gate_checks, the run's outcome, and the HTML run report.
"""

from __future__ import annotations

import json
import time
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import polars as pl
import yaml

from clout.audit.checks import Check, Reference, day_volume, run_checks
from clout.audit.report import write_report
from clout.audit.result import HELD_SUFFIX, Finding, GateResult, Night
from clout.core.engine import resolve_engine
from clout.core.resources import GATE_CONFIG
from clout.core.settings import Settings
from clout.core.warehouse import query, records, run_sql, sql_text, transaction
from clout.score.score import drop_kept_features, kept_features, live_run_same_inputs, run_digest, score_date
from transforms.algorithm import load_algorithm
from transforms.audit.gate_rules import GateRules, describe, judge, with_missing_above_bottom
from transforms.audit.swing import SwingParams, paired, self_metrics, swing_metrics

OVERALL = ("share_moved_10", "mean_abs_move")


@cache
def load_gate_config(path: Path = GATE_CONFIG) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def will_shadow_run(con: duckdb.DuckDBPyConnection, logical_date: date, fingerprint: str) -> bool:
    """Whether the gate will score `logical_date` again with the last published algorithm (its fingerprint is not
    `fingerprint`): the score step then keeps the night's window features for that shadow run to reuse."""
    return bool(query(con, "audit/algorithm_changes", logical_date=logical_date, fingerprint=fingerprint,
                      nights=load_gate_config()["history"]["nights"]).fetchall()[0][0])


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(query(con, "audit/has_table", schema_name=schema, table_name=table).fetchall()[0][0])


def _topics_cfg(con: duckdb.DuckDBPyConnection, cfg: dict) -> dict | None:
    topics = cfg.get("topics") or {}
    table = topics.get("table")
    if table and _has_table(con, "candidate", table) and _has_table(con, "published", table):
        return topics
    return None


def _topic_frame(con: duckdb.DuckDBPyConnection, name: str, topics: dict, **params) -> pl.DataFrame:
    """Topic rows as swing input: the topic score is the score, ranked by itself."""
    score = topics.get("score_column", "topic_score")
    stmt = sql_text(name).format(table=topics["table"])
    return con.sql(stmt, params=params).pl().select(
        "network", "account_id", pl.col(topics["topic_column"]).alias("topic"),
        pl.col(score).cast(pl.Float64).alias("score"), pl.col(score).cast(pl.Float64).alias("raw_score"),
    )


def _night(con: duckdb.DuckDBPyConnection, source: str, topics: dict | None, **params) -> Night:
    """One night's scores (and topic scores, if the gate reads topics) from `audit/<source>_scores|_topics`."""
    scores = query(con, f"audit/{source}_scores", **params).pl()
    topic_rows = _topic_frame(con, f"audit/{source}_topics", topics, **params) if topics else None
    return Night(scores, topic_rows)


def run_night(con: duckdb.DuckDBPyConnection, run_id: str, topics: dict | None) -> Night:
    return _night(con, "run", topics, run_id=run_id)


def published_night(con: duckdb.DuckDBPyConnection, logical_date: date, topics: dict | None) -> Night:
    return _night(con, "published", topics, logical_date=logical_date)


def compare(part: str, before: Night, after: Night, floor: int | None = None, shared: dict | None = None,
            spark_rows: dict | None = None) -> pl.LazyFrame:
    """Long swing metrics of one part, overall, per network and per topic. `floor`: accounts at or below it on
    both sides are left out of the account metrics (transforms/audit/swing.py). A night compared with itself (the
    same frames: a backfill night whose old algorithm's scores are the published run it is compared with) gets the
    same rows from swing.self_metrics, without pairing every account with itself.

    `shared`: a dict kept across the compares of one gate that compare the same frames twice (a backfill night's
    total change and algorithm part are both the published run against the night's; a night's total change and
    data part when its algorithm did not change): the accounts are paired once, and the topic metrics (which
    `floor` does not change) computed once. The report's movers read the total's pairs from it too.

    `spark_rows`: on the Spark engine, a dict kept across the compares of one gate: the metrics are computed by
    Spark, each night's rows moved there once (`_swing_on_spark`). The rows returned are Polars' either way."""
    networks = pl.concat([before.scores["network"], after.scores["network"]]).unique()
    if networks.len() == 1:  # one network: its metrics are the overall ones (the same rows), computed once
        params = SwingParams(groupings=((),), floor=floor)
        overall = _swing(before.scores, after.scores, params, shared, spark_rows).collect()
        frames = [overall.lazy(), overall.lazy().with_columns(scope=pl.lit("network"), scope_value=pl.lit(networks[0]))]
    else:
        params = SwingParams(groupings=((), ("network",)), floor=floor)
        frames = [_swing(before.scores, after.scores, params, shared, spark_rows)]
    if before.topics is not None and after.topics is not None:
        params = SwingParams(keys=("network", "account_id", "topic"), groupings=(("topic",),))
        key = ("topics", id(before.topics), id(after.topics))
        if shared is None or key not in shared:
            topics = _swing(before.topics, after.topics, params, spark_rows=spark_rows).collect()
            if shared is not None:
                shared[key] = topics
        frames.append((shared[key] if shared is not None else topics).lazy())
    return pl.concat(frames).select(pl.lit(part).alias("part"), "scope", "scope_value", "metric", "value", "n_common")


def _pairs_key(before: pl.DataFrame, after: pl.DataFrame, keys: tuple[str, ...]) -> tuple:
    return ("pairs", id(before), id(after), keys)


def _swing(before: pl.DataFrame, after: pl.DataFrame, params: SwingParams, shared: dict | None = None,
           spark_rows: dict | None = None) -> pl.LazyFrame:
    same = self_metrics(before, params) if before is after else None
    if same is not None:
        return same
    if spark_rows is not None:
        return _swing_on_spark(before, after, params, spark_rows)
    if shared is None:
        return swing_metrics(before.lazy(), after.lazy(), params)
    key = _pairs_key(before, after, params.keys)
    if key not in shared:
        shared[key] = paired(before.lazy(), after.lazy(), params.keys).collect()
    return swing_metrics(before.lazy(), after.lazy(), params, pairs=shared[key])


def _swing_on_spark(before: pl.DataFrame, after: pl.DataFrame, params: SwingParams, spark_rows: dict
                    ) -> pl.LazyFrame:
    """The swing metrics computed by Spark over the two nights' rows. The rows live in the DuckDB warehouse, so
    they travel to Spark through Arrow, as the contract checks' do (clout/audit/checks.py `rows_on_spark`), each
    night once per gate (`spark_rows`: id of the Polars frame -> its Spark DataFrame; the nights outlive the gate's
    compares, so an id is not reused meanwhile). A backfill night's pairs are not shared here (`shared`): Spark
    pairs the nights in each compare."""
    from clout.core.engine import from_spark, to_spark

    on_spark = []
    for frame in (before, after):
        if id(frame) not in spark_rows:
            spark_rows[id(frame)] = to_spark(frame)
        on_spark.append(spark_rows[id(frame)])
    return from_spark(swing_metrics(*on_spark, params)).lazy()


def _judge_on_engine(current: pl.LazyFrame, history: pl.LazyFrame, rules: GateRules, split: bool,
                     spark: bool) -> pl.DataFrame:
    """`judge`, on Spark when `spark`: the metric rows (a few thousand with topics) and their history go to Spark
    and the verdicts come back, in the rows' order (Spark's rows have none; the default engine keeps `current`'s)."""
    if not spark:
        return judge(current, history, rules, split).collect()
    from clout.core.engine import from_spark, to_spark

    rows = current.collect()
    judged = from_spark(judge(to_spark(rows), to_spark(history.collect()), rules, split))
    keys = ["part", "scope", "scope_value", "metric"]
    order = rows.select(keys).with_row_index("_order")
    return order.join(judged, on=keys, how="left", nulls_equal=True).sort("_order").drop("_order")


def shadow_run(con: duckdb.DuckDBPyConnection, run: dict, baseline: dict) -> tuple[str | None, str]:
    """Score the run's date with the last published algorithm, or find the run that did (the night's live run, from
    the same inputs). Returns (the id of the run with the old algorithm's scores or None, note)."""
    try:
        old = load_algorithm(baseline["algorithm_version"])
    except (ValueError, KeyError, OSError) as e:
        return None, f"the last published algorithm {baseline['algorithm_version']} cannot be loaded ({e})"
    if old.fingerprint != baseline["fingerprint"]:
        return None, (
            f"the last published algorithm {baseline['algorithm_version']} (fingerprint {baseline['fingerprint']}) "
            f"cannot be reproduced: its config or code changed since (now {old.fingerprint})"
        )
    live = live_run_same_inputs(con, run["logical_date"], run_digest(con, run["run_id"]))
    if live and live["fingerprint"] == old.fingerprint:
        # The night's live run scored the same inputs with the old algorithm (a backfill night, usually): its rows
        # are what the shadow run would score, bit for bit (meta.run_inputs), so they serve as its scores.
        return live["run_id"], (
            f"the old algorithm's scores are the published run {live['run_id']} of this night ({old.version}, "
            f"scored from the same window features and posts: a shadow run would score the same rows)")
    shadow_id = f"{run['run_id']}-shadow"
    run_sql(con, "audit/begin_shadow", shadow_run_id=shadow_id, run_id=run["run_id"], logical_date=run["logical_date"],
            algorithm_version=old.version, fingerprint=old.fingerprint)
    features = kept_features(con, run["run_id"], old)
    rows = score_date(con, shadow_id, run["logical_date"], old, features=features)
    reuse = "the candidate's window features" if features is not None else "the window recomputed"
    run_sql(con, "meta/finish_run", run_id=shadow_id, status="shadow", outcome=None,
            message=f"shadow of {run['run_id']}: {old.version} on the same data ({rows:,} accounts, {reuse}); "
                    "never published")
    return shadow_id, f"shadow run {shadow_id} scored the night with {old.version} for attribution ({reuse})"


def _reference(con: duckdb.DuckDBPyConnection, run: dict, baseline: dict, rules: GateRules,
               notes: list[Finding]) -> dict:
    """The baseline, or the recent history's algorithm when the baseline night was scored with another one
    (a mixed history): then a WARN says so, and the algorithm-driven part is measured against the history's."""
    ref = next(iter(records(query(con, "audit/reference_algorithm", logical_date=run["logical_date"],
                                  nights=rules.history_nights))), None)
    if ref is None or ref["fingerprint"] == baseline["fingerprint"]:
        return baseline
    # the exception's algorithm again, or back to the history's: measured against the history's; a third: against
    # the last night's, as any algorithm change
    measured = ref if run["fingerprint"] in (baseline["fingerprint"], ref["fingerprint"]) else baseline
    notes.append(Finding("warn", "history", (
        f"mixed-algorithm history: the last published night {baseline['logical_date']} was scored with "
        f"{baseline['algorithm_version']} ({baseline['fingerprint']}), but {ref['nights']} of the last "
        f"{ref['of_nights']} published nights with {ref['algorithm_version']} ({ref['fingerprint']}); this night's "
        f"algorithm-driven change is measured against {measured['algorithm_version']} on the same data. To make "
        f"{baseline['algorithm_version']} the baseline, backfill the history with it (`clout backfill`), or roll "
        f"the exception back (`clout rollback --date {baseline['logical_date']}`)")))
    if measured is baseline:  # another algorithm than the last night's: the shadow run uses that night's, as usual
        return baseline
    return {**baseline, "algorithm_version": ref["algorithm_version"], "fingerprint": ref["fingerprint"]}


def _baseline(con: duckdb.DuckDBPyConnection, run: dict, same_date: bool) -> tuple[dict | None, bool]:
    """The published night a run is compared with, and whether it is of the run's own date: a backfill night's,
    or the night a rerun replaces when another algorithm scored it (else the first night of a history, which has no
    night before it, would publish any algorithm unjudged, and a rerun from there would carry it night by night)."""
    replaced = next(iter(records(query(con, "audit/baseline_same_night", logical_date=run["logical_date"]))), None)
    if same_date or (replaced is not None and replaced["fingerprint"] != run["fingerprint"]):
        return replaced, True
    return next(iter(records(query(con, "audit/baseline_night", logical_date=run["logical_date"]))), None), False


def _findings(checks: list[Check], metrics: pl.DataFrame, notes: list[Finding]) -> list[Finding]:
    out = [Finding(c.severity, "check", c.line()) for c in checks if not c.passed]
    flagged = metrics.filter(pl.col("verdict").is_in(["hold", "warn"]))
    if metrics.filter(pl.col("scope") == "network")["scope_value"].n_unique() == 1:
        flagged = flagged.filter(pl.col("scope") != "network")  # one network: the same finding as overall
    flagged = flagged.sort(
        pl.col("verdict") != "hold", pl.col("scope") != "all", "part", "scope_value", "metric")
    for row in flagged.iter_rows(named=True):
        text = describe(row)
        if row["verdict"] == "warn":
            text += ": a real-world (data-driven) change: a warning, not a reason to hold"
        elif row["part"] == "algorithm":
            text += HELD_SUFFIX
        out.append(Finding(row["verdict"], "swing", text))
    return out + notes


# What the attribution compares between the algorithm's part and the data's: the scored accounts' mean move and
# the top 100's (a change that moves only the top keeps the population's mean move small).
ATTRIBUTION_MOVES = ("mean_abs_move", "top100_mean_abs_move")


def _attribution(baseline, split: bool, shadow_id, metrics: pl.DataFrame) -> str:
    if baseline is None:
        return "none"
    if not split:
        return "unknown"
    if shadow_id is None:
        return "data"
    overall = metrics.filter(pl.col("scope") == "all")
    if overall.filter((pl.col("part") == "algorithm") & (pl.col("verdict") == "hold")).height:
        return "algorithm"
    # the algorithm's part moved more than the data's on either; an algorithm that moved nothing is not the cause
    moves = overall.filter(pl.col("metric").is_in(ATTRIBUTION_MOVES))
    move = {(r["part"], r["metric"]): r["value"] or 0.0 for r in moves.iter_rows(named=True)}
    larger = any(move.get(("algorithm", m), 0.0) > move.get(("data", m), 0.0) for m in ATTRIBUTION_MOVES)
    return "algorithm" if larger else "data"



def _outcome(findings: list[Finding]) -> str:
    severities = {f.severity for f in findings}
    return "HOLD" if "hold" in severities else "WARN" if "warn" in severities else "PASS"


def run_gate(
    con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, config: dict | None = None,
    same_date_baseline: bool = False,
) -> GateResult:
    """Audit one run's candidate night; record and report the outcome. Does not publish.

    `same_date_baseline`: compare with the published night of the same date (a backfill recomputes
    history) instead of the last published night before it (a nightly run).
    """
    started = time.perf_counter()
    cfg = config or load_gate_config()
    rules = GateRules.from_config(cfg)
    (run,) = records(query(con, "meta/run", run_id=run_id))
    logical_date = run["logical_date"]
    baseline, same_date_baseline = _baseline(con, run, same_date_baseline)
    topics = _topics_cfg(con, cfg)
    nights = {"candidate": run_night(con, run_id, topics)}
    notes: list[Finding] = []
    shadow_id, split, shared = None, True, None
    kept = pl.Series([], dtype=pl.Float64)  # the share of last night's accounts missing tonight (none: no last night)
    # on the Spark engine the swing metrics and their judging run on Spark (each night's rows moved there once)
    spark_rows = {} if resolve_engine() == "spark" else None
    current = pl.LazyFrame(schema={"part": pl.String, "scope": pl.String, "scope_value": pl.String,
                                   "metric": pl.String, "value": pl.Float64, "n_common": pl.Int64})
    if baseline is not None:
        nights["baseline"] = published_night(con, baseline["logical_date"], topics)
        # compares of the same two nights share their pairs (compare): a backfill night whose old algorithm's scores
        # are the baseline, a night's data part when its algorithm did not change; so does the report's movers
        shared = {}
        parts = [current, compare("total", nights["baseline"], nights["candidate"], shared=shared,
                                  spark_rows=spark_rows)]
        # the algorithm the change is measured against: the last night's, or the history's when that night is an
        # exception in it (sql/gate/reference_algorithm.sql)
        against = baseline if same_date_baseline else _reference(con, run, baseline, rules, notes)
        if against["fingerprint"] != run["fingerprint"]:
            shadow_id, note = shadow_run(con, run, against)
            split = shadow_id is not None
            notes.append(Finding("note", "attribution", note))
        if shadow_id:
            # The old algorithm's scores may be the published run this night is compared with (a backfill night
            # whose inputs did not change: shadow_run): the same rows as the baseline's, so the same frames, read
            # once (and the data part, that run against itself, is not paired row by row: compare).
            nights["shadow"] = (nights["baseline"] if shadow_id == baseline["run_id"]
                                else run_night(con, shadow_id, topics))
            # data-driven: the night's change under one algorithm, the last night's (shadow or candidate)
            same_as_baseline = "candidate" if baseline["fingerprint"] == run["fingerprint"] else "shadow"
            # The algorithm is judged against a fixed tolerance, over the accounts either algorithm scores above
            # the bottom of the scale: silent accounts sit there under any algorithm (swing.py, `floor`).
            parts += [compare("data", nights["baseline"], nights[same_as_baseline], spark_rows=spark_rows,
                              shared=shared if same_as_baseline == "candidate" else None),
                      compare("algorithm", nights["shadow"], nights["candidate"], floor=cfg["checks"]["min_score"],
                              shared=shared if nights["shadow"] is nights["baseline"] else None,
                              spark_rows=spark_rows)]
        current = pl.concat(parts, how="vertical_relaxed").collect()
        # the accounts kept, a check on every account, whatever the parts
        kept = current.filter((pl.col("part") == "total") & (pl.col("scope") == "all")
                              & (pl.col("metric") == "share_missing"))["value"]
        if not split:  # the total is judged as the algorithm's part is: its missing accounts above the bottom
            current = with_missing_above_bottom(current, compare(  # the floor filters the shared pairs
                "total", nights["baseline"], nights["candidate"], floor=cfg["checks"]["min_score"], shared=shared,
                spark_rows=spark_rows).collect())
        if split and not shadow_id:  # same algorithm: all of the change is data-driven (the same figures again)
            current = pl.concat([current, current.filter(pl.col("part") == "total").with_columns(part=pl.lit("data"))])
        current = current.lazy()
    history = query(con, "audit/metric_history", logical_date=logical_date, nights=rules.history_nights).pl()
    if history.is_empty():
        history = pl.DataFrame(schema={"scope": pl.String, "scope_value": pl.String, "metric": pl.String,
                                       "value": pl.Float64})
    metrics = _judge_on_engine(current, history.lazy().select("scope", "scope_value", "metric", "value"), rules,
                               split, spark=spark_rows is not None)

    ref = Reference.of(nights["baseline"].scores, cfg["checks"]["min_score"]) if baseline else None
    # a backfill night's day was judged when its published night was (a backfill over days never published is not)
    redone = same_date_baseline and query(con, "audit/backfill_night", run_id=run_id).fetchall()[0][0]
    day = None if redone else day_volume(con, logical_date, cfg["checks"])
    checks = run_checks(con, run_id, ref, cfg["checks"], share_missing=float(kept[0]) if len(kept) else None,
                        day=day)
    findings = _findings(checks, metrics, notes)
    result = GateResult(
        run_id=run_id, logical_date=logical_date, outcome=_outcome(findings),
        attribution=_attribution(baseline, split, shadow_id, metrics), baseline=baseline, shadow_run_id=shadow_id,
        findings=findings, checks=checks, metrics=metrics, nights=nights, algorithm=run["algorithm_version"],
        paired=shared.get(_pairs_key(nights["baseline"].scores, nights["candidate"].scores, SwingParams().keys))
        if shared else None,
    )
    result.report_path = settings.reports_dir / f"{run_id}.html"
    write_report(con, result, result.report_path, rules)
    result.seconds = time.perf_counter() - started
    _record(con, run, result)
    return result


def _record(con: duckdb.DuckDBPyConnection, run: dict, result: GateResult) -> None:
    checks = pl.DataFrame(
        [{"check_name": c.name, "column_name": c.column, "passed": c.passed, "severity": c.severity,
          "detail": c.detail} for c in result.checks],
        schema={"check_name": pl.String, "column_name": pl.String, "passed": pl.Boolean, "severity": pl.String,
                "detail": pl.String},
    )
    findings = json.dumps([vars(f) for f in result.findings])
    if result.held:
        status, message = "held", result.hold_message()
    else:
        status, message = None, "; ".join(result.warnings()) or None
    with transaction(con):
        con.register("gate_metrics", result.metrics.to_arrow())
        con.register("gate_checks", checks.to_arrow())
        run_sql(con, "audit/record_results", run_id=result.run_id, logical_date=result.logical_date)
        con.unregister("gate_metrics")
        con.unregister("gate_checks")
        run_sql(
            con, "audit/record_outcome", run_id=result.run_id, logical_date=result.logical_date,
            outcome=result.outcome, attribution=result.attribution,
            baseline_run_id=(result.baseline or {}).get("run_id"),
            baseline_date=(result.baseline or {}).get("logical_date"), shadow_run_id=result.shadow_run_id,
            data_share_moved=result.part("data", OVERALL[0]), data_mean_abs_move=result.part("data", OVERALL[1]),
            algorithm_share_moved=result.part("algorithm", OVERALL[0]),
            algorithm_mean_abs_move=result.part("algorithm", OVERALL[1]),
            findings=findings, report_path=str(result.report_path), seconds=round(result.seconds, 3),
        )
        run_sql(con, "meta/finish_run", run_id=result.run_id, status=status, outcome=result.outcome, message=message)
        drop_kept_features(con, result.run_id)  # the shadow run, the only reader, is done
