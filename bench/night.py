"""A real network's night, end to end, as the CLI runs it (issue 14).

    .venv/bin/python -m bench.night --accounts 1000000 --interactions 20000000 [--nights 3]
    .venv/bin/python -m bench.night --accounts 10000000 --interactions 200000000 --nights 2

1. Data, generated once and cached under --workdir in a folder named after the arguments
   (`a<accounts>-i<interactions>-s<seed>/days/<date>.txt`): a 90-day window of `--interactions` interactions
   among `--accounts` accounts, one file per day in the SNAP Higgs layout (`actor target unix_ts kind`; the
   generic interaction table format clout lands), plus one file per extra night. Vectorised numpy: who acts
   and who is reacted to are both skewed (index = n * U^k, actors k=2, targets k=4, in different account
   orders: a few accounts get most reactions, as in a real network; every account can appear). Each day's
   file is seeded by its date, so more nights add files and leave the others as they were.
2. The warehouses, built once and cached in two layers: `window/`, the window's first 89 days landed with one
   `clout land` of their files, staged and aggregated day by day (the long part: 41 minutes of landing alone at
   10M accounts under heavy load); and `base-<until>-<algorithm>/`, a copy of it with day 89 run as a full night
   and published, so the measured night has a published night and a score state before it. A change to the
   score state's tables (a migration) needs only the second layer again: delete that folder. `--until aggregate`
   builds and runs only the steps up to it.
3. The nights, each on a copy of the base (`night/`, kept for inspection): night 90 (and 91.. with --nights),
   run as the CLI runs them: `clout land <the night's file>` as a subprocess, then the nightly job in a
   second process through the entry point `clout run --date` calls (`pipeline.run_night`), with a thread that
   samples the process's RSS so each step gets its own peak. Night 90 takes no day out of the window (the base
   holds 89 days): a steady night, a day in and a day out, is night 91 or later (--nights 2 or more).
4. The floor, measured in the same run on the same file: DuckDB alone reads the night's file and groups it by
   target with a distinct-actor count (`night floor`); DuckDB's bare copy of the file into a table (the
   landing floor, as bench.landing measures it); and DuckDB grouping the whole 90-day window the same way
   (`window floor`: what scoring the window from scratch has to read at the least).

Printed per night: per step seconds, CPU seconds / wall seconds (2.0 = both cores busy), peak RSS per step and
per process, rows/s (the night's interactions / seconds), each step's ratio to the night floor, land to the
bare copy, the night (land + run) to the night and window floors, and the load average before and after.
`--profile` also prints, per SQL file the night's steps ran and per Python phase (PHASES), its wall and CPU
seconds and the process's peak RSS while it ran (stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

WINDOW_DAYS = 90
LAST_BASE_DAY = date(2024, 6, 29)  # the base holds the window's first 89 days; night 1 is 2024-06-30
FIRST_DAY = LAST_BASE_DAY - timedelta(days=WINDOW_DAYS - 2)
STEPS = ("stage", "aggregate", "score", "audit", "publish")
KINDS = np.array(["RT", "MT", "RE"])


# ---------------------------------------------------------------------------------------------------------------
# 1. data


def day_file(cache: Path, day: date) -> Path:
    return cache / "days" / f"{day}.txt"


def write_day(path: Path, day: date, accounts: int, rows: int, seed: int) -> int:
    """`rows` interactions of one day among `accounts` (skewed actors and targets); returns the lines written."""
    import polars as pl

    rng = np.random.default_rng([seed, day.toordinal()])
    start = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    # index = n * U^k puts most of the mass on few indexes; a multiplicative permutation gives actors and targets
    # different account orders (the most active reactors are not the most reacted-to accounts)
    actors = ((accounts * rng.random(rows) ** 2).astype(np.int64) * 104_729 + 7) % accounts
    targets = ((accounts * rng.random(rows) ** 4).astype(np.int64) * 7_919 + 13) % accounts
    keep = actors != targets
    frame = pl.DataFrame({
        "actor": actors[keep], "target": targets[keep],
        "ts": start + np.sort(rng.integers(0, 86_400, int(keep.sum()))),  # a day's export is in time order
        "kind": KINDS[rng.choice(3, int(keep.sum()), p=[0.5, 0.3, 0.2])],
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.write_csv(tmp, separator=" ", include_header=False)
    os.replace(tmp, path)  # a half-written file is never taken for a cached one
    return frame.height


def ensure_days(cache: Path, days: list[date], accounts: int, per_day: int, seed: int) -> None:
    todo = [d for d in days if not day_file(cache, d).exists()]
    if not todo:
        return
    t = time.perf_counter()
    for i, day in enumerate(todo, 1):
        write_day(day_file(cache, day), day, accounts, per_day, seed)
        if i % 10 == 0 or i == len(todo):
            _say(f"generated {i}/{len(todo)} day files ({time.perf_counter() - t:.0f} s)")


# ---------------------------------------------------------------------------------------------------------------
# 2. the base warehouse


def _clout() -> str:
    return str(Path(sys.executable).with_name("clout"))


def _warehouse(home: Path) -> Path:
    return home / "clout.duckdb"


def build_window(cache: Path) -> Path:
    """The window's first 89 days landed (one `clout land` of every file), staged and aggregated day by day: the
    layer every base shares, cached once (at 10M accounts it is the long part: 198M interactions)."""
    window = cache / "window"
    if (window / "done").exists():
        return window
    days = [FIRST_DAY + timedelta(days=i) for i in range(WINDOW_DAYS - 1)]
    t = time.perf_counter()
    if not (window / "landed").exists():  # an interrupted build resumes after its landing (and its days staged)
        shutil.rmtree(window, ignore_errors=True)
        window.mkdir(parents=True)
        _say(f"building the window warehouse in {window}: landing {len(days)} day files")
        subprocess.run([_clout(), "land", *[str(day_file(cache, d)) for d in days], "--warehouse",
                        str(_warehouse(window))], check=True, stdout=subprocess.DEVNULL)
        (window / "landed").write_text(f"{time.perf_counter() - t:.1f} s\n")
    _say(f"landed ({time.perf_counter() - t:.0f} s); staging and aggregating {len(days) - 1} days")
    subprocess.run([sys.executable, "-m", "bench.night", "--child-base", str(_warehouse(window)), str(days[0]),
                    str(days[-2])], check=True)
    (window / "done").write_text(f"{time.perf_counter() - t:.1f} s\n")
    _say(f"window warehouse built in {time.perf_counter() - t:.0f} s")
    return window


def build_base(cache: Path, until: str, algorithm: str) -> Path:
    """The window warehouse (build_window) with day 89 run as a published night, so the measured night has a
    published night and a score state before it. Cached per --until and algorithm; a new score state layout
    (a migration) or a new algorithm fingerprint (scoring code changed: the measured night would be scored
    twice, as an algorithm change) only needs this layer again."""
    base = cache / f"base-{until}-{algorithm}"
    from transforms.algorithm import load_algorithm

    schema = f"{_latest_migration()} {load_algorithm(algorithm).fingerprint}"
    if (base / "done").exists() and (base / "schema").exists():
        built = (base / "schema").read_text()
        if built == schema:
            return base
        if _upgradable(built, schema):
            from clout.core.settings import load_settings
            from clout.core.warehouse import connect

            _say(f"applying the migrations after {built.split()[0]} to the cached base (none touches the score state)")
            connect(load_settings(_warehouse(base))).close()
            (base / "schema").write_text(schema)
            return base
    window = build_window(cache)
    shutil.rmtree(base, ignore_errors=True)
    copy_base(window, base)
    (base / "done").unlink(missing_ok=True)
    last = FIRST_DAY + timedelta(days=WINDOW_DAYS - 2)
    t = time.perf_counter()
    _say(f"running {last} as the published night before the measured ones")
    done = subprocess.run([sys.executable, "-m", "bench.night", "--child-run", str(_warehouse(base)), str(last),
                           algorithm, until], check=True, stdout=subprocess.PIPE, text=True)
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    if until == "publish" and outcome["outcome"] not in ("PASS", "WARN"):
        # a measured night after a held one has no published night before it: not the night a user runs
        raise SystemExit(f"the base night {last} was not published: {outcome['error']}")
    (base / "schema").write_text(schema)
    (base / "done").write_text(f"{time.perf_counter() - t:.1f} s\n")
    _say(f"base warehouse built in {time.perf_counter() - t:.0f} s")
    return base


def _upgradable(built: str, schema: str) -> bool:
    """A base built for the same algorithm before migrations that leave the score state alone (a new meta table)
    takes them in place, as a user's warehouse does at its next command: only a migration that touches the state
    (`state.`) would have the measured night rebuild it."""
    from clout.core.warehouse import MIGRATIONS_DIR

    (built_migration, built_fp), (_, fingerprint) = built.split(), schema.split()
    newer = [p for p in MIGRATIONS_DIR.glob("*.sql") if p.name > built_migration]
    return built_fp == fingerprint and not any("state." in p.read_text() for p in newer)


def _latest_migration() -> str:
    """The newest migration this code has: a base built before it (say, a score state without its new columns)
    would have its state rebuilt inside the measured night, so the base is built again."""
    from clout.core.warehouse import MIGRATIONS_DIR

    return max(path.name for path in MIGRATIONS_DIR.glob("*.sql"))


def child_base(warehouse: str, first: str, last: str) -> None:
    """Stage and aggregate every day of the range with the stage entry points (a night without scoring)."""
    from clout.aggregate.aggregate import aggregate_date
    from clout.core.settings import load_settings
    from clout.core.warehouse import connect
    from clout.stage.stage import stage_date

    day, end = date.fromisoformat(first), date.fromisoformat(last)
    t = time.perf_counter()
    with connect(load_settings(warehouse)) as con:
        # days aggregated by an interrupted build (the day's checksum is written in its aggregate transaction)
        done = {row[0] for row in con.execute("select activity_date from marts.day_checksums").fetchall()}
        while day <= end:
            if day in done:
                day += timedelta(days=1)
                continue
            stage_date(con, day)
            aggregate_date(con, day)
            if day.day == 1 or day == end:
                _say(f"  staged and aggregated up to {day} ({time.perf_counter() - t:.0f} s)")
            day += timedelta(days=1)


def copy_base(base: Path, night: Path) -> None:
    shutil.rmtree(night, ignore_errors=True)
    shutil.copytree(base, night, symlinks=True)
    link = night / "published.duckdb"
    if link.is_symlink() and Path(os.readlink(link)).is_absolute():  # older snapshots: point it at the copy's
        target = night / "published" / Path(os.readlink(link)).name
        link.unlink()
        link.symlink_to(target)


# ---------------------------------------------------------------------------------------------------------------
# 3. one night, as the CLI runs it


class RssSampler:
    """Peak resident memory of this process between marks (ru_maxrss only ever grows: it cannot give a step's), and
    since a moment (`peak_since`: a profiled phase's own peak)."""

    def __init__(self, every: float = 0.02) -> None:
        self.peak, self.every, self._stop = 0, every, threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")
        self.times: list[float] = []  # every sample, for peak_since (50 a second: a 5-minute night is 15k)
        self.values: list[int] = []
        threading.Thread(target=self._run, daemon=True).start()

    def _rss(self) -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self._page

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = self._rss()
            self.peak = max(self.peak, rss)
            self.times.append(time.perf_counter())
            self.values.append(rss)
            time.sleep(self.every)

    def peak_since(self, t: float) -> int:
        import bisect

        since = self.values[bisect.bisect_left(self.times, t):]
        return max([*since, self._rss()])

    def mark(self) -> int:
        """The peak since the last mark, then start again from the current RSS."""
        peak, self.peak = max(self.peak, self._rss()), self._rss()
        return peak

    def stop(self) -> None:
        self._stop.set()


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


STATEMENT_MODULES = ("clout.stage.stage", "clout.aggregate.aggregate", "clout.score.score", "clout.score.score_state",
                     "clout.audit.gate", "clout.audit.profile", "clout.audit.report", "clout.publish.publish",
                     "clout.core.snapshot", "clout.pipeline")


# --profile also times these Python phases of the night (module, function), and every commit of a transaction
PHASES = (("clout.score.score", "window_frame"), ("clout.score.score", "prepare_state"),
          ("clout.score.score", "state_features"), ("clout.score.score_state", "_impact"),
          ("clout.score.score_state", "night_edges"), ("clout.score.score_state", "_trusted_weights"),
          ("clout.score.score_state", "pagerank_matrix"), ("clout.score.impact_edges", "_load"),
          ("clout.score.impact_edges", "_places"), ("clout.score.impact_edges", "_patched"),
          ("clout.score.impact_edges", "_keep"), ("clout.score.score", "scores_from_features"),
          ("clout.score.score", "change_parts"), ("clout.score.score", "person_scores"),
          ("clout.score.score", "topic_influence"), ("clout.audit.gate", "run_checks"),
          ("clout.publish.publish", "make_live"), ("clout.publish.publish", "refresh_snapshot"),
          ("clout.score.score", "score_frames"), ("clout.score.score", "inputs_digest"),
          ("clout.score.score", "_frame"), ("clout.score.score", "top_topics"),
          ("clout.score.score_state", "_impact_inputs"),
          ("clout.score.score_state", "_keep_impact"), ("clout.score.score_state", "_bursts"),
          ("clout.audit.audit", "run_gate"), ("clout.audit.gate", "run_night"),
          ("clout.audit.gate", "published_night"), ("clout.audit.gate", "judge"),
          ("clout.audit.gate", "write_report"), ("clout.audit.gate", "_record"))


def time_statements(sampler: RssSampler) -> dict[str, list[float]]:
    """--profile: wall and CPU seconds per SQL statement run through run_sql (`name#k`: the k-th of a file of
    several) or query in the night's modules (query's relation is timed where it is built, not where it is read;
    its reading shows under `(python)` of its step), per Python phase of PHASES, and per module's commits; and the
    process's peak RSS during each (the highest of its calls)."""
    import importlib
    from contextlib import contextmanager

    spent: dict[str, list[float]] = {}

    def add(name: str, t: float, c: float) -> None:
        w = spent.setdefault(name, [0.0, 0.0, 0, 0])
        w[0] += time.perf_counter() - t
        w[1] += _cpu() - c
        w[2] += 1
        w[3] = max(w[3], sampler.peak_since(t))

    def timed(fn, label=None):
        def wrapper(*args, **kwargs):
            t, c = time.perf_counter(), _cpu()
            try:
                return fn(*args, **kwargs)
            finally:
                add(label or f"sql {args[1]}", t, c)
        return wrapper

    def timed_sql(run_sql):
        """run_sql, each statement of a file of several timed apart (`sql name#k`: its k-th statement)."""
        from clout.core.warehouse import bound_statements

        def wrapper(con, name, identifiers=None, **params):
            stmts = bound_statements(name, identifiers, params)
            if len(stmts) == 1:
                return timed(run_sql)(con, name, identifiers, **params)
            for k, (stmt, used) in enumerate(stmts, 1):
                t, c = time.perf_counter(), _cpu()
                con.execute(stmt, used) if used else con.execute(stmt)
                add(f"sql {name}#{k}", t, c)
            return con
        return wrapper

    def timed_commits(transaction, module):
        @contextmanager
        def wrapper(con):
            with transaction(con):
                yield con
                t, c = time.perf_counter(), _cpu()  # the body is done: what follows is the commit
            add(f"commit {module}", t, c)
        return wrapper

    for module in STATEMENT_MODULES:
        m = importlib.import_module(module)
        if hasattr(m, "run_sql"):
            m.run_sql = timed_sql(m.run_sql)
        if hasattr(m, "query"):
            m.query = timed(m.query)
        if hasattr(m, "transaction"):
            m.transaction = timed_commits(m.transaction, module.rsplit(".", 1)[1])
    for module, fn in PHASES:
        m = importlib.import_module(module)
        setattr(m, fn, timed(getattr(m, fn), f"py  {fn}"))
    return spent


def child_run(warehouse: str, day: str, algorithm: str, until: str) -> None:
    """The nightly job for `day` through pipeline.run_night (what `clout run --date` calls); one JSON line out."""
    sampler = RssSampler()
    spent = time_statements(sampler) if os.environ.get("CLOUT_BENCH_PROFILE") else None
    from clout import pipeline
    from clout.core.errors import CloutError
    from clout.core.settings import load_settings

    settings = load_settings(warehouse)
    steps: dict[str, dict] = {}
    marks = {"name": None, "t": time.perf_counter(), "cpu": _cpu()}
    sampler.mark()

    def close_step() -> None:
        if marks["name"]:
            steps[marks["name"]] = {"seconds": time.perf_counter() - marks["t"], "cpu": _cpu() - marks["cpu"],
                                    "peak_rss_mb": sampler.mark() / 2**20}

    def on_step(name: str) -> None:
        close_step()
        if until != "publish" and STEPS.index(name) > STEPS.index(until):
            raise _StopHere
        marks.update(name=name, t=time.perf_counter(), cpu=_cpu())

    error, rows_staged, outcome = None, None, None
    try:
        s = pipeline.run_night(settings, date.fromisoformat(day), algorithm, on_step=on_step)
        close_step()
        rows_staged, outcome = s.rows_staged, s.outcome
    except _StopHere:
        pass
    except CloutError as e:
        close_step()
        error = str(e)
    sampler.stop()
    if spent is not None:
        for name, (wall, cpu, n, peak) in sorted(spent.items(), key=lambda kv: -kv[1][0])[:60]:
            _say(f"  {name:<44} {wall:>8.2f} s {cpu:>8.2f} cpu-s  x{n:<3} peak {peak / 2**20:>8,.0f} MB")
    print(json.dumps({"steps": steps, "rows_staged": rows_staged, "outcome": outcome, "error": error,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


class _StopHere(Exception):
    """--until: the steps after it are not run (the run stays `running`; the night's copy is thrown away)."""


def _process(cmd: list[str]) -> tuple[float, float, float, str]:
    """Run `cmd`; its wall seconds, CPU seconds, peak RSS (MB, its own: wait4's rusage) and stdout."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-night-{os.getpid()}.out"
    t = time.perf_counter()
    with out_path.open("w") as out:
        p = subprocess.Popen(cmd, stdout=out)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t
    text = out_path.read_text()
    out_path.unlink()
    if p.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed (exit {p.returncode}):\n{text[-2000:]}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, text


def run_one_night(night_home: Path, cache: Path, day: date, algorithm: str, until: str) -> dict:
    wh = str(_warehouse(night_home))
    file = day_file(cache, day)
    load_before = os.getloadavg()
    land_wall, land_cpu, land_rss, _ = _process([_clout(), "land", str(file), "--warehouse", wh])
    run_wall, run_cpu, run_rss, out = _process([sys.executable, "-m", "bench.night", "--child-run", wh, str(day),
                                                algorithm, until])
    load_after = os.getloadavg()
    run = json.loads(out.strip().splitlines()[-1])
    import duckdb

    with duckdb.connect(wh, read_only=True) as con:
        (landed_s, lines), = con.execute(
            "select seconds, records_read from raw.landings where file_id = (select max(file_id) from raw.landings)"
        ).fetchall()
    return {"day": str(day), "lines": lines, "land": {"wall": land_wall, "cpu": land_cpu, "rss": land_rss,
                                                      "in_process": landed_s},
            "run": {"wall": run_wall, "cpu": run_cpu, "rss": run_rss}, **run,
            "load_before": load_before, "load_after": load_after}


# ---------------------------------------------------------------------------------------------------------------
# 4. the floor


def _read(files: list[Path]) -> str:
    names = ", ".join(f"'{f}'" for f in files)
    return (f"read_csv([{names}], delim = ' ', header = false, "
            "columns = {'actor': 'BIGINT', 'target': 'BIGINT', 'ts': 'BIGINT', 'kind': 'VARCHAR'})")


def floors(cache: Path, day: date, window: list[Path], scratch: Path) -> dict:
    """Seconds for DuckDB alone: group the night's file by target with a distinct-actor count; copy it into a
    table (bench.landing's bare copy, 1 GB memory limit as landing has); group the whole window the same way."""
    import duckdb

    from bench.landing import baseline

    out = {}
    with duckdb.connect() as con:
        for name, files in (("night", [day_file(cache, day)]), ("window", window)):
            t = time.perf_counter()
            con.execute(f"create or replace temp table reactors as select target, count(distinct actor) as reactors "
                        f"from {_read(files)} group by target")
            out[name] = time.perf_counter() - t
    scratch.unlink(missing_ok=True)
    out["bare_copy"] = baseline([str(day_file(cache, day))], scratch)
    scratch.unlink(missing_ok=True)
    out["bare_copy_lines"] = baseline([str(day_file(cache, day))], scratch, split=False)
    scratch.unlink(missing_ok=True)
    return out


# ---------------------------------------------------------------------------------------------------------------
# printing


def print_night(i: int, r: dict, floor: dict, until: str) -> None:
    lines = r["lines"]
    print(f"\nnight {i}: {r['day']}, {lines:,} new interactions; load average before "
          f"{' '.join(f'{x:.1f}' for x in r['load_before'])}, after {' '.join(f'{x:.1f}' for x in r['load_after'])}"
          f" ({os.cpu_count()} cores)" + ("; no day leaves the window tonight: not a steady night" if i == 1 else ""))
    if r["error"]:
        print(f"  the run stopped: {r['error'][:300]}")
    print(f"  {'step':<10} {'seconds':>8} {'cpu s':>7} {'cpu/wall':>8} {'peak RSS MB':>11} {'rows/s':>11} "
          f"{'x night floor':>13}")
    land = r["land"]
    print(f"  {'land':<10} {land['wall']:>8.1f} {land['cpu']:>7.1f} {land['cpu'] / land['wall']:>8.2f} "
          f"{land['rss']:>11,.0f} "
          f"{lines / land['wall']:>11,.0f} {land['wall'] / floor['night']:>13.1f}   "
          f"(`clout land` process; in the landing itself {land['in_process']:.2f} s = "
          f"{land['in_process'] / floor['bare_copy']:.1f}x the bare copy, process "
          f"{land['wall'] / floor['bare_copy']:.1f}x; {land['in_process'] / floor['bare_copy_lines']:.1f}x a copy "
          f"of each line as one field)")
    total = 0.0
    for name in STEPS:
        s = r["steps"].get(name)
        if not s:
            continue
        total += s["seconds"]
        print(f"  {name:<10} {s['seconds']:>8.1f} {s['cpu']:>7.1f} {s['cpu'] / s['seconds']:>8.2f} "
              f"{s['peak_rss_mb']:>11,.0f} "
              f"{lines / s['seconds']:>11,.0f} {s['seconds'] / floor['night']:>13.1f}")
    run = r["run"]
    night = land["wall"] + run["wall"]
    print(f"  run process (stage..{until}): {run['wall']:.1f} s wall ({total:.1f} s in the steps), "
          f"{run['cpu']:.1f} s CPU, peak RSS {run['rss']:,.0f} MB; outcome {r['outcome']}")
    print(f"  the night (land + run, two processes): {night:.1f} s = {night / floor['night']:.1f}x the night floor, "
          f"{night / floor['window']:.2f}x the window floor; peak RSS {max(land['rss'], run['rss']):,.0f} MB")


def print_summary(results: list[dict]) -> None:
    if len(results) < 2:
        return
    print(f"\nover {len(results)} nights, min / median / max seconds:")
    rows = {"land": [r["land"]["wall"] for r in results], "run": [r["run"]["wall"] for r in results]}
    for name in STEPS:
        vals = [r["steps"][name]["seconds"] for r in results if name in r["steps"]]
        if vals:
            rows[name] = vals
    rows["night"] = [r["land"]["wall"] + r["run"]["wall"] for r in results]
    rows["peak RSS MB"] = [max(r["land"]["rss"], r["run"]["rss"]) for r in results]
    for name, vals in rows.items():
        print(f"  {name:<12} {min(vals):>8.1f} {statistics.median(vals):>8.1f} {max(vals):>8.1f}")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--interactions", type=int, default=20_000_000, help="interactions in the 90-day window")
    ap.add_argument("--nights", type=int, default=1, help="nights run one after the other on the base's copy")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--algorithm", default="v1")
    ap.add_argument("--until", choices=STEPS, default="publish", help="run the steps up to this one only")
    ap.add_argument("--profile", action="store_true", help="print seconds per SQL file of the run (stderr)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/clout-bench-night"))
    ap.add_argument("--child-run", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--child-base", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_run:
        child_run(*args.child_run)
        return
    if args.child_base:
        child_base(*args.child_base)
        return

    if args.profile:
        os.environ["CLOUT_BENCH_PROFILE"] = "1"
    cache = args.workdir / f"a{args.accounts}-i{args.interactions}-s{args.seed}"
    per_day = args.interactions // WINDOW_DAYS
    nights = [LAST_BASE_DAY + timedelta(days=i) for i in range(1, args.nights + 1)]
    ensure_days(cache, [FIRST_DAY + timedelta(days=i) for i in range(WINDOW_DAYS - 1)] + nights,
                args.accounts, per_day, args.seed)
    base = build_base(cache, args.until, args.algorithm)
    print(f"{args.accounts:,} accounts, {args.interactions:,} interactions in the {WINDOW_DAYS}-day window "
          f"({per_day:,} a day before self-reactions are dropped); data and base warehouse in {cache}")
    night_home = cache / "night"
    copy_base(base, night_home)
    results = []
    for i, day in enumerate(nights, 1):
        window = [day_file(cache, day - timedelta(days=k)) for k in range(WINDOW_DAYS)]
        r = run_one_night(night_home, cache, day, args.algorithm, args.until)
        floor = floors(cache, day, window, cache / "floor.duckdb")
        print_night(i, r, floor, args.until)
        print(f"  floor, DuckDB alone in this process: the night's file grouped by target with distinct actors "
              f"{floor['night']:.2f} s; its bare copy into a table {floor['bare_copy']:.2f} s (each line as one text "
              f"field: {floor['bare_copy_lines']:.2f} s); the {WINDOW_DAYS}-day "
              f"window grouped the same way {floor['window']:.1f} s", flush=True)
        results.append(r)
    print_summary(results)


if __name__ == "__main__":
    main()
