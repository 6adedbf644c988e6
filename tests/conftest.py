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
