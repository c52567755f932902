"""Erasure: remove opted-out accounts from every table and every published file.

What to touch is discovered, not listed: every base table's columns are read from information_schema and
classified by name, so tables other stages add later are covered without changing this module.

  owner columns       (account_id, actor_id, target_id, author_id, follower_id, ...): the row is theirs, or an
                      interaction they made or received: deleted, so it counts for nobody.
  reference columns   (reply_to_author_id, ...): someone else's row that points at them: pseudonymised.
  `account_ids` lists (raw records, quarantine): deleted when they are the record's first account (their own
                      record), else the record is someone else's: list and text pseudonymised.
  other lists         (mentions, ...): elements that name them are pseudonymised.
  text columns        (payloads, quarantined lines, post text, file paths, messages): ids and handles
                      inside them are pseudonymised.
"""

from __future__ import annotations

import getpass
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from clout.consent.registry import Request, Target, register
from clout.core import faults
from clout.core.errors import CloutError
from clout.core.lake import known_roots
from clout.core.settings import Settings
from clout.core.warehouse import query, run_sql, transaction

# What renders a run report's data again from the erased tables (clout.audit.report.render_movers_again): the
# audit sits above consent, so clout/__init__.py hands it in. Returns whether the file was rewritten.
REPORT_RENDERERS: list[Callable[[duckdb.DuckDBPyConnection, Path], bool]] = []
# Whether a report's data is rendered from the tables (clout.audit.report.has_movers_section), so the text search
# leaves it to REPORT_RENDERERS.
REPORTS_RENDERED_FROM_TABLES: list[Callable[[Path], bool]] = []

OWNER_COLUMNS = {
    "account_id", "actor_id", "target_id", "author_id", "follower_id", "followed_id", "best_account_id",
    "repost_of_author_id", "quote_of_author_id", "person_id", "reactor_id", "reacted_to_id",
}
REFERENCE_COLUMNS = {"reply_to_author_id", "in_reply_to_account_id", "mentioned_id"}
OWNER_LISTS = {"account_ids"}
# Text columns that never hold a person's id or handle (codes, hashes, versions): not scanned.
NOT_TEXT = {
    "network", "kind", "kind_raw", "entity", "format", "sha256", "fingerprint", "algorithm_version", "status",
    "outcome", "action", "run_id", "topic_id", "topic_slug", "topic_name", "source", "severity", "verdict",
    "metric", "scope", "part", "basis", "attribution",
}
PAIRS = (("actor_id", "target_id"), ("follower_id", "followed_id"))
SHORT_ID = 4  # ids shorter than this ("7") are replaced in text only as a quoted JSON string ("7")
TEXT_SUFFIXES = {".html", ".htm", ".json", ".csv", ".md", ".txt", ".svg", ".log"}


@dataclass(frozen=True)
class Column:
    table: str  # schema.table
    name: str
    data_type: str


@dataclass
class ErasureResult:
    erasure_id: int
    accounts: int
    rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (table, action) -> rows
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    partitions: int = 0  # published Parquet partitions rewritten without them

    @property
    def rows_changed(self) -> int:
        return sum(self.rows.values())


def discover(con: duckdb.DuckDBPyConnection) -> dict[str, list[Column]]:
    """Every base table and its columns (clout's consent records excluded)."""
    tables: dict[str, list[Column]] = {}
    for schema, table, column, data_type, _ in query(con, "consent/discover_columns").fetchall():
        name = f"{schema}.{table}"
        tables.setdefault(name, []).append(Column(name, column, data_type))
    return tables


def _net(columns: list[Column]) -> str:
    return "t.network" if any(c.name == "network" for c in columns) else "null"


def _is_list(c: Column) -> bool:
    return c.data_type.upper() in ("VARCHAR[]", "TEXT[]")


def _is_text(c: Column) -> bool:
    return c.data_type.upper() == "VARCHAR"


def _is_scanned_text(c: Column) -> bool:
    """Free text that may quote a person: strings and JSON documents (gate findings, run messages)."""
    return c.data_type.upper() in ("VARCHAR", "JSON") and c.name not in OWNER_COLUMNS | REFERENCE_COLUMNS | NOT_TEXT


def _run(con, name: str, table: str, column: str, net: str, **params) -> int:
    rows = run_sql(con, f"consent/{name}", {"table": table, "column": column, "net": net}, **params).fetchall()
    return int(rows[0][0]) if rows else 0


