"""Generated exports (clout/generator.py) with known bots, rings and bought bursts, landed and scored through the
pipeline (bench/generated_truth.py, quick mode): who reaches the top 1%, and what bought engagement adds."""

from __future__ import annotations

import pytest

from bench.generated_truth import measure
from clout.land.generator import GeneratorParams


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return measure(tmp_path_factory.mktemp("generated-truth"), GeneratorParams(people=600, days=8, seed=3),
                   quick=True)


def test_no_bot_and_at_most_a_few_ring_members_reach_the_top_percent(report):
    assert report.bots and report.ring_members and report.top >= 5
    assert report.bots_in_top == 0, report.lines()
    assert report.rings_in_top <= 3, report.lines()


def test_bought_engagement_is_recognised_and_adds_at_most_a_point_or_two(report):
    assert len(report.bought_added) == 2
    assert min(report.bought_share) > 0.5, report.lines()  # the burst was taken for bought
    assert max(report.bought_added) <= 2, report.lines()
    assert report.published_match  # the stage published the scores measured here
