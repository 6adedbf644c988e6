"""A non-editable install works: the toy data ships inside the package, MovieLens goes to a user cache.

The wheel is built from a copy of the sources (the repository stays clean) and installed
into a folder of its own; a subprocess imports it from there, far from the repository.
.ci/run does the same with `pip install .` into a fresh virtual environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "mlite_helpers.py",
    "mlite_support",
    "data/toy_ratings.csv",
]


def _setuptools_builds_wheels() -> bool:
    try:
        return tuple(int(x) for x in version("setuptools").split(".")[:2]) >= (70, 1)
    except Exception:  # noqa: BLE001 - not installed, or an odd version string
        return False


pytestmark = pytest.mark.skipif(
    not _setuptools_builds_wheels(), reason="needs setuptools >= 70.1 (pip install -e '.[test]')"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, src / name)
    (src / "data" / "ml-latest-small.zip").write_bytes(b"a download: must never be packaged")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("movielens_lite-*.whl")
    return found


def test_the_wheel_ships_the_toy_data_and_no_downloads(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        packaged = zf.read("mlite_support/data/toy_ratings.csv")
    assert packaged == (ROOT / "data" / "toy_ratings.csv").read_bytes(), (
        "the packaged copy is data/toy_ratings.csv"
    )
    assert "mlite_helpers.py" in names and "mlite_support/movielens.py" in names
    assert not [n for n in names if "ml-latest" in n or n.endswith(".zip")], (
        "MovieLens must never be packaged"
    )


def test_an_installed_copy_loads_the_toy_data_and_caches_movielens_outside_site_packages(wheel, tmp_path):
    target = tmp_path / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "import mlite_helpers as mh\n"
        "from mlite_support import movielens\n"
        "assert mh.__file__.startswith(TARGET), mh.__file__\n"
        "toy = mh.load_toy()\n"
        "assert toy.Y.shape == (5, 4) and toy.movies[0] == 'Love at Last'\n"
        "assert str(mh.TOY_CSV).startswith(TARGET)\n"
        "assert str(mh.DATA_DIR).startswith(CACHE) and not str(mh.DATA_DIR).startswith(TARGET)\n"
        "try:\n"
        "    mh.load_movielens(url='http://127.0.0.1:1/ml-latest-small.zip')\n"
        "except mh.DataError as err:\n"
        "    assert str(mh.DATA_DIR) in str(err), err\n"
        "print('OK', mh.DATA_DIR)\n"
    )
    cache = tmp_path / "user-cache"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"MLITE_DATA_DIR", "PYTHONPATH"}},
        "PYTHONPATH": str(target),
        "XDG_CACHE_HOME": str(cache),
    }
    prelude = f"TARGET = {str(target)!r}; CACHE = {str(cache)!r}\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
    assert not list(target.rglob("ml-latest-small*")), "nothing may be extracted into site-packages"
