"""Shared fixtures: a fresh warehouse per test, small slices of the real Higgs data, and warehouses of that data
built once per session (all xdist workers share one build, testkit.built_once) and copied for each test."""

from __future__ import annotations

import atexit
import gzip
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest

# Airflow reads its config at import time: point it at a throwaway home before any test imports it.
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="clout-airflow-"))
atexit.register(shutil.rmtree, _AIRFLOW_HOME, ignore_errors=True)
os.environ.setdefault("AIRFLOW_HOME", str(_AIRFLOW_HOME))
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(Path(__file__).resolve().parents[1] / "dags"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

from testkit import WEEK_SAMPLE_EVERY, built_once, copy_warehouse, higgs_lines, higgs_sample  # noqa: E402

from clout.core.settings import load_settings  # noqa: E402

# The modules that take longest, longest first (measured: docs/testing.md, "Timings"). Under `--dist loadfile`
# xdist hands these out first, so the last modules to start are short ones and the workers finish together;
# xdist's own order is most tests first, which left one-test modules of a minute for the end. The list only orders
# the work: every module runs, listed or not, and a stale entry costs wall time, never coverage.
LONGEST_FIRST = (
    "tests/score/test_spark_higgs_week.py",  # the real week's 7 nights on Spark (and the default engine's week built)
    # second, so that xdist hands it to the other worker: the week above is one test, so its worker asks for more
    # work at once, and a long module there put the suite's two longest on one worker (~1,000 of 1,231 s)
    "tests/score/test_spark_generated_week.py",  # a generated week on both engines, a backfill on both
    "tests/dags/test_spark_dag.py",  # a night and a backfill of the DAGs on each engine; Spark's spark-submit a JVM
    "tests/gate/test_contracts_on_spark.py",  # GX on Spark rows; a real night audited on each engine
    "tests/score/test_spark_engine.py",  # the transforms, topics and PageRank on both engines
    "tests/gate/test_swing_on_spark.py",  # every swing metric on each engine; a gate run on Spark
    "tests/test_lake.py",  # a night of the Higgs slice staged, aggregated and scored on Spark
    "tests/score/test_rerun_bytes.py",  # builds the week to July 4 and to July 7 (the gate modules copy them)
    "tests/score/test_state.py",  # thirty generated nights, its own build
    "tests/test_first_hour.py",  # builds the first-hour warehouse; commands under a pseudo-terminal
    "tests/test_backfill.py",  # builds the slice's nights and a v2 backfill
    "tests/gate/test_higgs_week.py",
    "tests/consent/test_crash.py",  # builds the consent world; a killed process per step
    "tests/dags/test_nightly_dag.py",
    "tests/model/test_generated_truth.py",
    "tests/model/test_validity_harness.py",  # the validity harness on a sample of the week and 200 generated people
    "tests/gate/test_algorithm_release.py",  # a v1 -> v3 backfill of the week
    "tests/gate/test_shadow_features.py",
    "tests/consent/test_sql_sandbox.py",
    "tests/consent/test_erasure.py",
    "tests/model/test_scores_higgs_week.py",
    "tests/gate/test_broken_runs.py",
    "tests/test_wheel.py",
    "tests/model/test_explain_causes.py",
    "tests/test_concurrent_readers.py",  # readers beside a real writer
)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` with LONGEST_FIRST's modules handed out first (other modes: xdist's own scheduler)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    rank = {module: i for i, module in enumerate(LONGEST_FIRST)}

    class LongestFirst(LoadFileScheduling):
        def _assign_work_unit(self, node):
            first = min(self.workqueue, key=lambda module: rank.get(module, len(rank)))  # ties: xdist's order
            self.workqueue.move_to_end(first, last=False)
            super()._assign_work_unit(node)

    return LongestFirst(config, log)


@pytest.fixture
def settings(tmp_path):
    return load_settings(tmp_path / "warehouse" / "clout.duckdb")


@pytest.fixture(scope="session")
def spark_jvm():
    """This worker's one SparkSession (local[2]), started when its first Spark module asks and stopped when the
    session ends: a JVM's start (10-35 s) and its warm-up (the JIT compiling Spark's planner, the first night's
    slowest part) paid once per worker, not once per module. Skipped with the reason when Java or pyspark is missing."""
    from clout.core import engine
    from clout.core.errors import CloutError

    try:
        engine.check_spark()
    except CloutError as e:
        pytest.skip(f"no Spark here: {e}")
    session = engine.spark_session()
    engine._session = None  # the engine's only while a Spark module runs (`spark`)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def spark(spark_jvm):
    """The worker's SparkSession (`spark_jvm`) as this process's session (clout.core.engine) for a module of Spark
    tests. After the module the engine has no session again, as in a process that never ran on Spark (a module after
    it checks that a job started none: tests/test_engine.py); the JVM keeps running for the worker's next Spark
    module, which takes it back here."""
    from clout.core import engine

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "_session", spark_jvm)
        yield spark_jvm


@pytest.fixture(scope="session")
def higgs_slice(tmp_path_factory) -> Path:
    """Every 10th interaction of 2012-07-01..03: real data, small enough for fast end-to-end tests."""
    def build(folder: Path) -> None:
        (folder / "higgs-slice.txt.gz").write_bytes(gzip.compress(b"".join(higgs_lines({1, 2, 3}, every=10))))

    return built_once(tmp_path_factory, "higgs-slice", build) / "higgs-slice.txt.gz"


@pytest.fixture(scope="session")
def higgs_nights(tmp_path_factory, higgs_slice):
    """nights(n): the folder of a warehouse with `higgs_slice` landed and July 1..n 2012 published with v1 (n = 0:
    landed only). Built once per session, each from the one before; read it only through a copy (`nights_copy`)."""
    from clout import pipeline

    def nights(n: int) -> Path:
        def build(folder: Path) -> None:
            settings = load_settings(folder / "clout.duckdb")
            if n == 0:
                pipeline.land_files(settings, [higgs_slice])
                return
            shutil.copytree(nights(n - 1), folder, symlinks=True, dirs_exist_ok=True)
            pipeline.run_night(settings, date(2012, 7, n), "v1")

        return built_once(tmp_path_factory, f"higgs-slice-nights-{n}", build)

    return nights


@pytest.fixture
def nights_copy(higgs_nights, tmp_path):
    """copy(n, name="warehouse"): Settings of a private copy of `higgs_nights(n)` in this test's tmp_path."""
    def copy(n: int, name: str = "warehouse"):
        return copy_warehouse(higgs_nights(n), tmp_path / name)

    return copy


@pytest.fixture(scope="session")
def week_until_july4(tmp_path_factory) -> Path:
    """The folder of a warehouse with every 4th interaction of the real Higgs week landed and July 1..4 run with
    v1: the state before the nights the gate and rerun tests vary. Built once per session; copy it to change it."""
    from clout import pipeline

    def build(folder: Path) -> None:
        settings = load_settings(folder / "warehouse" / "clout.duckdb")
        pipeline.land_files(settings, [higgs_sample(folder / "higgs-week.txt.gz", WEEK_SAMPLE_EVERY)])
        for day in range(1, 5):
            pipeline.run_night(settings, date(2012, 7, day), "v1")

    return built_once(tmp_path_factory, "higgs-week-until-july4", build) / "warehouse"


@pytest.fixture(scope="session")
def week_until_july7(tmp_path_factory, week_until_july4) -> Path:
    """`week_until_july4` with July 5..7 run with v1 too: the whole week published (the gate's v1 week reads it, the
    rerun test reruns its nights). Built once per session from a copy of the July 4 build; copy it to change it."""
    from clout import pipeline

    def build(folder: Path) -> None:
        settings = copy_warehouse(week_until_july4, folder / "warehouse")
        for day in range(5, 8):
            pipeline.run_night(settings, date(2012, 7, day), "v1")

    return built_once(tmp_path_factory, "higgs-week-until-july7", build) / "warehouse"


@pytest.fixture(scope="session")
def higgs_night(tmp_path_factory):
    """(per-day edges, the feature frame of 2012-07-04, the scores of July 3 with v1's fingerprint) from every 10th
    real Higgs interaction of July 1..4 (the announcement night), by the pure Polars reference of the score state's
    features (bench/engines.py night_features): for the engines' tests, in memory, no warehouse."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/
    from bench.engines import higgs_edges, night_features
    from transforms.algorithm import load_algorithm

    edges = higgs_edges(higgs_sample(tmp_path_factory.mktemp("higgs-night") / "higgs.txt.gz", 10, days={1, 2, 3, 4}))
    return edges, *night_features(edges, date(2012, 7, 4), load_algorithm("v1"))


@pytest.fixture(scope="session")
def tweet_nights(tmp_path_factory):
    """[(the window's topic inputs, the night's scores)] of the two nights of real tweets among the landing fixtures:
    Twitter API v1.1 search results of 2013-03-27 and a v2 search page of 2021-09-22, with their real hashtags,
    text and reactions, landed, staged, aggregated and scored with v1. For the topics' tests on both engines, in
    memory."""
    from clout import pipeline
    from clout.core.warehouse import connect
    from clout.score.score import topic_inputs
    from transforms.algorithm import load_algorithm

    settings = load_settings(tmp_path_factory.mktemp("tweets") / "clout.duckdb")
    fixtures = Path(__file__).parent / "fixtures"
    pipeline.land_files(settings, [fixtures / "twitter_v1" / "MentionSomeoneImportantForYou.json",
                                   fixtures / "twitter_v2" / "brexit.jsonl"])
    nights = []
    for day in (date(2013, 3, 27), date(2021, 9, 22)):
        run_id = pipeline.begin_run(settings, day, "v1")
        for step in (pipeline.stage_step, pipeline.aggregate_step, pipeline.score_step):
            step(settings, run_id)
        with connect(settings, read_only=True) as con:
            scores = con.sql("select network, account_id, score from candidate.scores where run_id = ?",
                             params=[run_id]).pl()
            nights.append((topic_inputs(con, day, load_algorithm("v1")), scores))
    return nights
