"""Time the helper module's hot paths. Prints figures; asserts nothing (not a test).

Run with `make bench` or `python benchmarks/bench_helpers.py`. Timings are noisy on a
shared 2-core machine: each figure is the best of several repeats.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable

import numpy as np

import mlite_helpers as mh


def best_of(fn: Callable[[], object], repeats: int = 7) -> float:
    """Best wall-clock time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    toy = mh.load_toy()

    def toy_training() -> None:
        rng = np.random.default_rng(0)
        mh.gradient_descent(toy.Y, toy.R, k=2, alpha=0.05, lambda_=0.3, epochs=2000, rng=rng)

    t = best_of(toy_training)
    per_epoch = t / 2000 * 1e6
    print(f"toy training, 2,000 epochs, k = 2:              {t * 1e3:8.1f} ms  ({per_epoch:.1f} us/epoch)")

    rng = np.random.default_rng(0)
    n_movies = n_users = 1000
    k = 10
    X, W, b = mh.init_params(n_movies, n_users, k, rng)
    R = (rng.random((n_movies, n_users)) < 0.1).astype(float)
    Y = np.where(R == 1, rng.integers(1, 11, size=R.shape) / 2, np.nan)
    Y0 = np.where(R == 1, Y, 0.0)

    t = best_of(lambda: (mh.cost(X, W, b, Y, R, 1.0), mh.gradients(X, W, b, Y, R, 1.0)))
    print(f"dense 1,000 x 1,000, k = 10, cost + gradients:  {t * 1e3:8.1f} ms  (public API, inputs checked)")
    t = best_of(lambda: mh._cost_and_gradients(X, W, b, Y0, R, 1.0))
    print(f"  the same, one fused step as used in training: {t * 1e3:8.1f} ms")
    small = mh.init_params(5, 4, 2, np.random.default_rng(0))
    t = best_of(lambda: mh.gradient_check(*small, toy.Y, toy.R, 1.0))
    print(f"toy gradient check (numerical gradients):       {t * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
