"""The library-version report of every notebook's setup cell."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

#: Oldest versions the notebooks are tested with: the floors of pyproject.toml (CI runs the
#: unit tests with exactly these; scipy 1.13 and matplotlib 3.8.4 are the first built for numpy 2).
MIN_VERSIONS: dict[str, str] = {
    "numpy": "2.0",
    "scipy": "1.13",
    "matplotlib": "3.8.4",
    "ipywidgets": "8.1",
    "pooch": "1.8",
}


def report_versions() -> None:
    """Print a fix for each library older than the notebooks need; print nothing if all is well.

    Called in every notebook's setup cell.
    """

    def as_tuple(text: str) -> tuple[int, ...]:
        parts = []
        for part in text.split(".")[:3]:
            digits = re.match(r"\d*", part).group()  # "0rc1" -> 0
            parts.append(int(digits) if digits else 0)
        return tuple(parts)

    for package, needed in MIN_VERSIONS.items():
        try:
            found = version(package)
        except PackageNotFoundError:
            print(f"{package} is not installed: run `make lab` (or `pip install -e .`) in the repository.")
            continue
        if as_tuple(found) < as_tuple(needed):
            print(
                f"{package} {found} is older than the {needed} these notebooks need: run "
                f"`pip install -U '{package}>={needed}'` (or `make lab`), then restart the kernel."
            )
