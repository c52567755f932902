"""Explanations in plain words: a score's parts, and the parts of a change since the last published night.

A part's share of a change is the change that part alone makes: its Shapley value in the game where each part
is either at last night's raw value or at tonight's (transforms/model.py with_shapley), so the shares add up
to the change exactly and a part that did not move gets nothing, whatever the others did: "-34: more engagement
discounted as a closed group (-35.9), more reactions from influential accounts (+1.9)". When last night was
scored by another algorithm (its raw values are on another scale) or before raw values were kept, the shares
are the differences of the parts' points instead (each night's points are Shapley values from nothing).
"""

from __future__ import annotations

import polars as pl

from transforms.algorithm import Calibration
from transforms.model import PARTS, with_shapley

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
# How to say that the algorithm, not the data, moved a part: the same data counts for more or less.
ALGORITHM_WORDS: dict[str, tuple[str, str]] = {
    "reach": ("the different people who reacted count for more", "the different people who reacted count for less"),
    "engagement": ("the reactions it received count for more",
                   "the reactions it received count for less"),
    "rate": ("its reactions per post count for more", "its reactions per post count for less"),
    "impact": ("reactions from influential accounts count for more",
               "reactions from influential accounts count for less"),
    "audience": ("its followers and list memberships count for more",
                 "its followers and list memberships count for less"),
    "discount": ("less of its engagement is discounted as a closed group",
                 "more of its engagement is discounted as a closed group"),
}
MIN_POINTS = 0.5  # parts of a change smaller than half a point are not worth a reader's time


def change_parts(today: pl.LazyFrame, previous: pl.LazyFrame, keys: list[str], cal: Calibration | None = None,
                 fingerprint: str | None = None) -> pl.LazyFrame:
    """Add `previous_score`, `change`, `change_<part>` (points) and `change_explained` to `today`, from
    `previous` (same keys, `score` and `part_<part>`; with `raw_<part>` and `fingerprint`, and today's `cal`
    and `fingerprint` given, the change's Shapley split). Accounts new tonight have no change (null), not a
    change from zero."""
    names = previous.collect_schema().names()
    game = cal is not None and fingerprint is not None and {"fingerprint", *(f"raw_{p}" for p in PARTS)} <= set(names)
    prev = previous.select(*keys, previous_score="score", **{f"_prev_{p}": f"part_{p}" for p in PARTS},
                           **({f"_base_{p}": f"raw_{p}" for p in PARTS} | {"_prev_fp": "fingerprint"} if game else {}))
    known = pl.col("previous_score").is_not_null()
    joined = today.join(prev, on=keys, how="left").with_columns(change=pl.col("score") - pl.col("previous_score"))
    points = {p: pl.col(f"part_{p}").fill_null(0.0) - pl.col(f"_prev_{p}").fill_null(0.0) for p in PARTS}
    if game:
        # Same algorithm, raw values kept: the change each part alone makes. Otherwise: the points' difference.
        same = (known & (pl.col("_prev_fp") == fingerprint)
                & pl.any_horizontal([pl.col(f"_base_{p}").is_not_null() for p in PARTS]))
        # Rows the game does not explain play a constant one (baseline = today: no part moved, every share 0), so a
        # night with no comparable previous night (the first, a new algorithm) costs no 2^6-subset game per row.
        joined = joined.with_columns(
            **{f"_base_{p}": pl.when(same).then(f"_base_{p}").otherwise(pl.col(f"raw_{p}").fill_null(0.0))
               for p in PARTS})
        joined = joined.pipe(with_shapley, [f"raw_{p}" for p in PARTS], [f"_base_{p}" for p in PARTS], "score",
                             "previous_score", cal, "_shapley_")
        points = {p: pl.when(same).then(pl.col(f"_shapley_{p}")).otherwise(points[p]) for p in PARTS}
    joined = joined.with_columns(
        **{f"change_{p}": pl.when(known).then(points[p].round(2)) for p in PARTS},
    ).drop([c for c in joined.collect_schema().names() if c.startswith(("_prev_", "_base_", "_shapley_"))])
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


def algorithm_change_sentence(change: int, parts: dict[str, float]) -> str:
    """Why the algorithm moved one account, on the same data: '+12: its reactions (...) count for more (+8.1), the
    different people who reacted count for less (-2.0)'. `parts`: each part's points under the new algorithm minus
    under the old (both Shapley values from nothing, so they add up to the change), largest first."""
    moved = sorted(((p, d) for p, d in parts.items() if abs(d) >= MIN_POINTS), key=lambda kv: (-abs(kv[1]), kv[0]))
    head = f"{change:+d}" if change else "0"
    if not moved:
        return f"{head}: no part moved by half a point or more"
    words = ", ".join(f"{ALGORITHM_WORDS[p][0 if d > 0 else 1]} ({d:+.1f})" for p, d in moved)
    return f"{head}: {words}"
