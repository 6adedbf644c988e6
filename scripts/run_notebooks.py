"""Execute notebooks top to bottom in a fresh kernel and save them with their outputs.

Usage: python scripts/run_notebooks.py [notebooks/NN_name.ipynb ...]   (default: all)

Each notebook runs with notebooks/ as its working directory, like in JupyterLab and nbval.
Widget state is not stored (the widgets need a live kernel anyway; each widget cell is
preceded by a static figure), and cell timing metadata is not recorded, so re-running an
unchanged notebook changes nothing but what its code prints.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive outputs of the same stream (stdout or stderr)."""
    merged: list = []
    for out in outputs:
        if (
            merged
            and out.output_type == "stream"
            and merged[-1].output_type == "stream"
            and merged[-1].name == out.name
        ):
            merged[-1].text += out.text
        else:
            merged.append(out)
    return merged


def run(path: Path) -> float:
    """Execute one notebook in place; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:  # one stream output per print sequence, however the kernel flushed it
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> None:
    paths = [Path(a).resolve() for a in argv] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(f"{path.relative_to(ROOT)}: ", end="", flush=True)
        print(f"executed in {run(path):.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
