"""Helpers for the model tests: small frames, scored with the committed algorithm v1."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # `bench.synthetic` for the generated-data tests

from transforms.algorithm import load_algorithm  # noqa: E402


@pytest.fixture(scope="session")
def v1():
    return load_algorithm("v1")


