"""The engine by configuration (clout/core/engine.py, docs/engines.md): `--engine` / CLOUT_ENGINE name it, a bad
name or a Spark engine that cannot start here is one line, and the transforms stay inside the part of Polars' API
that Narwhals implements (checked here without Java; tests/score/test_spark_engine.py runs them on Spark)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import narwhals as nw
import polars as pl
import pytest
from testkit import clout_here, same_frames, topic_points_cases

from clout.core import engine
from clout.core.errors import CloutError
from transforms.algorithm import load_algorithm

KEYS = ["network", "account_id"]


def test_the_engine_comes_from_the_option_then_the_environment_then_the_default(monkeypatch):
    monkeypatch.delenv("CLOUT_ENGINE", raising=False)
    assert engine.resolve_engine() == "duckdb"
    monkeypatch.setenv("CLOUT_ENGINE", "Spark")
    assert engine.resolve_engine() == "spark"
    assert engine.resolve_engine("duckdb") == "duckdb"
    monkeypatch.setenv("CLOUT_ENGINE", "flink")
    with pytest.raises(CloutError, match="CLOUT_ENGINE 'flink': not an engine; use one of duckdb, spark"):
        engine.resolve_engine()
    monkeypatch.delenv("CLOUT_SPARK_MASTER", raising=False)
    assert engine.spark_master() == "local[2]"
    monkeypatch.setenv("CLOUT_SPARK_MASTER", "spark://head:7077")
    assert engine.spark_master() == "spark://head:7077"


def test_a_bad_engine_or_no_java_is_one_line_before_anything_runs(settings, tmp_path):
    bad = clout_here("run", "--date", "2012-07-01", "--engine", "flink", warehouse=settings)
    assert bad.returncode == 1 and bad.stderr.strip().count("\n") == 0
    assert "--engine 'flink': not an engine; use one of duckdb, spark" in bad.stderr
    # no java on PATH and no JAVA_HOME: the Spark engine says so, and nothing was written
    no_java = clout_here("run", "--date", "2012-07-01", "--engine", "spark", warehouse=settings,
                         env={"PATH": str(tmp_path)}, drop_env=("JAVA_HOME",))
    assert no_java.returncode == 1 and no_java.stderr.strip().count("\n") == 0
    assert "the spark engine needs Java 17 or later" in no_java.stderr
    assert not settings.warehouse.exists()


def test_the_spark_job_says_its_usage_and_fails_in_one_line(settings, monkeypatch, capsys):
    """clout/spark_job.py, what the DAGs' Spark variant submits ([score] RUN_ID, audit RUN_ID, or backfill
    BACKFILL_ID): a wrong argument list is its usage (exit 2), a failure one line (exit 1); here before any Spark
    session starts."""
    from clout import spark_job

    monkeypatch.setenv("CLOUT_ENGINE", "duckdb")  # the job sets spark for its process: put back after the test
    for args in ([], ["backfill"], ["audit"], ["score"], ["run-1", "run-2"], ["backfill", "bf-1", "more"],
                 ["audit", "run-1", "run-2"], ["publish", "run-1"]):
        assert spark_job.main(args) == 2, args
        assert capsys.readouterr().err == ("usage: spark-submit clout/spark_job.py [score] RUN_ID | audit RUN_ID | "
                                           "backfill BACKFILL_ID\n")
    monkeypatch.setenv("CLOUT_WAREHOUSE", str(settings.warehouse))
    monkeypatch.setattr(engine, "check_spark", lambda: None)  # no Java needed: it fails before Spark would start
    assert spark_job.main(["backfill", "bf-none"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no backfill 'bf-none'") and err.count("\n") == 1, err
    assert spark_job.main(["audit", "run-none"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no run 'run-none'") and err.count("\n") == 1, err


def test_the_spark_job_does_not_score_a_backfills_finished_nights_again(nights_copy, monkeypatch, capsys):
    """The backfill DAG's job submitted again (its task retried, or the DAG triggered again) for a backfill whose
    nights were scored and gated: it scores none of them again and starts no Spark session, as `clout backfill`
    resumes (tests/dags/test_spark_dag.py runs the job on Spark)."""
    from clout import backfill, spark_job
    from clout.core.warehouse import connect

    settings = nights_copy(3)
    monkeypatch.setenv("CLOUT_WAREHOUSE", str(settings.warehouse))
    monkeypatch.setenv("CLOUT_ENGINE", "duckdb")  # the job sets spark for its process: put back after the test
    backfill_id = backfill.start_or_resume(settings, date(2012, 7, 3), date(2012, 7, 3), "v1_1")
    backfill.score_nights(settings, backfill_id)  # an earlier attempt scored and gated the night
    done = "select (select count(*) from meta.runs), list((logical_date, status, outcome) order by logical_date) " \
           "from meta.backfill_nights"
    with connect(settings) as con:
        before = con.execute(done).fetchall()
    monkeypatch.setattr(engine, "check_spark", lambda: None)
    assert spark_job.main(["backfill", backfill_id]) == 0
    assert capsys.readouterr().out == f"backfill {backfill_id}: nothing left to score\n"
    assert engine.session_master() is None
    with connect(settings) as con:
        assert con.execute(done).fetchall() == before and before[0][1] == [(date(2012, 7, 3), "gated", "PASS")], before


def test_the_transforms_run_through_narwhals_on_polars_too(higgs_night):
    """The same functions given a Polars frame wrapped in Narwhals take the path every other engine takes
    (Narwhals' expressions, the Shapley split in long form), and give the same scores as on Polars."""
    from transforms.explain import change_parts
    from transforms.scores import person_scores, scores_from_features

    _, features, previous = higgs_night
    algo = load_algorithm("v1")
    native = scores_from_features(features.lazy(), algo).collect()
    wrapped = scores_from_features(nw.from_native(features.lazy()), algo)
    assert isinstance(wrapped, nw.LazyFrame)
    same_frames(native, wrapped.collect().to_native().sort(KEYS), KEYS, 1e-9)
    changes = change_parts(native.lazy(), previous.lazy(), KEYS, algo.calibration, algo.fingerprint).collect()
    assert changes["change_explained"].str.contains(r"\(\+").any()
    through = change_parts(nw.from_native(native.lazy()), nw.from_native(previous.lazy()), KEYS, algo.calibration,
                           algo.fingerprint).collect().to_native()
    same_frames(changes.sort(KEYS), through.sort(KEYS), KEYS, 1e-9)
    accounts = native["account_id"].head(40).to_list()
    links = pl.DataFrame({"person_id": [f"p{i // 2}" for i in range(40)], "network": "twitter",
                          "account_id": accounts})
    people = person_scores(nw.from_native(native.lazy()), nw.from_native(links.lazy()), algo.model, algo)
    same_frames(person_scores(native.lazy(), links.lazy(), algo.model, algo).collect(),
                people.collect().to_native(), ["person_id"], 1e-9)


def test_the_topics_run_through_narwhals_on_polars_too(tweet_nights):
    """The topics (the evidence rule, each topic's share, the roll-up to parent topics, each account's top topics)
    given Polars frames wrapped in Narwhals take the path every other engine takes, and give Polars' rows to the
    bit, on two nights of real tweets (one day each: the evidence asks for one post, one day, one reactor)."""
    from clout.score.score import night_topics

    params = replace(load_algorithm("v1").topics, min_posts=1, min_days=1, min_reactors=1)
    for posts, scores in tweet_nights:
        native = night_topics(scores.lazy(), posts, params, pl.DataFrame.lazy).collect()
        wrapped = night_topics(nw.from_native(scores.lazy()), posts, params, lambda p: nw.from_native(p.lazy()))
        assert isinstance(wrapped, nw.LazyFrame) and native.height > 50
        assert wrapped.collect().to_native().equals(native)


def test_topic_points_are_rounded_as_polars_rounds_them_through_either_api():
    """A topic's points, score x share to 0.1 (transforms/topics.py `_tenths`): the bits of Polars' own round(1)
    through Polars and through Narwhals (the Spark path's expressions), at ties (61 x 0.25 = 15.25 reads 15.2, the
    even tenth, where Spark's round reads 15.3), next to them and elsewhere."""
    from transforms.topics import _tenths

    cases = topic_points_cases()
    on_polars = cases.select(_tenths(pl.col("x")))
    through_narwhals = nw.from_native(cases.lazy()).select(_tenths(nw.col("x"))).collect().to_native()
    for got in (on_polars, through_narwhals):
        assert (got.to_series().to_numpy().view("int64") == cases["want"].to_numpy().view("int64")).all()
    assert cases.filter(pl.col("x") == 15.25)["want"].unique().to_list() == [15.2]


def test_great_expectations_imports_in_a_process_whose_main_has_no_file():
    """With PySpark installed, Great Expectations imports pyspark.sql.connect, whose dependency check calls
    sys.exit(0) (silently: the import just stops) in a process whose __main__ has no file, as an xdist worker's or
    `python -c`'s, unless the `connect` extra's packages are there (pyproject.toml's spark and dev extras)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import great_expectations; print('imported')"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "imported", done.stderr[-2000:]


def test_a_change_is_rounded_to_the_same_cents_on_every_engine():
    """A change's points at a tie, or one ulp either side of one (the engines' sums differ in the last bits), read
    the same cents through Polars and through Narwhals (the Spark path's expressions): the even cent. Other values
    keep Polars' own round(2), bit for bit."""
    import narwhals as nw
    import numpy as np
    import polars as pl

    from transforms.explain import _cents

    rng = np.random.default_rng(5)
    ties = np.concatenate([(rng.integers(-4000, 4000, 5000) + 0.5) / 100, rng.integers(-800, 800, 5000) / 8])
    noisy = np.concatenate([ties, np.nextafter(ties, np.inf), np.nextafter(ties, -np.inf)])
    frame = pl.DataFrame({"x": noisy, "side": np.repeat([0, 1, 2], len(ties)), "i": np.tile(np.arange(len(ties)), 3)})
    on_polars = frame.with_columns(c=_cents(pl.col("x")))
    through_narwhals = nw.from_native(frame.lazy()).with_columns(c=_cents(nw.col("x"))).collect().to_native()
    assert on_polars["c"].equals(through_narwhals["c"])
    per_tie = on_polars.group_by("i").agg(pl.col("c").n_unique().alias("n"), pl.col("c").first())
    assert (per_tie["n"] == 1).all()  # a tie and its neighbours read the same cents
    assert pl.Series([_cents_of(-0.625), _cents_of(0.125), _cents_of(-0.375), _cents_of(0.875)]).to_list() == \
        [-0.62, 0.12, -0.38, 0.88]  # half to even
    others = pl.DataFrame({"x": rng.normal(0, 20, 100_000)})
    assert others.select(_cents(pl.col("x"))).to_series().equals(others["x"].round(2))


def _cents_of(x: float) -> float:
    import polars as pl

    from transforms.explain import _cents

    return pl.select(_cents(pl.lit(x))).item()
