"""Time the helper module's hot paths and the slider updates. Prints figures; asserts nothing.

Run with `make bench` (or `python benchmarks/bench_helpers.py`). Timings are noisy on a
shared 2-core machine: each figure is the best of several repeats.
"""

from __future__ import annotations

import contextlib
import io
import platform
import time
import tracemalloc
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")
import numpy as np

import mlite_helpers as mh
from mlite_support import explorers


def best_of(fn: Callable[[], object], repeats: int = 7) -> float:
    """Best wall-clock time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(fn: Callable[[], object]) -> float:
    """Peak memory allocated by NumPy and Python during ``fn()``, in MB."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def row(label: str, value: str) -> None:
    print(f"  {label:58} {value}")


def toy_and_dense() -> None:
    print("Toy data and dense problems")
    toy = mh.load_toy()

    def toy_training() -> None:
        rng = np.random.default_rng(0)
        mh.gradient_descent(toy.Y, toy.R, k=2, alpha=0.05, lambda_=0.3, epochs=2000, rng=rng)

    t = best_of(toy_training)
    row("toy training, 2,000 epochs, k = 2", f"{t * 1e3:7.1f} ms ({t / 2000 * 1e6:.1f} us per epoch)")

    rng = np.random.default_rng(0)
    X, W, b = mh.init_params(1000, 1000, 10, rng)
    R = (rng.random((1000, 1000)) < 0.1).astype(float)
    Y = np.where(R == 1, rng.integers(1, 11, size=R.shape) / 2, np.nan)
    t = best_of(lambda: (mh.cost(X, W, b, Y, R, 1.0), mh.gradients(X, W, b, Y, R, 1.0)))
    row("dense 1,000 x 1,000, k = 10: mh.cost + mh.gradients", f"{t * 1e3:7.1f} ms (inputs checked twice)")
    t1 = best_of(lambda: mh.gradient_descent(Y, R, 10, 1e-3, 1.0, 1, rng, init=(X, W, b)), 3)
    t11 = best_of(lambda: mh.gradient_descent(Y, R, 10, 1e-3, 1.0, 11, rng, init=(X, W, b)), 3)
    row("  one epoch of mh.gradient_descent (one error matrix per step)", f"{(t11 - t1) / 10 * 1e3:7.1f} ms")
    small = mh.init_params(5, 4, 2, np.random.default_rng(0))
    t = best_of(lambda: mh.compare_gradients(*small, toy.Y, toy.R, 1.0))
    row("toy gradient check (numerical gradients)", f"{t * 1e3:7.1f} ms")


def make_explorers() -> dict[str, tuple[mh.Explorer, list[tuple[str, object]]]]:
    """The toy explorers of notebooks 01, 03 and 04, each with slider moves to time."""
    toy = mh.load_toy()
    X = np.array([[1.0, 0.0], [0.0, 0.0], [0.8, 0.0], [0.0, 1.0], [0.0, 1.0]])
    W = np.array([[5.0, 0.0], [5.0, 0.0], [0.0, 5.0], [0.0, 5.0]])
    return {
        "01 be-the-optimizer": (
            mh.optimizer_explorer(X, W, np.zeros(4), toy.Y, toy.R, toy.movies, toy.users, movie=1),
            [("romance", 0.5), ("action", 0.3), ("romance", 1.0)],
        ),
        "03 training explorer": (
            mh.training_explorer(toy.Y, toy.R, toy.movies, toy.users, seed=1),
            [("lambda_", 1.0), ("alpha", 0.1), ("k", 3), ("epochs", 3000), ("alpha", 1.0), ("alpha", 0.1)],
        ),
        "04 factor explorer": (
            mh.factor_explorer(toy.Y, toy.R, toy.movies, toy.users, seed=1),
            [("lambda_", 1.0), ("frame", 5), ("k", 3), ("frame", 20), ("alpha", 0.1)],
        ),
    }


def time_moves(explorer: mh.Explorer, moves: list[tuple[str, object]]) -> tuple[list[float], list[float]]:
    """Seconds of each whole slider update (training + figure rendered as PNG), and of its training."""
    totals, trainings = [], []
    for control, value in moves:
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            explorer.controls[control].value = value
        totals.append(time.perf_counter() - start)
        trainings.append(explorer.state.get("compute_seconds", 0.0))
    return totals, trainings


def slider_updates() -> None:
    """Time slider changes: training (where there is one) and the whole update with a PNG figure."""
    print("Slider updates on the toy data (whole update = training + figure rendered as PNG, as shown)")
    mh.set_style()  # the notebooks' figure size and dpi
    with contextlib.redirect_stdout(io.StringIO()):
        built = make_explorers()
    for name, (explorer, moves) in built.items():
        totals, trainings = time_moves(explorer, moves)
        training = f"training max {max(trainings) * 1e3:5.1f} ms, " if any(trainings) else ""
        row(
            f"{name}: {len(moves)} changes",
            f"{training}whole update max {max(totals) * 1e3:4.0f} ms "
            f"(median {np.median(totals) * 1e3:.0f} ms)",
        )
    drawing_before_and_after()


