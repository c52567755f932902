"""Airflow fixtures: a migrated SQLite metadata DB in a throwaway AIRFLOW_HOME (set in tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="session")
def airflow_db():
    airflow = Path(sys.executable).with_name("airflow")
    env = {**os.environ, "PATH": f"{airflow.parent}:{os.environ['PATH']}"}
    subprocess.run([str(airflow), "db", "migrate"], env=env, check=True, capture_output=True, timeout=300)
    subprocess.run([str(airflow), "pools", "set", "clout_warehouse", "1", "one DuckDB writer at a time"],
                   env=env, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def dagbag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


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
