"""Score: marts.* (trailing window) -> candidate.scores, person_scores, topic_scores for one run.

The window's features come from the score state (clout/score/score_state.py, docs/state.md), brought to the night
from the new day; the model, explanations and topics are the dataframe code in transforms/. The model, change parts,
person scores and topic scores run on the configured engine (clout/core/engine.py, docs/engines.md): Polars by
default, Spark DataFrames with `--engine spark`; either way the rows are written back into this warehouse.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

import duckdb
import polars as pl

from clout.consent.filters import without_excluded
from clout.core.engine import resolve_engine
from clout.core.lake import lake_root, warehouse_path
from clout.core.warehouse import query, records, release_memory, run_sql, transaction
from clout.score import on_lake
from clout.score.score_state import prepare_state, state_features
from transforms.algorithm import Algorithm, TopicParams
from transforms.explain import change_parts
from transforms.features import window_features
from transforms.scores import person_scores, scores_from_features
from transforms.topics import load_topic_edges, load_topics, top_topics, topic_influence


def _frame(con: duckdb.DuckDBPyConnection, name: str, **params) -> pl.LazyFrame:
    # Consent: rows naming an opted-out account or a minor are dropped from every input, so they count for nobody.
    return without_excluded(con, query(con, f"score/{name}", **params).pl().lazy(), params.get("logical_date"))


def _optional(frame: pl.LazyFrame) -> pl.LazyFrame | None:
    """None when there is no such data at all (unknown), rather than an empty frame (known zero)."""
    return frame if frame.select(pl.len()).collect().item() else None


def features_key(algo: Algorithm) -> str:
    """What window_features reads of an algorithm: two algorithms with the same key make the same feature frame
    from the same data (the code is the same: both are loaded by this process)."""
    settings = {"window_days": algo.window_days, "features": asdict(algo.features), "impact": asdict(algo.impact)}
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


def window_frame(con: duckdb.DuckDBPyConnection, logical_date: date, algo: Algorithm) -> pl.DataFrame:
    """The feature frame of the night's window (one row per network account): the expensive half of scoring.

    Made from the score state (clout/score/score_state.py), which is brought to the night from the new day only
    (or rebuilt from the window when it cannot be), never from the whole window in memory.
    """
    run_sql(con, "score/state_begin")
    try:
        report = prepare_state(con, logical_date, algo, features_key(algo))
        frame = state_features(con, logical_date, algo, report)
    finally:
        run_sql(con, "score/state_end")  # the state's temp tables dropped
        release_memory(con)
    profiles = _optional(_frame(con, "profiles", logical_date=logical_date))
    if profiles is not None:
        frame = frame.join(profiles.select("network", "account_id", "followers", "following", "lists").collect(),
                           on=["network", "account_id"], how="left", maintain_order="left")  # stays sorted
    return frame


def reference_window_frame(con: duckdb.DuckDBPyConnection, logical_date: date, algo: Algorithm) -> pl.DataFrame:
    """The same feature frame recomputed from the whole window in memory by the pure Polars reference
    (transforms/features.py window_features): what tests and benchmarks compare the score state with."""
    window = {"logical_date": logical_date, "window_days": algo.window_days}
    return window_features(
        _frame(con, "window_edges", **window), logical_date, algo,
        activity=_frame(con, "account_activity", logical_date=logical_date),
        posts=_optional(_frame(con, "window_posts", **window)),
        profiles=_optional(_frame(con, "profiles", logical_date=logical_date)),
    ).collect()


def kept_features(con: duckdb.DuckDBPyConnection, run_id: str, algo: Algorithm) -> pl.DataFrame | None:
    """The feature frame kept by `run_id`'s score step, if `algo` reads the window the same way; else None."""
    kept = records(query(con, "score/kept_features", run_id=run_id))
    if not kept or kept[0]["features_key"] != features_key(algo):
        return None
    return con.sql(f"select * from {kept[0]['table_name']}").pl()


