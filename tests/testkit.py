"""What every test folder shares (imported as `testkit`): the `clout` command run in a real process or in this
one, slices of the real Higgs data, and warehouses built once per test session and copied for each test.

Two ways to run `clout`, one helper each:
- `clout(...)`: a real process. For what only a process shows: the installed entry point, exit codes end to
  end, a pseudo-terminal, locks held by another process, SIGKILL, readers beside a writer.
- `clout_here(...)`: the same entry point (`clout.cli.main.main`) called in this process, with its argv,
  environment, stdout and stderr swapped in and restored. Same parsing, same one-line errors, same exit codes;
  it saves the process start and the imports (seconds each on this machine, Great Expectations alone 5 s).

Built warehouses: `built_once` builds a warehouse folder once per session and hands out its path. Under
pytest-xdist the workers share one build (a lock file beside it: the first worker builds, the others wait
for it); tests that change a warehouse take a private copy with `copy_warehouse`.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from clout.core.resources import HIGGS_FILE, SQL_DIR
from clout.core.settings import Settings, load_settings

CLOUT = str(Path(sys.executable).with_name("clout"))
JULY_1_UTC = 1341100800  # 2012-07-01T00:00Z: the Higgs file's times are epoch seconds
WEEK_SAMPLE_EVERY = 4  # every 4th interaction of the real week keeps its shape (the July 4 spike) at 1/4 the cost


def _env(warehouse, env: dict | None, drop: tuple[str, ...]) -> dict:
    full = {k: v for k, v in os.environ.items() if k not in drop}
    if warehouse is not None:
        full["CLOUT_WAREHOUSE"] = str(warehouse.warehouse if isinstance(warehouse, Settings) else warehouse)
    return full | (env or {})


def clout(*args, warehouse=None, env: dict | None = None, input: str | None = None, check: bool = False,
          timeout: float = 600, drop_env: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """`clout ARGS` in a real process; `warehouse` (a path or Settings) goes in as CLOUT_WAREHOUSE."""
    proc = subprocess.run([CLOUT, *map(str, args)], capture_output=True, text=True, input=input, timeout=timeout,
                          env=_env(warehouse, env, drop_env))
    if check and proc.returncode != 0:
        raise AssertionError(f"clout {args} failed ({proc.returncode}): {proc.stderr}")
    return proc


def clout_here(*args, warehouse=None, env: dict | None = None, input: str | None = None, check: bool = False,
               drop_env: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """`clout ARGS` through its entry point in this process: what `clout` would print and exit with."""
    from clout.cli.main import main

    argv, environ = sys.argv, dict(os.environ)
    out, err = io.StringIO(), io.StringIO()
    run_env = _env(warehouse, env, drop_env)  # built before the swap: it starts from this process's environment
    os.environ.clear()
    os.environ.update(run_env)
    sys.argv = ["clout", *map(str, args)]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                _stdin(io.StringIO(input) if input is not None else sys.stdin):
            try:
                main()
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        sys.argv = argv
        os.environ.clear()
        os.environ.update(environ)
    proc = subprocess.CompletedProcess(["clout", *map(str, args)], code, out.getvalue(), err.getvalue())
    if check and code != 0:
        raise AssertionError(f"clout {args} failed ({code}): {proc.stderr}")
    return proc


@contextlib.contextmanager
def _stdin(stream):
    saved = sys.stdin
    sys.stdin = stream
    try:
        yield
    finally:
        sys.stdin = saved


# Slices of the real Higgs data ---------------------------------------------------------------------------------


def higgs_day(line: bytes) -> int:
    """The July 2012 day (1..7) of a Higgs line `actor target epoch kind`."""
    return (int(line.split()[2]) - JULY_1_UTC) // 86400 + 1


def higgs_lines(days: set[int] | None = None, every: int = 1, offset: int = 0) -> list[bytes]:
    """Every n-th line (from `offset`) of the real Higgs file, optionally only some July 2012 days."""
    out = []
    with gzip.open(HIGGS_FILE, "rb") as f:
        for i, line in enumerate(f):
            if (i - offset) % every:
                continue
            if days is None or higgs_day(line) in days:
                out.append(line)
    return out


def higgs_sample(path: Path, every: int, offset: int = 0, days: set[int] | None = None) -> Path:
    """`higgs_lines` written gzipped to `path`."""
    path.write_bytes(gzip.compress(b"".join(higgs_lines(days, every, offset))))
    return path


# Warehouses built once -----------------------------------------------------------------------------------------


def shared_tmp(tmp_path_factory) -> Path:
    """A folder of this test session that every xdist worker sees (each worker's basetemp is a child of it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by `build(folder)` once for the whole session (all workers): the first caller
    builds under a lock, the others wait for it. A build that failed is started again by the next caller."""
    root = shared_tmp(tmp_path_factory) / "built"
    root.mkdir(exist_ok=True)
    folder, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


def old_layout(path: Path, before: str):
    """A DuckDB warehouse at `path` migrated up to (not including) migration `before` (e.g. "0830_"): the layout an
    older clout left, for the tests of a migration that must keep its rows."""
    import duckdb

    from clout.core.warehouse import statements

    con = duckdb.connect(str(path))
    con.execute("create schema meta")
    con.execute("create table meta.schema_migrations (version integer primary key, name varchar not null, "
                "applied_at timestamp not null default now())")
    for migration in sorted((SQL_DIR / "migrations").glob("*.sql")):
        if migration.name < before:
            for stmt in statements(migration.read_text()):
                con.execute(stmt)
            con.execute("insert into meta.schema_migrations (version, name) values (?, ?)",
                        [int(migration.name[:4]), migration.name])
    return con


def copy_warehouse(src: Path, dst: Path) -> Settings:
    """A private copy of a built warehouse folder (its snapshot link is relative: the copy reads its own)."""
    shutil.copytree(src, dst, symlinks=True)
    settings = load_settings(dst / "clout.duckdb")
    link = settings.published_catalog
    if link.is_symlink() and Path(os.readlink(link)).is_absolute():  # a snapshot written before relative links
        target = dst / Path(os.readlink(link)).resolve().relative_to(src.resolve())
        link.unlink()
        link.symlink_to(target)
    return settings


# Two engines' frames --------------------------------------------------------------------------------------------


def same_frames(a, b, keys: list[str], tolerance: float) -> None:
    """Same rows (by `keys`) and columns; equal integers and strings; floats within `tolerance` and nulls in the same
    places (the default engine's frame `a` beside the Spark engine's `b`: tests/score/test_spark_engine.py)."""
    import polars as pl

    assert a.columns == b.columns and a.height == b.height
    joined = a.join(b, on=keys, how="full", suffix="_other", nulls_equal=True, coalesce=True)
    assert joined.height == a.height, "rows of one frame only"
    for c in a.columns:
        if c in keys:
            continue
        left, right = joined[c], joined[f"{c}_other"]
        assert (left.is_null() == right.is_null()).all(), c
        if a.schema[c] == pl.Float64:
            assert ((left - right).abs().fill_null(0.0) <= tolerance).all(), (c, (left - right).abs().max())
        else:
            assert (left.cast(pl.String).fill_null("") == right.cast(pl.String).fill_null("")).all(), c


def topic_points_cases():
    """Values a topic's points (score x share) are rounded to 0.1 from, with Polars' own round(1) of each (`want`):
    every score 1..100 times shares of whole reactions over 1..64 (15.25 = 61 x 0.25 and its kind: ties), damped by
    0.5 up to six times, random values, and the neighbours one ulp either side of each."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(18)
    score = np.arange(1, 101, dtype=float)[:, None]
    reactions = rng.integers(1, 65, 400)
    on_topic = rng.integers(0, reactions + 1)
    shares = np.unique(np.concatenate([on_topic / reactions, 1 / 2 ** np.arange(7)]))
    x = np.concatenate([(score * shares).ravel(), rng.uniform(0, 100, 20_000)])
    x = np.concatenate([x, np.nextafter(x, np.inf), np.nextafter(x, 0.0)])
    return pl.DataFrame({"i": np.arange(len(x)), "x": x}).with_columns(want=pl.col("x").round(1))
