"""Versioned algorithm config (transforms/algorithms/<version>.yaml), its calibration, and its fingerprint.

Every weight, window, decay, damping and threshold of the score lives in the YAML file, never in code. The
fingerprint hashes the config, the version's frozen calibration and the scoring code: if any of them changes,
the algorithm changed, whatever the version string says.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import MISSING, dataclass, fields
from pathlib import Path

import yaml

TRANSFORMS_DIR = Path(__file__).parent
ALGORITHMS_DIR = TRANSFORMS_DIR / "algorithms"
CALIBRATION_DIR = TRANSFORMS_DIR / "calibration"
# The scoring code the fingerprint covers. Parsers and gate rules live in transforms/ too but do not score: a
# parser fix must not count as an algorithm change. tests/model/test_algorithm.py checks that every transforms
# module the scoring code imports is listed here.
SCORING_CODE = ("algorithm.py", "features.py", "network_impact.py", "model.py", "scores.py", "topics.py",
                "explain.py", "calibration/__init__.py")
KINDS = ("reposts", "quotes", "replies", "mentions", "likes")
# The log terms of a `terms` model (v3), in the order of their parts (see transforms/model.py).
TERMS = ("reactors", "reposts", "quotes", "replies", "mentions", "likes", "per_post", "impact", "followers", "lists")


@dataclass(frozen=True)
class FeatureParams:
    """How the window's engagement graph becomes per-account features (transforms/features.py)."""

    half_life_days: float  # a reaction's weight halves every this many days (inactivity decays gently)
    reactor_full_weight_targets: int  # reactors who react to more distinct accounts than this count less
    reactor_weight_exponent: float  # weight = (full_weight_targets / targets) ** exponent, at most 1
    ring_reciprocal_threshold: float  # share of engagement from accounts reacted to in return from which = ring
    ring_reciprocal_floor: float  # below this share mutual reacting is ordinary; the discount fades in above it
    fresh_days: int  # an account first seen this recently (on a network observed longer) is "fresh"
    low_activity_targets: int  # a fresh reactor reacting to at most this many accounts is "low-activity"
    burst_min_history_days: int  # on a younger network, a newcomer needs this much history before it to be fresh ...
    burst_min_reactors: int  # ... and to arrive in a burst: at least this many newcomers on one target in a day,
    burst_ratio: float  # this many times what the day's newcomer-to-established ratio explains


@dataclass(frozen=True)
class ImpactParams:
    """PageRank-style network impact (transforms/network_impact.py)."""

    damping: float
    tolerance: float
    max_iterations: int


@dataclass(frozen=True)
class ModelParams:
    """The pure scoring function (transforms/model.py)."""

    kind_weights: dict[str, float]  # reposts, quotes, replies, mentions, likes
    repeat_cap: float  # reactions beyond this many per distinct reactor count only logarithmically
    reach: float
    engagement: float
    rate: float
    impact: float
    audience: float
    discount_strength: float  # 1.0 removes all suspect engagement, 0.0 ignores the signal
    other_networks_weight: float  # person score: share of the other networks' raw score added to the best one
    # v3 on: the raw score is a sum of fitted weights x ln(1 + feature), one weight per term (TERM_PARTS in
    # transforms/model.py names the part each term belongs to); the part weights above then scale whole parts.
    terms: dict[str, float] | None = None


@dataclass(frozen=True)
class TopicParams:
    """Topic influence (transforms/topics.py)."""

    min_posts: int
    min_days: int
    min_reactors: int
    parent_damping: float
    max_depth: int
    keyword_weight: float
    top_n: int


@dataclass(frozen=True)
class Calibration:
    """Frozen map from raw score to 1..100: raw `knots[i]` scores `points[i]`, linear in between."""

    knots: tuple[float, ...]
    points: tuple[float, ...]
    reference: str


@dataclass(frozen=True)
class Algorithm:
    version: str
    window_days: int
    features: FeatureParams
    impact: ImpactParams
    model: ModelParams
    topics: TopicParams
    calibration: Calibration | None
    fingerprint: str

    @property
    def half_life_days(self) -> float:
        return self.features.half_life_days


def available_versions() -> list[str]:
    return sorted(p.stem for p in ALGORITHMS_DIR.glob("*.yaml"))


def scoring_sources() -> list[Path]:
    return [TRANSFORMS_DIR / name for name in SCORING_CODE]


def code_fingerprint(config_path: Path) -> str:
    """Config + scoring code, without the calibration (which is built from them)."""
    digest = hashlib.sha256(config_path.read_bytes())
    for source in scoring_sources():
        digest.update(source.relative_to(TRANSFORMS_DIR).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def calibration_path(version: str) -> Path:
    return CALIBRATION_DIR / f"{version}.json"


def fingerprint(config_path: Path, version: str | None = None) -> str:
    digest = hashlib.sha256(code_fingerprint(config_path).encode())
    cal = calibration_path(version or config_path.stem)
    if cal.is_file():
        digest.update(cal.read_bytes())
    return digest.hexdigest()[:16]


def _build(cls, section: dict, where: str):
    names = {f.name for f in fields(cls)}
    required = {f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING}
    missing, extra = required - section.keys(), section.keys() - names
    if missing or extra:
        raise ValueError(f"{where}: missing {sorted(missing)} / unknown {sorted(extra)} settings")
    return cls(**section)


def load_calibration(version: str) -> Calibration | None:
    path = calibration_path(version)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Calibration(tuple(data["knots"]), tuple(data["points"]), data["reference"])


def load_algorithm(version: str = "v1", require_calibration: bool = True) -> Algorithm:
    path = ALGORITHMS_DIR / f"{version}.yaml"
    if not path.is_file():
        known = ", ".join(available_versions())
        raise ValueError(f"unknown algorithm version {version!r}; committed versions: {known}")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    if config.get("version") != version:
        raise ValueError(f"{path}: its `version` field says {config.get('version')!r}, expected {version!r}")
    model = dict(config["model"])
    weights = model.pop("weights")
    model_params = _build(ModelParams, model | weights, f"{path} model")
    if set(model_params.kind_weights) != set(KINDS):
        raise ValueError(f"{path}: model.kind_weights must name exactly {', '.join(KINDS)}")
    if model_params.terms is not None and set(model_params.terms) != set(TERMS):
        raise ValueError(f"{path}: model.terms must name exactly {', '.join(TERMS)}")
    calibration = load_calibration(version)
    if calibration is None and require_calibration:
        raise ValueError(f"algorithm {version} has no frozen calibration; build it once with "
                         f"`python -m transforms.calibration {version}` and commit {calibration_path(version).name}")
    return Algorithm(
        version=version,
        window_days=int(config["window_days"]),
        features=_build(FeatureParams, config["features"], f"{path} features"),
        impact=_build(ImpactParams, config["impact"], f"{path} impact"),
        model=model_params,
        topics=_build(TopicParams, config["topics"], f"{path} topics"),
        calibration=calibration,
        fingerprint=fingerprint(path, version),
    )