def drop_kept_features(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> None:
    """Drop `run_id`'s kept features, or (no run) every kept frame nobody will read any more."""
    stale = (records(query(con, "score/kept_features", run_id=run_id)) if run_id
             else records(query(con, "score/stale_kept_features")))
    for row in stale:
        run_sql(con, "score/drop_kept_features", {"table": row["table_name"]}, run_id=row.get("run_id", run_id))


def inputs_digest(features: pl.DataFrame, topic_inputs: list[pl.DataFrame], key: str) -> str:
    """What a night's scores are made from, as one string: the feature settings' key, the feature frame and the
    topics' input rows (row hashes summed: the rows' order does not matter). An algorithm scores the same rows from
    the same digest (`score`, `raw_score`, the parts and the topics; the change since the night before also reads
    that night). Polars' row hash may change with its version, which is part of the digest: a digest made by
    another version never matches, it is never wrongly equal."""
    frames = [f"{f.height}:{','.join(f.columns)}:{f.hash_rows(seed=0).sum()}" for f in (features, *topic_inputs)]
    return hashlib.sha256("|".join([key, pl.__version__, *frames]).encode()).hexdigest()[:32]


def live_run_same_inputs(con: duckdb.DuckDBPyConnection, logical_date: date, digest: str | None) -> dict | None:
    """The night's live run (run_id, fingerprint) if it scored inputs with `digest`: its rows are what its algorithm
    scores from them, so the gate reads them as that algorithm's scores of the night (clout/audit/gate.py)."""
    rows = records(query(con, "score/live_run_same_inputs", logical_date=logical_date, inputs_digest=digest))
    return rows[0] if rows else None


def run_digest(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    rows = query(con, "score/run_digest", run_id=run_id).fetchall()
    return rows[0][0] if rows else None


def _kept_table(run_id: str) -> str:
    return "scratch.features_" + "".join(c if c.isalnum() else "_" for c in run_id)


def score_frames(features: pl.DataFrame, previous: pl.LazyFrame, links: pl.LazyFrame, algo: Algorithm,
                 engine: str = "duckdb", posts: list[pl.DataFrame] | None = None,
                 ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """(scored accounts, accounts with their change parts, person scores, topic scores) of a night's feature frame,
    made by the same transforms on `engine`. `previous`: the scores of the night before (previous_night); `links`:
    identity links; `posts`: the window's post topics, post reactions and post reactors (None: no topic scores)."""
    keys = ["network", "account_id"]
    if engine != "spark":
        scored = scores_from_features(features.lazy(), algo).collect()
        accounts = change_parts(scored.lazy(), previous, keys, algo.calibration, algo.fingerprint).collect()
        people = person_scores(scored.lazy(), links, algo.model, algo).collect()
        topics = None if posts is None else night_topics(scored.lazy(), posts, algo.topics, pl.DataFrame.lazy).collect()
        return scored, accounts, people, topics
    from clout.core.engine import from_spark, to_spark

    # Onto Spark through Arrow, the same functions on Spark DataFrames, back through Arrow. The scores are checkpointed
    # once: the change parts, the person scores and the topics all read them.
    on_spark = scores_from_features(to_spark(features), algo).localCheckpoint(eager=True)
    accounts = change_parts(on_spark, to_spark(previous.collect()), keys, algo.calibration, algo.fingerprint)
    people = person_scores(on_spark, to_spark(links.collect()), algo.model, algo)
    topics = None if posts is None else night_topics(on_spark, posts, algo.topics, to_spark)
    # Spark frames have no row order: sorted as the default engine hands them on
    return (from_spark(on_spark).sort(keys), from_spark(accounts).sort(keys), from_spark(people).sort("person_id"),
            None if topics is None else from_spark(topics).sort(*keys, "rank"))


def topic_inputs(con: duckdb.DuckDBPyConnection, logical_date: date, algo: Algorithm) -> list[pl.DataFrame]:
    """The window's post topics, post reactions and post reactors: what a night's topic scores are made from."""
    window = {"logical_date": logical_date, "window_days": algo.window_days}
    return [_frame(con, name, **window).collect()
            for name in ("window_post_topics", "window_post_reactions", "window_post_reactors")]


def night_topics(scored: Any, posts: list[pl.DataFrame], params: TopicParams,
                 move: Callable[[pl.DataFrame], Any]) -> Any:
    """Each account's top topics of the night, on the engine of `scored`: the window's posts (`topic_inputs`) are
    put on it by `move` (a Polars frame in, that engine's frame out); the ontology's tables go as they are."""
    influence = topic_influence(*(move(p) for p in posts), params, load_topic_edges())
    return top_topics(influence, scored, load_topics(), params)


def previous_night(con: duckdb.DuckDBPyConnection, run_id: str, logical_date: date) -> dict:
    """The parameters of sql/score/previous_scores.sql and previous_person_scores.sql for a run: the night its change
    is measured against (sql/score/previous_night.sql: the last published night before it, or for a backfill's
    night the backfill's own night before), and the run's own date, on which consent filters them."""
    rows = records(query(con, "score/previous_night", run_id=run_id, logical_date=logical_date))
    night = rows[0] if rows else {"run_id": None, "logical_date": None}
    return {"logical_date": logical_date, "previous_run_id": night["run_id"], "previous_date": night["logical_date"]}


def score_date(
    con: duckdb.DuckDBPyConnection, run_id: str, logical_date: date, algo: Algorithm,
    keep_features: bool = False, features: pl.DataFrame | None = None, engine: str | None = None,
) -> int:
    """Write the run's candidate scores, person scores and topic scores; returns the number of accounts.

    `keep_features`: also keep the night's feature frame for the gate's shadow run (see kept_features).
    `features`: a frame made by window_frame with the same features_key (the shadow run's reuse).
    `engine`: where the model, change parts and person scores run (None: CLOUT_ENGINE, else duckdb).
    """
    if features is None:
        features = window_frame(con, logical_date, algo)
    posts = topic_inputs(con, logical_date, algo)
    before = previous_night(con, run_id, logical_date)
    engine = resolve_engine(engine)
    root = lake_root(warehouse_path(con)) if engine == "spark" else None
    if root is not None:  # Spark reads its inputs from the lake and writes its rows there (clout/score/on_lake.py)
        on_lake.write_state(con, root, logical_date, features_key(algo))
        inputs = {"features": features,
                  "previous_scores": _frame(con, "previous_scores", **before).collect(),
                  "identity_links": _frame(con, "identity_links").collect(),
                  "previous_person_scores": _frame(con, "previous_person_scores", **before).collect()}
        outputs = on_lake.score_night(root, run_id, logical_date, algo, inputs, posts, night_topics)
    else:
        _, accounts, people, topics = score_frames(
            features, _frame(con, "previous_scores", **before), _frame(con, "identity_links"), algo,
            engine, posts)
        people = (
            people.lazy()
            .join(_frame(con, "previous_person_scores", **before)
                  .rename({"score": "previous_score"}), on="person_id", how="left", maintain_order="left")
            .with_columns(change=pl.col("score") - pl.col("previous_score"))
            .collect()
        )
        outputs = {"scored": accounts, "people": people, "topics": topics}
    params = {"run_id": run_id, "logical_date": logical_date, "algorithm_version": algo.version,
              "fingerprint": algo.fingerprint}
    digest = inputs_digest(features, posts, features_key(algo))
    if keep_features:  # not when the gate will read the night's live run as its shadow run (clout/audit/gate.py)
        live = live_run_same_inputs(con, logical_date, digest)
        keep_features = live is None or live["fingerprint"] == algo.fingerprint
    with transaction(con):
        run_sql(con, "score/record_inputs", run_id=run_id, inputs_digest=digest)
        if keep_features:
            drop_kept_features(con)
            con.register("kept_features", features.to_arrow())
            run_sql(con, "score/keep_features", {"table": _kept_table(run_id)}, run_id=run_id,
                    features_key=features_key(algo))
            con.unregister("kept_features")
        for name, sql in (("scored", "candidate_scores"), ("people", "candidate_person_scores"),
                          ("topics", "candidate_topic_scores")):
            if root is not None:  # DuckDB reads Spark's Parquet where Spark wrote it
                on_lake.register(con, name, outputs[name])
                run_sql(con, f"score/{sql}", **params)
                con.execute(f"drop view {name}")
            else:
                con.register(name, outputs[name].to_arrow())
                run_sql(con, f"score/{sql}", **params)
                con.unregister(name)
    return on_lake.rows(con, outputs["scored"]) if root is not None else outputs["scored"].height