def _register_tokens(con, targets: list[Target]) -> None:
    frame = pl.DataFrame(
        [(t.network, token, t.pseudonym) for t in targets for token in sorted(t.tokens())],
        schema={"network": pl.String, "token": pl.String, "pseudonym": pl.String}, orient="row",
    )
    con.register("erase_tokens_frame", frame.to_arrow())
    con.execute("create or replace temp table erase_tokens as select * from erase_tokens_frame")
    con.unregister("erase_tokens_frame")


def text_patterns(targets: list[Target]) -> list[tuple[str, str]]:
    """(pattern, pseudonym) per target: handles and ids as whole words (a short id such as "7" only as a quoted
    JSON string, so counts and dates are left alone). Case-insensitive; RE2 and Python `re` read them alike."""
    out = []
    for t in targets:
        tokens = t.tokens()
        long_tokens = sorted((x for x in tokens if len(x) >= SHORT_ID or not x.isalnum()), key=len, reverse=True)
        short_ids = sorted(x for x in tokens if len(x) < SHORT_ID and x.isalnum())
        if long_tokens:
            alt = "|".join(re.escape(x) for x in long_tokens)
            out.append((rf"(^|[^A-Za-z0-9_@])({alt})([^A-Za-z0-9_]|$)", t.pseudonym))
        if short_ids:
            out.append((rf'(")({"|".join(re.escape(x) for x in short_ids)})(")', t.pseudonym))
    return out


# Parts of a run report that hold no data: its stylesheet and the inlined plotly.js library. An id like "1001" or a
# handle like "ada" can occur there ("z-index:1001", a month name), and rewriting code would break the report.
_REPORT_CODE = re.compile(r"<style[^>]*>.*?</style>|<script[^>]*>\s*/\*\*?\s*\*\s*plotly\.js.*?</script>",
                          re.DOTALL | re.IGNORECASE)


def pseudonymise_html(text: str, targets: list[Target]) -> str:
    """pseudonymise_text on a report's data and prose, leaving its stylesheet and library code untouched."""
    out, last = [], 0
    for code in _REPORT_CODE.finditer(text):
        out += [pseudonymise_text(text[last:code.start()], targets), code.group(0)]
        last = code.end()
    return "".join(out) + pseudonymise_text(text[last:], targets)


def pseudonymise_text(text: str, targets: list[Target]) -> str:
    """The Python twin of sql/consent/pseudonymise_text.sql, for files on disk (reports)."""
    for pattern, pseudonym in text_patterns(targets):
        rx = re.compile(pattern, re.IGNORECASE)
        for _ in range(2):  # adjacent matches share a separator
            text = rx.sub(lambda m, p=pseudonym: m.group(1) + p + m.group(3), text)
    return text


def erase_in_tables(con: duckdb.DuckDBPyConnection, erasure_id: int, targets: list[Target]) -> dict:
    """Delete and pseudonymise in every table; call inside a transaction. Returns rows per (table, action)."""
    _register_tokens(con, targets)
    tables = discover(con)
    counts: dict[tuple[str, str], int] = {}

    def add(table: str, action: str, n: int) -> None:
        if n:
            counts[(table, action)] = counts.get((table, action), 0) + n

    for table, n in _erase_state(con).items():  # before the id columns' deletes take the codes' accounts
        add(table, "deleted", n)
    for table, columns in tables.items():  # neighbours first: the rows that say who they are go next
        names = {c.name for c in columns}
        for a, b in PAIRS:
            if {a, b, "network"} <= names:
                run_sql(con, "consent/neighbours", {"table": table, "a": a, "b": b}, erasure_id=erasure_id)
    for table, columns in tables.items():
        net = _net(columns)
        for c in columns:
            if c.name in OWNER_COLUMNS and _is_text(c):
                add(table, "deleted", _run(con, "delete_by_id", table, c.name, net))
            elif c.name in OWNER_LISTS and _is_list(c):
                add(table, "deleted", _run(con, "delete_by_owner_list", table, c.name, net))
        for c in columns:
            if c.name in REFERENCE_COLUMNS and _is_text(c):
                add(table, "pseudonymised", _run(con, "pseudonymise_id", table, c.name, net))
            elif _is_list(c):
                add(table, "pseudonymised", _run(con, "pseudonymise_list", table, c.name, net))
            elif _is_scanned_text(c):
                for pattern, pseudonym in text_patterns(targets):
                    add(table, "pseudonymised", _run(con, "pseudonymise_text", table, c.name, net,
                                                     pattern="(?i)" + pattern, replacement=rf"\1{pseudonym}\3"))
    con.execute("drop table if exists erase_tokens; drop table if exists erased_chains")
    return counts


