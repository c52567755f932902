"""A night whose day was delivered cut short is held. One thin day moves a 90-day window's scores too little for the
swing gate to see, so the gate compares the day's interactions with the median of the days before it
(config/gate.yaml `day_volume_min_ratio`). The real Higgs week (every 4th interaction) is published to July 4; July
5 is run whole, or with its raw rows cut to one in a thousand, as a delivery cut short would leave them."""

from __future__ import annotations

import pytest
from gatekit import JULY

from clout import pipeline
from clout.core.errors import CloutError
from clout.core.warehouse import connect


def _check(settings, logical_date) -> tuple[bool, str]:
    with connect(settings) as con:
        return con.execute(
            "select c.passed, c.detail from meta.gate_checks as c join meta.runs as r using (run_id) "
            "where r.logical_date = ? and c.check_name = 'interactions_delivered'", [logical_date]).fetchall()[0]


def test_a_day_delivered_whole_passes_the_volume_check(week):
    pipeline.run_night(week, JULY[4], "v1")
    passed, detail = _check(week, JULY[4])
    assert passed, detail
    assert "where the 4 days before it had a median of" in detail


def test_a_day_cut_short_is_held(week):
    with connect(week) as con:
        con.execute("delete from raw.generic_interactions where event_date = ? and record_no % 1000 <> 0", [JULY[4]])
        live_before = con.execute("select max(logical_date) from published.nights").fetchall()[0][0]
    with pytest.raises(CloutError, match="HELD"):
        pipeline.run_night(week, JULY[4], "v1")
    passed, detail = _check(week, JULY[4])
    assert not passed
    assert "interactions on 2012-07-05" in detail and "a delivery cut short?" in detail
    with connect(week) as con:
        (status,), = con.execute("select status from meta.runs where logical_date = ?", [JULY[4]]).fetchall()
        assert status == "held"
        assert con.execute("select max(logical_date) from published.nights").fetchall()[0][0] == live_before
