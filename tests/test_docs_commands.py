"""The README and docs/*.md stay true: every command they show parses against the real CLI, every module they run
with `python -m` and every `make` target exists, every repository path they name exists, and every link resolves.

Commands are parsed, not run: the `clout` command's tree (typer.main.get_command; typer carries its own copy of
click's core) resolves each subcommand and parses its options and arguments with `make_context`, which raises on an
unknown command, a renamed or removed option, a missing argument or an extra one. Nothing is invoked, so the test
needs no warehouse and takes a second.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
from functools import cache
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
README_MAX_LINES = 150

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
ENV_ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")
TOP_DIRS = ("clout", "sql", "transforms", "data_contracts", "dags", "bench", "tests", "config", "data", "docs")
REPO_PATH = re.compile(rf"^(?:{'|'.join(TOP_DIRS)})/[\w./*-]*$")


@cache
def clout_command() -> TyperGroup:
    from clout.cli import main as cli  # the module: main.py

    cli._register_command_modules()  # what `clout` (cli.main) does before it parses
    return typer.main.get_command(cli.app)


def code_lines(page: Path) -> list[tuple[int, str]]:
    """Each shell line of the page's fenced code blocks (continuations joined, `$ ` prompts dropped), with its
    line number in the page."""
    text = page.read_text(encoding="utf-8")
    out = []
    for block in FENCE.finditer(text):
        first = text.count("\n", 0, block.start(1)) + 1
        pending, start = "", None
        for i, line in enumerate(block.group(1).splitlines()):
            start = first + i if start is None else start
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            out.append((start, (pending + line).strip().removeprefix("$ ")))
            pending, start = "", None
    return out


def shell_words(line: str) -> list[str]:
    """The line's words, trailing `# comment` dropped, leading `NAME=value` environment assignments skipped."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:  # not shell (program output, a diagram)
        return []
    while words and ENV_ASSIGNMENT.match(words[0]):
        words.pop(0)
    return words


def commands(program: str) -> list[tuple[str, list[str]]]:
    """(where, arguments) of every code line in the README and docs that runs `program`."""
    found = []
    for page in PAGES:
        for lineno, line in code_lines(page):
            words = shell_words(line)
            if words and words[0] == program:
                found.append((f"{page.relative_to(ROOT)}:{lineno}: {line}", words[1:]))
    return found


def parse(command, name: str, args: list[str], parent=None):
    """Resolve `args` to the subcommand they name and parse its options and arguments, invoking nothing."""
    ctx = command.make_context(name, list(args), parent=parent)
    if not isinstance(command, TyperGroup):
        return ctx
    # The group's own options come first; the first word its parser leaves over names the subcommand.
    _, rest, _ = command.make_parser(ctx).parse_args(list(args))
    if not rest:
        if not command.invoke_without_command:
            raise TyperException(f"{name} needs a subcommand")
        return ctx
    sub_name, sub, sub_args = command.resolve_command(ctx, rest)
    return parse(sub, sub_name, sub_args, ctx)


def resolve(words: list[str]) -> tuple:
    """The (sub)command that `clout WORDS` names, and the words after its name."""
    command, rest = clout_command(), list(words)
    while isinstance(command, TyperGroup) and rest and not rest[0].startswith("-"):
        name = rest.pop(0)
        if name not in command.commands:
            raise TyperException(f"no such command {name!r}")
        command = command.commands[name]
    if isinstance(command, TyperGroup) and not command.invoke_without_command:
        raise TyperException(f"{command.name} needs a subcommand")
    return command, rest


def option_names(command) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"--help"}


CLOUT_LINES = commands("clout")


def test_the_docs_show_clout_commands():
    pages = {where.split(":")[0] for where, _ in CLOUT_LINES}
    assert "README.md" in pages and len(CLOUT_LINES) >= 40, pages
    shown = {words[0] for _, words in CLOUT_LINES if words}
    assert {"land", "run", "runs", "review", "approve", "reject", "rollback", "sql", "backfill", "explain",
            "optout", "score-features", "generate"} <= shown


