"""The range's gate (sql/backfill/range_swing.sql) on small hand-made nights: each night's top 100 by score with
ties broken by network and account id, on both sides, however many account-nights tie at the cut."""

from datetime import date

import duckdb
import pytest

from clout.core.warehouse import query

NIGHT = date(2024, 1, 1)


def _range(old: dict[str, int], new: dict[str, int]) -> dict:
    """range_swing over one night: `old` the published scores, `new` the backfill's, by account id."""
    con = _nights_warehouse({NIGHT: ([("x", a, s) for a, s in old.items()], [("x", a, s) for a, s in new.items()])})
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


def _nights_warehouse(nights: dict[date, tuple[list, list]]) -> duckdb.DuckDBPyConnection:
    """A warehouse of the tables range_swing reads: per night, (published rows, backfill rows), each row
    (network, account_id, score)."""
    con = duckdb.connect()
    for schema in ("candidate", "meta", "published"):
        con.execute(f"create schema {schema}")
    con.execute("create table published.scores (logical_date date, network varchar, account_id varchar, score int)")
    con.execute("create table candidate.scores (run_id varchar, logical_date date, network varchar, "
                "account_id varchar, score int)")
    con.execute("create table meta.backfill_nights (backfill_id varchar, run_id varchar)")
    for night, (old, new) in nights.items():
        run = f"run-{night}"
        con.execute("insert into meta.backfill_nights values ('bf', ?)", [run])
        if old:
            con.executemany("insert into published.scores values (?, ?, ?, ?)", [(night, *r) for r in old])
        if new:
            con.executemany("insert into candidate.scores values (?, ?, ?, ?, ?)", [(run, night, *r) for r in new])
    return con


def _random_nights(rng, count: int) -> dict:
    import numpy as np

    out = {}
    for k in range(count):
        n = int(rng.choice([0, 1, 3, 150, 2000]))
        top = int(rng.choice([1, 2, 12, 100]))
        ids = [f"a{i:04}" for i in range(n)]
        networks = rng.choice(["x", "y"], n)
        old = [(str(w), a, int(s)) for w, a, s in zip(networks, ids, rng.integers(1, top + 1, n), strict=True)]
        moved = np.clip(np.array([r[2] for r in old], dtype=int) + rng.integers(-15, 16, n), 1, 100)
        keep = rng.random(n) < 0.9  # some accounts only on one side
        new = [(o[0], o[1], int(m)) for o, m, kept in zip(old, moved, keep, strict=True) if kept]
        new += [("x", f"n{i}", int(rng.integers(1, 101))) for i in range(int(rng.integers(0, 5)))]
        if rng.random() < 0.15:
            old = []  # a night not published
        out[date(2024, 1, 1 + k)] = (old, new)
    return out


@pytest.mark.parametrize("seed", range(12))
def test_the_range_from_its_nights_sums_is_the_range_swing_row(seed):
    """clout.backfill.range_summary over each night's sums (night_swing, kept when the night is gated) gives the
    row range_swing.sql computes from every account-night at once: the counts and averages to the bit, the
    correlation to float noise (DuckDB's corr sums floats in no fixed order)."""
    import math

    import numpy as np
    import polars as pl

    from clout.backfill import night_swing, range_summary
    from transforms.audit.swing import paired

    nights = _random_nights(np.random.default_rng(seed), 1 + seed % 4)
    if seed == 0:  # everyone at the bottom of the scale: nothing scored
        nights = {NIGHT: ([("x", f"a{i}", 1) for i in range(50)], [("x", f"a{i}", 1) for i in range(50)])}
    elif seed == 1:  # one side flat: no correlation
        nights = {NIGHT: ([("x", f"a{i}", 7) for i in range(50)], [("x", f"a{i}", 1 + i) for i in range(50)])}
    con = _nights_warehouse(nights)
    rel = query(con, "backfill/range_swing", backfill_id="bf", date_from=min(nights), date_to=max(nights))
    expected = dict(zip(rel.columns, rel.fetchall()[0], strict=True))
    schema = {"network": pl.String, "account_id": pl.String, "score": pl.Int32}
    frames = [(pl.DataFrame(new, schema=schema, orient="row"), pl.DataFrame(old, schema=schema, orient="row"))
              for old, new in nights.values()]
    got = range_summary([night_swing(new, old) for new, old in frames])
    # from the nights as the gate pairs them (a full join: accounts on one side only too), the same sums
    with_raw = [[f.with_columns(raw_score=pl.col("score").cast(pl.Float64)) for f in pair] for pair in frames]
    assert [night_swing(new, old, paired(old.lazy(), new.lazy(), ("network", "account_id")).collect())
            for new, old in with_raw] == [night_swing(new, old) for new, old in frames]
    assert list(got) == list(expected)
    for key, value in expected.items():
        if key == "pearson" and value is not None and not math.isnan(value):
            assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
        elif isinstance(value, float) and math.isnan(value):
            assert math.isnan(got[key]), key
        else:
            assert got[key] == value and type(got[key]) is type(value), key
