"""The files clout ships beside its code, read through importlib.resources so a built wheel carries them.

The repository keeps them in top-level folders; pyproject.toml's `package-dir` ships each as a data package:

  sql/             -> clout.sql             one statement per file, named `<folder>/<name>` by run_sql
  data_contracts/  -> clout.data_contracts  ODCS v3 contracts
  config/          -> clout.config          gate.yaml
  data/            -> transforms.data       the Klout ontology topics match against and the Higgs week the
                                            calibrations are built from (and the demo lands)

clout is installed unzipped (a wheel, or an editable checkout), so each is a folder on disk.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def folder(package: str) -> Path:
    root = files(package)
    if not isinstance(root, Path):  # a zipped install: not supported (DuckDB and Polars read real files)
        raise RuntimeError(f"{package} is not a folder on disk ({root!r}); install clout unzipped")
    return root


SQL_DIR = folder("clout.sql")
CONTRACTS_DIR = folder("clout.data_contracts")
GATE_CONFIG = folder("clout.config") / "gate.yaml"
SAMPLE_DATA_DIR = folder("transforms.data")
HIGGS_FILE = SAMPLE_DATA_DIR / "higgs" / "higgs-activity_time.txt.gz"
