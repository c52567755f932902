"""Shared fixtures: a fresh warehouse per test, and small slices of the real Higgs data."""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

import pytest

# Airflow reads its config at import time: point it at a throwaway home before any test imports it.
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="clout-airflow-"))
os.environ.setdefault("AIRFLOW_HOME", str(_AIRFLOW_HOME))
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(Path(__file__).resolve().parents[1] / "dags"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

from clout.core.resources import HIGGS_FILE  # noqa: E402
from clout.core.settings import load_settings  # noqa: E402


@pytest.fixture
def settings(tmp_path):
    return load_settings(tmp_path / "warehouse" / "clout.duckdb")


def higgs_lines(days: set[int] | None = None, every: int = 1) -> list[bytes]:
    """Lines of the real Higgs file, optionally only some July 2012 days and every n-th line."""
    out = []
    with gzip.open(HIGGS_FILE, "rb") as f:
        for i, line in enumerate(f):
            if i % every:
                continue
            day = (int(line.split()[2]) - 1341100800) // 86400 + 1  # 1341100800 = 2012-07-01T00:00Z
            if days is None or day in days:
                out.append(line)
    return out


@pytest.fixture(scope="session")
def higgs_slice(tmp_path_factory) -> Path:
    """Every 10th interaction of 2012-07-01..03: real data, small enough for fast end-to-end tests."""
    path = tmp_path_factory.mktemp("higgs") / "higgs-slice.txt.gz"
    path.write_bytes(gzip.compress(b"".join(higgs_lines({1, 2, 3}, every=10))))
    return path
