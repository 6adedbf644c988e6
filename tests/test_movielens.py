"""MovieLens loader, offline: a local HTTP server on 127.0.0.1 serves the zip (issue 4)."""

from __future__ import annotations

import hashlib
import http.server
import os
import shutil
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

import mlite_helpers as mh
from mlite_support import movielens

ROOT = Path(__file__).resolve().parents[1]


def find_real_zip() -> Path | None:
    """The verified GroupLens zip: the pre-seeded cache, MLITE_DATA_DIR, or ../shared/movielens."""
    candidates = [
        mh.DATA_DIR / "ml-latest-small.zip",
        ROOT.parent / "shared" / "movielens" / "ml-latest-small.zip",
    ]
    if os.environ.get("MLITE_DATA_DIR"):
        candidates.insert(0, Path(os.environ["MLITE_DATA_DIR"]) / "ml-latest-small.zip")
    for path in candidates:
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == mh.MOVIELENS_SHA256:
            return path
    return None


REAL_ZIP = find_real_zip()
needs_zip = pytest.mark.skipif(
    REAL_ZIP is None,
    reason="no verified ml-latest-small.zip to serve: put it in data/ (`make test` does, from ../shared/movielens)",
)


class Server:
    """A tiny HTTP server on 127.0.0.1 that serves one payload (or 404) and counts requests."""

    def __init__(self, payload: bytes | None):
        self.payload = payload
        self.hits = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits += 1
                if outer.payload is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(outer.payload)))
                self.end_headers()
                self.wfile.write(outer.payload)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/ml-latest-small.zip"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@needs_zip
def test_download_verify_extract_and_reuse(tmp_path, monkeypatch):
    monkeypatch.delenv("MLITE_DATA_DIR", raising=False)
    with Server(REAL_ZIP.read_bytes()) as server:
        ml = mh.load_movielens(cache_dir=tmp_path, url=server.url)
        assert server.hits == 1
        assert leftovers(tmp_path) == ["ml-latest-small", "ml-latest-small.zip"]
        assert (
            tmp_path / "ml-latest-small" / "README.txt"
        ).is_file()  # GroupLens's license stays with the data
        assert ml.n_ratings == 100_836 and ml.n_users == 610 and ml.n_movies == 9_742
        again = mh.load_movielens(cache_dir=tmp_path, url=server.url)
        assert server.hits == 1, "a cached copy with the right hash must not be downloaded again"
        np.testing.assert_array_equal(again.ratings, ml.ratings)


