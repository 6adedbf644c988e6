"""MovieLens ml-latest-small: download from GroupLens, verify, cache, load as triplets.

Taught in 05_movielens (as ``mh.load_movielens``). The download goes through pooch and is
checked against the SHA-256 GroupLens's file is known to have; nothing unverified is ever
loaded, and nothing half-written is ever left in place of good data.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import re
import shutil
import tempfile
import urllib.parse
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pooch

from mlite_support import validate

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

#: The repository's data/ folder (toy ratings; MovieLens downloads land here in a checkout).
REPO_DATA: Path = Path(__file__).resolve().parent.parent / "data"


def _default_cache() -> Path:
    """data/ of the repository when running from a checkout; else the user's cache folder."""
    if (REPO_DATA / "toy_ratings.csv").is_file() and (REPO_DATA.parent / "pyproject.toml").is_file():
        return REPO_DATA
    return Path(pooch.os_cache("mlite"))  # e.g. ~/.cache/mlite: never inside site-packages


#: Where MovieLens is downloaded and extracted: the repository's data/ in a checkout (an
#: editable install), the user's cache folder (``~/.cache/mlite`` on Linux) for an
#: installed package.
DATA_DIR: Path = _default_cache()
#: Every temporary file or folder of the loader starts with this (listed in .gitignore).
TMP_PREFIX = ".mlite-tmp-"
#: Largest download accepted (GroupLens's zip is 0.98 MB) and largest extracted size.
MAX_DOWNLOAD_BYTES = 20 * 2**20
MAX_EXTRACTED_BYTES = 100 * 2**20
#: Seconds to connect and between bytes of a download.
DOWNLOAD_TIMEOUT = (15, 60)
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}

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
        """``"Title (year)"`` of a movie index, for printing.

        Parameters
        ----------
        movie : int
            Movie index, 0 to n_movies - 1.

        Returns
        -------
        str
        """
        movie = validate.integer("movie", movie, 0, "movie index", self.n_movies - 1)
        year = int(self.years[movie])
        return f"{self.titles[movie]} ({year})" if year else self.titles[movie]

    def find(self, text: str) -> int:
        """Index of the most-rated movie whose title contains ``text`` (case-insensitive).

        Parameters
        ----------
        text : str
            Part of a title, such as "Toy Story".

        Returns
        -------
        int
            The movie index; a KeyError if no title contains ``text``.
        """
        if not validate.text("text", text, "part of a movie title").strip():
            raise ValueError("text is empty: give part of a title, such as 'Toy Story'.")
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


def _members_ok(folder: Path) -> bool:
    try:
        _check_members(folder)
    except (DataError, OSError):
        return False
    return True


# -- the cache: one lock per folder, temporary names that a later load cleans up ----------


def _temporary(cache: Path, purpose: str) -> Path:
    """A new private folder in ``cache`` for one download or extraction (removed afterwards)."""
    try:
        return Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-{purpose}-", dir=cache))
    except OSError as err:
        raise DataError(
            f"The MovieLens cache {cache} is not writable ({type(err).__name__}: {err.strerror or err}). "
            "Make it writable, pass cache_dir= a folder you can write to, or set MLITE_DATA_DIR to a "
            f"folder that already holds ml-latest-small.zip or its extracted ml-latest-small/. "
            f"{_where_to_get_it(cache)}"
        ) from None


