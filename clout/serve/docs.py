"""docs/published_views.md, generated from data_contracts/published_views.yaml so the two cannot drift."""

from __future__ import annotations

from pathlib import Path

from clout.core.contracts import load_contract

DOC_PATH = Path("docs") / "published_views.md"  # in the checkout `clout docs` runs from (its root)
CONTRACT = "published_views"


def render() -> str:
    contract = load_contract(CONTRACT)
    lines = [
        "# Published views",
        "",
        "<!-- Generated from data_contracts/published_views.yaml by `clout docs`; do not edit by hand. -->",
        "",
        contract["description"]["purpose"],
        "",
        f"Start with: `{contract['description']['usage']}`. Example queries: `sql/adhoc/`.",
        "",
    ]
    for obj in contract["schema"]:
        lines += [f"## `{obj['physicalName']}`", "", obj["description"], "", "| column | type | meaning |",
                  "|---|---|---|"]
        lines += [f"| `{p['name']}` | {p['physicalType']} | {p.get('description', '')} |" for p in obj["properties"]]
        lines.append("")
    return "\n".join(lines)


def write() -> bool:
    """Write the doc; returns True if it changed."""
    text = render()
    if DOC_PATH.exists() and DOC_PATH.read_text(encoding="utf-8") == text:
        return False
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(text, encoding="utf-8")
    return True
