"""A night whose day was delivered cut short is held. One thin day moves a 90-day window's scores too little for the
swing gate to see, so the gate compares the day's interactions with the median of the days before it
(config/gate.yaml `day_volume_min_ratio`). The real Higgs week (every 4th interaction) is published to July 4; July
5 is run whole, or with its raw rows cut to one in a thousand, as a delivery cut short would leave them."""

from __future__ import annotations

from datetime import date

import pytest
from gatekit import JULY

from clout import pipeline
from clout.audit.checks import day_volume
from clout.core.errors import CloutError
from clout.core.settings import load_settings
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
    assert "twitter: " in detail and "where its 4 latest days before it had a median of" in detail


def test_a_day_cut_short_is_held(week):
    with connect(week) as con:
        con.execute("delete from raw.generic_interactions where event_date = ? and record_no % 1000 <> 0", [JULY[4]])
        live_before = con.execute("select max(logical_date) from published.nights").fetchall()[0][0]
    with pytest.raises(CloutError, match="HELD"):
        pipeline.run_night(week, JULY[4], "v1")
    passed, detail = _check(week, JULY[4])
    assert not passed
    assert "interactions on 2012-07-05" in detail and "a delivery cut short or missing?" in detail
    with connect(week) as con:
        (status,), = con.execute("select status from meta.runs where logical_date = ?", [JULY[4]]).fetchall()
        assert status == "held"
        assert con.execute("select max(logical_date) from published.nights").fetchall()[0][0] == live_before


def test_a_backfill_night_of_a_published_thin_day_is_not_judged_again(week):
    """A thin day held, then approved (the day really was quiet), is judged once: a backfill over it recomputes a
    night already published, so its night is compared with that night, not held again for the day's volume."""
    from clout.backfill import run_backfill
    from clout.publish.publish import approve_run

    with connect(week) as con:
        con.execute("delete from raw.generic_interactions where event_date = ? and record_no % 1000 <> 0", [JULY[4]])
    with pytest.raises(CloutError, match="HELD"):
        pipeline.run_night(week, JULY[4], "v1")
    with connect(week) as con:
        (held,), = con.execute("select run_id from meta.runs where logical_date = ? and status = 'held'",
                               [JULY[4]]).fetchall()
        approve_run(con, week, held, "a quiet day, checked with the network")
    run_backfill(week, JULY[4], JULY[4], "v1")
    with connect(week) as con:
        (night,), = con.execute("select run_id from meta.backfill_nights").fetchall()
        judged = con.execute("select passed from meta.gate_checks where run_id = ? and check_name = "
                             "'interactions_delivered'", [night]).fetchall()
        status = con.execute("select status from meta.runs where run_id = ?", [night]).fetchall()
    assert judged == [] and status == [("backfill",)], (judged, status)


CFG = {"day_volume_min_ratio": 0.1, "day_volume_history_days": 14, "day_volume_lookback_days": 60,
       "day_volume_min_days": 3}


def _daily(tmp_path, days: dict[str, dict[date, int]]):
    """A warehouse whose marts hold, per network and day, one engagement row of that many reactions."""
    settings = load_settings(tmp_path / "warehouse" / "clout.duckdb")
    con = connect(settings)
    for network, by_day in days.items():
        for day, n in by_day.items():
            con.execute("insert into marts.engagement_daily values (?, 'a', 'b', ?, 0, 0, 0, 0, ?, ?)",
                        [network, day, n, n])
    return con


def _judged(con, day) -> dict[str, bool]:
    return {v.network: v.check(CFG["day_volume_min_ratio"]).passed for v in day_volume(con, day, CFG)}


def test_each_network_is_judged_against_its_own_days(tmp_path):
    """One network's missing delivery is held even when the others' volume would carry a total past the bound."""
    week = [date(2024, 1, d) for d in range(1, 8)]
    con = _daily(tmp_path, {"twitter": {d: 6000 for d in week}, "mastodon": {d: 4000 for d in week[:-1]}})
    assert _judged(con, week[-1]) == {"twitter": True, "mastodon": False}  # mastodon's day: 0 interactions
    assert _judged(con, week[-2]) == {"twitter": True, "mastodon": True}


def test_a_network_is_judged_from_its_third_day_and_after_an_outage(tmp_path):
    """Fewer than day_volume_min_days days before it: not judged (a new warehouse or network); after a 30-day outage
    the days before it are still its history, so the first day back is judged."""
    days = [date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3)]
    con = _daily(tmp_path, {"twitter": {**{d: 5000 for d in days}, date(2024, 2, 3): 10}})
    assert _judged(con, days[1]) == {} and _judged(con, days[2]) == {}
    assert _judged(con, date(2024, 2, 3)) == {"twitter": False}
    assert _judged(con, date(2024, 5, 1)) == {}  # further back than the lookback: nothing to compare with
