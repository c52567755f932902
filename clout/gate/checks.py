"""Contract checks on a candidate night: the static contract (data_contracts/) plus checks that depend on the
last published night (volume, share at the minimum score, score spread, networks kept), all run through
Great Expectations on the candidate frame. A failed check means a broken run: the night is held."""

from __future__ import annotations

import logging
import math
import os
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import polars as pl

from clout.contracts import contract_schema, validate


@dataclass(frozen=True)
class Check:
    name: str
    column: str | None
    passed: bool
    severity: str  # hold | warn
    detail: str

    def line(self) -> str:
        on = f" on {self.column}" if self.column else ""
        return f"check {self.name}{on} failed: {self.detail}"


@dataclass(frozen=True)
class Reference:
    """What the last published night looked like (None: there is no published night yet)."""

    rows: int
    networks: tuple[str, ...]
    share_at_min: float
    stdev: float

    @classmethod
    def of(cls, scores: pl.DataFrame, min_score: int) -> Reference:
        return cls(
            rows=scores.height,
            networks=tuple(sorted(scores["network"].unique().to_list())),
            share_at_min=float((scores["score"] == min_score).mean() or 0.0),
            stdev=float(scores["score"].std() or 0.0),
        )


def _dynamic_expectations(ref: Reference | None, cfg: dict) -> list:
    """Checks against the last published night; with no published night, only that scores are not all equal."""
    from great_expectations import expectations as gxe

    min_score = cfg["min_score"]
    if ref is None:
        return [gxe.ExpectColumnStdevToBeBetween(column="score", min_value=0, strict_min=True)]
    out = [
        gxe.ExpectTableRowCountToBeBetween(min_value=math.ceil(cfg["volume_min_ratio"] * ref.rows)),
        gxe.ExpectColumnStdevToBeBetween(
            column="score", min_value=cfg["stdev_min_ratio"] * ref.stdev, strict_min=ref.stdev == 0
        ),
    ]
    allowed_at_min = ref.share_at_min + cfg["min_score_max_rise"]
    if allowed_at_min < 1:
        out.append(gxe.ExpectColumnValuesToNotBeInSet(column="score", value_set=[min_score], mostly=1 - allowed_at_min))
    if cfg.get("networks_kept", True) and ref.networks:
        out.append(gxe.ExpectColumnDistinctValuesToContainSet(column="network", value_set=list(ref.networks)))
    return out


def _run_suite(frame: pd.DataFrame, name: str, expectations: list) -> list[Check]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas(f"clout_{name}")
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    result = batch.validate(gx.ExpectationSuite(name=name, expectations=expectations))
    checks = []
    for r in result.results:
        cfg = r.expectation_config
        res = r.result or {}
        detail = {k: res[k] for k in ("observed_value", "unexpected_count", "unexpected_percent") if k in res}
        bounds = {k: v for k, v in cfg.kwargs.items() if k in ("min_value", "max_value", "value_set", "mostly")}
        checks.append(Check(cfg.type, cfg.kwargs.get("column"), bool(r.success), "hold", f"{detail} expected {bounds}"))
    return checks


@contextmanager
def _no_batch_fingerprint():
    """GX hashes every value of a pandas frame under 1 GB only to label the batch (a marker nothing here reads):
    a large share of the validation time (docs/benchmarks.md). Its threshold is a module constant; lower it
    meanwhile."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    saved, engine.HASH_THRESHOLD = engine.HASH_THRESHOLD, 0
    try:
        yield
    finally:
        engine.HASH_THRESHOLD = saved


def _enum_columns(contract: str) -> set[str]:
    """Columns whose values the contract checks against a list: they must reach GX as they are."""
    return {p["name"] for p in contract_schema(contract)["properties"]
            if "enum" in (p.get("logicalTypeOptions") or {})}


def gx_frame(frame: pl.DataFrame, keep: set[str] = frozenset()) -> pl.DataFrame:
    """The frame as GX should get it: faster, with the same verdicts (measured in docs/benchmarks.md).
    GX's pandas paths for Arrow strings, Python date objects and narrow ints are slow, so: strings become dense
    integer codes (null stays null, equal stays equal: not-null and (compound) uniqueness verdicts are exactly
    the same), except columns checked against a value list; dates become datetimes; narrow ints and floats are
    widened to int64 / float64, the dtypes GX's range checks vectorise."""
    strings = [c for c, t in frame.schema.items() if t in (pl.String, pl.Categorical) and c not in keep]
    return frame.with_columns(
        *[pl.col(c).cast(pl.Categorical).to_physical().cast(pl.Int64) for c in strings],
        pl.col(pl.Date).cast(pl.Datetime("ms")),  # datetime64, not a column of Python date objects
        pl.col(pl.Int8, pl.Int16, pl.Int32, pl.UInt8, pl.UInt16, pl.UInt32).cast(pl.Int64),
        pl.col(pl.Float32).cast(pl.Float64),
    )


def run_checks(candidate: pl.DataFrame, ref: Reference | None, cfg: dict, contract: str = "candidate_scores",
               share_missing: float | None = None) -> list[Check]:
    """Every check of the candidate, passed or not. `candidate` has the contract's columns."""
    frame = gx_frame(candidate, _enum_columns(contract)).to_pandas()
    with _no_batch_fingerprint():
        static = validate(frame, contract)
    checks = [Check(f.check, f.column, f.passed, "hold", f.detail) for f in static.findings]
    # only the columns these checks read: GX hashes the whole frame it is given
    narrow = gx_frame(candidate.select(pl.col("network", "score")), keep={"network"}).to_pandas()
    with _no_batch_fingerprint():
        checks += _run_suite(narrow, f"{contract}_vs_last_night", _dynamic_expectations(ref, cfg))
    if share_missing is not None:
        limit = cfg["missing_max_share"]
        checks.append(Check(
            "accounts_kept", None, share_missing <= limit, "hold",
            f"{share_missing:.1%} of the last published night's accounts are absent (at most {limit:.0%})",
        ))
    return checks
