"""Airflow fixtures: a migrated SQLite metadata DB in a throwaway AIRFLOW_HOME (set in tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from testkit import built_once

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="session")
def airflow_db(tmp_path_factory):
    """This worker's Airflow metadata DB (SQLite in its AIRFLOW_HOME), migrated and with the clout_warehouse pool:
    `airflow db migrate` runs once per session (testkit.built_once) and each worker copies the result."""
    airflow = Path(sys.executable).with_name("airflow")

    def build(folder: Path) -> None:
        env = {**os.environ, "AIRFLOW_HOME": str(folder), "PATH": f"{airflow.parent}:{os.environ['PATH']}"}
        subprocess.run([str(airflow), "db", "migrate"], env=env, check=True, capture_output=True, timeout=300)
        subprocess.run([str(airflow), "pools", "set", "clout_warehouse", "1", "one DuckDB writer at a time"],
                       env=env, check=True, capture_output=True, timeout=120)

    home = Path(os.environ["AIRFLOW_HOME"])
    if "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" in os.environ:  # a metadata DB of the caller's choosing: migrate it
        build(home)
        return
    migrated = built_once(tmp_path_factory, "airflow-home", build)
    for db in migrated.glob("airflow.db*"):
        shutil.copy2(db, home / db.name)


def parse_dags(**env: str):
    """The DAG folder parsed as a scheduler with `env` (CLOUT_ENGINE, ...) in its environment parses it."""
    from airflow.dag_processing.dagbag import DagBag

    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="session")
def dag_parser(airflow_db):
    """parse_dags, for a test that parses the folder with its own environment."""
    return parse_dags


@pytest.fixture(scope="session")
def dagbag(airflow_db):
    return parse_dags(CLOUT_ENGINE="duckdb")


@pytest.fixture(scope="session")
def spark_dagbag(airflow_db):
    """The DAGs parsed with CLOUT_ENGINE=spark: clout_nightly's score task submits a Spark application (its driver
    memory, read at parse time too, kept small on this shared machine)."""
    return parse_dags(CLOUT_ENGINE="spark",
                      CLOUT_SPARK_DRIVER_MEMORY=os.environ.get("CLOUT_SPARK_DRIVER_MEMORY", "1g"))


@pytest.fixture
def spark_submit_env(monkeypatch):
    """What a worker of the Spark variant needs (docs/engines.md, "Airflow"): Java, `spark-submit` on PATH (PySpark
    ships it in the virtualenv's bin) and the `spark_default` connection, here local[2] with a small driver."""
    from clout.core import engine
    from clout.core.errors import CloutError

    try:
        engine.check_spark()
    except CloutError as e:
        pytest.skip(f"no Spark here: {e}")
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    monkeypatch.setenv("AIRFLOW_CONN_SPARK_DEFAULT", '{"conn_type": "spark", "host": "local[2]"}')


@pytest.fixture
def warehouse_env(settings, monkeypatch):
    """Point the DAG's tasks (which read CLOUT_WAREHOUSE) at this test's warehouse."""
    monkeypatch.setenv("CLOUT_WAREHOUSE", str(settings.warehouse))
    return settings


@pytest.fixture
def nights_env(nights_copy, monkeypatch):
    """nights(n): a copy of the Higgs slice with July 1..n published (conftest.higgs_nights), and the DAG's tasks
    pointed at it."""
    def nights(n: int):
        settings = nights_copy(n)
        monkeypatch.setenv("CLOUT_WAREHOUSE", str(settings.warehouse))
        return settings

    return nights
