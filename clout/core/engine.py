"""Which engine runs the score step's transforms, by configuration (docs/engines.md).

  --engine duckdb|spark   on `clout run`, `clout backfill` and `clout demo`; else
  CLOUT_ENGINE            duckdb (the default: DuckDB warehouse, Polars transforms) or spark
  CLOUT_SPARK_MASTER      the Spark master: local[2] (the default: Spark inside this process's JVM, both cores) or a
                          cluster's URL (spark://host:7077, yarn, k8s://...)
  CLOUT_SPARK_DRIVER_MEMORY  the driver's heap (default 2g); read when the session starts

On either engine the warehouse stays DuckDB: the feature frame comes from the score state, the candidate rows are
written back, and the swing gate, publish and `clout sql` do not change. On Spark the model, change parts, person
and topic scores (transforms/, written once for both engines: transforms/frames.py) run on Spark DataFrames, and so
do the audit's contract checks (clout/audit/checks.py: the candidate rows' exact aggregates) and the gate's swing
metrics and their judging (transforms/audit/, clout/audit/gate.py).

One SparkSession per process, started on first use (a JVM start: 10-35 s here), with logs at ERROR and settings
for one machine that a cluster's own configuration (spark-defaults.conf, spark-submit --conf) overrides.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from clout.core.errors import CloutError

ENGINES = ("duckdb", "spark")
# The default engine is DuckDB's warehouse with Polars transforms: a newcomer who reads "Polars" may type it.
ALIASES = {"polars": "duckdb"}
DEFAULT_ENGINE = "duckdb"
ENGINE_ENV = "CLOUT_ENGINE"
MASTER_ENV = "CLOUT_SPARK_MASTER"
DRIVER_MEMORY_ENV = "CLOUT_SPARK_DRIVER_MEMORY"
DEFAULT_MASTER = "local[2]"

_session: Any = None

# Spark's own log4j2 defaults print INFO and WARN lines on every start; clout's commands print one line per step.
# Shipped in the package: the in-process session and the DAG's spark-submit (clout/orchestration.py) both read it.
LOG4J2 = Path(__file__).resolve().with_name("spark-log4j2.properties")


def resolve_engine(engine: str | None = None) -> str:
    """The engine named on the command line, else in CLOUT_ENGINE, else duckdb (`polars` names it too)."""
    name = (engine or os.environ.get(ENGINE_ENV) or DEFAULT_ENGINE).strip().lower()
    name = ALIASES.get(name, name)
    if name not in ENGINES:
        where = "--engine" if engine else ENGINE_ENV
        raise CloutError(f"{where} {name!r}: not an engine; use one of {', '.join(ENGINES)} (polars is duckdb)")
    return name


def use_engine(engine: str | None) -> str:
    """Resolve `--engine` and make it this process's engine (CLOUT_ENGINE), so that every step a command runs (the
    score step, the gate's shadow run of the published algorithm, a backfill's nights) uses it, as `--wait` does
    for the lock. A Spark engine that cannot start here fails now, before any step has written anything."""
    name = resolve_engine(engine)
    os.environ[ENGINE_ENV] = name
    if name == "spark":
        check_spark()
    return name


def spark_master() -> str:
    return os.environ.get(MASTER_ENV) or DEFAULT_MASTER


def check_spark() -> None:
    """A clear one-line error when the Spark engine cannot start here: no pyspark, or no Java."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise CloutError("the spark engine needs pyspark: install clout with its spark extra "
                         "(pip install 'clout[spark]'), or run with --engine duckdb") from None
    java_home = os.environ.get("JAVA_HOME")
    if not (shutil.which("java") or (java_home and (Path(java_home) / "bin" / "java").exists())):
        raise CloutError("the spark engine needs Java 17 or later: none found on PATH or in JAVA_HOME "
                         "(install a JDK, e.g. apt-get install openjdk-17-jre-headless), or run with --engine duckdb")


