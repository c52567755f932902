"""Generated exports (clout/generator.py) with known bots, rings and bought bursts, landed and scored through the
pipeline (bench/generated_truth.py, quick mode): who reaches the top 1%, and what bought engagement adds."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bench.generated_truth import measure, network_scores, top_share, window_inputs
from clout.core.settings import load_settings
from clout.land.generator import GeneratorParams
from transforms.algorithm import load_algorithm

PARAMS = GeneratorParams(people=600, days=8, seed=3)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("generated-truth")


@pytest.fixture(scope="module")
def report(home):
    return measure(home, PARAMS, quick=True)


def test_no_bot_and_at_most_a_few_ring_members_reach_the_top_percent(report):
    assert report.bots and report.ring_members and report.top >= 5
    assert report.bots_in_top == 0, report.lines()
    assert report.rings_in_top <= 3, report.lines()


def test_bought_engagement_is_recognised_and_adds_at_most_a_point_or_two(report):
    assert len(report.bought_added) == 2
    assert min(report.bought_share) > 0.5, report.lines()  # the burst was taken for bought
    assert max(report.bought_added) <= 2, report.lines()
    assert report.published_match  # the stage published the scores measured here


def test_v3_keeps_every_bot_and_ring_member_out_of_the_top_percent(home, report):
    """v3 on the same warehouse's last night (the window the score stage reads, scored by the same code): its
    fitted weights let no planted bot or ring member into the top 1% (issue 19's promise, held by the validity
    harness on 2,000 people; here on the module's 600)."""
    truth = json.loads((home / "generated" / "ground_truth.json").read_text())
    v3 = load_algorithm("v3")
    last = PARAMS.start + timedelta(days=PARAMS.days - 1)
    scores = network_scores(window_inputs(load_settings(home / "warehouse" / "clout.duckdb"), last, v3.window_days),
                            last, v3)
    top = top_share(scores)
    ring_members = {m for ring in truth["rings"] for m in ring}
    assert scores.height == report.accounts and len(top) == report.top >= 5
    assert truth["bots"] and ring_members
    assert not top & set(truth["bots"]), sorted(top & set(truth["bots"]))
    assert not top & ring_members, sorted(top & ring_members)