def drawing_before_and_after(repeats: int = 10) -> None:
    """The training explorer's figure drawn the old way and the new way, interleaved in one run.

    Old: a new figure per change, tight_layout, rendered as the inline backend renders it
    (bbox_inches="tight" draws the figure twice). New: the explorer's one figure, cleared and
    redrawn, laid out once, rendered once.
    """
    import matplotlib.pyplot as plt

    toy = mh.load_toy()
    result = mh.gradient_descent(toy.Y, toy.R, 2, 0.03, 0.3, 1000, np.random.default_rng(0))

    def old() -> None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), width_ratios=(1, 1.3))
        mh.plot_training_summary(axes, result, toy.Y, toy.R, toy.movies, toy.users)
        fig.tight_layout()
        fig.canvas.print_figure(io.BytesIO(), format="png", bbox_inches="tight")
        plt.close(fig)

    canvas = explorers._Canvas((11, 3.6), 2, width_ratios=(1, 1.3))

    def new() -> None:
        mh.plot_training_summary(canvas.clear(), result, toy.Y, toy.R, toy.movies, toy.users)
        canvas.show()

    times: dict[str, list[float]] = {"old": [], "new": []}
    with contextlib.redirect_stdout(io.StringIO()):
        for _ in range(repeats):
            for name, draw in (("old", old), ("new", new)):
                start = time.perf_counter()
                draw()
                times[name].append(time.perf_counter() - start)
    old_ms, new_ms = (np.median(times[name]) * 1e3 for name in ("old", "new"))
    row(
        "  03 figure alone: new figure + tight_layout + inline render / reused",
        f"median {old_ms:4.0f} ms / {new_ms:.0f} ms ({old_ms / new_ms:.1f}x faster)",
    )


def movielens_slider(ml: mh.MovieLens) -> None:
    """The MovieLens explorer of notebook 05: a new setting trains 100 epochs, then draws."""
    data = mh.Ratings(ml.users, ml.movies, ml.ratings)
    train_idx, test_idx = mh.split_ratings(ml.users, 0.2, np.random.default_rng(2026))
    k_max = max(explorers.MOVIELENS_KS)
    with contextlib.redirect_stdout(io.StringIO()):
        explorer = mh.movielens_explorer(
            data.take(train_idx), data.take(test_idx), ml.n_movies, ml.n_users, np.random.default_rng(0)
        )
    totals, _ = time_moves(explorer, [("k", k_max), ("lambda_", 3.0), ("lambda_", 30.0)])
    row(
        f"05 MovieLens explorer, new setting at k = {k_max} (3 changes)",
        f"whole update max {max(totals):.2f} s (median {np.median(totals):.2f} s)",
    )


def movielens() -> None:
    try:
        ml = mh.load_movielens()
    except mh.DataError as err:
        print(f"MovieLens skipped: {err}")
        return
    print(f"MovieLens ml-latest-small ({ml.n_ratings:,} ratings), k = 10")
    users, movies, ratings = ml.users, ml.movies, ml.ratings
    order = np.lexsort((users, movies))
    X, W, b = mh.init_params(ml.n_movies, ml.n_users, 10, np.random.default_rng(0))
    t = best_of(lambda: mh.sparse_cost_and_gradients(X, W, b, users, movies, ratings, 1.0), 20)
    row("sparse cost + gradients (file order)", f"{t * 1e3:7.2f} ms")
    u, m, y = users[order], movies[order], ratings[order]
    t = best_of(lambda: mh.sparse_cost_and_gradients(X, W, b, u, m, y, 1.0), 20)
    row("  the same sorted by movie, as in training", f"{t * 1e3:7.2f} ms")
    Y, R = mh.to_dense(users, movies, ratings, ml.n_movies, ml.n_users)
    t = best_of(lambda: (mh.cost(X, W, b, Y, R, 1.0), mh.gradients(X, W, b, Y, R, 1.0)), 5)
    row("dense mh.cost + mh.gradients on the same data", f"{t * 1e3:7.2f} ms")
    row(
        "memory: dense Y and R / triplets",
        f"{(Y.nbytes + R.nbytes) / 1e6:.0f} MB / {(u.nbytes * 3) / 1e6:.1f} MB",
    )
    train = mh.Ratings(u, m, y)
    t = best_of(
        lambda: mh.fit_ratings(train, ml.n_movies, ml.n_users, 10, 0.5, 10.0, 100, np.random.default_rng(0)),
        2,
    )
    row("fit_ratings, 100 epochs, k = 10 (all ratings)", f"{t:7.2f} s")
    movielens_slider(ml)

    print("Memory and time grow with the number of ratings (synthetic, 6,040 users x 3,706 movies, k = 10)")
    rng = np.random.default_rng(1)
    for n in (100_000, 300_000, 1_000_000):
        su = rng.integers(0, 6040, n)
        sm = rng.integers(0, 3706, n)
        so = np.lexsort((su, sm))
        su, sm = su[so], sm[so]
        sy = rng.integers(1, 11, n) / 2
        sX, sW, sb = mh.init_params(3706, 6040, 10, rng)
        args = (sX, sW, sb, su, sm, sy, 1.0)
        t = best_of(lambda args=args: mh.sparse_cost_and_gradients(*args), 5)
        mem = peak_memory(lambda args=args: mh.sparse_cost_and_gradients(*args))
        row(f"{n:>9,} ratings", f"{t * 1e3:7.1f} ms per evaluation, peak {mem:6.1f} MB")


def main() -> None:
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    toy_and_dense()
    slider_updates()
    movielens()


if __name__ == "__main__":
    main()
