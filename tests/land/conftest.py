"""Fixtures for landing tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from landkit import FIXTURES


@pytest.fixture
def fixture_copy(tmp_path):
    """A writable copy of a fixture folder (tests break copies, never the originals)."""
    def copy(name: str) -> Path:
        dest = tmp_path / "in" / name
        shutil.copytree(FIXTURES / name, dest)
        return dest
    return copy