# The score state (docs/state.md), by chain: each keys an account's pairs, journals and PageRank vector by its code.
STATE_TABLES = ("state.score_pairs", "state.score_pair_journal", "state.score_account_journal", "state.score_impact",
                "state.score_days", "state.score_accounts", "meta.score_chains")


def _erase_state(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Every chain of the score state that holds an erased account is dropped whole, not only the rows its id
    names: the rest name it by its code (the pairs with its neighbours, the journals, the PageRank vectors). Its
    algorithm's next night rebuilds the chain from the window, as the changed exclusions make it do anyway."""
    run_sql(con, "consent/erased_chains")
    return {t: int(run_sql(con, "consent/delete_chains", {"table": t}).fetchall()[0][0]) for t in STATE_TABLES}


def erase(
    con: duckdb.DuckDBPyConnection, settings: Settings, optout_id: int, targets: list[Target], trigger: str,
    on_step: Callable[[str], None] = lambda step: None,
) -> ErasureResult:
    """Erase `targets` everywhere, as durable work in three parts:

    1. files that only a text search can clean (Parquet and text files outside the snapshot and the run reports):
       done while the tables still name them, so a crash here is redone from the tables by the next command;
    2. every table, with the erasure's log rows and a pending mark, in one transaction: after it commits no table
       names them and the log counts every row;
    3. the published snapshot and the run reports, rewritten from the erased tables (no ids needed): redone by
       the next clout command that writes until it completes (clout.consent.pending).

    `on_step` is called with each part's name as it starts.
    """
    started = time.perf_counter()
    result = ErasureResult(0, len({(t.network, t.pseudonym) for t in targets}))
    on_step("scrubbing files outside the snapshot")
    _scrub_files(con, settings, targets, result)
    faults.point("erase:after_text_files")
    on_step("erasing from the tables")
    with transaction(con):
        result.erasure_id = con.execute("select nextval('meta.erasure_id_seq')").fetchall()[0][0]
        for key, n in erase_in_tables(con, result.erasure_id, targets).items():
            result.rows[key] = result.rows.get(key, 0) + n
        con.execute(
            "insert into meta.erasures values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [result.erasure_id, optout_id, trigger, result.accounts, result.rows_changed, 0,
             datetime.now(UTC).replace(tzinfo=None), getpass.getuser(), time.perf_counter() - started])
        for (table, action), n in sorted(result.rows.items()):
            con.execute("insert into meta.erasure_log values (?, ?, ?, ?)", [result.erasure_id, table, action, n])
        run_sql(con, "consent/pending_add", erasure_id=result.erasure_id)
    faults.point("erase:after_tables")
    on_step("rewriting the published files and reports")
    finish_files(con, settings, result.erasure_id, result)
    result.seconds = time.perf_counter() - started
    return result


def register_and_erase(con: duckdb.DuckDBPyConnection, settings: Settings, request: Request, subject_key: str,
                       targets: list[Target], trigger: str, on_step: Callable[[str], None] = lambda step: None,
                       ) -> tuple[int, ErasureResult]:
    """Record the opt-out (its source's ids and handles as pseudonyms: the source is free text, "DM from @ada"),
    then erase its accounts everywhere; returns (opt-out id, erasure). Durable once registered."""
    request = replace(request, source=pseudonymise_text(request.source, targets))
    with transaction(con):
        optout_id = register(con, request, subject_key, targets)
    faults.point("optout:registered")  # durable from here: a crash is finished by the next command
    return optout_id, erase(con, settings, optout_id, targets, trigger=trigger, on_step=on_step)


