"""The range's gate (sql/backfill/range_swing.sql) on small hand-made nights: each night's top 100 by score with
ties broken by network and account id, on both sides, however many account-nights tie at the cut."""

from datetime import date

import duckdb
import pytest

from clout.core.warehouse import query

NIGHT = date(2024, 1, 1)


def _range(old: dict[str, int], new: dict[str, int]) -> dict:
    """range_swing over one night: `old` the published scores, `new` the backfill's, by account id."""
    con = duckdb.connect()
    for schema in ("candidate", "meta", "published"):
        con.execute(f"create schema {schema}")
    con.execute("create table published.scores (logical_date date, network varchar, account_id varchar, score int)")
    con.execute("create table candidate.scores (run_id varchar, logical_date date, network varchar, "
                "account_id varchar, score int)")
    con.execute("create table meta.backfill_nights (backfill_id varchar, run_id varchar)")
    con.execute("insert into meta.backfill_nights values ('bf', 'run')")
    con.executemany("insert into published.scores values (?, 'x', ?, ?)", [(NIGHT, a, s) for a, s in old.items()])
    con.executemany("insert into candidate.scores values ('run', ?, 'x', ?, ?)",
                    [(NIGHT, a, s) for a, s in new.items()])
    rel = query(con, "backfill/range_swing", backfill_id="bf", date_from=NIGHT, date_to=NIGHT)
    return dict(zip(rel.columns, rel.fetchall()[0], strict=True))


@pytest.mark.parametrize(("new", "churn"), [
    (range(200), 0.0),  # the same ties on both sides
    (range(150), 0.0),  # reversed: a050..a149 against a100..a199 (0.5); hashed: other accounts on each side
    (range(50, 250), 0.5),  # a050..a149 against a000..a099
])
def test_the_top_100_of_a_night_breaks_ties_by_account(new, churn):
    """200 accounts tie on the published side, so its top 100 is a000..a099; on the backfill's side the accounts
    `new` tie at the same score. A tie-break other than by network and account id picks other accounts on one
    side or both, and the churn changes."""
    old = {f"a{i:03}": 50 for i in range(200)}
    assert _range(old, {f"a{i:03}": 50 for i in new})["top100_churn"] == pytest.approx(churn)


def test_the_higher_score_wins_over_the_account_order():
    old = {f"a{i:03}": 50 for i in range(200)}
    new = {f"a{i:03}": 40 if i < 100 else 50 for i in range(200)}  # the backfill's top 100 is a100..a199
    assert _range(old, new)["top100_churn"] == pytest.approx(1.0)
