"""Frozen 1..100 calibration, one file per algorithm version (`<version>.json`), computed once.

Reference population: every account that received at least one reaction in the SNAP Higgs week (the vendored
`data/higgs` file, 2012-07-01..07), scored on 2012-07-07 with the version's features and model. The raw score
at fixed population quantiles becomes a knot with a fixed number of points, so a score means the same thing
night after night, whatever the population does later. Klout's shape is kept: the median active account scores
20, 50 is the top 5%, 63 the top 1%, 90 one account in ten thousand. Ties are deterministic: knots are
"lower" quantiles, and a knot within MIN_GAP of the previous one merges into it (the higher points win), so
the mass of accounts tied at "one reaction from one person" does not make a cliff.

Build (only when an algorithm version is created or deliberately recalibrated, then commit the file):

    .venv/bin/python -m transforms.calibration v1
"""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files
from pathlib import Path

import polars as pl

from transforms.algorithm import ALGORITHMS_DIR, Calibration, calibration_path, code_fingerprint, load_algorithm

HIGGS_FILE = files("transforms.data") / "higgs" / "higgs-activity_time.txt.gz"
REFERENCE_DATE = date(2012, 7, 7)
# (population quantile, points): Klout's published shape.
ANCHORS = ((0.0, 5.0), (0.25, 12.0), (0.5, 20.0), (0.75, 30.0), (0.9, 40.0), (0.95, 50.0), (0.99, 63.0),
           (0.999, 78.0), (0.9999, 90.0), (1.0, 97.0))
# Knots closer than this (raw, natural-log units: ~20% more reactions) merge: no cliff of points between
# accounts that differ by one reaction.
MIN_GAP = 0.2
HIGGS_KINDS = {"RT": "reposts", "RE": "replies", "MT": "mentions"}


def higgs_edges(path: Path = HIGGS_FILE) -> pl.LazyFrame:
    """The Higgs file as marts.engagement_daily rows (distinct interactions, no self-reactions), in Polars."""
    raw = pl.scan_csv(path, separator=" ", has_header=False, new_columns=["actor_id", "target_id", "ts", "kind"],
                      schema_overrides={"actor_id": pl.String, "target_id": pl.String, "ts": pl.Int64})
    return (
        raw.unique()
        .filter(pl.col("actor_id") != pl.col("target_id"))
        .with_columns(network=pl.lit("twitter"), activity_date=pl.from_epoch("ts", time_unit="s").dt.date())
        .group_by("network", "actor_id", "target_id", "activity_date")
        .agg(*[(pl.col("kind") == code).sum().cast(pl.Int32).alias(name) for code, name in HIGGS_KINDS.items()],
             quotes=pl.lit(0, pl.Int32), likes=pl.lit(0, pl.Int32))
    )


def reference_raw_scores(version: str) -> pl.Series:
    """Raw scores of the reference population under `version` (with a placeholder calibration)."""
    from transforms.features import window_features
    from transforms.model import score_features

    algo = load_algorithm(version, require_calibration=False)
    placeholder = Calibration((1.0, 2.0), (2.0, 3.0), "placeholder")
    edges = higgs_edges().filter(pl.col("activity_date") <= REFERENCE_DATE)
    features = window_features(edges, REFERENCE_DATE, algo)
    raw = score_features(features, algo.model, placeholder).select("raw_score").collect()["raw_score"]
    return raw.filter(raw > 0).sort()


def build(version: str) -> Calibration:
    raw = reference_raw_scores(version)
    knots, points = [], []
    for q, pts in ANCHORS:
        k = float(raw.quantile(q, interpolation="lower"))
        if knots and k - knots[-1] < MIN_GAP:
            points[-1] = pts  # a tie (or near-tie) of many accounts: one knot, with the higher quantile's points
            continue
        knots.append(k)
        points.append(pts)
    reference = f"Higgs week, accounts with reactions scored on {REFERENCE_DATE} (n={raw.len()})"
    return Calibration(tuple(knots), tuple(points), reference)


def write(version: str) -> Path:
    cal = build(version)
    path = calibration_path(version)
    data = {"version": version, "reference": cal.reference, "knots": list(cal.knots), "points": list(cal.points),
            "built_with": code_fingerprint(ALGORITHMS_DIR / f"{version}.yaml"), "anchors": ANCHORS, "min_gap": MIN_GAP}
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    return path
