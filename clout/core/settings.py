"""Where clout keeps its files. One place, overridable by environment variables.

CLOUT_WAREHOUSE  path of the DuckDB warehouse file. Default: clout.duckdb in the user's data folder,
                 $XDG_DATA_HOME/clout/ (~/.local/share/clout/ when XDG_DATA_HOME is unset), never inside the
                 installed package. `make demo` sets it to ./warehouse/clout.duckdb of the checkout.
                 The published snapshot for readers, run reports and the landing folder live beside it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


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

    @property
    def kept_edges_dir(self) -> Path:
        """PageRank's sorted edges of each score chain, kept between nights (clout/score/impact_edges.py)."""
        return Path(f"{self.warehouse}.impact")


def load_settings(warehouse: str | os.PathLike | None = None) -> Settings:
    path = warehouse or os.environ.get("CLOUT_WAREHOUSE") or default_warehouse()
    return Settings(warehouse=Path(path).expanduser().resolve())


def default_warehouse() -> Path:
    """clout.duckdb in the user's data folder (XDG), outside the installed package."""
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "clout" / "clout.duckdb"
