"""Versioned algorithm config (transforms/algorithms/<version>.yaml) and its fingerprint.

The fingerprint hashes the config and the transform code: if either changes, the algorithm changed,
whatever the version string says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

ALGORITHMS_DIR = Path(__file__).parent / "algorithms"
TRANSFORMS_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Algorithm:
    version: str
    window_days: int
    half_life_days: float
    reactor_cap: float
    scale: float
    fingerprint: str


def available_versions() -> list[str]:
    return sorted(p.stem for p in ALGORITHMS_DIR.glob("*.yaml"))


def fingerprint(config_path: Path) -> str:
    digest = hashlib.sha256(config_path.read_bytes())
    for source in sorted(TRANSFORMS_DIR.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def load_algorithm(version: str = "v1") -> Algorithm:
    path = ALGORITHMS_DIR / f"{version}.yaml"
    if not path.is_file():
        known = ", ".join(available_versions())
        raise ValueError(f"unknown algorithm version {version!r}; committed versions: {known}")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    if config.get("version") != version:
        raise ValueError(f"{path}: its `version` field says {config.get('version')!r}, expected {version!r}")
    fields = {k: config[k] for k in ("window_days", "half_life_days", "reactor_cap", "scale")}
    return Algorithm(version=version, fingerprint=fingerprint(path), **fields)
