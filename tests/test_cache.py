"""The MovieLens cache under faults: concurrent loaders, killed loads, odd and read-only caches.

Every scenario runs offline: a local HTTP server on 127.0.0.1 serves the verified zip
(slowly, truncated, redirected or oversized), and loaders run in subprocesses that are
killed with SIGKILL at chosen points. After each fault the cache holds either nothing
under a final name or verified files, every other entry is a git-ignored temporary, and
the next load works and leaves exactly the zip and its extracted folder.
"""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from test_movielens import REAL_ZIP, leftovers, needs_zip

import mlite_helpers as mh
from mlite_support import movielens

ROOT = Path(__file__).resolve().parents[1]
FINAL = ["ml-latest-small", "ml-latest-small.zip"]
UNUSED_URL = "http://127.0.0.1:1/ml-latest-small.zip"


class Server:
    """Serves the zip on 127.0.0.1: /zip whole, /slow half and then stalls, /redirect-* redirects."""

    def __init__(self, payload: bytes):
        self.payload = payload
        self.half_sent = threading.Event()
        self.release = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                port = outer.httpd.server_address[1]
                if self.path.startswith("/redirect-"):
                    target = {
                        "/redirect-same": "/zip",
                        "/redirect-other-host": f"http://localhost:{port}/zip",
                    }[self.path]
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return
                if self.path == "/endless":  # no Content-Length, more bytes than allowed
                    self.send_response(200)
                    self.end_headers()
                    for _ in range(64):
                        self.wfile.write(b"x" * 65536)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(outer.payload)))
                self.end_headers()
                if self.path == "/slow":
                    self.wfile.write(outer.payload[: len(outer.payload) // 2])
                    self.wfile.flush()
                    outer.half_sent.set()
                    outer.release.wait(30)
                    return
                self.wfile.write(outer.payload)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def loader(cache: Path, url: str, prelude: str = "") -> subprocess.Popen:
    """A loader in its own process: prints READY once imported, then loads into ``cache``."""
    code = "\n".join(
        [
            "import os, sys, time",
            "import mlite_helpers as mh",
            "from mlite_support import movielens",
            textwrap.dedent(prelude),
            'print("READY", flush=True)',
            f"ml = mh.load_movielens(cache_dir={str(cache)!r}, url={url!r})",
            'print("LOADED", ml.n_ratings, flush=True)',
        ]
    )
    env = {k: v for k, v in os.environ.items() if k != "MLITE_DATA_DIR"}
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(proc: subprocess.Popen, word: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if word in line:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"the loader ended before {word}: {proc.stderr.read()}")
    raise AssertionError(f"no {word} within {timeout} s")


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    proc.stdout.close()
    proc.stderr.close()


def git_ignored(name: str) -> bool:
    """Whether .gitignore keeps data/<name> out of git."""
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", f"data/{name}"], cwd=ROOT, capture_output=True
    )
    return result.returncode == 0


def assert_nothing_half_written(cache: Path) -> None:
    """After a kill: final names hold verified data or are absent; the rest are ignored temporaries."""
    for name in leftovers(cache):
        if name == "ml-latest-small.zip":
            assert movielens._sha256(cache / name) == mh.MOVIELENS_SHA256, (
                "a partial zip under the final name"
            )
        elif name == "ml-latest-small":
            assert movielens._members_ok(cache / name), "a partial extracted folder under the final name"
        else:
            assert name.startswith(movielens.TMP_PREFIX), f"unexpected leftover {name}"
            assert git_ignored(name), f"{name} is not ignored by git"


def next_load_cleans_up(cache: Path, url: str) -> None:
    ml = mh.load_movielens(cache_dir=cache, url=url)
    assert ml.n_ratings == 100_836
    assert leftovers(cache) == FINAL


def extracted_without_zip(folder: Path) -> None:
    """A verified extracted ml-latest-small/ in ``folder``, without its zip."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REAL_ZIP, folder / "ml-latest-small.zip")
    mh.load_movielens(cache_dir=folder, url=UNUSED_URL)
    (folder / "ml-latest-small.zip").unlink()


@pytest.fixture(autouse=True)
def no_environment_copy(monkeypatch):
    monkeypatch.delenv("MLITE_DATA_DIR", raising=False)


pytestmark = needs_zip


def test_concurrent_loaders_share_a_cache_with_the_zip_only(tmp_path):
    """The race of the issue: the zip is cached, the folder is not; several loaders start at once."""
    rounds, per_round = 4, 3
    for round_no in range(rounds):
        cache = tmp_path / f"cache{round_no}"
        cache.mkdir()
        shutil.copy(REAL_ZIP, cache / "ml-latest-small.zip")
        go = tmp_path / f"go{round_no}"
        prelude = f"while not os.path.exists({str(go)!r}): time.sleep(0.005)"
        procs = [loader(cache, UNUSED_URL, prelude) for _ in range(per_round)]
        time.sleep(0.5)
        go.touch()  # all start loading within a few milliseconds
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            assert "LOADED 100836" in out
        assert leftovers(cache) == FINAL


def test_concurrent_downloads_into_an_empty_cache(tmp_path):
    with Server(REAL_ZIP.read_bytes()) as server:
        procs = [loader(tmp_path, server.base + "/zip") for _ in range(3)]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
    assert leftovers(tmp_path) == FINAL


def test_killed_mid_download(tmp_path):
    with Server(REAL_ZIP.read_bytes()) as server:
        proc = loader(tmp_path, server.base + "/slow")
        assert server.half_sent.wait(60), "the download did not start"
        kill(proc)
        left = leftovers(tmp_path)
        assert left and all(name.startswith(movielens.TMP_PREFIX) for name in left), left
        assert_nothing_half_written(tmp_path)
        next_load_cleans_up(tmp_path, server.base + "/zip")


KILL_POINTS = {
    # extract one member, then stall: killed with a partly written temporary folder
    "mid-extraction": """
        import zipfile
        def stall(self, path=None, members=None, pwd=None):
            self.extract(self.infolist()[1], path)
            print("HERE", flush=True)
            time.sleep(60)
        zipfile.ZipFile.extractall = stall
    """,
    # everything extracted and verified, not yet renamed into place
    "before-the-rename": """
        real = movielens._check_members
        def stall(folder):
            real(folder)
            if movielens.TMP_PREFIX in str(folder):
                print("HERE", flush=True)
                time.sleep(60)
        movielens._check_members = stall
    """,
    # a corrupted extracted folder already moved aside, the new one not yet in place
    "between-the-renames": """
        real = os.replace
        def stall(src, dst):
            real(src, dst)
            if str(dst).endswith("previous"):
                print("HERE", flush=True)
                time.sleep(60)
        os.replace = stall
    """,
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_during_extraction(tmp_path, point):
    shutil.copy(REAL_ZIP, tmp_path / "ml-latest-small.zip")
    if point == "between-the-renames":  # a corrupted folder to replace
        (tmp_path / "ml-latest-small").mkdir()
        (tmp_path / "ml-latest-small" / "ratings.csv").write_text("userId,movieId,rating,timestamp\n")
    proc = loader(tmp_path, UNUSED_URL, KILL_POINTS[point])
    wait_for(proc, "HERE")
    kill(proc)
    assert any(name.startswith(movielens.TMP_PREFIX) for name in leftovers(tmp_path))
    assert_nothing_half_written(tmp_path)
    next_load_cleans_up(tmp_path, UNUSED_URL)


def test_a_running_loaders_temporaries_are_left_alone(tmp_path):
    shutil.copy(REAL_ZIP, tmp_path / "ml-latest-small.zip")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = tmp_path / f"{movielens.TMP_PREFIX}{sleeper.pid}-download-x"
        busy.mkdir()
        mh.load_movielens(cache_dir=tmp_path, url=UNUSED_URL)
        assert busy.exists(), "a live process's temporary folder was removed"
    finally:
        sleeper.kill()
        sleeper.wait()
    mh.load_movielens(cache_dir=tmp_path, url=UNUSED_URL)
    assert leftovers(tmp_path) == FINAL


def test_older_loaders_leftovers_are_removed_and_ignored(tmp_path):
    shutil.copy(REAL_ZIP, tmp_path / "ml-latest-small.zip")
    (tmp_path / ".extract-abc123").mkdir()
    (tmp_path / ".extract-abc123" / "ratings.csv").write_text("partial")
    (tmp_path / "ml-latest-small.zip.bad").write_bytes(b"bad")
    for name in (".extract-abc123", "ml-latest-small.zip.bad", "tmpk2j3h4g5"):
        assert git_ignored(name), name
    next_load_cleans_up(tmp_path, UNUSED_URL)


def test_gitignore_covers_every_name_the_loader_uses():
    for name in [
        *FINAL,
        f"{movielens.TMP_PREFIX}12345-download-a1b2c3",
        f"{movielens.TMP_PREFIX}12345-extract-a1b2c3/ml-latest-small/ratings.csv",
        f"{movielens.TMP_PREFIX}12345-download-a1b2c3/tmpabcdef",
    ]:
        assert git_ignored(name), name
    assert not git_ignored("toy_ratings.csv") and not git_ignored("README.md")


# -- odd caches ------------------------------------------------------------------------------


def test_read_only_cache_gives_a_clear_error(tmp_path, monkeypatch):
    shutil.copy(REAL_ZIP, tmp_path / "ml-latest-small.zip")
    tmp_path.chmod(0o555)

    def refused(*args, **kwargs):  # root ignores permission bits: refuse as a read-only disk would
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(movielens.tempfile, "mkdtemp", refused)
    try:
        with pytest.raises(mh.DataError, match=r"is not writable \(PermissionError.*MLITE_DATA_DIR"):
            mh.load_movielens(cache_dir=tmp_path, url=UNUSED_URL)
    finally:
        tmp_path.chmod(0o755)
    assert leftovers(tmp_path) == ["ml-latest-small.zip"]


def test_read_only_cache_with_extracted_data_is_read(tmp_path, monkeypatch):
    extracted_without_zip(tmp_path)

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(movielens.tempfile, "mkdtemp", refused)
    assert mh.load_movielens(cache_dir=tmp_path, url=UNUSED_URL).n_ratings == 100_836


def test_cache_that_is_a_file(tmp_path):
    cache = tmp_path / "cache"
    cache.write_text("not a folder")
    with pytest.raises(mh.DataError, match="is a file, not a folder"):
        mh.load_movielens(cache_dir=cache, url=UNUSED_URL)
    with pytest.raises(mh.DataError, match="cannot be created"):
        mh.load_movielens(cache_dir=cache / "below", url=UNUSED_URL)


def test_cache_that_is_a_broken_symlink(tmp_path):
    cache = tmp_path / "cache"
    cache.symlink_to(tmp_path / "nowhere")
    with pytest.raises(mh.DataError, match="symbolic link to .*nowhere, which does not exist"):
        mh.load_movielens(cache_dir=cache, url=UNUSED_URL)


def test_cache_that_is_a_symlink_to_a_folder(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    shutil.copy(REAL_ZIP, real / "ml-latest-small.zip")
    (tmp_path / "cache").symlink_to(real)
    assert mh.load_movielens(cache_dir=tmp_path / "cache", url=UNUSED_URL).n_ratings == 100_836
    assert leftovers(real) == FINAL


def test_odd_entries_inside_the_cache_are_replaced(tmp_path):
    shutil.copy(REAL_ZIP, tmp_path / "ml-latest-small.zip")
    (tmp_path / "ml-latest-small").write_text("a file where the folder belongs")
    next_load_cleans_up(tmp_path, UNUSED_URL)
    shutil.rmtree(tmp_path / "ml-latest-small")
    (tmp_path / "ml-latest-small").symlink_to(tmp_path / "nowhere")  # a broken link
    next_load_cleans_up(tmp_path, UNUSED_URL)
    assert not (tmp_path / "ml-latest-small").is_symlink()


def test_extracted_folder_without_zip_through_the_environment(tmp_path, monkeypatch):
    extracted_without_zip(tmp_path / "copy")
    for where in (tmp_path / "copy", tmp_path / "copy" / "ml-latest-small"):
        monkeypatch.setenv("MLITE_DATA_DIR", str(where))
        ml = mh.load_movielens(cache_dir=tmp_path / "cache", url=UNUSED_URL)  # offline: never downloads
        assert ml.n_ratings == 100_836 and ml.folder == tmp_path / "copy" / "ml-latest-small"
    assert not (tmp_path / "cache").exists(), "a copy used where it is needs no cache"
    monkeypatch.setenv("MLITE_DATA_DIR", str(tmp_path / "missing"))
    with pytest.raises(mh.DataError, match="No MovieLens copy in .*missing: MLITE_DATA_DIR points to"):
        mh.load_movielens(cache_dir=tmp_path / "cache", url=UNUSED_URL)


def test_verified_extracted_folder_in_the_cache_needs_no_zip(tmp_path):
    extracted_without_zip(tmp_path)
    assert mh.load_movielens(cache_dir=tmp_path, url=UNUSED_URL).n_ratings == 100_836
    assert leftovers(tmp_path) == ["ml-latest-small"]


# -- a hardened download ----------------------------------------------------------------------


def test_redirect_on_the_same_host_is_followed(tmp_path):
    with Server(REAL_ZIP.read_bytes()) as server:
        next_load_cleans_up(tmp_path, server.base + "/redirect-same")


def test_redirect_to_another_host_is_refused(tmp_path):
    with (
        Server(REAL_ZIP.read_bytes()) as server,
        pytest.raises(mh.DataError, match="redirected to http://localhost.*another host"),
    ):
        mh.load_movielens(cache_dir=tmp_path, url=server.base + "/redirect-other-host")
    assert leftovers(tmp_path) == []


def test_oversized_downloads_are_cut_off(tmp_path, monkeypatch):
    monkeypatch.setattr(movielens, "MAX_DOWNLOAD_BYTES", 500_000)  # the zip is 978 kB
    with Server(REAL_ZIP.read_bytes()) as server:
        with pytest.raises(mh.DataError, match="is larger than 500,000 bytes"):
            mh.load_movielens(cache_dir=tmp_path, url=server.base + "/zip")
        with pytest.raises(mh.DataError, match="sent more than 500,000 bytes"):
            mh.load_movielens(cache_dir=tmp_path, url=server.base + "/endless")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("url", ["http://example.org/ml-latest-small.zip", "ftp://127.0.0.1/x.zip"])
def test_plain_http_to_other_hosts_is_refused(tmp_path, url):
    with pytest.raises(ValueError, match="url must be an https:// address"):
        mh.load_movielens(cache_dir=tmp_path, url=url)
    assert leftovers(tmp_path) == []
