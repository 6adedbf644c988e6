"""Shared fixtures: a headless matplotlib backend and small random problems."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


def random_problem(rng: np.random.Generator, n_movies: int, n_users: int, k: int, density: float = 0.6):
    """A random problem with NaN in every unrated cell (as real data has)."""
    X = rng.normal(size=(n_movies, k))
    W = rng.normal(size=(n_users, k))
    b = rng.normal(size=n_users)
    R = (rng.random((n_movies, n_users)) < density).astype(float)
    Y = np.where(R == 1, rng.integers(0, 11, size=(n_movies, n_users)) / 2, np.nan)
    return X, W, b, Y, R


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


def pytest_collection_modifyitems(config, items):
    """Without pyspark or Java 17, skip the notebook cells tagged 'spark' (their stored outputs
    come from a run with Spark; the notebook prints how to install it and runs on without it)."""
    spark_cells = [
        item for item in items if "spark" in getattr(item, "cell", {}).get("metadata", {}).get("tags", [])
    ]
    if not spark_cells:
        return
    from mlite_support.spark import spark_missing

    missing = spark_missing()
    if missing:
        reason = missing.splitlines()[0] + " Install the extra: make test EXTRAS=test,spark (and Java 17)."
        for item in spark_cells:
            item.add_marker(pytest.mark.skip(reason=reason))
