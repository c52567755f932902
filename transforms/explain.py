"""Explanations in plain words: a score's parts, and the parts of a change since the last published night.

The parts of a score add up to the score minus 1 (see transforms/model.py), so the parts of a change (today's
part points minus the last published night's) add up to the change exactly: "-6: fewer different people
reacted (-4), fewer reactions per post (-2)".
"""

from __future__ import annotations

import polars as pl

from transforms.model import PARTS

# What each part measures, and how to say that it went up / down.
PART_WORDS: dict[str, tuple[str, str, str]] = {
    "reach": ("different people who reacted", "more different people reacted", "fewer different people reacted"),
    "engagement": ("reactions received (reposts, replies, mentions, quotes, likes)", "more reactions received",
                   "fewer reactions received"),
    "rate": ("reactions per post", "more reactions per post", "fewer reactions per post"),
    "impact": ("reactions from influential accounts", "more reactions from influential accounts",
               "fewer reactions from influential accounts"),
    "audience": ("followers and list memberships", "a larger audience", "a smaller audience"),
    "discount": ("engagement discounted as coming from a closed group of accounts that react to each other",
                 "less engagement discounted as a closed group", "more engagement discounted as a closed group"),
}
MIN_POINTS = 0.5  # parts of a change smaller than half a point are not worth a reader's time


def change_parts(today: pl.LazyFrame, previous: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """Add `previous_score`, `change`, `change_<part>` (points) and `change_explained` to `today`, from
    `previous` (same keys, `score` and `part_<part>`). Accounts new tonight have no change (null), not a
    change from zero."""
    prev = previous.select(*keys, previous_score="score", **{f"_prev_{p}": f"part_{p}" for p in PARTS})
    known = pl.col("previous_score").is_not_null()
    joined = today.join(prev, on=keys, how="left").with_columns(
        change=pl.col("score") - pl.col("previous_score"),
        **{f"change_{p}": pl.when(known).then(
            (pl.col(f"part_{p}").fill_null(0.0) - pl.col(f"_prev_{p}").fill_null(0.0)).round(2)) for p in PARTS},
    ).drop([f"_prev_{p}" for p in PARTS])
    return joined.join(change_sentences(joined, keys), on=keys, how="left")


def change_sentences(changes: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """'+3: more different people reacted (+2.4), more reactions received (+0.8)', largest cause first.

    Long format (one row per account and part), sorted and joined per account: vectorised, no Python per row.
    """
    words = pl.DataFrame({"part": list(PARTS), "up": [PART_WORDS[p][1] for p in PARTS],
                          "down": [PART_WORDS[p][2] for p in PARTS]}).lazy()
    causes = (
        changes.select(*keys, *[f"change_{p}" for p in PARTS])
        .unpivot(index=keys, variable_name="part", value_name="points")
        .filter(pl.col("points").abs() >= MIN_POINTS)
        .with_columns(part=pl.col("part").str.strip_prefix("change_"))
        .join(words, on="part")
        .with_columns(text=pl.when(pl.col("points") > 0).then("up").otherwise("down")
                      + pl.lit(" (") + _signed(pl.col("points").round(1)) + pl.lit(")"))
        .sort([*keys, pl.col("points").abs(), "part"], descending=[*[False] * len(keys), True, False])
        .group_by(keys, maintain_order=True)
        .agg(causes=pl.col("text").str.join(", "))
    )
    head = _signed(pl.col("change"))
    return (
        changes.select(*keys, "change", "previous_score")
        .join(causes, on=keys, how="left")
        .select(*keys, change_explained=pl.when(pl.col("previous_score").is_null()).then(pl.lit("new tonight"))
                .when(pl.col("causes").is_null()).then(head + pl.lit(": no part moved by half a point or more"))
                .otherwise(head + pl.lit(": ") + pl.col("causes")))
    )


def _signed(x: pl.Expr) -> pl.Expr:
    """+2.5 / -1 / 0 as text, vectorised (no Python per row)."""
    return pl.when(x > 0).then(pl.lit("+")).otherwise(pl.lit("")) + x.cast(pl.String)


def describe_parts(row: dict) -> list[str]:
    """Lines of plain words for one scored row (a dict with `part_<name>`, `unknown_parts`), largest first."""
    unknown = set(filter(None, (row.get("unknown_parts") or "").split(",")))
    known = [(p, row.get(f"part_{p}")) for p in PARTS if p not in unknown and row.get(f"part_{p}") is not None]
    lines = [f"{pts:+5.1f} points  {PART_WORDS[p][0]}" for p, pts in sorted(known, key=lambda kv: -abs(kv[1]))]
    lines += [f"    unknown   {PART_WORDS[p][0]} (no data for it, so it neither adds nor removes points)"
              for p in PARTS if p in unknown]
    return lines
