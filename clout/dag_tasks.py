"""What the Airflow tasks call: thin adapters from Airflow's arguments to clout.pipeline entry points."""

from __future__ import annotations

from clout import pipeline
from clout.cli import parse_date
from clout.settings import load_settings

STEPS = dict(pipeline.STEPS)


def land_landing_folder() -> int:
    """Land every file in the landing folder that was not landed before; returns how many were new."""
    settings = load_settings()
    settings.landing_dir.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in settings.landing_dir.rglob("*") if p.is_file() and not p.name.startswith("."))
    results = pipeline.land_files(settings, files)
    for r in results:
        print(r.line())
    return sum(not r.skipped for r in results)


def begin(ds: str) -> str:
    return pipeline.begin_run(load_settings(), parse_date(ds))


def step(name: str, run_id: str) -> str:
    """Run one stage for the run; a failure marks the run failed and fails the task with the reason."""
    settings = load_settings()
    try:
        STEPS[name](settings, run_id)
    except Exception as e:
        pipeline._mark_failed(settings, run_id, name, e)
        raise
    return run_id
