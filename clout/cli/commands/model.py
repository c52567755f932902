"""`clout score-features` (the pure scoring model on any feature file) and `clout explain` (one account)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import typer

from clout.cli.common import app, check_out, console, written
from clout.consent.access import open_snapshot
from clout.core.dates import parse_date
from clout.core.errors import CloutError
from clout.core.settings import FIRST_ALGORITHM, load_settings
from clout.core.warehouse import query, records
from transforms.algorithm import load_algorithm
from transforms.explain import describe_parts
from transforms.model import INPUT_COLUMNS, OUTPUT_COLUMNS, score_features

WarehouseOpt = typer.Option(None, "--warehouse", metavar="FILE", envvar="CLOUT_WAREHOUSE", help="DuckDB warehouse file")


def _read_features(path: Path) -> pl.DataFrame:
    if not path.is_file():
        raise CloutError(f"{path}: no such file")
    try:
        if path.suffix.lower() == ".parquet":
            frame = pl.read_parquet(path)
        else:
            frame = pl.read_csv(path, infer_schema_length=None, schema_overrides={"account_id": pl.String})
    except (pl.exceptions.PolarsError, OSError) as e:
        raise CloutError(f"{path}: cannot read it as {'Parquet' if path.suffix == '.parquet' else 'CSV'} "
                         f"({str(e).splitlines()[0]})") from None
    if "account_id" not in frame.columns:
        raise CloutError(f"{path}: no `account_id` column; the columns are {', '.join(frame.columns)}")
    for col in [c for c in INPUT_COLUMNS if c in frame.columns]:
        bad = frame.with_row_index("row", offset=2).filter(
            pl.col(col).is_not_null() & pl.col(col).cast(pl.Float64, strict=False).is_null())
        if bad.height:
            row = bad.row(0, named=True)
            raise CloutError(f"{path}, line {row['row']}: {col} is {row[col]!r}, not a number; "
                             "leave it empty if it is unknown")
        negative = frame.with_row_index("row", offset=2).filter(pl.col(col).cast(pl.Float64, strict=False) < 0)
        if negative.height:
            row = negative.row(0, named=True)
            raise CloutError(f"{path}, line {row['row']}: {col} is {row[col]}, a count cannot be negative")
    return frame


@app.command("score-features")
def score_features_cmd(
    path: Path,
    algorithm: str = typer.Option(FIRST_ALGORITHM, metavar="VERSION",
                                  help="algorithm version (transforms/algorithms/<version>.yaml)"),
    out: Path = typer.Option(..., "--out", help="CSV to write: account_id, score, raw_score, parts"),
) -> None:
    """Score a feature file (CSV or Parquet, one row per account) with the pure model; missing columns = unknown."""
    check_out(out)
    try:
        algo = load_algorithm(algorithm)
    except ValueError as e:
        raise CloutError(str(e)) from None
    frame = _read_features(path)
    unknown = [c for c in INPUT_COLUMNS[:14] if c not in frame.columns]
    scored = score_features(frame.lazy(), algo.model, algo.calibration).select(OUTPUT_COLUMNS).collect()
    with written(out) as tmp:
        scored.write_csv(tmp)
    console.print(f"{path}: {scored.height:,} accounts scored with {algo.version} ({algo.fingerprint}) -> {out}")
    if unknown:
        console.print(f"unknown (no column): {', '.join(unknown)}", highlight=False)


@app.command()
def explain(
    account: str,
    date_: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                                     help="published night (default: the latest)"),
    network: str | None = typer.Option(None, help="network, when the account id exists on several"),
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """Why an account has its score: the parts, the change since the last night and its causes, its topics."""
    con = open_snapshot(load_settings(warehouse))
    day = parse_date(date_) if date_ else None
    try:
        rows = records(query(con, "serve/explain_score", account_id=account, logical_date=day, network=network))
    except duckdb.Error as e:
        raise CloutError(f"cannot read the published snapshot: {str(e).splitlines()[0]}") from None
    if not rows:
        raise CloutError(_no_score(con, account, day, network))
    if len(rows) > 1 and network is None:
        raise CloutError(f"account {account!r} exists on {', '.join(r['network'] for r in rows)}; add --network")
    row = rows[0]
    _print_explanation(row, records(query(con, "serve/explain_topics", account_id=account,
                                          logical_date=row["logical_date"], network=row["network"])))


def _no_score(con, account: str, day, network: str | None = None) -> str:
    """Why there is no score to explain: no night published on that date (say which are), the account scored on
    another network that night or on other nights (say which), or no such account."""
    (nights,) = records(query(con, "serve/published_range", logical_date=day))
    if not nights["nights"]:
        return "no night has been published yet; run one with `clout run --date YYYY-MM-DD`"
    if day is not None and not nights["published"]:
        return (f"no night is published on {day}; the published nights run from {nights['first_date']} to "
                f"{nights['last_date']} ({nights['nights']} nights; `clout runs` lists them)")
    when = f"on {day}" if day else "on the latest published night"
    scored = records(query(con, "serve/account_nights", account_id=account, logical_date=day))
    there = [r["network"] for r in scored if r["on_the_night"]]
    if network is not None and there:
        return (f"account {account!r} has no score on {network} {when}; it has one on {', '.join(there)}: "
                f"`--network {there[0]}`")
    if scored:
        spans = "; ".join(f"{r['network']}: {r['first_date']} to {r['last_date']} "
                          f"({r['nights']} night{'s' * (r['nights'] != 1)})" for r in scored)
        return f"account {account!r} has no published score {when}; it is scored on other nights ({spans})"
    return (f"account {account!r} has no published score on any night; check the id with "
            "`clout sql \"select network, account_id, score from published.current_scores limit 5\"`")


TIED = 100  # more accounts than this at one score: a rank among them (by raw_score) is not what the score says


def rank_words(rank: int, accounts: int, same_score: int = 1, higher: int = 0) -> str:
    """Where the account ranks that night: its rank (`#1 of 222,996 accounts`) among the first 100, where a share
    would read `Top 0.00045%`, and in the lower half, where it would read `Top 100%`; a share in between (`Top 12%`).
    An account tied with many on its score (most accounts sit at 1) is one of them, not `Top 17%` by raw score."""
    if same_score > TIED:
        return (f"One of {same_score:,} accounts with this score ({100 * same_score / accounts:.2g}% of the "
                f"{accounts:,} scored that night); {higher:,} score higher.")
    share = 100 * rank / accounts
    if rank > 100 and 1 <= share <= 50:
        return f"Top {share:.2g}% of the {accounts:,} accounts scored that night."
    return f"#{rank:,} of {accounts:,} accounts scored that night."


def _print_explanation(row: dict, topics: list[dict]) -> None:
    out = console.print
    out(f"[bold]{row['network']} account {row['account_id']}[/bold] on {row['logical_date']}: "
        f"score [bold]{row['score']}[/bold] of 100 (algorithm {row['algorithm_version']})", highlight=False)
    out(rank_words(row["score_rank"], row["accounts_scored"], row["same_score"], row["scored_higher"])
        if row["score_rank"] else "")
    out("What makes up the score (1 point for being scored, plus):")
    for line in describe_parts(row):
        out(f"  {line}", highlight=False)
    out(_change_words(row), highlight=False)
    if topics:
        out("Influential about:")
        for t in topics:
            out(f"  {t['topic_name'] or t['topic_slug']}: {t['share']:.0%} of its influence "
                f"({t['posts']} posts on {t['days']} days, {t['distinct_reactors']} different people reacted"
                + ("" if t["direct"] else ", through its subtopics") + ")", highlight=False)
    else:
        out("Influential about: no topic yet (a topic needs several posts, on several days, with reactions "
            "from several different people).")


def _change_words(row: dict) -> str:
    if row["previous_score"] is None:
        return "Change: first published score (nothing to compare with)."
    if row["change"] == 0:
        return f"Change: none since the last published night ({row['previous_score']})."
    return f"Change since the last published night ({row['previous_score']} -> {row['score']}): " \
           f"{row['change_explained']}"