def spark_session() -> Any:
    """This process's SparkSession, started on first use."""
    global _session
    if _session is not None:
        return _session
    check_spark()
    from pyspark.sql import SparkSession

    if submitted():
        return _submitted_session()
    master = spark_master()
    local = master.startswith("local")
    if local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no "hostname resolves to a loopback" warning
    builder = (
        _common(SparkSession.builder.master(master).appName("clout"))
        .config("spark.driver.memory", os.environ.get(DRIVER_MEMORY_ENV) or "2g")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{LOG4J2}")
    )
    if local:
        # One machine: a few partitions (Spark's default of 200 shuffle partitions is for clusters: here each one
        # is a task to schedule for a few thousand rows), no web UI, no adaptive re-planning of tiny shuffles.
        builder = (builder.config("spark.sql.shuffle.partitions", "2")
                   .config("spark.default.parallelism", "2")
                   .config("spark.ui.enabled", "false"))
    return _started(builder, master)


def submitted() -> bool:
    """True in a process that `spark-submit` started (the Airflow DAG's Spark variant, clout/spark_job.py):
    PySpark then joins the JVM spark-submit launched, whose master, driver memory and name came from spark-submit's
    options (the Airflow connection's master), and clout must not override them."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def _common(builder: Any) -> Any:
    """The settings clout needs on any master: Arrow between DuckDB, Polars and Spark; times in UTC; and no DataFrame
    call sites. PySpark's DataFrame debugging (on by default) wraps every Column function: each call looks up the
    active session and a setting and records its Python call site in the JVM, about eight Py4J round trips around
    the one that builds the expression. The transforms build a few thousand expressions a night (transforms/model.py):
    that was half of a small night's Py4J calls (76,786 of a 343-account night's score step). Without it an
    analysis error names the expression, not the Python line that built it."""
    return (builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.python.sql.dataFrameDebugging.enabled", "false"))


def _submitted_session() -> Any:
    """The session of a spark-submitted process: spark-submit's master; on a local one, few shuffle partitions."""
    from pyspark.sql import SparkSession

    session = _started(_common(SparkSession.builder), "the master spark-submit was given")
    if session.conf.get("spark.master", "").startswith("local"):
        session.conf.set("spark.sql.shuffle.partitions", "2")
    return session


def _started(builder: Any, master: str) -> Any:
    global _session
    try:
        _session = builder.getOrCreate()
    except Exception as e:  # the JVM did not start: say so in one line
        raise CloutError(f"the spark engine could not start a Spark session on {master}: "
                         f"{str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}") from None
    _session.sparkContext.setLogLevel("ERROR")
    # Py4J logs its connections closing at INFO, from finalizers that can run after stderr is closed at exit
    logging.getLogger("py4j").setLevel(logging.WARNING)
    return _session


def session_master() -> str | None:
    """The master of this process's SparkSession, None when none has started (nothing ran on Spark)."""
    return _session.sparkContext.master if _session is not None else None


def stop_spark() -> None:
    """Stop this process's SparkSession (tests and benchmarks; a command's process just exits)."""
    global _session
    if _session is not None:
        _session.stop()
        _session = None


def to_spark(frame: Any) -> Any:
    """A Polars DataFrame as a Spark DataFrame, through Arrow (no pandas on the way)."""
    import polars as pl

    # Spark has no unsigned integers: the next signed width holds every value
    wider = {pl.UInt8: pl.Int16, pl.UInt16: pl.Int32, pl.UInt32: pl.Int64, pl.UInt64: pl.Int64}
    frame = frame.with_columns(pl.col(c).cast(wider[t]) for c, t in frame.schema.items() if t in wider)
    table = frame.to_arrow(compat_level=pl.CompatLevel.oldest())  # large_string, not string_view: Spark reads it
    return spark_session().createDataFrame(table)


def from_spark(frame: Any) -> Any:
    """A Spark DataFrame as a Polars DataFrame, through Arrow."""
    import polars as pl

    return pl.from_arrow(frame.toArrow())
