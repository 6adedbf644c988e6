"""Smoke test of a non-editable install (run by .ci/run from outside the repository).

The package must come from site-packages, load the toy data it ships, compute a cost, and
extract MovieLens from the pre-seeded zip (MLITE_DATA_DIR) into the user's cache folder,
never into site-packages.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

import numpy as np

import mlite_helpers as mh

site = Path(sysconfig.get_paths()["purelib"]).resolve()
assert Path(mh.__file__).resolve().is_relative_to(site), f"not the installed copy: {mh.__file__}"
assert Path(mh.TOY_CSV).resolve().is_relative_to(site), mh.TOY_CSV

toy = mh.load_toy()
X, W, b = np.zeros((5, 2)), np.zeros((4, 2)), np.zeros(4)
J = mh.cost(X, W, b, toy.Y, toy.R, 1.0)
assert toy.Y.shape == (5, 4) and J == 78.5, J

cache = Path(mh.DATA_DIR).resolve()
assert not cache.is_relative_to(site), f"MovieLens would land in site-packages: {cache}"
assert cache.is_relative_to(Path(os.environ["XDG_CACHE_HOME"]).resolve()), cache
folder = mh.fetch_movielens()  # the zip alone in MLITE_DATA_DIR: extracted into the user cache
assert folder == cache / "ml-latest-small", folder
ml = mh.load_movielens()
assert ml.n_ratings == 100_836 and ml.n_users == 610, ml.n_ratings
for place in (site, site / "mlite_support", site / "mlite_support" / "data", site / "data"):
    assert not list(place.glob("ml-latest-small*")), f"MovieLens written into {place}"
print(
    f"installed copy OK: toy J = {J}, MovieLens {ml.n_ratings} ratings in {cache} ({sys.version.split()[0]})"
)
