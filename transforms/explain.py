"""Explanations in plain words: a score's parts, and the parts of a change since the last published night.

A part's share of a change is the change that part alone makes: its Shapley value in the game where each part
is either at last night's raw value or at tonight's (transforms/model.py with_shapley), so the shares add up
to the change exactly and a part that did not move gets nothing, whatever the others did: "-34: more engagement
discounted as a closed group (-35.9), more reactions from influential accounts (+1.9)". When last night was
scored by another algorithm (its raw values are on another scale) or before raw values were kept, the shares
are the differences of the parts' points instead (each night's points are Shapley values from nothing). Against a
night another algorithm scored, the sentence says so and names the parts without a direction of the data ("+12
against a night scored by another algorithm: different people who reacted (+8.0)"): part of such a change is the
algorithm's, and "more people reacted" would blame the data for it.

`change_parts` is written in the part of Polars' API that Narwhals implements (transforms/frames.py): it runs on a
Polars LazyFrame or a PySpark DataFrame and returns the same kind. Rounding is made the same on both: a change's
points to 0.01 with ties, and values within float noise of a tie, to the even cent (`_cents`: the engines round
ties differently and their sums differ in the last bits, which put 98 of the Higgs week's 1.2M rows 0.01 apart),
the sentence's 0.1 half to even (`_signed_tenths`).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import polars as pl

from transforms.algorithm import Calibration
from transforms.frames import any_horizontal, api, api_of, cut, left_join, native
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
NEW = "new tonight"  # the sentence of an account the night before did not score
NO_PART_MOVED = ": no part moved by half a point or more"  # after the change, when no part moved by MIN_POINTS
OTHER_ALGORITHM = " against a night scored by another algorithm"  # after the change, when last night's was another's
TIE = 1e-9  # cents: a change's points this close to a half cent are a tie, whichever side float noise put them on


def change_parts(today: Any, previous: Any, keys: list[str], cal: Calibration | None = None,
                 fingerprint: str | None = None) -> Any:
    """Add `previous_score`, `change`, `change_<part>` (points) and `change_explained` to `today`, from
    `previous` (same keys, `score` and `part_<part>`; with `raw_<part>` and `fingerprint`, and today's `cal`
    and `fingerprint` given, the change's Shapley split). Accounts new tonight have no change (null), not a
    change from zero. A Polars frame keeps `today`'s row order."""
    F, lf = api(today)
    _, prev_frame = api(previous)  # on the same engine as `today`
    names = prev_frame.collect_schema().names()
    game = cal is not None and fingerprint is not None and {"fingerprint", *(f"raw_{p}" for p in PARTS)} <= set(names)
    renames = {"score": "previous_score", **{f"part_{p}": f"_prev_{p}" for p in PARTS},
               **({f"raw_{p}": f"_base_{p}" for p in PARTS} | {"fingerprint": "_prev_fp"} if game else {})}
    prev = prev_frame.select(*keys, *renames).rename(renames)
    known = ~F.col("previous_score").is_null()
    joined = left_join(lf, prev, keys).with_columns(change=F.col("score") - F.col("previous_score"))
    points = {p: F.col(f"part_{p}").fill_null(0.0) - F.col(f"_prev_{p}").fill_null(0.0) for p in PARTS}
    if game:
        # Same algorithm, raw values kept: the change each part alone makes. Otherwise: the points' difference.
        same = (known & (F.col("_prev_fp") == fingerprint)
                & any_horizontal(F, [~F.col(f"_base_{p}").is_null() for p in PARTS]))
        # decided once, before the baselines below are overwritten (read after, a row whose raw values were null
        # would pass for comparable and play a game against itself: every share 0)
        joined = joined.with_columns(_base_same=same.fill_null(False))
        same = F.col("_base_same")
        # Rows the game does not explain play a constant one (baseline = today: no part moved, every share 0), so a
        # night with no comparable previous night (the first, a new algorithm) costs no 2^6-subset game per row.
        joined = joined.with_columns(
            **{f"_base_{p}": F.when(same).then(F.col(f"_base_{p}")).otherwise(F.col(f"raw_{p}").fill_null(0.0))
               for p in PARTS})
        joined = joined.pipe(with_shapley, [f"raw_{p}" for p in PARTS], [f"_base_{p}" for p in PARTS], "score",
                             "previous_score", cal, "_shapley_")
        points = {p: F.when(same).then(F.col(f"_shapley_{p}")).otherwise(points[p]) for p in PARTS}
    # another algorithm (a fingerprint of another version or code) scored last night: not a change of the data only
    other = (known & (F.col("_prev_fp") != F.lit(fingerprint))).fill_null(False) if game else F.lit(False)
    joined = joined.with_columns(
        **{f"change_{p}": F.when(known).then(_cents(points[p])) for p in PARTS},
        _other_algorithm=other,
    )
    joined = joined.drop(*[c for c in joined.collect_schema().names() if c.startswith(("_prev_", "_base_",
                                                                                          "_shapley_"))])
    return native(with_change_sentence(F, cut(joined)).drop("_other_algorithm"), today)


def with_change_sentence(F: ModuleType, changes: Any) -> Any:
    """Add `change_explained`: '+3: more different people reacted (+2.4), more reactions received (+0.8)', largest
    cause first; 'new tonight' for an account not scored the night before, '+1: no part moved by half a point or
    more' when no part's share is worth a reader's time. `F`: the frame's API (transforms/frames.py)."""
    return _moved_rows_sentences(changes) if F is pl else _sentences(F, changes)


def _moved_rows_sentences(changes: pl.LazyFrame) -> pl.LazyFrame:
    """On Polars: the causes are written for the rows where some part moved by MIN_POINTS or more only, with
    _sentences, and set back in their places; the other rows (most of a night: on a 10M-account night the text of
    six parts for every row was half of change_parts, docs/benchmarks.md) get the same words as _sentences gives
    them. Each row's sentence is made from that row alone, so the text is the same."""
    frame = changes.collect()
    shown = pl.any_horizontal([pl.col(f"change_{p}").is_not_null() & (pl.col(f"change_{p}").abs() >= MIN_POINTS)
                               for p in PARTS])
    moved = frame.select(pl.arg_where(shown)).to_series()
    explained = frame.select(
        change_explained=pl.when(pl.col("previous_score").is_null()).then(pl.lit(NEW))
        .otherwise(pl.concat_str([_head(pl), pl.lit(NO_PART_MOVED)]))).to_series()
    if len(moved):  # only the columns the sentence reads are gathered: a copy of every column cost 0.8 GB at 10M
        reads = frame.select("previous_score", "change", "_other_algorithm", *[f"change_{p}" for p in PARTS])[moved]
        explained = explained.scatter(moved, _sentences(pl, reads.lazy()).collect()["change_explained"])
    return frame.with_columns(explained).lazy()


def _sentences(F: ModuleType, changes: Any) -> Any:
    """with_change_sentence on any engine, every row at once.

    Made across each row's six `change_<part>` columns (`change`, `previous_score` beside them), with no
    reshaping: each part that moved by MIN_POINTS or more gets its place among them (larger first, then by
    part name), and the places are joined in order. Vectorised, no Python per row, and the same expressions on
    every engine, each step's values a column of its own that the next step reads (one nested expression was a
    plan Spark could not compile). `F`: the frame's API (transforms/frames.py)."""
    size = {p: F.col(f"_size_{p}") for p in PARTS}
    shown = {p: F.col(f"_shown_{p}") for p in PARTS}
    changes = changes.with_columns(*[F.col(f"change_{p}").abs().alias(f"_size_{p}") for p in PARTS])
    changes = changes.with_columns(*[(~F.col(f"change_{p}").is_null() & (size[p] >= MIN_POINTS)).alias(f"_shown_{p}")
                                     for p in PARTS])
    # a part's place: how many shown parts come before it (larger, or as large with a name sorting first)
    changes = changes.with_columns(
        *[F.sum_horizontal([(shown[q] & ((size[q] >= size[p]) if q < p else (size[q] > size[p]))).cast(F.Int32)
                            for q in PARTS if q != p]).alias(f"_place_{p}") for p in PARTS],
        *[F.concat_str([
            F.when(F.col("_other_algorithm")).then(F.lit(PART_WORDS[p][0]))
            .when(F.col(f"change_{p}") > 0).then(F.lit(PART_WORDS[p][1])).otherwise(F.lit(PART_WORDS[p][2])),
            F.lit(" ("), _signed_tenths(F.col(f"change_{p}")), F.lit(")")]).alias(f"_text_{p}") for p in PARTS],
        _any_shown=any_horizontal(F, list(shown.values())),
        _head=_head(F),
    )
    changes = changes.with_columns(
        _causes=F.concat_str([F.coalesce(*[F.when(shown[p] & (F.col(f"_place_{p}") == k)).then(F.col(f"_text_{p}"))
                                           for p in PARTS]) for k in range(len(PARTS))],
                             separator=", ", ignore_nulls=True))
    head = F.col("_head")
    changes = changes.with_columns(
        change_explained=F.when(F.col("previous_score").is_null()).then(F.lit(NEW))
        .when(~F.col("_any_shown")).then(F.concat_str([head, F.lit(NO_PART_MOVED)]))
        .otherwise(F.concat_str([head, F.lit(": "), F.col("_causes")])))
    return changes.drop(*[f"_{c}_{p}" for c in ("size", "shown", "place", "text") for p in PARTS],
                        "_any_shown", "_head", "_causes")


def _cents(x: Any) -> Any:
    """A change's points rounded to 0.01, the same on every engine. Ties go to the even cent, and so does a value
    within float noise of a tie (1e-9 of a cent): the engines' sums agree to about 1e-15, not to the bit, and their
    rounding of ties differs (Polars: half to even; Spark: half up), so -0.625 and -0.6250000000000001 read -0.62
    on both instead of 0.01 apart. Other values are each engine's own round(2) (on Polars: its bits unchanged)."""
    F = api_of(x)
    r = x * 100.0
    low = r.floor()
    tie = ((r - low) - 0.5).abs() <= TIE
    return F.when(tie).then(((low + low.abs() % 2.0) / 100.0).round(2)).otherwise(x.round(2))


def _signed_tenths(x: Any) -> Any:
    """x rounded to 0.1, half to even, as signed text: +2.4 / -0.6 / +12.0. The same text on every engine: Spark's
    round is half up where Polars' is half to even, and a change's points are rounded to 0.01 first, so 0.65 (a
    tie at 0.1 once multiplied by 10) is common. Polars' own round(1) computes the same tenths."""
    F = api_of(x)
    r = x * 10.0
    low = r.floor()
    tenths = (F.when(r - low > 0.5).then(low + 1.0).when(r - low < 0.5).then(low)
              .otherwise(low + low.abs() % 2.0)).cast(F.Int64)
    size = tenths.abs()
    return F.concat_str([F.when(tenths > 0).then(F.lit("+")).when(tenths < 0).then(F.lit("-")).otherwise(F.lit("")),
                         (size // 10).cast(F.String), F.lit("."), (size % 10).cast(F.String)])


def _head(F: ModuleType) -> Any:
    """The sentence's start: the change as text, and that another algorithm scored last night when it did."""
    return F.concat_str([_signed(F.col("change")),
                         F.when(F.col("_other_algorithm")).then(F.lit(OTHER_ALGORITHM)).otherwise(F.lit(""))])


def _signed(x: Any) -> Any:
    """+2.5 / -1 / 0 as text, vectorised (no Python per row)."""
    F = api_of(x)
    return F.concat_str([F.when(x > 0).then(F.lit("+")).otherwise(F.lit("")), x.cast(F.String)])


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
