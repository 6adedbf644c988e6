"""MovieLens ml-latest-small: download from GroupLens, verify, cache, load as triplets.

Taught in 05_movielens (as ``mh.load_movielens``). The download goes through pooch and is
checked against the SHA-256 GroupLens's file is known to have; nothing unverified is ever
loaded, and nothing half-written is ever left in place of good data.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pooch

#: Folder with the toy ratings and the MovieLens download cache (the repository's data/).
DATA_DIR: Path = Path(__file__).resolve().parent.parent / "data"

#: Official GroupLens URL of ml-latest-small (the 2018-09-26 version).
MOVIELENS_URL = "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip"
#: SHA-256 of that zip, as published (tensorflow/datasets url_checksums).
MOVIELENS_SHA256 = "696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436"
#: SHA-256 of the members the loader reads, checked on every load.
MOVIELENS_MEMBERS = {
    "ratings.csv": "aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646",
    "movies.csv": "5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07",
    "README.txt": "63d22ac138e80fae37021797ed8e1b9424b5239dc576a137422adf783ae3f404",
}
_ML_NAME = "ml-latest-small"


class DataError(RuntimeError):
    """A data file is missing, corrupted or could not be downloaded; the message says what to do."""


@dataclass
class MovieLens:
    """MovieLens ratings as index triplets, with the movies' titles, years and genres.

    Taught in 05_movielens. Rating ``n`` is ``ratings[n]`` stars given by user
    ``users[n]`` to movie ``movies[n]``; both indices are 0-based rows of W and X.

    Attributes
    ----------
    users : np.ndarray of int, shape (n_ratings,)
        0-based user index of each rating.
    movies : np.ndarray of int, shape (n_ratings,)
        0-based movie index of each rating.
    ratings : np.ndarray of float, shape (n_ratings,)
        Stars, 0.5 to 5 in half stars.
    timestamps : np.ndarray of int, shape (n_ratings,)
        Seconds since 1970-01-01 UTC.
    user_ids : np.ndarray of int, shape (n_users,)
        Original ``userId`` of each user index.
    movie_ids : np.ndarray of int, shape (n_movies,)
        Original ``movieId`` of each movie index.
    titles : list of str, length n_movies
        Titles without the year.
    years : np.ndarray of int, shape (n_movies,)
        Release year from the title, 0 where the title has none.
    genres : list of tuple of str, length n_movies
        Genres of each movie (empty when GroupLens lists none).
    folder : Path
        Folder with the extracted files (GroupLens's README.txt included).
    """

    users: np.ndarray
    movies: np.ndarray
    ratings: np.ndarray
    timestamps: np.ndarray
    user_ids: np.ndarray
    movie_ids: np.ndarray
    titles: list[str]
    years: np.ndarray
    genres: list[tuple[str, ...]]
    folder: Path

    @property
    def n_users(self) -> int:
        """Number of users."""
        return len(self.user_ids)

    @property
    def n_movies(self) -> int:
        """Number of movies (rated or not)."""
        return len(self.movie_ids)

    @property
    def n_ratings(self) -> int:
        """Number of ratings."""
        return len(self.ratings)

    def label(self, movie: int) -> str:
        """``"Title (year)"`` of a movie index, for printing."""
        year = int(self.years[movie])
        return f"{self.titles[movie]} ({year})" if year else self.titles[movie]

    def find(self, text: str) -> int:
        """Index of the most-rated movie whose title contains ``text`` (case-insensitive)."""
        hits = [i for i, t in enumerate(self.titles) if text.lower() in t.lower()]
        if not hits:
            raise KeyError(f"no movie title contains {text!r}")
        counts = np.bincount(self.movies, minlength=self.n_movies)
        return max(hits, key=lambda i: counts[i])


def _sha256(path: Path) -> str:

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _where_to_get_it(cache_dir: Path) -> str:
    return (
        f"Download {MOVIELENS_URL} (SHA-256 {MOVIELENS_SHA256}) and put ml-latest-small.zip in "
        f"{cache_dir}, or set MLITE_DATA_DIR to a folder that holds the zip or its extracted "
        "ml-latest-small/ folder."
    )


def _check_members(folder: Path) -> None:
    for name, expected in MOVIELENS_MEMBERS.items():
        path = folder / name
        if not path.is_file():
            raise DataError(f"{path} is missing. Delete the folder {folder} and load again to re-extract it.")
        if _sha256(path) != expected:
            raise DataError(
                f"{path} is corrupted (its SHA-256 does not match GroupLens's file). Delete the folder "
                f"{folder} and load again to re-extract it from the verified zip."
            )


def _safe_extract(zip_path: Path, target: Path) -> None:
    """Extract the zip into ``target`` (its ml-latest-small/ folder), refusing unsafe members.

    Members are written into a temporary folder next to ``target`` and moved into place
    only when everything was extracted, so an interrupted run leaves no half-written data.
    """

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile:
        raise DataError(f"{zip_path} is not a valid zip file. Delete it and load again.") from None
    with archive, tempfile.TemporaryDirectory(dir=target.parent, prefix=".extract-") as tmp:
        root = Path(tmp).resolve()
        for member in archive.infolist():
            name = member.filename
            destination = (root / name).resolve()
            if (
                name.startswith(("/", "\\"))
                or ".." in Path(name).parts
                or not destination.is_relative_to(root)
            ):
                raise DataError(
                    f"{zip_path} contains an unsafe member {name!r} that would be written outside the "
                    "data folder; nothing was extracted. This is not the GroupLens file: delete it."
                )
        archive.extractall(root)
        extracted = root / _ML_NAME
        if not extracted.is_dir():
            raise DataError(f"{zip_path} has no {_ML_NAME}/ folder: it is not the GroupLens archive.")
        _check_members(extracted)
        if target.exists():
            shutil.rmtree(target)
        extracted.replace(target)


def fetch_movielens(
    data_dir: str | Path | None = None,
    *,
    cache_dir: str | Path | None = None,
    url: str = MOVIELENS_URL,
) -> Path:
    """Find, or download and verify, ml-latest-small; return its extracted folder.

    Taught in 05_movielens. Where the data comes from, in order:

    1. ``data_dir`` (or the environment variable ``MLITE_DATA_DIR``): an existing copy, the
       zip or its extracted ``ml-latest-small/`` folder; never downloads;
    2. the cache ``cache_dir`` (default ``data/``): a zip whose SHA-256 is right is used
       as it is;
    3. otherwise the zip is downloaded from ``url`` with pooch into the cache, checked
       against the SHA-256 and only then moved into place (a failed or truncated download
       leaves nothing behind and never replaces a good copy).

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder with an existing copy.
    cache_dir : str or Path, optional
        Where downloads and extracted files go; defaults to :data:`DATA_DIR`.
    url : str, optional
        Where to download from (tests use a local server).

    Returns
    -------
    Path
        The folder with ratings.csv, movies.csv and GroupLens's README.txt.
    """

    cache = Path(cache_dir) if cache_dir is not None else DATA_DIR
    source = data_dir if data_dir is not None else os.environ.get("MLITE_DATA_DIR") or None
    if source is not None:
        source = Path(source)
        for folder in (source / _ML_NAME, source):
            if (folder / "ratings.csv").is_file():
                _check_members(folder)
                return folder
        zip_path = source / f"{_ML_NAME}.zip" if source.is_dir() else source
        if not zip_path.is_file():
            raise DataError(f"No MovieLens copy in {source}. {_where_to_get_it(cache)}")
        if _sha256(zip_path) != MOVIELENS_SHA256:
            raise DataError(
                f"{zip_path} does not have the SHA-256 of ml-latest-small. {_where_to_get_it(cache)}"
            )
        target = cache / _ML_NAME
        _safe_extract(zip_path, target)
        return target

    zip_path = cache / f"{_ML_NAME}.zip"
    target = cache / _ML_NAME
    if zip_path.is_file() and _sha256(zip_path) == MOVIELENS_SHA256:
        try:
            _check_members(target)
        except DataError:
            _safe_extract(zip_path, target)
        return target
    _download(url, zip_path)
    _safe_extract(zip_path, target)
    return target


def _download(url: str, zip_path: Path) -> None:
    """Download with pooch, verified against MOVIELENS_SHA256; clear errors, no leftovers."""

    zip_path.parent.mkdir(parents=True, exist_ok=True)
    bad = zip_path.with_name(zip_path.name + ".bad")
    if zip_path.exists():  # a corrupted cached zip: set aside, restored if the download fails
        zip_path.replace(bad)
    try:
        pooch.retrieve(
            url,
            known_hash=f"sha256:{MOVIELENS_SHA256}",
            fname=zip_path.name,
            path=zip_path.parent,
            progressbar=False,
        )
    except ValueError as err:  # pooch: hash mismatch (the download was deleted)
        raise DataError(
            f"The file downloaded from {url} is corrupted or truncated (SHA-256 mismatch); it was "
            f"deleted. Try again later. {_where_to_get_it(zip_path.parent)}"
        ) from err
    except Exception as err:  # offline, HTTP errors, ...: one clear message
        raise DataError(
            f"Could not download MovieLens from {url} ({type(err).__name__}: {err}). Are you offline? "
            f"{_where_to_get_it(zip_path.parent)}"
        ) from err
    finally:
        if bad.exists():
            bad.unlink()


def load_movielens(
    data_dir: str | Path | None = None,
    *,
    cache_dir: str | Path | None = None,
    url: str = MOVIELENS_URL,
) -> MovieLens:
    """Load GroupLens ml-latest-small as index triplets (downloading it if needed).

    Taught in 05_movielens. See :func:`fetch_movielens` for where the files come from;
    every load checks the SHA-256 of the files it reads. Users and movies are numbered
    0, 1, ... in the order of their original ids; every movie of movies.csv gets an index,
    rated or not.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder with an existing copy (else ``MLITE_DATA_DIR``, else the cache).
    cache_dir : str or Path, optional
        Download cache; defaults to :data:`DATA_DIR`.
    url : str, optional
        Where to download from.

    Returns
    -------
    MovieLens
        Ratings as (users, movies, ratings) arrays of shape (n_ratings,), plus titles,
        years and genres of shape (n_movies,).
    """

    folder = fetch_movielens(data_dir, cache_dir=cache_dir, url=url)
    with (folder / "movies.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if rows[0] != ["movieId", "title", "genres"]:
        raise DataError(f"{folder / 'movies.csv'} has an unexpected header {rows[0]}.")
    movie_ids = np.array([int(r[0]) for r in rows[1:]])
    titles, years, genres = [], [], []
    for _, title, genre in rows[1:]:
        match = re.search(r"\s*\((\d{4})\)\s*$", title)
        titles.append(title[: match.start()].strip() if match else title.strip())
        years.append(int(match.group(1)) if match else 0)
        genres.append(() if genre == "(no genres listed)" else tuple(genre.split("|")))
    order = np.argsort(movie_ids, kind="stable")
    movie_ids = movie_ids[order]
    titles = [titles[i] for i in order]
    genres = [genres[i] for i in order]
    years_array = np.array(years)[order]

    table = np.loadtxt(folder / "ratings.csv", delimiter=",", skiprows=1, dtype=np.float64)
    user_ids, users = np.unique(table[:, 0].astype(np.int64), return_inverse=True)
    movies = np.searchsorted(movie_ids, table[:, 1].astype(np.int64))
    if np.any(movies >= len(movie_ids)) or np.any(
        movie_ids[np.minimum(movies, len(movie_ids) - 1)] != table[:, 1]
    ):
        raise DataError(f"{folder / 'ratings.csv'} rates a movie that movies.csv does not list.")
    return MovieLens(
        users=users.astype(np.int64),
        movies=movies.astype(np.int64),
        ratings=table[:, 2].copy(),
        timestamps=table[:, 3].astype(np.int64),
        user_ids=user_ids,
        movie_ids=movie_ids,
        titles=titles,
        years=years_array,
        genres=genres,
        folder=folder,
    )
