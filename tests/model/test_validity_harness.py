"""The validity harness (`python -m bench.validity`) end to end on small data: its own warehouses built and read
the way the full run does (bench/validity.py run: higgs_sources and generated_source -> frames_by_key ->
window_frame, which brings the score state to each night and so writes), then the table computed and printed.

The full run takes minutes on the whole Higgs week and 2,000 generated people; here a 1-in-100 sample of the week
and 200 generated people over 4 days take seconds, through the same functions."""

from __future__ import annotations

import contextlib
import io
import math

import pytest
from testkit import higgs_sample

from bench import validity
from clout.land.generator import GeneratorParams
from transforms.algorithm import available_versions, load_algorithm


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> str:
    home = tmp_path_factory.mktemp("validity")
    sample = higgs_sample(home / "higgs-week.txt.gz", every=100)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        validity.run(home, GeneratorParams(people=200, days=4, seed=3), higgs_file=sample)
    return out.getvalue()


def table(text: str) -> dict[str, list[str]]:
    """Row name -> its printed cells (the models' rows have every cell)."""
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if "fwd rho" in line)
    rows = {}
    for line in lines[head + 1:]:
        if line.startswith("fwd:"):
            break
        name, *values = line.split()
        rows[name] = values
    return rows


def test_the_harness_builds_its_warehouses_and_prints_the_table(printed):
    rows = table(printed)
    versions = [v for v in available_versions() if load_algorithm(v).calibration is not None]
    assert {"v1", "v3"} <= set(versions)
    for name in [*versions, "distinct_reactors", "effective_reactors", "network_impact", "lists"]:
        assert name in rows, printed
    for version in versions:
        # every metric of a model: forward spread, latent truth, three pair agreements; all numbers
        values = [float(v) for v in rows[version]]
        assert len(values) == 7 and not any(math.isnan(v) for v in values), printed
        assert 0.0 < values[0] <= 1.0 and 0.0 < values[2] <= 1.0, printed  # rank correlations
        assert all(0.0 <= v <= 1.0 for v in values[3:]), printed  # shares
        assert f"{version}: generated, top 1% = " in printed and "quiet nights 07-06 -> 07-07" in printed
