"""Run every benchmark and write benchmarks/RESULTS.md (what `make bench` does).

Each benchmark prints as it goes; the report collects what they printed, with the machine
and package versions, so that numbers are never quoted without their context.
"""

from __future__ import annotations

import contextlib
import io
import os
import platform
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_als  # noqa: E402
import bench_helpers  # noqa: E402
import bench_notebooks  # noqa: E402
import bench_scaling  # noqa: E402
import bench_surprise  # noqa: E402


class Tee(io.StringIO):
    """Collect what a benchmark prints while still showing it."""

    def write(self, text: str) -> int:
        sys.__stdout__.write(text)
        sys.__stdout__.flush()
        return super().write(text)


def captured(fn) -> str:
    buffer = Tee()
    with contextlib.redirect_stdout(buffer):
        fn()
    return buffer.getvalue().rstrip()


def versions() -> str:
    names = ["numpy", "scipy", "matplotlib", "ipywidgets", "jupyterlab", "scikit-surprise", "pyspark"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def main() -> None:
    start = time.perf_counter()
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    sections = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`benchmarks/run_all.py`); do not edit by hand.",
        "",
        f"Machine: {cpu or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{versions()}.",
        "",
        "## Helpers, slider updates and MovieLens timings",
        "",
        "```",
        captured(bench_helpers.main),
        "```",
        "",
        "## Executing the notebook series (fresh kernel each)",
        "",
        "```",
        captured(bench_notebooks.main),
        "```",
        "",
        captured(bench_surprise.main),
        "",
        captured(bench_als.main),
        "",
        captured(bench_scaling.main),
    ]
    sections += ["", f"`make bench` took {time.perf_counter() - start:.0f} s."]
    (HERE / "RESULTS.md").write_text("\n".join(sections) + "\n")
    print(f"\nwrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
