"""Fixtures for consent tests; the builders are in consentkit.py."""

from __future__ import annotations

import pytest
from consentkit import build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A warehouse with two published nights (2012-07-01, 02) of Higgs + tweets + identity links."""
    return build_world(tmp_path_factory.mktemp("consent"))
