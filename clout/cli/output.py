"""Result tables that read at any terminal width (`clout runs`, `clout sql`, `clout review`, ...).

A result is drawn as a table when every column fits the terminal at its natural width; otherwise as one record
per block, a column per line (psql's `\\x`), so no value is ever squeezed to `…`. `--columns a,b,c` picks
columns (`--columns all`: every one); a command may name a compact default set for narrow terminals, and columns
whose cells may wrap on their spaces inside the table (`wrap`: a status, a message). An empty result that does not
fit as a table says "0 rows" and lists its columns on wrapped lines.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date, datetime

from rich import box
from rich.console import Console
from rich.table import Table

from clout.core.errors import CloutError

VIEWS = ("auto", "table", "records")


def cell(value) -> str:
    """A value as text: None is empty, floats short, timestamps to the second."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def pick_columns(columns: Sequence[str], wanted: str | None, default: Sequence[str] | None = None) -> list[str]:
    """The columns to show: `wanted` (comma-separated, or `all`), else `default` (those present), else all."""
    if wanted is None:
        return [c for c in default if c in columns] if default else list(columns)
    if wanted.strip().lower() == "all":
        return list(columns)
    names = [w.strip() for w in wanted.split(",") if w.strip()]
    unknown = [n for n in names if n not in columns]
    if unknown or not names:
        raise CloutError(f"--columns {wanted!r}: no column {', '.join(unknown) or '(none given)'}; "
                         f"the columns are {', '.join(columns)} (or `all`)")
    return names


def table_width(columns: Sequence[str], rows: Sequence[Sequence[str]], wrap: Sequence[str] = ()) -> int:
    """Characters the table `_table` draws needs with no cell cut: each column, its right padding and a divider.
    A column in `wrap` needs only its longest word (its cells wrap on spaces)."""
    def longest(value: str, name: str) -> int:
        pieces = value.split() if name in wrap else value.splitlines()
        return max((len(p) for p in pieces), default=0)

    widths = [max([len(c), *(longest(v, c) for v in col)])
              for c, col in zip(columns, zip(*rows, strict=True) if rows else [()] * len(columns), strict=True)]
    return sum(widths) + 2 * len(widths)


def show(console: Console, columns: Sequence[str], rows: Sequence[Sequence], title: str | None = None,
         view: str = "auto", count: bool = False, wrap: Sequence[str] = ()) -> str:
    """Print `rows` as a table when it fits the console, else as records; returns the view used.
    `count`: end with "N rows" (ad-hoc SQL), always for an empty result. `wrap`: columns whose cells may wrap on
    their spaces inside the table (a status, a message), so a long one does not turn the table into records."""
    if view not in VIEWS:
        raise CloutError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    text = [tuple(cell(v) for v in r) for r in rows]
    fits = table_width(columns, text, wrap) <= console.width
    if not rows and (view == "records" or (view == "auto" and not fits)):
        _no_rows(console, columns, title)  # as a table, a header too wide folds its names a letter a line
        return "records"
    chosen = "table" if view == "table" or (view == "auto" and fits) else "records"
    if chosen == "table":
        _table(console, columns, text, title, wrap)
    else:
        _records(console, columns, text, title)
    if count or not rows:
        console.print(f"{len(rows):,} row{'s' if len(rows) != 1 else ''}", highlight=False)
    return chosen


def _no_rows(console: Console, columns, title) -> None:
    """An empty result: "0 rows" and its columns, wrapped to the terminal on the names' boundaries."""
    if title:
        console.print(title, style="italic", highlight=False)
    text = textwrap.fill(f"0 rows (columns: {', '.join(columns)})", max(20, console.width - 1),
                         subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)
    console.print(text, highlight=False, markup=False, soft_wrap=True)


def _table(console: Console, columns, rows, title, wrap: Sequence[str] = ()) -> None:
    if title:  # above the table, not in it: rich would wrap it to the table's width
        console.print(title, style="italic", highlight=False)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    for c in columns:  # with `wrap` columns, only they give up width when the table is wider than the terminal
        table.add_column(c, overflow="fold", no_wrap=bool(wrap) and c not in wrap)
    for r in rows:
        table.add_row(*r)
    console.print(table, highlight=False)


def _records(console: Console, columns, rows, title) -> None:
    """One block per row: `column | value`, long values wrapped under themselves, never cut."""
    if title:
        console.print(title, style="italic", highlight=False)
    key = max(len(c) for c in columns)
    room = max(20, console.width - key - 3)
    for i, r in enumerate(rows, 1):
        head = f"-[ RECORD {i} ]"
        lines = [head + "-" * max(0, min(console.width, key + 3 + 30) - len(head))]
        for c, v in zip(columns, r, strict=True):
            parts = [p for line in (v.splitlines() or [""]) for p in (textwrap.wrap(
                line, room, break_long_words=True, break_on_hyphens=False) or [""])]
            lines.append(f"{c:<{key}} | {parts[0]}")
            lines += [f"{'':<{key}} | {p}" for p in parts[1:]]
        console.print("\n".join(lines), highlight=False, markup=False, soft_wrap=True)
