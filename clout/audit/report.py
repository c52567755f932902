"""The audit's reports. One HTML file per audited run (tens of kB), beside one shared plotly.js file (no CDN: opens
offline); reports are kept for the newest REPORTS_KEPT runs and every held or live run (prune_reports). And one
page per backfill (write_backfill_report: the whole range, linking each night's run report).

What it shows: the gate outcome and its findings; each swing metric split into data-driven and algorithm-driven
parts, against its recent history; the share of accounts per score band before and after; how far accounts
moved, in bands; on an algorithm change, the accounts the algorithm moved most (new vs published algorithm on the
same data) with the parts that moved them; the top risers and fallers with their explanations; per-network and
per-topic swings; the contract checks.
Plots are drawn from per-bin counts computed in Polars, so a night of millions of accounts stays a small file.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from clout.audit.result import GateResult
from clout.core.warehouse import query, registered, run_sql
from transforms.audit.swing import METRICS, score_histogram

if TYPE_CHECKING:
    from transforms.audit.gate_rules import GateRules

COLORS = {"PASS": "#1a7f37", "WARN": "#b35900", "HOLD": "#c62828"}
PART_COLORS = {"total": "#555555", "data": "#1f77b4", "algorithm": "#d62728"}
TOP_MOVERS = 20
_NIGHTLY = re.compile(r"^\d{8}-[0-9a-f]{10}$")  # a nightly run's report (pipeline.new_run_id); backfills' differ
REPORTS_KEPT = 100  # run reports kept beside the warehouse, besides held and live runs' (prune_reports)
CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1200px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
.badge { display: inline-block; padding: 4px 12px; border-radius: 4px; color: #fff; font-weight: 700; }
table { border-collapse: collapse; margin: 8px 0; } td, th { padding: 3px 8px; border-bottom: 1px solid #eee; }
th { text-align: left; background: #f6f6f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.hold { color: #c62828; font-weight: 600; } .warn { color: #b35900; font-weight: 600; } .note { color: #555; }
.ok { color: #1a7f37; } .info { color: #777; } code { background: #f3f3f3; padding: 1px 4px; }
.grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; }
"""


