"""Where clout keeps its files. One place, overridable by environment variables.

CLOUT_WAREHOUSE  path of the DuckDB warehouse file (default: <project>/warehouse/clout.duckdb).
                 The published snapshot for readers, run reports and the landing folder live beside it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = PROJECT_ROOT / "sql"
CONTRACTS_DIR = PROJECT_ROOT / "data_contracts"
SAMPLE_DATA_DIR = PROJECT_ROOT / "data"
HIGGS_FILE = SAMPLE_DATA_DIR / "higgs" / "higgs-activity_time.txt.gz"


@dataclass(frozen=True)
class Settings:
    warehouse: Path

    @property
    def home(self) -> Path:
        return self.warehouse.parent

    @property
    def snapshot_dir(self) -> Path:
        """Parquet partitions and catalog files that readers open, one catalog per publish."""
        return self.home / "published"

    @property
    def published_catalog(self) -> Path:
        """Symlink to the live read-only catalog; the publish step swaps it atomically."""
        return self.home / "published.duckdb"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def landing_dir(self) -> Path:
        return self.home / "landing"


def load_settings(warehouse: str | os.PathLike | None = None) -> Settings:
    path = warehouse or os.environ.get("CLOUT_WAREHOUSE") or PROJECT_ROOT / "warehouse" / "clout.duckdb"
    return Settings(warehouse=Path(path).expanduser().resolve())
