"""Installable anywhere: the built wheel carries the SQL, contracts, configs, calibrations and sample data, and a
night runs from it, outside the repository, with the warehouse in the user's data folder.

The wheel goes into a fresh virtualenv (no system site-packages, so the checkout's editable install is not seen).
The dependencies are not downloaded again: after the wheel is installed, a .pth line puts this venv's
site-packages after the new venv's own. Lines of a .pth file only extend sys.path: the .pth files in the folder
they name (the editable install's finder among them) are not run, so `import clout` can only find the wheel.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from clout.core.resources import HIGGS_FILE
from transforms.algorithm import load_algorithm

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def run(args: list, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def higgs_first_day(every: int) -> bytes:
    """Every n-th interaction of 2012-07-01 from the real Higgs file (1341187200 = 2012-07-02T00:00Z)."""
    with gzip.open(HIGGS_FILE, "rb") as f:
        lines = [line for line in f if int(line.split()[2]) < 1341187200]
    return b"".join(lines[::every])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the checkout (setuptools writes build/ beside the sources), offline."""
    source, dist = tmp_path_factory.mktemp("source") / "clout", tmp_path_factory.mktemp("dist")
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "warehouse", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", dist, source], cwd=dist)
    (found,) = dist.glob("clout-*.whl")
    return found


def test_the_wheel_carries_the_code_and_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    code = {p.relative_to(ROOT).as_posix() for top in ("clout", "transforms") for p in (ROOT / top).rglob("*.py")
            if "__pycache__" not in p.parts}
    assert code <= names, sorted(code - names)
    shipped = {
        "sql": "clout/sql", "data_contracts": "clout/data_contracts", "config": "clout/config",
        "data": "transforms/data",
        "transforms/algorithms": "transforms/algorithms", "transforms/calibration": "transforms/calibration",
    }
    for folder, inside in shipped.items():
        files = {p.relative_to(ROOT / folder).as_posix() for p in (ROOT / folder).rglob("*")
                 if p.is_file() and p.suffix in (".sql", ".yaml", ".json", ".csv", ".gz", ".md", ".py")
                 and "__pycache__" not in p.parts}
        assert files and {f"{inside}/{f}" for f in files} <= names, (folder, sorted(files)[:5])


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A virtualenv outside the repository with only the wheel installed, and this venv's dependencies."""
    venv = tmp_path_factory.mktemp("venv") / "clout-venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=venv.parent)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel],
        cwd=venv.parent)
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=venv.parent)
    (Path(purelib.strip()) / "zz_clout_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def test_a_night_and_clout_sql_run_from_the_installed_wheel(venv, tmp_path):
    work = tmp_path / "elsewhere"  # cwd outside the repository; the warehouse defaults to the user's data folder
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("CLOUT_WAREHOUSE", "PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"XDG_DATA_HOME": str(tmp_path / "xdg"), "PATH": f"{venv / 'bin'}:{env['PATH']}"}
    python = venv / "bin" / "python"

    where = run([python, "-c", "import clout, transforms; print(clout.__file__, transforms.__file__)"], work, env)
    assert all(Path(line).is_relative_to(venv) for line in where.split()), where
    fingerprint = run([python, "-c", "from transforms.algorithm import load_algorithm; "
                               "print(load_algorithm('v1').fingerprint)"], work, env).strip()
    assert fingerprint == load_algorithm("v1").fingerprint  # the same code hashes the same installed or checked out

    delivery = work / "higgs-2012-07-01.txt.gz"
    delivery.write_bytes(gzip.compress(higgs_first_day(every=20)))
    night = run([venv / "bin" / "clout", "run", "--date", "2012-07-01", "--input", delivery], work, env)
    assert "published" in night, night
    assert (tmp_path / "xdg" / "clout" / "clout.duckdb").is_file()

    count = run([venv / "bin" / "clout", "sql", "--format", "csv",
                 "select count(*) as n from published.scores where logical_date = '2012-07-01'"], work, env)
    assert int(count.splitlines()[1]) > 100, count
