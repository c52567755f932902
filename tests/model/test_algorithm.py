"""Algorithm versions: config + calibration + code fingerprint, and frozen calibrations that match their build."""

from __future__ import annotations

import ast
import shutil

import pytest

from transforms import algorithm
from transforms.algorithm import available_versions, load_algorithm
from transforms.calibration import build


def test_every_committed_version_loads_with_a_distinct_fingerprint():
    versions = available_versions()
    assert {"v1", "v1_1", "v2"} <= set(versions)
    algos = [load_algorithm(v) for v in versions]
    assert len({a.fingerprint for a in algos}) == len(algos)
    assert load_algorithm("v1").window_days == 90 and load_algorithm("v2").window_days == 7


@pytest.mark.parametrize("version", ["v1", "v1_1", "v2", "v3"])
def test_committed_calibration_is_what_the_reference_population_gives(version):
    """If this fails, the scoring code or config changed without rebuilding the frozen scale on purpose:
    run `python -m transforms.calibration VERSION` and commit, knowing every score moves."""
    fresh, committed = build(version), load_algorithm(version).calibration
    assert fresh.points == committed.points
    assert fresh.knots == pytest.approx(committed.knots, rel=1e-9)
    assert list(committed.knots) == sorted(committed.knots) and len(set(committed.knots)) == len(committed.knots)


def test_fingerprint_covers_config_calibration_and_code(tmp_path, monkeypatch):
    root = tmp_path / "transforms"
    shutil.copytree(algorithm.TRANSFORMS_DIR, root, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(algorithm, "TRANSFORMS_DIR", root)
    monkeypatch.setattr(algorithm, "ALGORITHMS_DIR", root / "algorithms")
    monkeypatch.setattr(algorithm, "CALIBRATION_DIR", root / "calibration")
    base = load_algorithm("v1").fingerprint
    for path, edit in [
        (root / "model.py", lambda t: t + "\n# a comment is a code change\n"),
        (root / "calibration" / "v1.json", lambda t: t.replace("97.0", "96.0")),
        (root / "algorithms" / "v1.yaml", lambda t: t.replace("min_posts: 3", "min_posts: 4")),
    ]:
        before = load_algorithm("v1").fingerprint
        path.write_text(edit(path.read_text()))
        assert load_algorithm("v1").fingerprint != before, path.name
    after = load_algorithm("v1").fingerprint
    (root / "generic_interactions.py").write_text("# parsers are not scoring code\n")
    assert after != base and load_algorithm("v1").fingerprint == after


def test_every_transforms_module_the_scoring_code_imports_is_fingerprinted():
    listed = set(algorithm.SCORING_CODE)
    for name in algorithm.SCORING_CODE:
        tree = ast.parse((algorithm.TRANSFORMS_DIR / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("transforms."):
                module = node.module.removeprefix("transforms.").replace(".", "/")
                assert f"{module}.py" in listed or f"{module}/__init__.py" in listed, (name, node.module)


def test_bad_configs_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(algorithm, "ALGORITHMS_DIR", tmp_path)
    (tmp_path / "v7.yaml").write_text((algorithm.TRANSFORMS_DIR / "algorithms" / "v1.yaml").read_text()
                                      .replace("version: v1", "version: v7"))
    with pytest.raises(ValueError, match="no frozen calibration"):
        load_algorithm("v7")
    (tmp_path / "v8.yaml").write_text("version: v9\n")
    with pytest.raises(ValueError, match="expected 'v8'"):
        load_algorithm("v8")
    with pytest.raises(ValueError, match="unknown algorithm version"):
        load_algorithm("nope")
