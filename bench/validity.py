"""Is the score right? Forward spread on the real Higgs week, latent truth on generated data, pairwise agreement.

    .venv/bin/python -m bench.validity [--people 2000] [--seed 42] [--fit] [--keep DIR]

For each algorithm version (every transforms/algorithms/*.yaml) and for simple baselines (each raw feature
alone; network impact = PageRank alone; followers where the data has them), it prints:

1. Forward spread (real data, the SNAP Higgs week landed and aggregated through the product's own stages):
   the score of night d (d = 07-01 .. 07-04, from the window up to d only) against what the account causes on
   the next three days: distinct people who repost, reply to or mention it on d+1 .. d+3. Spearman rank
   correlation over every account scored on night d, and precision of the top 1% (by score) against the top 1%
   (by what followed); averaged over the four nights.
2. Latent truth (generated data, clout/generator.py): every person has a latent influence that drives how
   others react, with bots, engagement rings and bought engagement planted; `ground_truth.json` holds it. The
   last night's scores against it (Spearman over every scored twitter account; bought accounts have none), and
   where bots, ring members and buyers land.
3. Pairwise agreement: pairs of accounts drawn from both sources whose truth differs clearly (forward spread or
   latent influence at least 1.5x apart), each account given to the model in the `clout score-features` column
   set; the share of pairs where the higher score goes to the account with more influence (ties count half).
   Two column sets: everything the source has, and the outside check's (followers, following, lists,
   mentions and reposts received and sent, posts: what a people-labelled Twitter pair set carries).

Pairs are split by account (a hash of the id) into a training half and a test half; the table reports the test
half. `--fit` fits the weights of the `terms` model (v3) on the training half: a pairwise logistic regression
(no intercept, weights >= 0, L2) over the model's own log terms, the L2 strength picked by 5-fold cross-
validation; it prints the folds and the weights to put in transforms/algorithms/v3.yaml.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from scipy.optimize import minimize

from clout import pipeline
from clout.aggregate.aggregate import aggregate_date
from clout.core.settings import Settings, load_settings
from clout.core.warehouse import connect
from clout.land.generator import GeneratorParams, generate
from clout.score.score import features_key, window_frame
from clout.stage.stage import stage_date
from transforms.algorithm import TERMS, Algorithm, available_versions, load_algorithm
from transforms.calibration import HIGGS_FILE, higgs_edges
from transforms.model import INPUT_COLUMNS, log_terms, score_features, with_unknowns

HIGGS_FIRST, HIGGS_DAYS = date(2012, 7, 1), 7
FORWARD_DAYS = 3
FORWARD_NIGHTS = [HIGGS_FIRST + timedelta(days=i) for i in range(HIGGS_DAYS - FORWARD_DAYS)]  # 07-01 .. 07-04
QUIET_NIGHTS = (date(2012, 7, 6), date(2012, 7, 7))
NETWORK = "twitter"
# The feature columns `clout score-features` reads, and the outside check's set (a people-labelled Twitter pair
# set: profile counts, mentions and reposts received and sent, posts).
SCORE_FEATURES = INPUT_COLUMNS[:14]
OUTSIDE_COLUMNS = ("followers", "following", "lists", "mentions_received", "reposts_received", "mentions_sent",
                   "reposts_sent", "posts")
BASELINES = (*SCORE_FEATURES, "effective_reactors")
PAIR_RATIO = 1.5  # a pair's truths at least this far apart: someone could tell who is more influential
PAIRS_PER_SOURCE = 20_000


@dataclass
class Source:
    """Feature frames of one data source per algorithm feature key, and the truth to compare scores with."""

    name: str
    frames: dict[str, pl.DataFrame]  # features_key -> feature frame (network, account_id, features...)
    truth: pl.DataFrame  # account_id, truth (and `night` for Higgs)


# ---- data ---------------------------------------------------------------------------------------------


def stage_all(settings: Settings, first: date, days: int) -> None:
    """Stage and aggregate every day (the nightly job's first two steps), no scoring."""
    with connect(settings) as con:
        for i in range(days):
            stage_date(con, first + timedelta(days=i))
            aggregate_date(con, first + timedelta(days=i))


def frames_by_key(settings: Settings, night: date, algos: list[Algorithm]) -> dict[str, pl.DataFrame]:
    """The score stage's own feature frame of `night`, once per distinct way of reading the window. The
    connection is writable: window_frame brings the score state to the night (prepare_state writes it), on the
    harness's own warehouse."""
    out = {}
    with connect(settings) as con:
        for algo in algos:
            key = features_key(algo)
            if key not in out:
                out[key] = window_frame(con, night, algo).filter(pl.col("network") == NETWORK)
    return out


def forward_spread(night: date, higgs_file: Path = HIGGS_FILE) -> pl.DataFrame:
    """account_id, truth = distinct people who reposted, replied to or mentioned it on night+1 .. night+3."""
    after = higgs_edges(higgs_file).filter(pl.col("activity_date").is_between(night + timedelta(days=1),
                                                                    night + timedelta(days=FORWARD_DAYS)))
    return after.group_by(account_id="target_id").agg(truth=pl.col("actor_id").n_unique().cast(pl.Float64)).collect()


def higgs_sources(home: Path, algos: list[Algorithm], higgs_file: Path = HIGGS_FILE) -> tuple[list[Source], dict]:
    """`higgs_file`: the Higgs week (tests give a sample of it)."""
    settings = load_settings(home / "higgs" / "clout.duckdb")
    if not (home / "higgs.done").is_file():  # --keep: a finished warehouse is reused
        pipeline.land_files(settings, [higgs_file])
        stage_all(settings, HIGGS_FIRST, HIGGS_DAYS)
        (home / "higgs.done").touch()
    sources = [Source(f"higgs {night:%m-%d}", frames_by_key(settings, night, algos),
                      forward_spread(night, higgs_file).with_columns(night=pl.lit(night)))
               for night in FORWARD_NIGHTS]
    quiet = {night: frames_by_key(settings, night, algos) for night in QUIET_NIGHTS}
    return sources, quiet


def generated_source(home: Path, params: GeneratorParams, algos: list[Algorithm]) -> tuple[Source, dict]:
    data = home / f"generated-{params.people}-{params.days}-{params.seed}"
    settings = load_settings(data.with_suffix(".duckdb"))
    if not data.with_suffix(".done").is_file():  # --keep: a finished warehouse is reused
        generate(data, params)
        pipeline.land_files(settings, [data])
        stage_all(settings, params.start, params.days)
        data.with_suffix(".done").touch()
    truth = json.loads((data / "ground_truth.json").read_text())
    last = params.start + timedelta(days=params.days - 1)
    influence = pl.DataFrame({"account_id": list(truth["influence"]), "truth": list(truth["influence"].values())})
    return Source("generated", frames_by_key(settings, last, algos), influence), truth


# ---- scoring and metrics ------------------------------------------------------------------------------


def scored(frame: pl.DataFrame, algo: Algorithm, columns: tuple[str, ...] | None = None) -> pl.DataFrame:
    """account_id, score, raw_score of the model on `frame` (only `columns` of the score-features set given)."""
    keep = [c for c in frame.columns if c == "account_id" or c in (columns or INPUT_COLUMNS)]
    return score_features(frame.select(keep).lazy(), algo.model, algo.calibration).select(
        "account_id", "score", "raw_score").collect()


def predictors(source: Source, algos: list[Algorithm]) -> dict[str, pl.DataFrame]:
    """name -> account_id, value (higher = more influential) for every algorithm and baseline."""
    out = {a.version: scored(source.frames[features_key(a)], a)
           .select("account_id", value=pl.col("raw_score") + pl.col("score") * 1e-9) for a in algos}
    base = source.frames[features_key(algos[0])]
    for col in BASELINES:
        if col in base.columns and base[col].drop_nulls().len():
            out[col] = base.select("account_id", value=pl.col(col).fill_null(0.0))
    return out


def rank_metrics(pred: pl.DataFrame, truth: pl.DataFrame, active: pl.DataFrame) -> tuple[float, int, int]:
    """(Spearman, hits, k) over the `active` accounts (someone reacted to them in the window: the rest tie at
    the bottom for every predictor): hits = how many of the top 1% (k accounts) by the predictor are in the
    top 1% by the truth; truth 0 where it has none."""
    both = (pred.join(active, on="account_id", how="semi")
            .join(truth.select("account_id", "truth"), on="account_id", how="left")
            .with_columns(pl.col("truth").fill_null(0.0)))
    rho = both.select(pl.corr(pl.col("value").rank("average"), pl.col("truth").rank("average"))).item()
    k = max(1, both.height // 100)
    # Ties at the cut are broken by id on both sides, the same way for every predictor.
    top = set(both.sort(["value", "account_id"], descending=[True, False]).head(k)["account_id"])
    best = set(both.sort(["truth", "account_id"], descending=[True, False]).head(k)["account_id"])
    return rho, len(top & best), k


def active(source: Source) -> pl.DataFrame:
    """Accounts someone reacted to in the window (of the first algorithm's features)."""
    frame = next(iter(source.frames.values()))
    return frame.filter(pl.col("distinct_reactors") > 0).select("account_id")


def is_train(ids: pl.Expr) -> pl.Expr:
    """Half the accounts, by a stable hash of the id: the fit sees these, the table reports the others."""
    return ids.map_elements(lambda s: zlib.crc32(s.encode()) % 2 == 0, return_dtype=pl.Boolean)


def pairs(source: Source, seed: int) -> pl.DataFrame:
    """Pairs (a, b, train) of accounts with a clear truth, the first more influential, both in one half."""
    key = features_key(load_algorithm("v1"))
    frame = source.frames[key]
    active = frame.filter((pl.col("distinct_reactors") > 0) | (pl.col("followers").fill_null(0) > 0)
                          if "followers" in frame.columns else pl.col("distinct_reactors") > 0)
    pool = (active.select("account_id").join(source.truth.select("account_id", "truth"), on="account_id",
                                             how="left")
            .with_columns(pl.col("truth").fill_null(0.0), train=is_train(pl.col("account_id"))))
    rng = np.random.default_rng(seed)
    out = []
    for train, half in sorted(pool.sort("account_id").partition_by("train", as_dict=True).items()):
        ids, truth = half["account_id"].to_numpy(), half["truth"].to_numpy()
        i, j = rng.integers(0, len(ids), (2, PAIRS_PER_SOURCE * 4))
        hi, lo = np.maximum(truth[i], truth[j]), np.minimum(truth[i], truth[j])
        clear = (hi >= PAIR_RATIO * lo) & (hi > 0) & (i != j)
        a = np.where(truth[i] >= truth[j], ids[i], ids[j])[clear][:PAIRS_PER_SOURCE // 2]
        b = np.where(truth[i] >= truth[j], ids[j], ids[i])[clear][:PAIRS_PER_SOURCE // 2]
        out.append(pl.DataFrame({"a": a, "b": b, "train": train[0]}))
    return pl.concat(out).with_columns(source=pl.lit(source.name))


def agreement(values: pl.DataFrame, pair_frame: pl.DataFrame) -> float:
    """Share of pairs where a's value is higher than b's (ties count half)."""
    v = dict(zip(values["account_id"].to_list(), values["value"].to_list(), strict=True))
    a = np.array([v.get(x, 0.0) for x in pair_frame["a"].to_list()])
    b = np.array([v.get(x, 0.0) for x in pair_frame["b"].to_list()])
    return float(((a > b) + 0.5 * (a == b)).mean())


def pair_values(source: Source, algos: list[Algorithm], columns: tuple[str, ...]) -> dict[str, pl.DataFrame]:
    """Like predictors, but each model sees only `columns` and is judged on its published integer score."""
    base = source.frames[features_key(algos[0])]
    out = {a.version: scored(source.frames[features_key(a)], a, columns)
           .select("account_id", value=pl.col("score").cast(pl.Float64)) for a in algos}
    for col in columns:
        if col in base.columns and base[col].drop_nulls().len():
            out[col] = base.select("account_id", value=pl.col(col).fill_null(0.0))
    return out


# ---- the fit (v3's weights) ---------------------------------------------------------------------------


def term_matrix(frame: pl.DataFrame, algo: Algorithm) -> pl.DataFrame:
    """account_id + the `terms` model's log terms on trusted volume (what the raw score sums), nulls as 0."""
    trust = 1.0 - algo.model.discount_strength * pl.col("suspect_share").fill_null(0.0).clip(0.0, 1.0)
    terms = log_terms(algo.model, trust)
    return with_unknowns(frame.lazy()).select(
        "account_id", *[terms[t].fill_null(0.0).alias(t) for t in TERMS]).collect()


def pair_differences(sources: list[Source], all_pairs: pl.DataFrame, algo: Algorithm, train: bool,
                     columns: tuple[str, ...] | None = None) -> np.ndarray:
    """X[a] - X[b] for the half's pairs (a more influential), over the term columns."""
    out = []
    for source in sources:
        frame = source.frames[features_key(algo)]
        if columns:
            frame = frame.select([c for c in frame.columns if c == "account_id" or c in columns])
        x = term_matrix(frame, algo)
        p = all_pairs.filter((pl.col("source") == source.name) & (pl.col("train") == train))
        xa = p.select(account_id="a").join(x, on="account_id", how="left", maintain_order="left").fill_null(0.0)
        xb = p.select(account_id="b").join(x, on="account_id", how="left", maintain_order="left").fill_null(0.0)
        out.append(xa.select(TERMS).to_numpy() - xb.select(TERMS).to_numpy())
    return np.vstack(out)


def fit_logistic(d: np.ndarray, l2: float, rw: np.ndarray) -> np.ndarray:
    """Weights w >= 0 minimising sum rw log(1 + exp(-d @ w)) + l2 |w|^2 (a pairwise logistic, no intercept;
    `rw` row weights summing to 1)."""
    rw = rw / rw.sum()

    def loss(w):
        z = d @ w
        p = 1.0 / (1.0 + np.exp(np.clip(z, -30, 30)))
        return rw @ np.logaddexp(0.0, -z) + l2 * w @ w, -(d * (rw * p)[:, None]).sum(axis=0) + 2 * l2 * w

    res = minimize(loss, np.full(d.shape[1], 0.1), jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * d.shape[1])
    return res.x


def fit(sources: list[Source], all_pairs: pl.DataFrame, algo: Algorithm) -> None:
    """Cross-validated pairwise logistic on the training half; prints folds and weights (for v3.yaml)."""
    # Each kind of truth (forward spread on Higgs, latent influence on generated data) and each column set (all
    # a source has, the outside check's) weighs the same: the weights must rank well in all four.
    blocks = [pair_differences(group, all_pairs, algo, True, columns)
              for group in ([s for s in sources if s.name.startswith("higgs")],
                            [s for s in sources if not s.name.startswith("higgs")])
              for columns in (None, OUTSIDE_COLUMNS)]
    d = np.vstack(blocks)
    rw = np.concatenate([np.full(len(b), 1.0 / len(b)) for b in blocks])
    rng = np.random.default_rng(0)
    folds = rng.integers(0, 5, len(d))
    print(f"fit: {len(d):,} training pair rows (2 truths x 2 column sets, each weighing 1/4), {len(TERMS)} terms, "
          "5-fold CV")
    best = None
    for l2 in (0.0, 1e-3, 1e-2, 3e-2, 1e-1):
        acc = []
        for f in range(5):
            w = fit_logistic(d[folds != f], l2, rw[folds != f])
            acc.append(float(rw[folds == f] @ ((d[folds == f] @ w) > 0) / rw[folds == f].sum()))
        print(f"  l2 {l2:g}: CV agreement {np.mean(acc):.4f} (folds {', '.join(f'{a:.3f}' for a in acc)})")
        if best is None or np.mean(acc) > best[0] + 1e-4:
            best = (float(np.mean(acc)), l2)
    w = fit_logistic(d, best[1], rw)
    print(f"  chosen l2 {best[1]:g}; weights on all training pairs:")
    print("  terms: {" + ", ".join(f"{t}: {v:.3f}" for t, v in zip(TERMS, w, strict=True)) + "}")
    test = pair_differences(sources, all_pairs, algo, False)
    print(f"  test-half agreement of these weights (raw score, full columns): {((test @ w) > 0).mean():.4f}")


# ---- the report ---------------------------------------------------------------------------------------


def quiet_change(quiet: dict, algo: Algorithm) -> float:
    a, b = (scored(quiet[n][features_key(algo)], algo).select("account_id", "score") for n in QUIET_NIGHTS)
    moved = a.join(b, on="account_id", suffix="_b").select((pl.col("score") - pl.col("score_b")).abs())
    return float(moved.to_series().median())


def where_planted_land(source: Source, truth: dict, algo: Algorithm) -> str:
    s = scored(source.frames[features_key(algo)], algo).sort(["score", "raw_score", "account_id"],
                                                               descending=[True, True, False])
    rank = {a: i + 1 for i, a in enumerate(s["account_id"].to_list())}
    k = max(1, s.height // 100)
    bots = [rank.get(b, s.height) for b in truth["bots"]]
    ring = [rank.get(m, s.height) for r in truth["rings"] for m in r]
    buyers = [rank.get(b["target"], s.height) for b in truth["bought_engagement"]]
    latent = source.truth.sort("truth", descending=True)["account_id"].to_list()
    latent_rank = {a: i + 1 for i, a in enumerate(latent)}
    buyer_truth = [latent_rank.get(b["target"]) for b in truth["bought_engagement"]]
    return (f"top 1% = {k}: bots {sum(r <= k for r in bots)}/{len(bots)} (best rank {min(bots, default='-')}), "
            f"ring members {sum(r <= k for r in ring)}/{len(ring)} (best {min(ring, default='-')}), "
            f"buyers ranked {buyers} (latent rank {buyer_truth})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--fit", action="store_true", help="fit the v3 terms on the training half and print them")
    parser.add_argument("--keep", type=Path, help="build the warehouses here and keep them")
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="clout-bench-validity-"))
    t0 = time.perf_counter()
    try:
        run(home, GeneratorParams(people=args.people, days=args.days, seed=args.seed), args.fit)
    finally:
        print(f"total {time.perf_counter() - t0:.1f} s, peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB, load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


def run(home: Path, params: GeneratorParams, fit_v3: bool = False, higgs_file: Path = HIGGS_FILE) -> None:
    """Build (or reuse) the two warehouses under `home`, then print the table (or, `fit_v3`, the fit)."""
    t0 = time.perf_counter()
    algos = [load_algorithm(v, require_calibration=not (fit_v3 and v == "v3")) for v in available_versions()]
    algos = [a for a in algos if a.calibration is not None or a.model.terms is not None]
    higgs, quiet = higgs_sources(home, algos, higgs_file)
    t_higgs = time.perf_counter() - t0
    gen, truth = generated_source(home, params, algos)
    t_gen = time.perf_counter() - t0 - t_higgs
    all_pairs = pl.concat([pairs(s, params.seed + i) for i, s in enumerate([*higgs, gen])])
    print(f"Higgs week landed and aggregated in {t_higgs:.1f} s; generated {params.people:,} people over "
          f"{params.days} days (seed {params.seed}) landed and aggregated in {t_gen:.1f} s; "
          f"{all_pairs.height:,} pairs ({all_pairs['train'].sum():,} training, the rest reported)")
    if fit_v3:
        fit([*higgs, gen], all_pairs, next(a for a in algos if a.model.terms is not None))
        return
    report(higgs, gen, truth, quiet, all_pairs, [a for a in algos if a.calibration is not None])


def report(higgs: list[Source], gen: Source, truth: dict, quiet: dict, all_pairs: pl.DataFrame,
           algos: list[Algorithm]) -> None:
    test = all_pairs.filter(~pl.col("train"))
    rows: dict[str, dict[str, str]] = {}
    forward: dict[str, list[tuple[float, float]]] = {}
    for source in higgs:
        for name, pred in predictors(source, algos).items():
            forward.setdefault(name, []).append(rank_metrics(pred, source.truth, active(source)))
    latent = {name: rank_metrics(pred, gen.truth, active(gen)) for name, pred in predictors(gen, algos).items()}
    for name in dict.fromkeys([*forward, *latent]):
        if name in forward:
            # Precision pooled over the nights (all hits / all k): 07-01's top 1% is 7 accounts, one hit 14 points.
            rho, prec = np.mean([f[0] for f in forward[name]]), sum(f[1] for f in forward[name]) / sum(
                f[2] for f in forward[name])
            rows.setdefault(name, {})["fwd rho"] = f"{rho:.3f}"
            rows[name]["fwd top1%"] = f"{prec:.3f}"
        if name in latent:
            rows.setdefault(name, {})["latent rho"] = f"{latent[name][0]:.3f}"
            rows[name]["latent top1%"] = f"{latent[name][1] / latent[name][2]:.3f}"
    for label, sources, columns in (("pairs higgs", higgs, SCORE_FEATURES), ("pairs gen", [gen], SCORE_FEATURES),
                                    ("pairs gen outside-cols", [gen], OUTSIDE_COLUMNS)):
        got: dict[str, list[tuple[float, int]]] = {}
        for source in sources:
            p = test.filter(pl.col("source") == source.name)
            for name, values in pair_values(source, algos, columns).items():
                got.setdefault(name, []).append((agreement(values, p), p.height))
        n = sum(h for _, h in next(iter(got.values())))
        for name, parts in got.items():
            rows.setdefault(name, {})[f"{label} (n={n:,})"] = f"{sum(a * h for a, h in parts) / n:.3f}"
    columns = list(dict.fromkeys(c for r in rows.values() for c in r))
    width = max(len(n) for n in rows) + 2
    print(f"{'':{width}}" + "".join(f"{c:>{max(len(c), 7) + 2}}" for c in columns))
    for name, r in rows.items():
        print(f"{name:{width}}" + "".join(f"{r.get(c, ''):>{max(len(c), 7) + 2}}" for c in columns))
    print("fwd: Higgs nights 07-01..07-04, score on night d vs distinct people reacting on d+1..d+3 (rho: mean of "
          "4 nights; top 1%: hits pooled over them); latent: generated data, last night vs latent influence "
          "(both over accounts someone reacted to); "
          "pairs: the test half, score (models, integer, ties half) or the raw column (baselines); "
          "outside-cols: only " + ", ".join(OUTSIDE_COLUMNS))
    for algo in algos:
        print(f"{algo.version}: generated, {where_planted_land(gen, truth, algo)}; quiet nights "
              f"{QUIET_NIGHTS[0]:%m-%d} -> {QUIET_NIGHTS[1]:%m-%d}: median |change| {quiet_change(quiet, algo):g}")


if __name__ == "__main__":
    main()
