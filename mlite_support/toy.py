"""The toy ratings file of notebook 01: where it is, and its cells read and checked.

``mh.load_toy`` turns the cells into Y and R; this module only finds the file and makes
sure it has the shape the series expects, with a clear message when it does not.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from mlite_support import validate

#: The toy ratings of 01_cost_function (ours, MIT license): data/toy_ratings.csv of the
#: repository, or the copy a non-editable install ships inside mlite_support/data/.
TOY_CSV: Path = next(
    (
        path
        for path in (
            Path(__file__).resolve().parents[1] / "data" / "toy_ratings.csv",
            Path(__file__).resolve().parent / "data" / "toy_ratings.csv",
        )
        if path.is_file()
    ),
    Path(__file__).resolve().parents[1] / "data" / "toy_ratings.csv",
)


def read_cells(path: Any) -> tuple[list[list[str]], list[str], list[str]]:
    """The rating cells of a toy ratings CSV: a header ``movie,<users...>``, a row per movie.

    Parameters
    ----------
    path : str or Path or None
        The CSV; None for :data:`TOY_CSV`.

    Returns
    -------
    cells : list of list of str, n_movies rows of n_users cells
        Each a number of stars, or empty for "not rated".
    movies, users : list of str
        The first column, and the header's other fields.
    """
    file = TOY_CSV if path is None else validate.path("path", path, "the toy ratings CSV")
    if not file.is_file():
        raise FileNotFoundError(f"path: no toy ratings file at {file}. Call load_toy() without a path.")
    with file.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row]
    if len(rows) < 2 or len(rows[0]) < 2:
        raise ValueError(f"{file} must have a header 'movie,<users...>' and at least one movie row.")
    users = [name.strip() for name in rows[0][1:]]
    movies, cells = [], []
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) != len(users) + 1:
            raise ValueError(f"{file}, line {line_no}: expected {len(users) + 1} fields, got {len(row)}.")
        try:
            [float(cell) for cell in row[1:] if cell.strip()]
        except ValueError:
            raise ValueError(
                f"{file}, line {line_no}: a rating is not a number; leave the cell empty for 'not rated'."
            ) from None
        movies.append(row[0].strip())
        cells.append(row[1:])
    return cells, movies, users
