"""Scaling: time and peak memory of one full cost + gradients evaluation on synthetic ratings.

Ratings shaped like MovieLens ml-1m (6,040 users x 3,706 movies, 1M ratings) and ml-25m
(162,541 users x 59,047 movies, 25M ratings), at k = 10 and k = 32, plus intermediate
sizes to show that time grows linearly with the number of ratings. Users and movies are
drawn with a long tail (a few very active users, a few very popular movies), ratings in
half stars, sorted by movie and user as `mh.fit_ratings` sorts them once per training run.
"""

from __future__ import annotations

import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np

import mlite_helpers as mh

HERE = Path(__file__).resolve().parent
SHAPES = {"ml-1m": (6_040, 3_706, 1_000_000), "ml-25m": (162_541, 59_047, 25_000_000)}


def long_tail(rng: np.random.Generator, n_items: int, size: int) -> np.ndarray:
    """Indices 0..n_items-1 with a long-tailed popularity (a shuffled Zipf-like law)."""
    weights = 1.0 / np.arange(1, n_items + 1) ** 0.9
    cumulative = np.cumsum(weights / weights.sum())
    idx = np.minimum(np.searchsorted(cumulative, rng.random(size)), n_items - 1)
    return rng.permutation(n_items)[idx]


def synthetic(n_users: int, n_movies: int, n_ratings: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    users = long_tail(rng, n_users, n_ratings)
    movies = long_tail(rng, n_movies, n_ratings)
    ratings = rng.integers(1, 11, n_ratings) / 2
    order = np.lexsort((users, movies))
    return users[order], movies[order], ratings[order]


def measure(n_users: int, n_movies: int, n_ratings: int, k: int, repeats: int) -> tuple[float, float, float]:
    """(seconds per evaluation, peak MB allocated during one evaluation, MB of the inputs)."""
    users, movies, ratings = synthetic(n_users, n_movies, n_ratings)
    X, W, b = mh.init_params(n_movies, n_users, k, np.random.default_rng(1))
    inputs = (users.nbytes + movies.nbytes + ratings.nbytes + X.nbytes + W.nbytes + b.nbytes) / 1e6
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        mh.sparse_cost_and_gradients(X, W, b, users, movies, ratings, 1.0)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    mh.sparse_cost_and_gradients(X, W, b, users, movies, ratings, 1.0)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return min(times), peak, inputs


def main() -> str:
    lines = [
        "## Scaling: one cost + gradients evaluation on synthetic ratings",
        "",
        "Best of several runs; peak = memory allocated during the evaluation on top of the inputs "
        "(tracemalloc), inputs = ratings triplets and parameters.",
        "",
        "| ratings | users x movies | k | time per evaluation | per million ratings "
        "| peak extra memory | inputs |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = [
        ("ml-1m", 10),
        ("ml-1m", 32),
        ("5M (ml-25m shape)", 10),
        ("ml-25m", 10),
        ("ml-25m", 32),
    ]
    for name, k in rows:
        if name.startswith("5M"):
            n_users, n_movies, _ = SHAPES["ml-25m"]
            n_ratings = 5_000_000
        else:
            n_users, n_movies, n_ratings = SHAPES[name]
        seconds, peak, inputs = measure(n_users, n_movies, n_ratings, k, repeats=3 if n_ratings > 5e6 else 5)
        line = (
            f"| {n_ratings:,} ({name}) | {n_users:,} x {n_movies:,} | {k} | {seconds:.2f} s "
            f"| {seconds / n_ratings * 1e6 * 1e3:.0f} ms | {peak:,.0f} MB | {inputs:,.0f} MB |"
        )
        lines.append(line)
        if len(lines) == 7:  # the header, then the rows as they are measured
            print("\n".join(lines[:-1]), flush=True)
        print(line, flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    lines += ["", f"Largest resident memory of the whole benchmark process: {rss:,.0f} MB."]
    print("\n".join(lines[-2:]))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