def _esc(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def _table(frame: pl.DataFrame, classes: dict[str, str] | None = None, limit: int = 200) -> str:
    """An HTML table; `classes` maps a column to the one whose value becomes each cell's CSS class."""
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    rows = []
    for row in frame.head(limit).iter_rows(named=True):
        cells = []
        for c, v in row.items():
            css = (classes or {}).get(c)
            cls = f' class="{_esc(row[css])}"' if css else (' class="num"' if isinstance(v, int | float) else "")
            cells.append(f"<td{cls}>{_esc(v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p class='info'>{frame.height - limit:,} more rows not shown.</p>" if frame.height > limit else ""
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


def plotly_script_name() -> str:
    """The shared plotly.js beside the reports, named by version: each report refers to it (a few kB of HTML
    instead of 4.8 MB of inlined script), and a plotly upgrade writes a new file beside the old."""
    import plotly

    return f"plotly-{plotly.__version__}.min.js"


def write_plotly_script(folder: Path) -> Path:
    path = folder / plotly_script_name()
    if not path.exists():
        from plotly.offline import get_plotlyjs

        tmp = path.with_suffix(".tmp")
        tmp.write_text(get_plotlyjs(), encoding="utf-8")
        tmp.replace(path)
    return path


class _Figures:
    """Plotly figures as HTML divs; the first loads the shared plotly.js beside the report (works offline)."""

    def __init__(self) -> None:
        self.first = True

    def html(self, fig, top: int = 40) -> str:
        fig.update_layout(margin={"l": 50, "r": 20, "t": top, "b": 40}, template="plotly_white")
        script = plotly_script_name() if self.first else False
        out = fig.to_html(full_html=False, include_plotlyjs=script, config={"displaylogo": False})
        self.first = False
        return out


def _split_table(result: GateResult) -> str:
    overall = result.metrics.filter(pl.col("scope") == "all")
    if overall.is_empty():
        return "<p>No published night to compare with: only the contract checks apply to a first night.</p>"
    wide = overall.pivot(on="part", index="metric", values="value")
    bounds = overall.filter(pl.col("basis") != "none").select(
        "metric", part=pl.format("{} bound ({})", "part", "basis"), bound="bound"
    ).pivot(on="part", index="metric", values="bound")
    verdicts = overall.group_by("metric").agg(
        verdict=pl.col("verdict").sort_by(pl.col("verdict").replace_strict(
            {"hold": 0, "warn": 1, "ok": 2, "info": 3}, return_dtype=pl.Int8)).first())
    order = pl.DataFrame({"metric": list(METRICS), "bad_when": list(METRICS.values())}).with_row_index("i")
    parts = [p for p in ("total", "data", "algorithm") if p in wide.columns]
    joined = order.join(wide, on="metric").join(bounds, on="metric", how="left").join(verdicts, on="metric")
    table = joined.sort("i").select(
        "metric", "bad_when", *parts, *[c for c in bounds.columns if c != "metric"], "verdict")
    return _table(table, {"verdict": "verdict"})


def _history_plots(con, result: GateResult, rules: GateRules, figs: _Figures) -> str:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    hist = query(con, "audit/overall_history", logical_date=result.logical_date, nights=rules.history_nights).pl()
    now = result.metrics.filter(pl.col("scope") == "all")
    if now.is_empty():
        return ""
    names = [m for m in METRICS if m in now["metric"].to_list()]
    fig = make_subplots(rows=(len(names) + 2) // 3, cols=3, subplot_titles=names)
    split = now.filter(pl.col("part").is_in(["data", "algorithm"])).height > 0  # else unattributed: the total
    for i, metric in enumerate(names):
        r, c = i // 3 + 1, i % 3 + 1
        past = hist.filter((pl.col("metric") == metric) & (pl.col("part") == "data"))
        if past.height:
            fig.add_trace(go.Scatter(
                x=[str(d) for d in past["logical_date"]], y=past["value"].to_list(), mode="lines+markers",
                name="data-driven, past nights", line={"color": "#999"}, showlegend=i == 0,
                text=past["outcome"].to_list()), row=r, col=c)
        for part in ("data", "algorithm") if split else ("total",):
            row = now.filter((pl.col("metric") == metric) & (pl.col("part") == part))
            if row.height:
                fig.add_trace(go.Scatter(
                    x=[str(result.logical_date)], y=[row["value"][0]], mode="markers",
                    marker={"size": 12, "color": PART_COLORS[part], "symbol": "diamond"},
                    name=f"{part}-driven, this night" if split else "total change, this night", showlegend=i == 0),
                    row=r, col=c)
            if row.height and row["bound"][0] is not None:
                fig.add_trace(go.Scatter(
                    x=[str(result.logical_date)], y=[row["bound"][0]], mode="markers",
                    marker={"size": 14, "color": PART_COLORS[part], "symbol": "line-ew-open"},
                    name=f"{part} bound", showlegend=i == 0), row=r, col=c)
    fig.update_xaxes(type="category")  # one point per night, not a time axis with hours
    fig.update_layout(height=260 * ((len(names) + 2) // 3), title="Swing metrics against their recent history")
    return figs.html(fig, top=90)  # room for the figure's title above the first row's subplot titles


SCORE_BANDS = 10  # points per band in the distribution chart: 1-10, 11-20, ..., 91-100
CHANGE_BANDS = ((-100, -10, "fell 10+"), (-9, -5, "fell 5-9"), (-4, -1, "fell 1-4"), (0, 0, "unchanged"),
                (1, 4, "rose 1-4"), (5, 9, "rose 5-9"), (10, 100, "rose 10+"))


def _distribution_plot(result: GateResult, figs: _Figures) -> str:
    """Share of accounts per 10-point score band, one bar per night side by side (linear: shares compare)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    labels = {"baseline": ("last published night", "#9e9e9e"),
              "shadow": ("old algorithm, this night's data", PART_COLORS["data"]),
              "candidate": ("this night (candidate)", PART_COLORS["algorithm"] if result.shadow_run_id else "#1f77b4")}
    for key, (label, color) in labels.items():
        night = result.nights.get(key)
        if night is None:
            continue
        bands = score_histogram(night.scores.lazy(), SCORE_BANDS).collect()  # aggregated: 10 rows per night
        total = max(int(bands["accounts"].sum()), 1)
        fig.add_trace(go.Bar(
            x=[f"{b}-{b + SCORE_BANDS - 1}" for b in bands["bin"]], y=(bands["accounts"] / total).to_list(),
            name=f"{label} ({total:,} accounts)", marker_color=color,
            customdata=bands["accounts"].to_list(), hovertemplate="%{y:.1%} (%{customdata:,} accounts)"))
    fig.update_layout(barmode="group", title="Share of accounts per score band", xaxis_title="score",
                      yaxis_title="share of accounts", yaxis_tickformat=".0%", height=380,
                      legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(type="category")
    return figs.html(fig)


def _movers(result: GateResult) -> pl.DataFrame | None:
    """Common accounts with before, after, change and its data / algorithm parts (no explanations: see
    _explained, which reads them for the top movers only)."""
    base, cand = result.nights.get("baseline"), result.nights["candidate"]
    if base is None:
        return None
    keys = ["network", "account_id"]
    if result.paired is not None:  # the gate's pairs of the two nights: not joined again (10M accounts: seconds)
        frame = result.paired.filter(pl.col("score_before").is_not_null() & pl.col("score_after").is_not_null()
                                     ).select(*keys, before=pl.col("score_before"), after=pl.col("score_after"))
    else:
        frame = base.scores.select(*keys, before=pl.col("score")).join(
            cand.scores.select(*keys, after=pl.col("score")), on=keys, how="inner")
    shadow = result.nights.get("shadow")
    if shadow is not None:
        frame = frame.join(shadow.scores.select(*keys, old_algorithm=pl.col("score")), on=keys, how="left")
        frame = frame.with_columns(data_part=pl.col("old_algorithm") - pl.col("before"),
                                   algorithm_part=pl.col("after") - pl.col("old_algorithm"))
    else:
        frame = frame.with_columns(data_part=pl.col("after") - pl.col("before"), algorithm_part=pl.lit(0))
    return frame.with_columns(change=pl.col("after") - pl.col("before")).select(
        *keys, "before", "after", "change", "data_part", "algorithm_part")


def _explained(con: duckdb.DuckDBPyConnection, run_id: str, movers: pl.DataFrame) -> pl.DataFrame:
    """The movers with the candidate's explanation of each change, read from the warehouse for these rows only."""
    keys = ["network", "account_id"]
    con.register("movers", movers.select(keys).to_arrow())
    try:
        why = query(con, "audit/mover_explanations", run_id=run_id).pl()
    finally:
        con.unregister("movers")
    return (movers.join(why, on=keys, how="left", maintain_order="left")
            .with_columns(pl.col("explanation").fill_null("")))


def _change_plot(movers: pl.DataFrame, figs: _Figures) -> str:
    """How far accounts moved, in bands, for the change and each of its parts side by side."""
    import plotly.graph_objects as go

    fig = go.Figure()
    names = [b[2] for b in CHANGE_BANDS]
    for col, name, color in (("change", "total change", PART_COLORS["total"]),
                             ("data_part", "data-driven part", PART_COLORS["data"]),
                             ("algorithm_part", "algorithm-driven part", PART_COLORS["algorithm"])):
        if col != "change" and movers[col].abs().max() in (0, None):
            continue  # no split to show
        banded = _banded(movers[col])
        fig.add_trace(go.Bar(x=names, y=(banded["accounts"] / max(movers.height, 1)).to_list(), name=name,
                             marker_color=color, customdata=banded["accounts"].to_list(),
                             hovertemplate="%{y:.1%} (%{customdata:,} accounts)"))
    fig.update_layout(barmode="group", title="How far accounts moved (accounts scored on both nights)",
                      yaxis_title="share of accounts", yaxis_tickformat=".0%", height=360,
                      legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(type="category")
    return figs.html(fig)


def _banded(change: pl.Series) -> pl.DataFrame:
    """Accounts per change band (CHANGE_BANDS order), zero for an empty band."""
    points = change.round(0).cast(pl.Int64).clip(-100, 100)
    counts = [int(((points >= lo) & (points <= hi)).sum()) for lo, hi, _ in CHANGE_BANDS]
    return pl.DataFrame({"band": [b[2] for b in CHANGE_BANDS], "accounts": counts})


def _algorithm_movers(con: duckdb.DuckDBPyConnection, result: GateResult) -> pl.DataFrame | None:
    """The accounts the algorithm moved most: this night's score under the new algorithm minus under the published
    algorithm on the same data (the shadow run; not the change since last night), largest first, with the reasons
    in plain words: each part's points under the new algorithm minus under the old (transforms/explain.py)."""
    shadow = result.nights.get("shadow")
    if shadow is None:
        return None
    return algorithm_movers(con, (result.shadow_run_id, shadow.scores),
                            (result.run_id, result.nights["candidate"].scores), TOP_MOVERS)


def algorithm_movers(con: duckdb.DuckDBPyConnection, old: tuple[str, pl.DataFrame], new: tuple[str, pl.DataFrame],
                     top: int) -> pl.DataFrame:
    """The `top` accounts whose score in run `new` minus in run `old` (two algorithms, the same data; each given
    as (run id, its scores)) is largest in size, ties by key: network, account_id, old_algorithm_score,
    new_algorithm_score, algorithm_change, why (plain words from the parts of both runs, read for these rows)."""
    from transforms.explain import algorithm_change_sentence
    from transforms.model import PARTS

    keys = ["network", "account_id"]
    frame = (
        new[1].select(*keys, new_algorithm_score="score")
        .join(old[1].select(*keys, old_algorithm_score="score"), on=keys, how="inner")
        .with_columns(algorithm_change=pl.col("new_algorithm_score") - pl.col("old_algorithm_score"))
        .filter(pl.col("algorithm_change") != 0)
        .with_columns(_size=pl.col("algorithm_change").abs())
        # top-k, not a sort of every account: a night of 10M accounts keeps `top` rows
        .top_k(top, by=["_size", "network", "account_id"], reverse=[False, True, True])
        .sort(["_size", "network", "account_id"], descending=[True, False, False])
        .select(*keys, "old_algorithm_score", "new_algorithm_score", "algorithm_change")
    )
    parts = [f"part_{p}" for p in PARTS]
    with registered(con, "movers", frame.select(keys)):
        both = query(con, "audit/mover_parts", run_id=new[0]).pl().join(
            query(con, "audit/mover_parts", run_id=old[0]).pl(), on=keys, how="left", suffix="_old")
    frame = frame.join(both, on=keys, how="left", maintain_order="left")
    reasons = [algorithm_change_sentence(int(row["algorithm_change"]), {
        c.removeprefix("part_"): (row[c] or 0.0) - (row[f"{c}_old"] or 0.0) for c in parts})
        for row in frame.iter_rows(named=True)]
    return frame.select(*keys, "old_algorithm_score", "new_algorithm_score", "algorithm_change").with_columns(
        why=pl.Series(reasons, dtype=pl.String))


def _groups_table(result: GateResult, scope: str) -> str:
    rows = result.metrics.filter(pl.col("scope") == scope)
    if rows.is_empty():
        return f"<p class='info'>No {scope} groups in this night.</p>"
    wide = rows.pivot(on="metric", index=["scope_value", "part", "n_common"], values="value")
    worst = rows.group_by("scope_value", "part").agg(
        verdict=pl.col("verdict").replace_strict({"hold": 0, "warn": 1, "ok": 2, "info": 3},
                                                  return_dtype=pl.Int8).min())
    worst = worst.with_columns(verdict=pl.col("verdict").replace_strict(
        {0: "hold", 1: "warn", 2: "ok", 3: "info"}, return_dtype=pl.String))
    cols = [m for m in ("mean_abs_move", "share_moved_10", "spearman", "top100_overlap", "top100_mean_abs_move", "psi")
            if m in wide.columns]
    table = wide.join(worst, on=["scope_value", "part"]).select(
        pl.col("scope_value").alias(scope), "part", "n_common", *cols, "verdict"
    ).sort(pl.col("verdict").replace_strict({"hold": 0, "warn": 1, "ok": 2, "info": 3}, return_dtype=pl.Int8),
           pl.col("mean_abs_move").neg(), scope)
    return _table(table, {"verdict": "verdict"}, limit=60)


def _algorithm_movers_section(result: GateResult, run: dict, base: dict, stored: pl.DataFrame) -> str:
    """On an algorithm change (a shadow run), the accounts the algorithm moved most, right after the findings."""
    if result.shadow_run_id is None:
        return ""
    return "\n".join([
        f"<h2 id='algorithm-movers'>Accounts the algorithm moved most (top {TOP_MOVERS})</h2>",
        f"<p>This night's data scored by the new algorithm ({_esc(run['algorithm_version'])}) minus the published "
        f"algorithm ({_esc(base.get('algorithm_version'))}) on the same data (the shadow run): the change no event "
        "explains, not the change since the last night. Why: how much each part of the score (its Shapley points) "
        "counts under the new algorithm minus under the old, largest first.</p>",
        movers_section(stored, "algorithm")])


def render(con: duckdb.DuckDBPyConnection, result: GateResult, rules: GateRules,
           movers: pl.DataFrame | None = None) -> str:
    """The report's HTML. `movers`: _movers(result), when the caller has it (a join of two nights' accounts)."""
    figs = _Figures()
    run = query(con, "meta/run", run_id=result.run_id).pl().row(0, named=True)
    base = result.baseline or {}
    color = COLORS.get(result.outcome, "#333")
    findings = "".join(f"<li class='{f.severity}'>[{f.severity}] {_esc(f.text)}</li>" for f in result.findings)
    next_step = (
        f"<p>Next: <code>clout review {result.run_id}</code>, then <code>clout approve {result.run_id} --reason "
        f"\"...\"</code> or <code>clout reject {result.run_id} --reason \"...\"</code>.</p>" if result.held else "")
    movers = _movers(result) if movers is None else movers
    stored = stored_movers(con, result.run_id)
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>clout run {result.run_id}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>clout run report: {_esc(result.run_id)} for {result.logical_date}</h1>",
        f"<p><span class='badge' id='outcome' style='background:{color}'>{result.outcome}</span> "
        f"change attributed to: <b id='attribution'>{_esc(result.attribution)}</b></p>",
        f"<p>Algorithm {_esc(run['algorithm_version'])} (fingerprint <code>{_esc(run['fingerprint'])}</code>), "
        f"{int(run['rows_scored'] or result.nights['candidate'].scores.height):,} accounts. Compared with the last "
        f"published night {_esc(base.get('logical_date')) or '(none)'} (run {_esc(base.get('run_id'))}, "
        f"{_esc(base.get('algorithm_version'))}, fingerprint <code>{_esc(base.get('fingerprint'))}</code>)."
        + (f" Shadow run <code>{_esc(result.shadow_run_id)}</code>: the last published algorithm on this "
           f"night's data." if result.shadow_run_id else "") + "</p>",
        f"<h2>Findings</h2><ul>{findings or '<li class=ok>No findings: every check and swing is within bounds.</li>'}"
        f"</ul>{next_step}",
        _algorithm_movers_section(result, run, base, stored),
        "<h2>Data-driven vs algorithm-driven change</h2>",
        "<p><b>data</b>: old algorithm, new data vs the last published night. <b>algorithm</b>: new vs old "
        "algorithm on the same data, over the accounts either algorithm scores above 1 (an account nobody reacted "
        "to is at 1 under any algorithm: counted, it would hide the algorithm's move behind the silent ones). "
        "<b>total</b>: this candidate vs the last published night.</p>",
        _split_table(result),
        _history_plots(con, result, rules, figs),
        "<h2>Score distribution</h2>", _distribution_plot(result, figs),
    ]
    if movers is not None and movers.height:
        parts += ["<h2>Changes</h2>", _change_plot(movers, figs), movers_section(stored, "changes")]
    parts += ["<h2>Per network</h2>", _groups_table(result, "network"),
              "<h2>Per topic</h2>", _groups_table(result, "topic")]
    checks = pl.DataFrame(
        [{"check": c.name, "column": c.column, "result": "ok" if c.passed else c.severity, "detail": c.detail}
         for c in result.checks], schema={"check": pl.String, "column": pl.String, "result": pl.String,
                                          "detail": pl.String})
    parts += ["<h2>Contract checks</h2>", _table(checks, {"result": "result"}), "</body></html>"]
    return "\n".join(parts)


def write_report(con: duckdb.DuckDBPyConnection, result: GateResult, path: Path, rules: GateRules,
                 keep: int | None = None) -> Path:
    movers = _movers(result)
    save_movers(con, result.run_id, movers, _algorithm_movers(con, result))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_plotly_script(path.parent)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(render(con, result, rules, movers), encoding="utf-8")
    tmp.replace(path)
    prune_reports(con, path.parent, keep if keep is not None else REPORTS_KEPT)
    return path


# ---- the accounts a report names: stored in meta.report_movers, rendered from there ---------------------------
# The only parts of a report that name accounts are its lists of movers (the accounts the algorithm moved most, the
# top risers and fallers). They are rendered from warehouse rows, between markers, so an erasure (which deletes an
# account's rows there like in any table) renders the lists again from what is left: the report never needs a text
# search for ids (a short id such as 349 is also a count).
MOVER_COLUMNS = ("network", "account_id", "before", "after", "change", "data_part", "algorithm_part", "explanation")
_ALGORITHM_COLUMNS = {"before": "old_algorithm_score", "after": "new_algorithm_score", "change": "algorithm_change",
                      "explanation": "why"}


_SHOWN = {"before": "old algorithm", "after": "new algorithm", "change": "change"}  # short headers: room for why


def _marks(name: str) -> tuple[str, str]:
    return f"<!-- clout:movers:{name} -->", f"<!-- /clout:movers:{name} -->"


def save_movers(con: duckdb.DuckDBPyConnection, run_id: str, movers: pl.DataFrame | None,
                algorithm_movers: pl.DataFrame | None = None) -> None:
    """Keep the run's top risers and fallers, and the accounts the algorithm moved most, as meta.report_movers rows
    (replacing a rerun's)."""
    run_sql(con, "report/delete_movers", run_id=run_id)
    frames = []
    if movers is not None and movers.height:
        # top-k, not a sort of every account: a night of 10M accounts keeps 20 rows in each
        risers = movers.top_k(TOP_MOVERS, by=["change", "after"]).sort("change", "after", descending=True)
        fallers = movers.bottom_k(TOP_MOVERS, by=["change", pl.col("after").neg()]).sort(
            "change", pl.col("after").neg())
        frames += [_explained(con, run_id, risers).with_columns(side=pl.lit("risers")),
                   _explained(con, run_id, fallers).with_columns(side=pl.lit("fallers"))]
    if algorithm_movers is not None and algorithm_movers.height:
        frames.append(algorithm_movers.rename({v: k for k, v in _ALGORITHM_COLUMNS.items()}).with_columns(
            side=pl.lit("algorithm"), data_part=pl.lit(None, pl.Float64), algorithm_part=pl.lit(None, pl.Float64)))
    if not frames:
        return
    rows = pl.concat([f.with_row_index("rank", offset=1).select(
        "side", pl.col("rank").cast(pl.Int32), *(pl.col(c).cast(pl.String if c in ("network", "account_id",
                                                                                    "explanation") else pl.Float64)
                                                 for c in MOVER_COLUMNS)) for f in frames])
    with registered(con, "report_movers_rows", rows):
        run_sql(con, "report/save_movers", run_id=run_id)


def stored_movers(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    return query(con, "report/movers", run_id=run_id).pl()


def movers_section(stored: pl.DataFrame, name: str) -> str:
    """A report's movers tables (`changes`: top risers and fallers; `algorithm`: the accounts the algorithm moved
    most) from the stored rows, between the markers that let an erasure render them again. The rank stays visible:
    a gap is an account erased (opted out) since the report was written."""
    begin, end = _marks(name)
    parts = [begin]
    if name == "algorithm":
        rows = stored.filter(pl.col("side") == "algorithm").sort("rank")
        rows = rows.select("rank", "network", pl.col("account_id").alias("account"),
                           *(pl.col(k).cast(pl.Int64, strict=False).alias(v) for k, v in _SHOWN.items()),
                           pl.col("explanation").alias("why (points by part: new minus old algorithm)"))
        parts.append(_table(rows) if rows.height else "<p class='ok'>The algorithm moved no account's score.</p>")
    else:
        for side in ("risers", "fallers"):
            rows = stored.filter(pl.col("side") == side).sort("rank").select("rank", *MOVER_COLUMNS)
            parts += [f"<h2>Top {TOP_MOVERS} {side} since the last published night</h2>", _table(rows)]
    parts.append(end)
    return "\n".join(parts)


def render_movers_again(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Render a report's movers sections again from meta.report_movers; True when the file changed. A report
    written before the movers were stored (no markers) is left as it is (the caller scrubs it as text)."""
    text = new = path.read_text(encoding="utf-8")
    stored = stored_movers(con, path.stem)
    for name in ("algorithm", "changes"):
        begin, end = _marks(name)
        i, j = new.find(begin), new.find(end)
        if 0 <= i < j:
            new = new[:i] + movers_section(stored, name) + new[j + len(end):]
    if new == text:
        return False
    tmp = path.with_suffix(".tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(path)
    return True


def has_movers_section(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as f:
        return any("<!-- clout:movers:" in line for line in f)


def prune_reports(con: duckdb.DuckDBPyConnection, folder: Path, keep: int) -> list[Path]:
    """Retention: the newest `keep` reports stay, and so does the report of every run that is held (waiting for a
    review) or live (published.nights); older ones are deleted (docs/operations.md)."""
    protected = {r[0] for r in query(con, "audit/reports_kept").fetchall()}
    reports = sorted(folder.glob("*.html"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    gone = [p for p in reports[keep:] if p.stem not in protected and _NIGHTLY.match(p.stem)]  # not backfills'
    for old in gone:
        old.unlink(missing_ok=True)
    return gone


# ---- the backfill report: one page for a whole recomputed range -------------------------------------------


def percent(v) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}%"


def number(v) -> str:
    return "n/a" if v is None else f"{v:.2f}"


_SUMMARY_WORDS = {
    "accounts_compared": ("account-nights compared with the published history", "{:,}"),
    "accounts_scored": ("of them scored above 1 on either side (the moves below are over these)", "{:,}"),
    "nights_compared": ("nights compared", "{:,}"),
    "share_moved_10": ("moved 10 points or more", "percent"),
    "mean_abs_move": ("mean move (points, either way)", "{:.2f}"),
    "pearson": ("correlation of new with published scores (1 = the same)", "{:.3f}"),
    "top100_churn": ("share of each night's top 100 replaced", "percent"),
}


def _summary_rows(summary: dict) -> str:
    rows = []
    for key, value in summary.items():
        label, fmt = _SUMMARY_WORDS.get(key, (key, "{}"))
        text = percent(value) if fmt == "percent" else "n/a" if value is None else fmt.format(value)
        rows.append(f"<tr><th>{html.escape(label)}</th><td class='num'>{html.escape(text)}</td></tr>")
    return "".join(rows)


def write_backfill_report(con: duckdb.DuckDBPyConnection, path: Path, bf: dict, nights: list[dict], summary: dict,
                          outcome: str, reasons: list[str] | None = None, held_on: str = "") -> Path:
    """A backfill's report: one HTML page for the whole range, linking each night's gate report: why it was held,
    the accounts the algorithm moved most over the range (stored rows, like a run report's), the range's figures,
    night by night."""
    path.parent.mkdir(parents=True, exist_ok=True)
    bid = bf["backfill_id"]
    approval = ' --reason "..."' if outcome == "HOLD" else ""  # the whole command in the code, ready to copy
    rows = "".join(
        f"<tr><td>{n['logical_date']}</td><td class='{(n['outcome'] or '').lower()}'>{n['outcome']}</td>"
        f"<td>{html.escape(str(n['attribution']))}</td><td class='num'>{percent(n['algorithm_share_moved'])}</td>"
        f"<td class='num'>{number(n['algorithm_mean_abs_move'])}</td>"
        f"<td class='num'>{percent(n['data_share_moved'])}</td>"
        f"<td><a href='{html.escape(os.path.basename(n['report_path'] or ''))}'>night report</a></td></tr>"
        for n in nights
    )
    held = "".join(f"<li class='hold'>{_esc(r)}</li>" for r in reasons or [])
    color = COLORS.get(outcome, "#333")
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>clout backfill {_esc(bid)}</title>
<style>{CSS}</style></head><body>
<h1>clout backfill report: {_esc(bid)}</h1>
<p><span class='badge' id='outcome' style='background:{color}'>{outcome}</span></p>
<p>{bf['date_from']} .. {bf['date_to']} recomputed with algorithm {_esc(bf['algorithm_version'])}
(fingerprint <code>{_esc(bf['fingerprint'])}</code>), compared night by night with the published history.
Algorithm-driven change is the new algorithm against the published algorithm on the same data (each night's shadow
run); data-driven change is the published night against the published algorithm rerun now.</p>
{f"<h2>Why it was held</h2><p>{_esc(held_on)}:</p><ul>{held}</ul>" if held else ""}
<h2 id='algorithm-movers'>Accounts the algorithm moved most over the range (top {TOP_MOVERS})</h2>
<p>Each account's score under {_esc(bf['algorithm_version'])} minus under the published algorithm on the same data,
at its night of largest move: the change no event explains, not the change since the night before. Why: how much
each part of the score (its Shapley points) counts under the new algorithm minus under the old, largest first.</p>
{movers_section(stored_movers(con, bid), "algorithm")}
<h2>The whole range against the published history</h2><table>{_summary_rows(summary)}</table>
<h2>Night by night</h2><table><tr><th>night</th><th>gate</th><th>mostly</th><th>algorithm: moved 10+</th>
<th>algorithm: mean move</th><th>data: moved 10+</th><th></th></tr>{rows}</table>
<p>Next: <code>clout backfill review {_esc(bid)}</code>; <code>clout backfill promote {_esc(bid)}{approval}</code>,
or <code>clout backfill reject {_esc(bid)} --reason "..."</code>.</p>
</body></html>"""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path
