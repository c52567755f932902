"""A night scored before an opt-out still counts the erased person's interactions in other people's scores (the
erasure deletes only their own rows): approving it, promoting it in a backfill or publishing it after the opt-out
is refused with the command that scores it again; a night scored after the opt-out publishes as usual, also after
a landing has erased her from a new delivery.

The tests of this module share one warehouse and run in order.
"""

from __future__ import annotations

from datetime import date

import pytest
from consentkit import CAROL, LAND, ZELDA, tweet, write_tweets

from clout import backfill, consent, pipeline
from clout.core.errors import CloutError
from clout.core.warehouse import connect
from clout.publish import approve_run

NIGHT = date(2012, 7, 3)


def held_night(settings, logical_date: date) -> str:
    """A night of v2 on a history of another algorithm: the gate holds the change, the candidate waits for approval."""
    with pytest.raises(CloutError, match="HELD") as held:
        pipeline.run_night(settings, logical_date, "v2")
    return str(held.value).split()[1]


def live_runs(settings) -> list[tuple]:
    with connect(settings) as con:
        return con.execute("select logical_date, run_id from published.nights order by all").fetchall()


@pytest.fixture(scope="module")
def before_optout(world) -> dict:
    """A held night and a backfill of v2, both scored before Zelda opts out; then her opt-out."""
    settings = world["settings"]
    held = held_night(settings, NIGHT)
    scored = pipeline.begin_run(settings, NIGHT)  # the nightly, stopped between its audit and its publish
    for _, step in pipeline.STEPS[:-1]:
        step(settings, scored)
    result = backfill.run_backfill(settings, date(2012, 7, 1), date(2012, 7, 2), "v2")
    live = live_runs(settings)
    consent.optout(settings, consent.Request("p-zelda", None, "letter"), compact_after=False)
    return {"held": held, "scored": scored, "backfill": result.backfill_id, "live": live}


def test_a_held_night_scored_before_an_optout_cannot_be_approved(world, before_optout):
    settings = world["settings"]
    with connect(settings) as con, pytest.raises(CloutError, match=r"scored before erasure \d+ .*an erased person's "
                                                 r"interactions; .*`clout run --date 2012-07-03`"):
        approve_run(con, settings, before_optout["held"], "looks right")
    assert live_runs(settings) == before_optout["live"]


def test_a_night_scored_before_an_optout_is_not_published_by_its_publish_step(world, before_optout):
    settings = world["settings"]
    with pytest.raises(CloutError, match="scored before erasure"):
        pipeline.publish_step(settings, before_optout["scored"])
    assert live_runs(settings) == before_optout["live"]


def test_a_backfill_scored_before_an_optout_cannot_be_promoted(world, before_optout):
    settings = world["settings"]
    with pytest.raises(CloutError, match=r"scored before erasure .*backfill reject .*--algorithm v2 --new`"):
        backfill.promote(settings, before_optout["backfill"], "looks right")
    assert live_runs(settings) == before_optout["live"]


def test_a_night_scored_after_the_optout_is_approved_also_after_a_landing_erased_her_again(world, before_optout):
    settings = world["settings"]
    run_id = held_night(settings, NIGHT)
    again = write_tweets(world["root"] / "tweets-again.jsonl", [
        tweet(97, ZELDA, "ZeldaPrivate is back", 3), tweet(96, CAROL, "@ZeldaPrivate hi", 3, mentions=(ZELDA,))])
    pipeline.land_files(settings, [again], options=LAND)  # erases the rows it brought: not the night's inputs
    with connect(settings) as con:
        assert con.execute("select trigger from meta.erasures order by erasure_id").fetchall()[-1] == ("landing",)
        approve_run(con, settings, run_id, "v2 release")
    assert (NIGHT, run_id) in live_runs(settings)