def _owner_alive(name: str) -> bool:
    """Whether the process that created a temporary name (its pid follows the prefix) still runs."""
    match = re.match(re.escape(TMP_PREFIX) + r"(\d+)-", name)
    if not match or int(match.group(1)) == os.getpid():
        return False
    try:
        os.kill(int(match.group(1)), 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _clean_leftovers(cache: Path) -> None:
    """Remove what killed loads left behind: temporaries of dead processes (and older loaders' names)."""
    with contextlib.suppress(OSError):
        for entry in cache.iterdir():
            name = entry.name
            stale = name.startswith(TMP_PREFIX) and not _owner_alive(name)
            legacy = name.startswith(".extract-") or name == f"{_ML_NAME}.zip.bad"
            if stale or legacy:
                _remove(entry)


def _cache_folder(cache: Path) -> Path:
    """The cache folder, created if missing; a DataError if it is a file, a broken link or unusable."""
    if cache.is_symlink() and not cache.exists():
        raise DataError(
            f"The MovieLens cache {cache} is a symbolic link to {os.readlink(cache)}, which does not exist. "
            "Create that folder, remove the link, or pass cache_dir= another folder."
        )
    if cache.exists() and not cache.is_dir():
        raise DataError(
            f"The MovieLens cache {cache} is a file, not a folder. Remove or rename it, or pass "
            "cache_dir= a folder."
        )
    try:
        cache.mkdir(parents=True, exist_ok=True)
        return cache.resolve(strict=True)
    except (OSError, RuntimeError) as err:
        raise DataError(
            f"The MovieLens cache {cache} cannot be created ({type(err).__name__}: {err}). Pass cache_dir= "
            f"a folder you can write to, or set MLITE_DATA_DIR. {_where_to_get_it(cache)}"
        ) from None


@contextlib.contextmanager
def _locked(cache: Path) -> Iterator[None]:
    """Hold the cache's lock: one loader at a time downloads, extracts or reads a cache folder.

    The lock is ``flock`` on the folder itself (no lock file to leave behind); the kernel
    releases it when the process ends, even when it is killed.
    """
    if fcntl is None:  # pragma: no cover - Windows: atomic renames only
        yield
        return
    fd = os.open(cache, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _safe_extract(zip_path: Path, target: Path) -> None:
    """Extract the zip's ml-latest-small/ folder to ``target``, refusing unsafe members.

    Members are written into a private temporary folder next to ``target`` and moved into
    place with one rename only when all were extracted and verified, so a killed or failed
    run never leaves a half-written ``target``; a previous ``target`` is moved aside first.
    """
    cache = target.parent
    cache.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile:
        raise DataError(f"{zip_path} is not a valid zip file. Delete it and load again.") from None
    with archive:
        infos = archive.infolist()
        for member in infos:
            name = member.filename
            if name.startswith(("/", "\\")) or ".." in Path(name).parts or Path(name).is_absolute():
                raise DataError(
                    f"{zip_path} contains an unsafe member {name!r} that would be written outside the "
                    "data folder; nothing was extracted. This is not the GroupLens file: delete it."
                )
        if len(infos) > 100 or sum(m.file_size for m in infos) > MAX_EXTRACTED_BYTES:
            raise DataError(
                f"{zip_path} unpacks to more than {MAX_EXTRACTED_BYTES:,} bytes: not GroupLens's file."
            )
        tmp = _temporary(cache, "extract")
        try:
            root = tmp.resolve()
            for member in infos:
                if not (root / member.filename).resolve().is_relative_to(root):
                    raise DataError(f"{zip_path} contains an unsafe member {member.filename!r}.")
            archive.extractall(root)
            extracted = root / _ML_NAME
            if not extracted.is_dir():
                raise DataError(f"{zip_path} has no {_ML_NAME}/ folder: it is not the GroupLens archive.")
            _check_members(extracted)
            if target.exists() or target.is_symlink():
                os.replace(target, root / "previous")  # aside first: a folder cannot replace a folder
            os.replace(extracted, target)
        finally:
            _remove(tmp)


def _check_url(url: object) -> str:
    """The download address: https (plain http only to this machine, for tests)."""
    if not isinstance(url, str):
        raise TypeError(f"url must be a string such as {MOVIELENS_URL!r}, got {url!r}.")
    parts = urllib.parse.urlsplit(url)
    local = parts.hostname in _LOOPBACK
    if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and local)):
        raise ValueError(
            f"url must be an https:// address (plain http only to 127.0.0.1 or localhost), got {url!r}. "
            f"Use the default, {MOVIELENS_URL}."
        )
    return url


