"""The score step on the Spark engine through the lake (clout/core/lake.py, docs/engines.md "Tables a cluster can
share"): Spark reads the night's inputs from the lake's partitions and writes the candidate rows there, and DuckDB
loads them into the warehouse from the Parquet; no row travels between Spark and the driver's Python.

  score/<input>/run_id=<run>/        what the driver made for the run (the feature frame from the score state,
                                     and the consent-filtered previous scores, identity links, previous person
                                     scores and the window's post topics, reactions and reactors)
  candidate/<table>/run_id=<run>/    what Spark made of them (scores with their change parts, person scores with
                                     their change, topic scores): the warehouse's candidate rows but for the run's
                                     own columns (run_id is the folder; logical date, algorithm and fingerprint are
                                     the run's), loaded into candidate.* by the same SQL as on the default engine
  state/<table>/chain_id=<id>/night=<date>/   the chain's score state as of the night (last 7 nights kept)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from clout.core import lake
from transforms.algorithm import Algorithm
from transforms.explain import change_parts
from transforms.scores import person_scores, scores_from_features

INPUTS = ("features", "previous_scores", "identity_links", "previous_person_scores")
POST_INPUTS = ("post_topics", "post_reactions", "post_reactors")  # topic_inputs' order
OUTPUTS = {"scored": ("candidate.scores", ("network", "account_id")),
           "people": ("candidate.person_scores", ("person_id",)),
           "topics": ("candidate.topic_scores", ("network", "account_id", "rank"))}


def write_state(con: duckdb.DuckDBPyConnection, root: Path, logical_date: date, key: str) -> None:
    """The score state of the chain with feature settings `key`, if it is at the night (a shadow run that reused
    the candidate's feature frame did not bring its chain there)."""
    rows = con.execute("select chain_id from meta.score_chains where features_key = ? and state_date = ?",
                       [key, logical_date]).fetchall()
    if rows:
        lake.write_state(con, root, rows[0][0], logical_date)


def score_night(root: Path, run_id: str, logical_date: date, algo: Algorithm, inputs: dict[str, pl.DataFrame],
                posts: list[pl.DataFrame] | None, night_topics: Callable[..., Any]) -> dict[str, Path]:
    """The run's candidate rows made by Spark from the lake: the driver's frames (`inputs`: INPUTS by name;
    `posts`: topic_inputs, None for no topic scores) are written as the run's partitions, Spark reads them where
    they are, and writes its rows to the run's candidate partitions (`night_topics`: clout.score.score's, which
    imports this module). Returns {scored, people[, topics]: folder}."""
    import pyspark.sql.functions as F

    run = {"run_id": run_id}
    named = {**inputs, **dict(zip(POST_INPUTS, posts or [], strict=False))}
    for name, frame in named.items():
        lake.write_frame(root, f"score.{name}", run, frame)

    def read(name: str) -> Any:
        return lake.read_spark(root, f"score.{name}", run)

    keys = ["network", "account_id"]
    # The same functions as the Arrow path (score_frames); the scores checkpointed once: all three read them.
    scored = scores_from_features(read("features"), algo).localCheckpoint(eager=True)
    accounts = change_parts(scored, read("previous_scores"), keys, algo.calibration, algo.fingerprint)
    people = (person_scores(scored, read("identity_links"), algo.model, algo)
              .join(read("previous_person_scores").withColumnRenamed("score", "previous_score"), "person_id", "left")
              .withColumn("change", F.col("score") - F.col("previous_score")))
    out = {"scored": lake.write_spark(root, "candidate.scores", run, accounts),
           "people": lake.write_spark(root, "candidate.person_scores", run, people)}
    if posts is not None:
        topics = night_topics(scored, list(POST_INPUTS), algo.topics, read)
        out["topics"] = lake.write_spark(root, "candidate.topic_scores", run, topics)
    # the inputs are the run's working set: kept a week (reruns, a look at a recent night), not forever
    lake.prune_runs(root, [f"score.{name}" for name in INPUTS + POST_INPUTS], logical_date)
    return out



def register(con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> None:
    """A candidate partition as the view `name` the score SQL inserts from, in the rows' order the default engine
    hands them on (Spark's rows have none)."""
    order = ", ".join(OUTPUTS[name][1])
    con.execute(f"create or replace temp view {name} as select * from {lake.duckdb_source(folder)} order by {order}")


def rows(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    return con.execute(f"select count(*) from {lake.duckdb_source(folder)}").fetchall()[0][0]