@pytest.mark.parametrize(("where", "words"), CLOUT_LINES, ids=[w for w, _ in CLOUT_LINES])
def test_clout_command_parses(where, words):
    try:
        parse(clout_command(), "clout", words)
    except TyperException as e:
        pytest.fail(f"{where}\n  does not parse against the CLI: {e.format_message()}")


def inline_clout_spans() -> list[tuple[str, list[str]]]:
    """`clout ...` in the prose (inline code outside fenced blocks), where arguments are often left out."""
    found = []
    for page in PAGES:
        prose = FENCE.sub("", page.read_text(encoding="utf-8"))
        for span in INLINE.findall(prose):
            words = shell_words(span.replace("...", "X"))
            if len(words) > 1 and words[0] == "clout":
                found.append((f"{page.relative_to(ROOT)}: `{span}`", words[1:]))
    return found


INLINE_SPANS = inline_clout_spans()


@pytest.mark.parametrize(("where", "words"), INLINE_SPANS, ids=[w for w, _ in INLINE_SPANS])
def test_inline_clout_command_names_real_command_and_options(where, words):
    try:
        command, rest = resolve(words)
    except TyperException as e:
        pytest.fail(f"{where}\n  {e.format_message()}")
    unknown = [w.split("=")[0] for w in rest if w.startswith("--") and w.split("=")[0] not in option_names(command)]
    assert not unknown, f"{where}\n  {command.name} has no option {', '.join(unknown)}"


def test_python_modules_the_docs_run_exist(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))  # `python -m` from the project, as the docs say
    shown = [(where, words[words.index("-m") + 1]) for program in (".venv/bin/python", "python")
             for where, words in commands(program) if "-m" in words]
    assert shown
    missing = [f"{where}: no module {module}" for where, module in shown if importlib.util.find_spec(module) is None]
    assert not missing, "\n".join(missing)


def test_make_targets_the_docs_run_exist():
    targets = set(re.findall(r"^([\w.-]+):", (ROOT / "Makefile").read_text(), re.M))
    shown = [(where, words[0]) for where, words in commands("make") if words]
    assert {"demo", "test"} <= {t for _, t in shown}
    missing = [f"{where}: no make target {t}" for where, t in shown if t not in targets]
    assert not missing, "\n".join(missing)


def repo_paths(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    words = INLINE.findall(FENCE.sub("", text))  # a span that is a path, not a path inside an example value
    words += [w for _, line in code_lines(page) for w in shell_words(line)]
    return [w.rstrip(".,;:)") for w in words if REPO_PATH.match(w.rstrip(".,;:)"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_repository_paths_named_exist(page):
    missing = [p for p in repo_paths(page) if not (any(ROOT.glob(p)) if "*" in p else (ROOT / p).exists())]
    assert not missing, f"{page.relative_to(ROOT)} names paths that do not exist: {missing}"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {slug(h) for h in re.findall(r"^#+\s+(.*)$", text, re.M)}


def local_links(page: Path) -> list[tuple[str, Path, str]]:
    out = []
    for target in LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        out.append((target, (page.parent / path).resolve() if path else page, anchor))
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_resolve(page):
    broken = []
    for target, path, anchor in local_links(page):
        if not path.exists():
            broken.append(f"{target}: no file {path}")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{target}: no heading #{anchor} in {path.name}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_every_doc_is_reachable_from_the_readme():
    seen, todo = {README}, [README]
    while todo:
        for _, path, _ in local_links(todo.pop()):
            if path.suffix == ".md" and path.exists() and path not in seen:
                seen.add(path)
                todo.append(path)
    unlinked = [d.name for d in DOCS if d not in seen]
    assert not unlinked, f"link these from README.md (its 'Further reading' table): {unlinked}"


def test_readme_code_blocks_fit_80_columns():
    """A newcomer reads the README in an 80-column terminal: no code block line wider (a diagram, a comment)."""
    text = README.read_text(encoding="utf-8")
    wide = [f"README.md:{text.count(chr(10), 0, block.start(1)) + 1 + i}: {len(line)} characters"
            for block in FENCE.finditer(text) for i, line in enumerate(block.group(1).splitlines()) if len(line) > 80]
    assert not wide, wide


def test_readme_stays_short():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines (at most {README_MAX_LINES}): keep it to what a newcomer needs and move "
        "detail to docs/")