def _downloader(url: str, output_file: Any, pooch_obj: Any = None, check_only: bool = False) -> None:
    """A pooch downloader that stays on the URL's host, over https, and stops at MAX_DOWNLOAD_BYTES."""
    import requests

    host = urllib.parse.urlsplit(url).hostname
    current = url
    with requests.Session() as session:
        for _ in range(6):
            response = session.get(current, stream=True, timeout=DOWNLOAD_TIMEOUT, allow_redirects=False)
            with response:
                if response.is_redirect:
                    current = urllib.parse.urljoin(current, response.headers.get("Location", ""))
                    parts = urllib.parse.urlsplit(current)
                    if parts.hostname != host or (parts.scheme != "https" and host not in _LOOPBACK):
                        raise DataError(
                            f"{url} redirected to {current}: another host or plain http, which is not "
                            f"followed. {_where_to_get_it(DATA_DIR)}"
                        )
                    continue
                response.raise_for_status()
                if int(response.headers.get("Content-Length") or 0) > MAX_DOWNLOAD_BYTES:
                    raise DataError(
                        f"{url} is larger than {MAX_DOWNLOAD_BYTES:,} bytes: not GroupLens's file."
                    )
                _write_limited(response, output_file, url)
                return
    raise DataError(f"{url} redirected more than 5 times; not followed.")


def _write_limited(response: Any, output_file: Any, url: str) -> None:
    handle = open(output_file, "wb") if isinstance(output_file, (str, os.PathLike)) else output_file
    try:
        total = 0
        for chunk in response.iter_content(chunk_size=1 << 16):
            total += len(chunk)
            if total > MAX_DOWNLOAD_BYTES:
                raise DataError(f"{url} sent more than {MAX_DOWNLOAD_BYTES:,} bytes: not GroupLens's file.")
            handle.write(chunk)
    finally:
        if handle is not output_file:
            handle.close()


def _download(url: str, zip_path: Path) -> None:
    """Download with pooch into a private folder, verify the SHA-256, then one rename into place.

    A failed, truncated or killed download leaves nothing under ``zip_path``'s name; a
    corrupted zip already there is deleted if the download fails (it could never be used).
    """
    cache = zip_path.parent
    tmp = _temporary(cache, "download")
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")  # pooch announces downloads with a temporary path: not for readers
    try:
        fetched = pooch.retrieve(
            url,
            known_hash=f"sha256:{MOVIELENS_SHA256}",
            fname=zip_path.name,
            path=tmp,
            progressbar=False,
            downloader=_downloader,
        )
        os.replace(fetched, zip_path)
    except DataError:
        raise
    except ValueError as err:  # pooch: hash mismatch (the download was deleted)
        raise DataError(
            f"The file downloaded from {url} is corrupted or truncated (SHA-256 mismatch); it was "
            f"deleted. Try again later. {_where_to_get_it(cache)}"
        ) from err
    except Exception as err:
        raise DataError(
            f"Could not download MovieLens from {url} ({type(err).__name__}: {err}). Are you offline? "
            f"{_where_to_get_it(cache)}"
        ) from err
    finally:
        logger.setLevel(level)
        _remove(tmp)
        if zip_path.is_file() and not zip_path.is_symlink() and _sha256(zip_path) != MOVIELENS_SHA256:
            _remove(zip_path)


def _copy_from(source: Path, origin: str, cache: Path) -> tuple[Path | None, Path | None]:
    """A user's copy: (its verified extracted folder, None) or (None, its verified zip)."""
    if not source.exists():
        raise DataError(
            f"No MovieLens copy in {source}: {origin} points to a path that does not exist. "
            f"{_where_to_get_it(cache)}"
        )
    for folder in (source / _ML_NAME, source):
        if (folder / "ratings.csv").is_file():
            _check_members(folder)  # a corrupted copy we do not own: say so, never repair it
            return folder, None
    zip_path = source / f"{_ML_NAME}.zip" if source.is_dir() else source
    if not zip_path.is_file():
        raise DataError(f"No MovieLens copy in {source} ({origin}). {_where_to_get_it(cache)}")
    if _sha256(zip_path) != MOVIELENS_SHA256:
        raise DataError(f"{zip_path} does not have the SHA-256 of ml-latest-small. {_where_to_get_it(cache)}")
    return None, zip_path


