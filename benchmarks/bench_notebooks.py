"""Execute every notebook in a fresh kernel, in memory, and print how long each took.

The notebooks on disk are not changed. Run with `make bench`.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def main() -> None:
    total = 0.0
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
        )
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start
        total += seconds
        print(f"  {path.name:28} {seconds:6.1f} s (kernel start included)")
    print(f"  {'the whole series':28} {total:6.1f} s")


if __name__ == "__main__":
    main()
