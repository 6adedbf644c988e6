"""Generate the README's notebook table and every notebook's previous/next links.

Usage:
    python scripts/notebook_index.py          rewrite README.md and the navigation cells
    python scripts/notebook_index.py --check  exit 1 if anything is out of date

The table sits in README.md between `<!-- notebook-table:start -->` and
`<!-- notebook-table:end -->`. Navigation cells are markdown cells tagged `navigation`;
only their text changes, so no notebook needs re-executing. Each notebook's title is the
first heading of its first cell ("# 01 · The cost function"), its time the line
"**Estimated time:** N minutes", its one-line
description the notebook metadata field `mlite.summary`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
START, END = "<!-- notebook-table:start -->", "<!-- notebook-table:end -->"
#: The public GitHub repository (owner/name) that Binder builds; the badges point there.
BINDER_REPO = "movielens-lite/movielens-lite"


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def describe(path: Path) -> dict[str, str]:
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0].source
    title = re.search(r"^# (.+)$", first, re.M)
    minutes = re.search(r"\*\*Estimated time:\*\* (\d+) minutes", first)
    if not (title and minutes and nb.metadata.get("mlite", {}).get("summary")):
        raise SystemExit(
            f"{path.name}: the first cell needs a '# NN · Title' heading and "
            "'**Estimated time:** N minutes', and the notebook metadata a one-line mlite.summary"
        )
    return {
        "file": path.name,
        "title": title.group(1).strip(),
        "minutes": minutes.group(1),
        "learn": nb.metadata.get("mlite", {}).get("summary", ""),
    }


def table(infos: list[dict[str, str]]) -> str:
    lines = [
        "| notebook | what it teaches | time | run it on Binder |",
        "|---|---|---|---|",
    ]
    for info in infos:
        binder = f"https://mybinder.org/v2/gh/{BINDER_REPO}/HEAD?urlpath=lab/tree/notebooks/{info['file']}"
        lines.append(
            f"| [{info['title']}](notebooks/{info['file']}) | {info['learn']} | {info['minutes']} min "
            f"| [![Binder](https://mybinder.org/badge_logo.svg)]({binder}) |"
        )
    total = sum(int(i["minutes"]) for i in infos)
    lines.append(f"\nAbout {total} minutes in all.")
    return "\n".join(lines)


def navigation(infos: list[dict[str, str]], n: int) -> str:
    parts = []
    if n > 0:
        parts.append(f"[← {infos[n - 1]['title']}]({infos[n - 1]['file']})")
    parts.append("[all notebooks](../README.md#notebooks)")
    if n + 1 < len(infos):
        parts.append(f"[{infos[n + 1]['title']} →]({infos[n + 1]['file']})")
    return " · ".join(parts)


def main(check: bool) -> int:
    paths = notebook_paths()
    infos = [describe(p) for p in paths]
    stale = []
    readme = README.read_text()
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    new_readme = f"{head}{START}\n{table(infos)}\n{END}{tail}"
    if new_readme != readme:
        stale.append("README.md")
        if not check:
            README.write_text(new_readme)
    for n, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        changed = False
        for cell in nb.cells:
            if "navigation" in cell.get("metadata", {}).get("tags", []):
                text = navigation(infos, n)
                if cell.source != text:
                    cell.source, changed = text, True
        if changed:
            stale.append(path.name)
            if not check:
                nbformat.write(nb, path)
    if check and stale:
        print("out of date (run `python scripts/notebook_index.py`): " + ", ".join(stale))
        return 1
    print("notebook index is current" if check else "updated: " + (", ".join(stale) or "nothing"))
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