@needs_zip
@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("corrupt", "corrupted or truncated"),
        ("truncated", "corrupted or truncated"),
        ("missing", "Could not download MovieLens"),
    ],
)
def test_bad_downloads_leave_nothing_behind(tmp_path, monkeypatch, payload, message):
    monkeypatch.delenv("MLITE_DATA_DIR", raising=False)
    good = REAL_ZIP.read_bytes()
    body = {
        "corrupt": good[:1000] + bytes([good[1000] ^ 0xFF]) + good[1001:],
        "truncated": good[: len(good) // 2],
        "missing": None,
    }[payload]
    with Server(body) as server, pytest.raises(mh.DataError, match=message) as info:
        mh.load_movielens(cache_dir=tmp_path, url=server.url)
    assert "ml-latest-small.zip" in str(info.value) and "MLITE_DATA_DIR" in str(info.value), (
        "say where to put the file"
    )
    assert leftovers(tmp_path) == [], "no half-written or unverified file may stay"


def test_offline_says_where_to_get_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv("MLITE_DATA_DIR", raising=False)
    with Server(None) as server:
        url = server.url
    # the server is closed now: connection refused, like being offline
    with pytest.raises(mh.DataError, match=r"Are you offline\?.*files.grouplens.org.*ml-latest-small.zip"):
        mh.load_movielens(cache_dir=tmp_path, url=url)
    assert leftovers(tmp_path) == []


@needs_zip
def test_good_cached_copy_is_never_overwritten(tmp_path, monkeypatch):
    monkeypatch.delenv("MLITE_DATA_DIR", raising=False)
    shutil.copy(REAL_ZIP, tmp_path / "ml-latest-small.zip")
    with Server(b"not a zip at all") as server:
        ml = mh.load_movielens(cache_dir=tmp_path, url=server.url)
        assert server.hits == 0
    assert ml.n_ratings == 100_836
    assert hashlib.sha256((tmp_path / "ml-latest-small.zip").read_bytes()).hexdigest() == mh.MOVIELENS_SHA256


@needs_zip
def test_corrupted_cached_zip_is_replaced_by_a_verified_download(tmp_path, monkeypatch):
    monkeypatch.delenv("MLITE_DATA_DIR", raising=False)
    (tmp_path / "ml-latest-small.zip").write_bytes(b"garbage")
    with Server(REAL_ZIP.read_bytes()) as server:
        ml = mh.load_movielens(cache_dir=tmp_path, url=server.url)
        assert server.hits == 1
    assert ml.n_ratings == 100_836


@needs_zip
def test_corrupted_extracted_file_is_re_extracted(tmp_path, monkeypatch):
    monkeypatch.delenv("MLITE_DATA_DIR", raising=False)
    shutil.copy(REAL_ZIP, tmp_path / "ml-latest-small.zip")
    mh.load_movielens(cache_dir=tmp_path, url="http://127.0.0.1:1/unused")
    ratings = tmp_path / "ml-latest-small" / "ratings.csv"
    ratings.write_text("userId,movieId,rating,timestamp\n1,1,5.0,0\n")
    ml = mh.load_movielens(cache_dir=tmp_path, url="http://127.0.0.1:1/unused")
    assert ml.n_ratings == 100_836


@needs_zip
def test_existing_copy_through_data_dir_and_environment(tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(REAL_ZIP, copy / "ml-latest-small.zip")
    cache = tmp_path / "cache"
    ml = mh.load_movielens(data_dir=copy, cache_dir=cache, url="http://127.0.0.1:1/unused")
    assert ml.n_ratings == 100_836
    monkeypatch.setenv("MLITE_DATA_DIR", str(cache))  # now an extracted folder
    assert mh.load_movielens(url="http://127.0.0.1:1/unused").n_users == 610
    # a corrupted file in a copy we do not own: a clear error, not a silent repair
    (cache / "ml-latest-small" / "movies.csv").write_text("movieId,title,genres\n")
    with pytest.raises(mh.DataError, match="movies.csv is corrupted"):
        mh.load_movielens(data_dir=cache)
    (cache / "ml-latest-small" / "movies.csv").unlink()
    with pytest.raises(mh.DataError, match="movies.csv is missing"):
        mh.load_movielens(data_dir=cache)
    with pytest.raises(mh.DataError, match="No MovieLens copy in"):
        mh.load_movielens(data_dir=tmp_path / "empty")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "ml-latest-small.zip").write_bytes(b"x")
    with pytest.raises(mh.DataError, match="does not have the SHA-256"):
        mh.load_movielens(data_dir=bad)


@pytest.mark.parametrize(
    "member", ["../evil.txt", "ml-latest-small/../../evil.txt", "/tmp/evil-absolute.txt"]
)
def test_unsafe_zip_members_are_refused(tmp_path, member):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ml-latest-small/ratings.csv", "userId,movieId,rating,timestamp\n")
        zf.writestr(member, "gotcha")
    target = tmp_path / "cache" / "ml-latest-small"
    with pytest.raises(mh.DataError, match="unsafe member"):
        movielens._safe_extract(archive, target)
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "cache" / "evil.txt").exists()
    assert not target.exists()
    assert leftovers(tmp_path / "cache") == []


def test_not_a_zip(tmp_path):
    archive = tmp_path / "x.zip"
    archive.write_bytes(b"not a zip")
    with pytest.raises(mh.DataError, match="not a valid zip"):
        movielens._safe_extract(archive, tmp_path / "out")


@needs_zip
def test_parsed_contents(tmp_path):
    ml = mh.load_movielens(data_dir=REAL_ZIP.parent, cache_dir=tmp_path)
    assert ml.n_ratings == 100_836 and ml.n_users == 610 and ml.n_movies == 9_742
    assert ml.ratings.mean() == pytest.approx(3.501557, abs=1e-6)
    assert set(np.unique(ml.ratings)) == {x / 2 for x in range(1, 11)}
    assert np.unique(ml.users * ml.n_movies + ml.movies).size == ml.n_ratings  # no pair twice
    assert np.all(np.bincount(ml.users) >= 20)
    assert np.unique(ml.movies).size == 9_724  # 18 movies have no rating
    assert ml.user_ids[0] == 1 and ml.movie_ids[0] == 1 and np.all(np.diff(ml.movie_ids) > 0)
    toy = ml.find("Toy Story")
    assert ml.titles[toy] == "Toy Story" and ml.years[toy] == 1995 and "Animation" in ml.genres[toy]
    assert ml.label(toy) == "Toy Story (1995)"
    comma = ml.find("American President")
    assert ml.titles[comma] == "American President, The"  # a quoted title with a comma
    amelie = ml.find("Amélie")  # UTF-8
    assert ml.years[amelie] == 2001
    assert all(not t.endswith("\r") for t in ml.titles)  # CRLF handled
    assert ml.genres[ml.find("Pirates of the Caribbean: The Curse")]  # genres parsed
    assert any(g == () for g in ml.genres)  # "(no genres listed)" becomes no genres
    with pytest.raises(KeyError):
        ml.find("no such movie title anywhere")