def finish_files(con: duckdb.DuckDBPyConnection, settings: Settings, erasure_id: int,
                 result: ErasureResult | None = None) -> None:
    """Part 3 of an erasure whose tables committed: published partitions of the tables it changed rewritten from
    the warehouse, stale partitions and old catalogs removed, a new catalog, run reports rendered again; then the
    counts go to the log and the erasure waits only for compaction. Safe to run again after a crash anywhere."""
    from clout.core.snapshot import drop_old_catalogs, refresh_snapshot, remove_stale_partitions, rewrite_partitions

    started = time.perf_counter()
    tables = [t for (t,) in query(con, "consent/erased_tables", erasure_id=erasure_id).fetchall()]
    rewritten = rewrite_partitions(con, settings, tables)
    removed = remove_stale_partitions(con, settings)
    faults.point("erase:after_parquet")
    if con.execute("select count(*) from published.nights").fetchall()[0][0]:
        drop_old_catalogs(settings, refresh_snapshot(con, settings))
    faults.point("erase:after_catalog")
    reports = [p for p in sorted(settings.reports_dir.glob("*.html"))
               if any([render(con, p) for render in REPORT_RENDERERS])]
    faults.point("erase:after_reports")
    # PageRank's kept edges hold the codes of the chains the erasure dropped (_erase_state): gone with them, the next
    # night reads the state again. An erasure that dropped no chain (an account never scored) leaves them.
    dropped = query(con, "consent/dropped_chains", erasure_id=erasure_id).fetchall()[0][0]
    edges = dropped and settings.kept_edges_dir.exists()
    if edges:
        shutil.rmtree(settings.kept_edges_dir, ignore_errors=True)
    # The Spark engine's lakes (clout/core/lake.py) hold copies of raw, staging, marts, state and candidate rows:
    # every lake the warehouse wrote is removed whole (the next Spark nights write their partitions again from the
    # erased warehouse). A folder that cannot be removed fails the erasure's last part, which the next writer runs
    # again (consent.pending): never logged as gone while a copy is left.
    lakes = [root for root in known_roots(settings.warehouse) if root.exists()]
    for root in lakes:
        shutil.rmtree(root)
        if root.exists():
            raise CloutError(f"erasure {erasure_id}: the lake {root} could not be removed")
    lake = len(lakes)
    log = {("published", "partition_rewritten"): rewritten, ("published", "file_deleted"): removed,
           ("reports", "report_rendered"): len(reports), ("state", "kept_edges_deleted"): int(edges),
           ("lake", "lake_deleted"): int(lake)}
    with transaction(con):
        run_sql(con, "consent/pending_files_done", erasure_id=erasure_id, partitions=rewritten,
                files=sum(log.values()), seconds=time.perf_counter() - started)
        for (table, action), n in log.items():
            if n:
                con.execute("insert into meta.erasure_log values (?, ?, ?, ?)", [erasure_id, table, action, n])
    if result is not None:
        result.files += reports
        result.rows |= {k: v for k, v in log.items() if v}
        result.partitions = rewritten


# ---- files only a text search can clean: outside the snapshot, reports written before movers were stored --------


def _scrub_files(con, settings: Settings, targets: list[Target], result: ErasureResult) -> None:
    """Delete Parquet files outside the published snapshot that name them; pseudonymise text files (not the
    deliveries in the landing folder, not reports whose movers are rendered from the warehouse)."""
    if not targets:
        return
    for path in sorted(settings.home.rglob("*.parquet")):
        if settings.snapshot_dir not in path.parents and _parquet_names(con, path, targets):
            path.unlink()
            result.files.append(path)
            result.rows[(str(path.relative_to(settings.home)), "file_deleted")] = 1
    for path in sorted(p for p in settings.home.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES and p.is_file()):
        if settings.landing_dir in path.parents:
            continue  # deliveries are the sender's files; see docs/consent.md
        html_file = path.suffix.lower() in (".html", ".htm")
        if html_file and any(rendered(path) for rendered in REPORTS_RENDERED_FROM_TABLES):
            continue  # rendered again from the erased tables in part 3
        text = path.read_text(encoding="utf-8", errors="replace")
        new = (pseudonymise_html if html_file else pseudonymise_text)(text, targets)
        if new != text:
            path.write_text(new, encoding="utf-8")
            result.files.append(path)
            result.rows[(str(path.relative_to(settings.home)), "file_rewritten")] = 1


def _parquet_names(con, path: Path, targets: list[Target]) -> bool:
    """Whether any string or string-list column of the Parquet file names one of the targets."""
    tokens = sorted({tok for t in targets for tok in t.tokens()})
    checks, has_text = [], False
    for name, data_type, *_ in con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall():
        quoted = '"' + name.replace('"', '""') + '"'
        if data_type == "VARCHAR":
            has_text = True
            checks.append(f"lower({quoted}) in (select unnest($tokens))")
            checks += [f"regexp_matches({quoted}, '(?i)' || $p{i})" for i in range(len(text_patterns(targets)))]
        elif data_type == "VARCHAR[]":
            checks.append(f"list_has_any(list_transform({quoted}, lambda x: lower(x)), $tokens)")
    if not checks or not tokens:
        return False
    params = {"path": str(path), "tokens": tokens}
    if has_text:
        params |= {f"p{i}": p for i, (p, _) in enumerate(text_patterns(targets))}
    sql = f"select count(*) from read_parquet($path) where {' or '.join(checks)}"
    return con.execute(sql, params).fetchall()[0][0] > 0