@contextlib.contextmanager
def _movielens_folder(data_dir: Any, cache_dir: Any, url: Any) -> Iterator[Path]:
    """The verified ml-latest-small/ folder, with the cache's lock held while the caller reads it."""
    url = _check_url(url)
    cache = DATA_DIR if cache_dir is None else validate.path("cache_dir", cache_dir, "the download cache")
    if data_dir is not None:
        source, origin = validate.path("data_dir", data_dir, "a folder with MovieLens"), "data_dir"
    elif os.environ.get("MLITE_DATA_DIR"):
        source, origin = Path(os.environ["MLITE_DATA_DIR"]), "MLITE_DATA_DIR"
    else:
        source = origin = None
    zip_path = None
    if source is not None:
        folder, zip_path = _copy_from(source, origin, cache)
        if folder is not None:
            yield folder
            return
    cache = _cache_folder(cache)
    target = cache / _ML_NAME
    with _locked(cache):
        _clean_leftovers(cache)
        if not _members_ok(target):
            if zip_path is None:
                zip_path = cache / f"{_ML_NAME}.zip"
                if not (zip_path.is_file() and _sha256(zip_path) == MOVIELENS_SHA256):
                    _download(url, zip_path)
            _safe_extract(zip_path, target)
        yield target


def fetch_movielens(
    data_dir: str | Path | None = None,
    *,
    cache_dir: str | Path | None = None,
    url: str = MOVIELENS_URL,
) -> Path:
    """Find, or download and verify, ml-latest-small; return its extracted folder.

    Taught in 05_movielens. Where the data comes from, in order:

    1. ``data_dir`` (or the environment variable ``MLITE_DATA_DIR``): an existing copy, its
       extracted ``ml-latest-small/`` folder (used where it is) or the zip (extracted into
       the cache); never downloads;
    2. the cache ``cache_dir`` (default :data:`DATA_DIR`: the repository's ``data/``, or
       the user's cache folder for an installed package): a verified extracted folder, or
       a zip whose SHA-256 is right;
    3. otherwise the zip is downloaded from ``url`` (https only, no redirect to another host,
       at most 20 MB) with pooch, checked against the SHA-256 and only then renamed into place.

    Loaders of one cache take turns (a lock on the folder), every file appears under its
    final name in one rename, and temporary names start with ``.mlite-tmp-`` (a killed load's
    leftovers are removed by the next load). Every problem is a :class:`DataError` that says
    what to do.

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
    with _movielens_folder(data_dir, cache_dir, url) as folder:
        return folder


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

    with _movielens_folder(data_dir, cache_dir, url) as folder:
        return _parse(folder)


def _parse(folder: Path) -> MovieLens:
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


def to_dense(
    users: np.ndarray, movies: np.ndarray, ratings: np.ndarray, n_movies: int, n_users: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rating triplets as a dense Y (NaN where unrated) and R, for small problems only
    (notebook 05 compares the dense cost and gradients with the sparse ones).

    Parameters
    ----------
    users, movies, ratings : np.ndarray, shape (n_ratings,)
    n_movies, n_users : int

    Returns
    -------
    Y, R : np.ndarray, shape (n_movies, n_users)
    """
    n_movies = validate.integer("n_movies", n_movies, 1, "number of movies")
    n_users = validate.integer("n_users", n_users, 1, "number of users")
    users, movies, ratings = validate.triplets(users, movies, ratings, n_movies, n_users)
    validate.one_rating_per_pair(users, movies, n_users)
    Y = np.full((n_movies, n_users), np.nan)
    Y[movies, users] = ratings
    R = (~np.isnan(Y)).astype(float)
    return Y, R
