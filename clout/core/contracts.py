"""ODCS v3 contracts in data_contracts/ turned into Great Expectations suites, and validated.

GX validates pandas frames reliably here (its DuckDB SQL path does not), so callers pass a frame: a pandas one, or a
Spark DataFrame (GX's Spark datasource).
`import great_expectations` costs seconds, so it happens inside `validate` (or beside a step that precedes an
audit: `import_gx_beside`), never at import time.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import yaml

from clout.core.contract_wording import describe
from clout.core.resources import CONTRACTS_DIR

if TYPE_CHECKING:  # landing reads the contracts too and never needs pandas (a second of every `clout land`)
    import pandas as pd


@dataclass(frozen=True)
class Finding:
    check: str
    column: str | None
    passed: bool
    detail: str


@dataclass
class ValidationReport:
    contract: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return all(f.passed for f in self.findings)

    def failures(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed]


@cache
def load_contract(name: str) -> dict:
    return yaml.safe_load((CONTRACTS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def contract_schema(name: str) -> dict:
    """The contract's first (and in clout, only) schema object."""
    return load_contract(name)["schema"][0]


def _expectations(schema: dict) -> list:
    from great_expectations import expectations as gxe

    props = schema["properties"]
    out = [gxe.ExpectTableColumnsToMatchSet(column_set=[p["name"] for p in props], exact_match=True)]
    for p in props:
        if p.get("required"):
            out.append(gxe.ExpectColumnValuesToNotBeNull(column=p["name"]))
        opts = p.get("logicalTypeOptions") or {}
        if "minimum" in opts or "maximum" in opts:
            out.append(gxe.ExpectColumnValuesToBeBetween(
                column=p["name"], min_value=opts.get("minimum"), max_value=opts.get("maximum")))
        if "enum" in opts:
            out.append(gxe.ExpectColumnValuesToBeInSet(column=p["name"], value_set=opts["enum"]))
    keys = sorted((p for p in props if p.get("primaryKey")), key=lambda p: p.get("primaryKeyPosition", 0))
    if len(keys) == 1:  # GX's compound check needs two or more columns
        out.append(gxe.ExpectColumnValuesToBeUnique(column=keys[0]["name"]))
    elif keys:
        out.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=[p["name"] for p in keys]))
    for rule in schema.get("quality", []):
        if rule.get("metric") == "rowCount" and "mustBeGreaterThan" in rule:
            out.append(gxe.ExpectTableRowCountToBeBetween(min_value=rule["mustBeGreaterThan"] + 1))
    return out


def _import_gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # no network calls home
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    import great_expectations.expectations  # noqa: F401  (what the audit's rules are made of)

    return gx


def import_gx_beside() -> threading.Thread:
    """Import Great Expectations in a thread while the caller works on (the score step, before the audit).

    The import is about 2.6 s of one core, paid by every process that audits (docs/benchmarks.md); the score step
    before it spends most of its time in DuckDB, Polars and numpy, which release the GIL, so the import costs the
    night nothing there. An import the main thread asks for meanwhile waits for this one (Python's module locks).
    """
    thread = threading.Thread(target=_import_gx, name="import-great-expectations", daemon=True)
    thread.start()
    return thread


def gx_results(frame: pd.DataFrame, name: str, expectations: list) -> list:
    """Great Expectations' results of `expectations` on `frame`, in a real GX ephemeral context: a pandas frame
    through GX's pandas datasource, a Spark DataFrame through its Spark datasource (GX's Spark execution engine on
    this process's SparkSession; the frame is not persisted: GX's metrics read it where it is)."""
    gx = _import_gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    spark = type(frame).__module__.startswith("pyspark.")
    source = (context.data_sources.add_spark(f"clout_{name}", persist=False) if spark
              else context.data_sources.add_pandas(f"clout_{name}"))
    batch = (
        source
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    return batch.validate(gx.ExpectationSuite(name=name, expectations=expectations)).results


def validate(frame: pd.DataFrame, contract: str) -> ValidationReport:
    """Validate `frame` (pandas, or a Spark DataFrame) against `data_contracts/<contract>.yaml`, row by row."""
    results = gx_results(frame, contract, _expectations(contract_schema(contract)))
    report = ValidationReport(contract)
    for r in results:
        cfg = r.expectation_config
        detail = describe(cfg.type, dict(cfg.kwargs), r.result)  # for a person: no dicts of numpy values
        report.findings.append(Finding(cfg.type, cfg.kwargs.get("column"), bool(r.success), detail))
    return report
