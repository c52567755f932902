"""Where clout keeps its files. One place, overridable by environment variables.

CLOUT_WAREHOUSE  path of the DuckDB warehouse file. Default, inside a source checkout of clout (where `make`
                 installs it): the checkout's warehouse/clout.duckdb, where `make demo` and `make airflow` keep
                 theirs, so the README's commands find the demo's warehouse; elsewhere (an installed wheel, or
                 another folder): clout.duckdb in the user's data folder, $XDG_DATA_HOME/clout/
                 (~/.local/share/clout/ when XDG_DATA_HOME is unset), never inside the installed package.
                 The published snapshot for readers, run reports and the landing folder live beside it.
CLOUT_LAKE       the Spark engine's lake of Parquet datasets (clout/core/lake.py): a folder path or a file:// URL
                 that the driver, Spark's executors and DuckDB all read. Default: `<warehouse file>.lake` beside it.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from clout.core.errors import CloutError

# What the first night of a warehouse scores with when no algorithm is named, and what `clout score-features` scores
# with: the released version that the validity harness measures best on every test (forward spread, latent truth,
# labelled pairs: docs/algorithm.md, "The validity harness and the figures"). v1 stays for the histories built on it
# (a warehouse keeps its history's algorithm: clout.pipeline.live_algorithm).
FIRST_ALGORITHM = "v3"


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

    @property
    def lake_dir(self) -> Path:
        """The Spark engine's Parquet datasets (clout/core/lake.py): CLOUT_LAKE, else `<warehouse>.lake`."""
        return lake_path(self.warehouse)


LAKE_ENV = "CLOUT_LAKE"


def lake_path(warehouse: str | os.PathLike) -> Path:
    """CLOUT_LAKE (an absolute folder path or a file:// URL), else `<warehouse>.lake` beside the warehouse file."""
    value = os.environ.get(LAKE_ENV, "").strip()
    if not value:
        return Path(f"{warehouse}.lake")
    url = urlparse(value)
    if url.scheme == "file":
        if url.netloc not in ("", "localhost"):
            raise CloutError(f"{LAKE_ENV}={value!r}: a file:// URL names a folder on this machine (file:///path); "
                             "for a shared one, mount it and give its path")
        path = Path(unquote(url.path))
    elif url.scheme and len(url.scheme) > 1:  # a drive letter is not a scheme
        raise CloutError(f"{LAKE_ENV}={value!r}: the lake must be a folder path or a file:// URL (a folder every "
                         "node mounts at the same path): its partitions are swapped in by renames, which object "
                         "stores do not make atomic")
    else:
        path = Path(value).expanduser()
    if not path.is_absolute():  # each process (an Airflow worker, a shell) would find another folder
        raise CloutError(f"{LAKE_ENV}={value!r}: give the lake's absolute path")
    if any(c in str(path) for c in "*?[]{}"):  # Spark and DuckDB read a partition's path as a glob
        raise CloutError(f"{LAKE_ENV}={value!r}: a lake's path cannot hold * ? [ ] {{ }}")
    return path.resolve()


def load_settings(warehouse: str | os.PathLike | None = None) -> Settings:
    path = warehouse or os.environ.get("CLOUT_WAREHOUSE") or default_warehouse()
    return Settings(warehouse=Path(path).expanduser().resolve())


def default_warehouse() -> Path:
    """The checkout's warehouse/clout.duckdb when run inside the source checkout clout runs from, else
    clout.duckdb in the user's data folder (XDG), outside the installed package."""
    checkout = source_checkout()
    if checkout is not None:
        with contextlib.suppress(OSError):  # a current directory that was deleted: not inside the checkout
            here = Path.cwd().resolve()
            if here == checkout or checkout in here.parents:
                return checkout / "warehouse" / "clout.duckdb"
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "clout" / "clout.duckdb"


def elsewhere_hint(warehouse: Path) -> str:
    """When `warehouse` is missing but the checkout clout runs from has one (the demo's, and clout was started
    outside the checkout): where it is and how to use it; else ""."""
    checkout = source_checkout()
    demo = checkout / "warehouse" / "clout.duckdb" if checkout else None
    if demo is None or not demo.exists() or warehouse.resolve() == demo.resolve():
        return ""
    return (f" (the checkout's warehouse, where `make demo` keeps it, is {demo}: run clout inside {checkout}, "
            f"or set CLOUT_WAREHOUSE={demo})")


def source_checkout() -> Path | None:
    """The source checkout this clout package runs from (an editable install: the folder holding its Makefile and
    pyproject.toml), or None for an installed wheel."""
    root = Path(__file__).resolve().parents[2]  # clout/core/settings.py -> the checkout
    if (root / "Makefile").is_file() and (root / "pyproject.toml").is_file() and (root / "clout").is_dir():
        return root
    return None
