"""MovieLens-Lite: the math the notebooks teach, in the order they teach it.

Each function here is derived step by step in a notebook, then used from here by the later
notebooks, the tests and the benchmarks. Every body shows its formula, so ``mh.cost??`` in
a notebook shows what the notebook derived. Importing this module has no side effects (no
seeding, no plot styling, no downloads).

Contents, by notebook
---------------------
01_cost_function   load_toy, predict, cost_loops, cost
02_gradients       gradients_loops, gradients, numerical_gradients, compare_gradients
03_training        init_params, descend, gradient_descent, normalize_ratings
05_movielens       Ratings, to_dense, sparse_cost_and_gradients, split_ratings,
                   movie_means, rmse, mae, fit_ratings, fold_in, recommend, similar_movies
06_choosing_and_   select_settings (Selection, SettingResult), top_n, popularity_scores,
  judging          top_n_scores (TopNScores), coverage
07_als_and_spark   als_user_step, als_movie_step, fit_als (Spark itself: mlite_support.spark)

Everything that only makes the series work (argument checks, the MovieLens download,
plots, slider explorers, exercise checkers, the library-version report) lives in the
package ``mlite_support`` beside this file. The notebooks reach it as ``mh.<name>`` too
(see ``SUPPORT`` at the end), so they only ever ``import mlite_helpers as mh``.

Notation (the same in every notebook; indices are 0-based, as in Python)

======  =====================================  ==============================
symbol  meaning                                Python name and shape
======  =====================================  ==============================
x(i)    features of movie i                    ``X[i]``, X is (n_movies, k)
w(j)    preferences of user j                  ``W[j]``, W is (n_users, k)
b(j)    bias of user j                         ``b[j]``, b is (n_users,)
y(i,j)  rating of movie i by user j            ``Y[i, j]``, Y is (n_movies, n_users)
r(i,j)  1 if user j rated movie i, else 0      ``R[i, j]``, R is (n_movies, n_users)
E       errors y_hat - y where rated, else 0   ``E``, (n_movies, n_users)
lambda  regularization strength                ``lambda_``
alpha   learning rate                          ``alpha``
k       number of latent features              ``k``
======  =====================================  ==============================

Sizes always come in the order of Y's axes: ``n_movies`` first, then ``n_users``.
"""

from __future__ import annotations

import csv
import importlib
import math
import numbers
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse

from mlite_support import validate

#: The toy ratings of 01_cost_function (ours, MIT license): data/toy_ratings.csv of the
#: repository, or the copy a non-editable install ships inside mlite_support/data/.
TOY_CSV: Path = next(
    (
        path
        for path in (
            Path(__file__).resolve().parent / "data" / "toy_ratings.csv",
            Path(validate.__file__).resolve().parent / "data" / "toy_ratings.csv",
        )
        if path.is_file()
    ),
    Path(__file__).resolve().parent / "data" / "toy_ratings.csv",
)

Params = tuple[np.ndarray, np.ndarray, np.ndarray]


# ======================================================================================
# 01_cost_function: the data, predictions and the cost J
# ======================================================================================


class ToyData(NamedTuple):
    """The toy ratings of 5 movies by 4 users (taught in 01_cost_function).

    Attributes
    ----------
    Y : np.ndarray, shape (n_movies, n_users)
        Ratings in stars (0 to 5); NaN where the user did not rate the movie.
    R : np.ndarray, shape (n_movies, n_users)
        1.0 where a rating exists, 0.0 where not.
    movies : list of str, length n_movies
        Movie titles, in the row order of Y.
    users : list of str, length n_users
        User names, in the column order of Y.
    """

    Y: np.ndarray
    R: np.ndarray
    movies: list[str]
    users: list[str]


def load_toy(path: str | Path | None = None) -> ToyData:
    """Load the toy example: 5 movies, 4 users, 0 to 5 stars, some not rated.

    Taught in 01_cost_function. An empty cell in the CSV means "not rated" (NaN in Y,
    0 in R); a 0 is a real rating of zero stars.

    Parameters
    ----------
    path : str or Path, optional
        CSV file with a header ``movie,<user 1>,...`` and one row per movie. Defaults to
        :data:`TOY_CSV`, the copy that ships with the package.

    Returns
    -------
    ToyData
        ``Y`` (n_movies, n_users) with NaN where unrated, ``R`` (n_movies, n_users) of 0/1,
        ``movies`` (n_movies titles) and ``users`` (n_users names).
    """
    path = TOY_CSV if path is None else validate.path("path", path, "the toy ratings CSV")
    if not path.is_file():
        raise FileNotFoundError(f"path: no toy ratings file at {path}. Call load_toy() without a path.")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row]
    if len(rows) < 2 or len(rows[0]) < 2:
        raise ValueError(f"{path} must have a header 'movie,<users...>' and at least one movie row.")
    users = [name.strip() for name in rows[0][1:]]
    movies, values = [], []
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) != len(users) + 1:
            raise ValueError(f"{path}, line {line_no}: expected {len(users) + 1} fields, got {len(row)}.")
        movies.append(row[0].strip())
        try:
            values.append([float(cell) if cell.strip() else np.nan for cell in row[1:]])
        except ValueError:
            raise ValueError(
                f"{path}, line {line_no}: a rating is not a number; leave the cell empty for 'not rated'."
            ) from None
    Y = np.array(values)
    R = (~np.isnan(Y)).astype(float)  # rated <=> not NaN; a 0-star rating is a rating
    return ToyData(Y=Y, R=R, movies=movies, users=users)


def predict(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Predicted ratings ``y_hat(i, j) = w(j) . x(i) + b(j)`` for every movie and user.

    Taught in 01_cost_function.

    Parameters
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
        Movie features, user preferences, user biases.

    Returns
    -------
    np.ndarray, shape (n_movies, n_users)
        Predicted ratings.
    """
    X, W, b = validate.params(X, W, b)
    return X @ W.T + b  # row i, column j: x(i) . w(j) + b(j)


def cost_loops(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float
) -> float:
    """The cost J with plain Python loops, one rating at a time.

    Taught in 01_cost_function, where it is checked against :func:`cost`. Slow; use
    :func:`cost` for real work.

    Parameters
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    Y, R : np.ndarray, shape (n_movies, n_users)
        Ratings (any value, NaN included, where R = 0) and the 0/1 indicator r(i,j).
    lambda_ : float

    Returns
    -------
    float
        The cost J (equal to :func:`cost` up to rounding).
    """
    X, W, b, Y, R, lambda_ = validate.problem(X, W, b, Y, R, lambda_)
    n_movies, n_users = Y.shape
    J = 0.0
    for i in range(n_movies):
        for j in range(n_users):
            if R[i, j] == 1:
                y_hat = np.dot(W[j], X[i]) + b[j]
                J += (y_hat - Y[i, j]) ** 2
    J = J / 2
    J += (lambda_ / 2) * (np.sum(X**2) + np.sum(W**2))
    return float(J)


def cost(X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float) -> float:
    """Regularized squared-error cost J, vectorized.

    Taught in 01_cost_function::

        J = 1/2 sum_{r(i,j)=1} (w(j).x(i) + b(j) - y(i,j))^2 + lambda_/2 (sum X^2 + sum W^2)

    The biases b are not regularized. Entries with R = 0 never influence the result,
    whatever Y holds there (NaN included).

    Parameters
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    Y, R : np.ndarray, shape (n_movies, n_users)
        Ratings (any value, NaN included, where R = 0) and the 0/1 indicator r(i,j).
    lambda_ : float

    Returns
    -------
    float
        The cost J.
    """
    X, W, b, Y, R, lambda_ = validate.problem(X, W, b, Y, R, lambda_)
    Y = np.where(R == 1, Y, 0.0)  # unrated entries (NaN) must not reach the sum: NaN * 0 is NaN
    E = (X @ W.T + b - Y) * R  # the error matrix: y_hat - y where rated, 0 elsewhere
    return float(0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2)))


# ======================================================================================
# 02_gradients: dJ/dX, dJ/dW, dJ/db, and checking them numerically
# ======================================================================================


def gradients_loops(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float
) -> Params:
    """The gradients of J with loops over the ratings.

    Taught in 02_gradients, where it is checked against :func:`gradients`.

    Parameters
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    Y, R : np.ndarray, shape (n_movies, n_users)
        Ratings (any value, NaN included, where R = 0) and the 0/1 indicator r(i,j).
    lambda_ : float

    Returns
    -------
    dX, dW, db : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    """
    X, W, b, Y, R, lambda_ = validate.problem(X, W, b, Y, R, lambda_)
    dX = lambda_ * X  # the penalty's part: d/dx of lambda_/2 ||x||^2
    dW = lambda_ * W
    db = np.zeros_like(b)  # b is not regularized
    n_movies, n_users = Y.shape
    for i in range(n_movies):
        for j in range(n_users):
            if R[i, j] == 1:
                err = np.dot(W[j], X[i]) + b[j] - Y[i, j]
                dX[i] += err * W[j]
                dW[j] += err * X[i]
                db[j] += err
    return dX, dW, db


def gradients(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float
) -> Params:
    """Gradients of the cost J with respect to X, W and b, vectorized.

    Taught in 02_gradients. With the error matrix ``E = (X W^T + b - Y) * R``::

        dJ/dX = E W + lambda_ X,   dJ/dW = E^T X + lambda_ W,   dJ/db = column sums of E

    Parameters
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    Y, R : np.ndarray, shape (n_movies, n_users)
        Ratings (any value, NaN included, where R = 0) and the 0/1 indicator r(i,j).
    lambda_ : float

    Returns
    -------
    dX, dW, db : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    """
    X, W, b, Y, R, lambda_ = validate.problem(X, W, b, Y, R, lambda_)
    E = (X @ W.T + b - np.where(R == 1, Y, 0.0)) * R  # the error matrix of cost()
    dX = E @ W + lambda_ * X
    dW = E.T @ X + lambda_ * W
    db = E.sum(axis=0)
    return dX, dW, db


def numerical_gradients(
    X: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    Y: np.ndarray,
    R: np.ndarray,
    lambda_: float,
    eps: float = 1e-6,
) -> Params:
    """Gradients of J by central differences, ``(J(p + eps) - J(p - eps)) / (2 eps)``.

    Taught in 02_gradients. Two cost evaluations per parameter: use it to test
    :func:`gradients` on small problems, never to train.

    Parameters
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    Y, R : np.ndarray, shape (n_movies, n_users)
        Ratings (any value, NaN included, where R = 0) and the 0/1 indicator r(i,j).
    lambda_ : float
    eps : float, default 1e-6
        Step of the central difference, between 0 and 1.

    Returns
    -------
    dX, dW, db : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    """
    X, W, b = validate.params(X, W, b)
    validate.ratings(Y, R, (X.shape[0], W.shape[0]))
    eps = validate.number("eps", eps, low=0.0, strict=True, meaning="step of the central difference")
    if eps >= 1:
        raise ValueError(f"eps (step of the central difference) must be small, such as 1e-6; got {eps!r}.")
    params = [X.copy(), W.copy(), b.copy()]
    grads = [np.zeros_like(p) for p in params]
    for param, grad in zip(params, grads):
        flat, flat_grad = param.reshape(-1), grad.reshape(-1)  # views: changing flat changes param
        for n in range(flat.size):
            old = flat[n]
            flat[n] = old + eps
            J_plus = cost(*params, Y, R, lambda_)
            flat[n] = old - eps
            J_minus = cost(*params, Y, R, lambda_)
            flat[n] = old
            flat_grad[n] = (J_plus - J_minus) / (2 * eps)
    return grads[0], grads[1], grads[2]


@dataclass(frozen=True)
class GradientComparison:
    """Two gradients compared block by block (what :func:`compare_gradients` returns).

    Attributes
    ----------
    rel_error : dict of str to float
        ``||a - n|| / (||a|| + ||n||)`` for "X", "W", "b"; ``inf`` where a block has NaN or inf.
    max_abs_diff : dict of str to float
        Largest absolute difference of one entry, per block (``inf`` likewise).
    """

    rel_error: dict[str, float]
    max_abs_diff: dict[str, float]

    @property
    def worst(self) -> float:
        """The largest relative error over the three blocks."""
        return max(self.rel_error.values())

    def agree(self, tol: float = 1e-6) -> bool:
        """True if every block's relative error is below ``tol``; never True with NaN.

        Parameters
        ----------
        tol : float, default 1e-6

        Returns
        -------
        bool
        """
        tol = validate.number("tol", tol, low=0.0, strict=True, meaning="largest relative error", high=1.0)
        return all(error < tol for error in self.rel_error.values())

    def __str__(self) -> str:
        lines = [f"{'block':<6}{'relative error':>16}{'max |diff|':>14}"]
        for name in ("X", "W", "b"):
            lines.append(f"d{name:<5}{self.rel_error[name]:>16.1e}{self.max_abs_diff[name]:>14.1e}")
        return "\n".join(lines)


def compare_gradients(
    X: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    Y: np.ndarray,
    R: np.ndarray,
    lambda_: float,
    grad_fn: Callable[..., Params] | None = None,
    eps: float = 1e-6,
) -> GradientComparison:
    """Compare analytic gradients with :func:`numerical_gradients`, block by block.

    Taught in 02_gradients. Correct gradients agree to a relative error far below 1e-6.

    Parameters
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    Y, R : np.ndarray, shape (n_movies, n_users)
        Ratings (any value, NaN included, where R = 0) and the 0/1 indicator r(i,j).
    lambda_ : float
    grad_fn : callable, optional
        ``grad_fn(X, W, b, Y, R, lambda_) -> (dX, dW, db)``; defaults to :func:`gradients`.
    eps : float, default 1e-6
        Step of the central difference.

    Returns
    -------
    GradientComparison
        Relative error and largest absolute difference for the X, W and b blocks.
    """
    if grad_fn is None:
        grad_fn = gradients
    grad_fn = validate.function("grad_fn", grad_fn, "(X, W, b, Y, R, lambda_) -> (dX, dW, db)")
    numeric = numerical_gradients(X, W, b, Y, R, lambda_, eps=eps)
    analytic = grad_fn(X, W, b, Y, R, lambda_)
    if not isinstance(analytic, (tuple, list)) or len(analytic) != 3:
        raise TypeError("grad_fn must return three arrays (dX, dW, db).")
    rel, diff = {}, {}
    for name, a, n in zip(("X", "W", "b"), analytic, numeric):
        a = validate.float_array(f"d{name}", a, str(n.shape))
        if a.shape != n.shape:
            raise ValueError(f"d{name} has shape {a.shape} but must have shape {n.shape}.")
        if not np.all(np.isfinite(a)):  # NaN would slip through max() and comparisons
            rel[name] = diff[name] = math.inf
            continue
        scale = np.linalg.norm(a) + np.linalg.norm(n)
        rel[name] = float(np.linalg.norm(a - n) / scale) if scale > 0 else 0.0
        diff[name] = float(np.max(np.abs(a - n))) if a.size else 0.0
    return GradientComparison(rel_error=rel, max_abs_diff=diff)


# ======================================================================================
# 03_training: batch gradient descent
# ======================================================================================


def init_params(n_movies: int, n_users: int, k: int, rng: np.random.Generator, scale: float = 0.1) -> Params:
    """Small random starting values for X and W, zeros for b.

    Taught in 03_training. Random (not zero) X and W break the symmetry between the k
    features; zero biases mean a user with no ratings starts, and stays, at the movie mean
    once ratings are mean-normalized.

    Parameters
    ----------
    n_movies, n_users, k : int
        Numbers of movies, users and latent features, each >= 1.
    rng : np.random.Generator
        Source of randomness, e.g. ``np.random.default_rng(42)``.
    scale : float, default 0.1
        Standard deviation of the normal distribution for X and W.

    Returns
    -------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    """
    n_movies = validate.integer("n_movies", n_movies, 1, "number of movies")
    n_users = validate.integer("n_users", n_users, 1, "number of users")
    k = validate.integer("k", k, 1, "number of latent features")
    rng = validate.generator(rng)
    scale = validate.number(
        "scale", scale, low=0.0, strict=True, meaning="spread of the start", example="0.1"
    )
    X = rng.normal(0.0, scale, size=(n_movies, k))
    W = rng.normal(0.0, scale, size=(n_users, k))
    b = np.zeros(n_users)
    return X, W, b


class Snapshot(NamedTuple):
    """Parameters saved during training (for the "watch the factors move" explorer).

    Attributes
    ----------
    epoch : int
        Number of gradient steps taken when the snapshot was saved.
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
        Movie features, user preferences, user biases.
    cost : float
        J at these parameters.
    """

    epoch: int
    X: np.ndarray
    W: np.ndarray
    b: np.ndarray
    cost: float


@dataclass
class TrainResult:
    """What :func:`descend` (and so :func:`gradient_descent`) returns.

    Attributes
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
        Movie features, user preferences, user biases.
    cost_history : np.ndarray, shape (epochs_run + 1,)
        J before training and after every step kept.
    diverged : bool
        True if J became non-finite or rose above its starting value; training stopped.
    message : str
        A one-line summary, or when it diverged and what to try.
    snapshots : list of Snapshot
        Saved every ``snapshot_every`` epochs if requested (first and last always).
    """

    X: np.ndarray
    W: np.ndarray
    b: np.ndarray
    cost_history: np.ndarray
    diverged: bool = False
    message: str = ""
    snapshots: list[Snapshot] = field(default_factory=list)

    @property
    def epochs_run(self) -> int:
        """Number of gradient steps actually taken."""
        return len(self.cost_history) - 1

    def predict(self) -> np.ndarray:
        """Predicted ratings, shape (n_movies, n_users), from the learned parameters."""
        return self.X @ self.W.T + self.b


def descend(
    cost_and_gradients: Callable[
        [np.ndarray, np.ndarray, np.ndarray], tuple[float, np.ndarray, np.ndarray, np.ndarray]
    ],
    params: Params,
    alpha: float,
    epochs: int,
    *,
    scale: tuple[Any, Any, Any] = (1.0, 1.0, 1.0),
    momentum: float = 0.0,
    snapshot_every: int | None = None,
    progress: bool = False,
    callback: Callable[[int, np.ndarray, np.ndarray, np.ndarray], bool] | None = None,
) -> TrainResult:
    """Batch gradient descent on (X, W, b): the one training loop of the series.

    Taught in 03_training (plain steps) and 05_movielens (a step size per row, momentum).
    Each epoch moves every parameter at once::

        v <- momentum * v - alpha * scale * dJ/dp,    p <- p + v

    With ``momentum = 0`` and ``scale = 1`` that is ``p <- p - alpha dJ/dp``.

    Divergence rule: a step whose J is not finite, or above J before training, means the
    steps are too long. Training stops there, keeps the parameters from before that step,
    sets ``diverged`` and says which alpha to try instead.

    Parameters
    ----------
    cost_and_gradients : callable
        ``(X, W, b) -> (J, dX, dW, db)``.
    params : tuple of (X, W, b)
        Starting parameters, shapes (n_movies, k), (n_users, k), (n_users,); not modified.
    alpha, epochs : float, int
        Learning rate (> 0) and number of steps (>= 0).
    scale : tuple of three floats or arrays, default (1, 1, 1)
        Step multipliers for X, W and b; arrays (n_movies, 1), (n_users, 1), (n_users,) give
        every row its own step.
    momentum : float, default 0.0
        Heavy-ball momentum in [0, 1).
    snapshot_every : int, optional
        Save a :class:`Snapshot` every this many epochs (plus the first and the last).
    progress : bool, default False
        Print J to stderr every 10% of the epochs (never used in the notebooks).
    callback : callable, optional
        ``callback(epoch, X, W, b) -> bool`` after every step kept; True stops training
        (early stopping, taught in 06_choosing_and_judging).

    Returns
    -------
    TrainResult
        Parameters, cost history, divergence flag and message, snapshots.
    """
    cost_and_gradients = validate.function(
        "cost_and_gradients", cost_and_gradients, "(X, W, b) -> (J, dX, dW, db)"
    )
    p = list(_three("params", params, "the starting (X, W, b)"))
    p = [q.copy() for q in validate.params(*p)]
    alpha = validate.alpha(alpha)
    epochs = validate.integer("epochs", epochs, 0, "number of gradient steps")
    momentum = validate.momentum(momentum)
    if snapshot_every is not None:
        snapshot_every = validate.integer("snapshot_every", snapshot_every, 1, "epochs between snapshots")
    progress = validate.flag("progress", progress)
    callback = validate.function("callback", callback, "(epoch, X, W, b) -> bool", 4, optional=True)
    steps = [alpha * s for s in _step_scales(scale, p)]
    v = [np.zeros_like(param) for param in p]
    history = [0.0] * (epochs + 1)
    snapshots: list[Snapshot] = []
    message, diverged = "", False
    with np.errstate(over="ignore", invalid="ignore"):
        J, *grads = _checked_step(cost_and_gradients, p)
        history[0] = J_start = J
        if not math.isfinite(J_start):
            raise ValueError(
                f"cost_and_gradients returned J = {J_start} at the starting parameters: check the "
                "ratings (a NaN where R = 1?) and use smaller start values."
            )
        if snapshot_every is not None:
            snapshots.append(Snapshot(0, *(q.copy() for q in p), J_start))
        done = 0
        for epoch in range(1, epochs + 1):
            v = [momentum * v_ - step * g for v_, step, g in zip(v, steps, grads)]
            new = [q + v_ for q, v_ in zip(p, v)]
            try:
                J, *new_grads = cost_and_gradients(*new)
                J = float(J)
            except ValueError:  # a cost that refuses parameters too large to square
                if all(np.all(np.abs(q) <= validate.LARGEST) for q in new):
                    raise
                J, new_grads = math.inf, grads
            # The divergence rule: J not finite, or above where it started.
            if not math.isfinite(J) or J > J_start:
                shown = f"{J:.3g}" if math.isfinite(J) else "infinity"
                message = (
                    f"Training diverged at epoch {epoch}: with alpha = {alpha:g} the cost J rose from "
                    f"{J_start:.4g} to {shown}, above where it started. Try a smaller alpha, for example a "
                    f"third of it, {alpha / 3:.2g}."
                )
                diverged = True
                break
            p, grads, history[epoch], done = new, new_grads, J, epoch
            if snapshot_every is not None and epoch % snapshot_every == 0:
                snapshots.append(Snapshot(epoch, *(q.copy() for q in p), J))
            if progress and epochs >= 10 and epoch % (epochs // 10) == 0:
                print(f"epoch {epoch}/{epochs}: J = {J:.6g}", file=sys.stderr, flush=True)
            if callback is not None and callback(epoch, *p):
                message = f"Stopped early after {epoch} epochs: J went from {J_start:.4g} to {J:.4g}."
                break
    if snapshot_every is not None and snapshots[-1].epoch != done:
        snapshots.append(Snapshot(done, *(q.copy() for q in p), history[done]))
    if not message:
        message = f"Trained {done} epochs: J went from {J_start:.4g} to {history[done]:.4g}."
    X, W, b = p
    return TrainResult(X, W, b, np.array(history[: done + 1]), diverged, message, snapshots)


def _three(name: str, value: Any, meaning: str) -> tuple[Any, Any, Any]:
    """``value`` as a 3-tuple (X, W, b), or a TypeError naming ``name``."""
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise TypeError(f"{name} must be {meaning}: a tuple of three arrays (X, W, b), got {value!r:.80}.")
    return value[0], value[1], value[2]


def _step_scales(scale: Any, params: list[np.ndarray]) -> list[np.ndarray]:
    """The step multipliers of :func:`descend`: finite, > 0, and each fits its parameter's shape."""
    scales = []
    for name, s, q in zip(("X", "W", "b"), _three("scale", scale, "step multipliers for X, W, b"), params):
        s = validate.float_array(f"scale for {name}", s, f"() or broadcastable to {q.shape}")
        if not _broadcasts(s, q) or np.broadcast_shapes(s.shape, q.shape) != q.shape:
            fits = (q.shape[0], 1) if q.ndim == 2 else q.shape
            raise ValueError(
                f"scale for {name} has shape {s.shape}, which does not fit {name} of shape {q.shape}. Use a "
                f"number, or an array of shape {fits} (one step size per row)."
            )
        if not np.all(np.isfinite(s) & (s > 0) & (s <= validate.LARGEST)):
            raise ValueError(f"scale for {name} must hold finite numbers > 0 (step multipliers).")
        scales.append(s)
    return scales


def _broadcasts(s: np.ndarray, q: np.ndarray) -> bool:
    try:
        np.broadcast_shapes(s.shape, q.shape)
    except ValueError:
        return False
    return True


def _checked_step(fn: Callable[..., Any], p: list[np.ndarray]) -> tuple[float, *Params]:
    """The first call of a cost-and-gradients function, with its result checked."""
    out = fn(*p)
    if not isinstance(out, (tuple, list)) or len(out) != 4:
        raise TypeError("cost_and_gradients must return four values (J, dX, dW, db).")
    if isinstance(out[0], (bool, np.bool_)) or not isinstance(out[0], numbers.Real):
        raise TypeError(f"cost_and_gradients must return J as a number first, got {out[0]!r:.60}.")
    J = float(out[0])
    grads = []
    for name, g, q in zip(("dX", "dW", "db"), out[1:], p):
        g = validate.float_array(f"{name} returned by cost_and_gradients", g, str(q.shape))
        if g.shape != q.shape:
            raise ValueError(f"cost_and_gradients returned {name} of shape {g.shape}; it must be {q.shape}.")
        grads.append(g)
    return J, grads[0], grads[1], grads[2]


def gradient_descent(
    Y: np.ndarray,
    R: np.ndarray,
    k: int,
    alpha: float,
    lambda_: float,
    epochs: int,
    rng: np.random.Generator,
    *,
    snapshot_every: int | None = None,
    init: Params | None = None,
) -> TrainResult:
    """Learn X, W and b together by batch gradient descent on the dense Y and R.

    Taught in 03_training: random starting values (:func:`init_params`), then
    :func:`descend` with the cost of 01 and the gradients of 02, computed from one error
    matrix per step.

    Parameters
    ----------
    Y, R : np.ndarray, shape (n_movies, n_users)
        Ratings (mean-normalized or not; anything where R = 0) and the 0/1 indicator.
    k, alpha, lambda_, epochs : int, float, float, int
        Latent features (>= 1), learning rate (> 0), regularization (>= 0), steps (>= 0).
    rng : np.random.Generator
        For the starting values (:func:`init_params`).
    snapshot_every : int, optional
        Save a :class:`Snapshot` every this many epochs (plus the first and the last).
    init : tuple of (X, W, b), optional
        Starting parameters instead of random ones (their k must equal ``k``).

    Returns
    -------
    TrainResult
        Parameters, cost history, divergence flag and message, snapshots.
    """
    Y, R = validate.ratings(Y, R)
    k = validate.integer("k", k, 1, "number of latent features")
    lambda_ = validate.lambda_(lambda_)
    n_movies, n_users = Y.shape
    if init is None:
        init = init_params(n_movies, n_users, k, validate.generator(rng))
    X, W, b = validate.params(*_three("init", init, "the starting parameters from init_params"))
    if (X.shape[0], W.shape[0], X.shape[1]) != (n_movies, n_users, k):
        raise ValueError(
            f"init has (n_movies, n_users, k) = {(X.shape[0], W.shape[0], X.shape[1])} but Y has shape "
            f"{Y.shape} and k = {k}. Create it with init_params({n_movies}, {n_users}, {k}, rng)."
        )
    Y = np.where(R == 1, Y, 0.0)

    def cost_and_gradients(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[float, *Params]:
        E = (X @ W.T + b - Y) * R  # one error matrix for J and all three gradients
        J = 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))
        return J, E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0)

    return descend(cost_and_gradients, (X, W, b), alpha, epochs, snapshot_every=snapshot_every)


def normalize_ratings(Y: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean normalization: subtract each movie's mean rating, over rated entries only.

    Taught in 03_training. Train on ``Y_norm``, then add ``mu`` back to the predictions:
    ``predict(X, W, b) + mu[:, None]``. A user with no ratings then gets the movie means.

    Parameters
    ----------
    Y : np.ndarray, shape (n_movies, n_users)
        Ratings; any value where R = 0.
    R : np.ndarray, shape (n_movies, n_users)
        1 where rated, 0 elsewhere.

    Returns
    -------
    Y_norm : np.ndarray, shape (n_movies, n_users)
        ``Y - mu`` where rated, NaN where not.
    mu : np.ndarray, shape (n_movies,)
        Mean rating of each movie over its ratings (0 for a movie nobody rated).
    """
    Y, R = validate.ratings(Y, R)
    Y = np.where(R == 1, Y, 0.0)
    counts = R.sum(axis=1)
    mu = np.divide(Y.sum(axis=1), counts, out=np.zeros(Y.shape[0]), where=counts > 0)
    Y_norm = np.where(R == 1, Y - mu[:, None], np.nan)
    return Y_norm, mu


# ======================================================================================
# 05_movielens: the same model on rating triplets, evaluation, fold-in, similar movies
# ======================================================================================


class Ratings(NamedTuple):
    """Ratings as index triplets (taught in 05_movielens): rating n is ``ratings[n]`` stars
    given by user ``users[n]`` to movie ``movies[n]``.

    Attributes
    ----------
    users : np.ndarray of int, shape (n_ratings,)
    movies : np.ndarray of int, shape (n_ratings,)
    ratings : np.ndarray of float, shape (n_ratings,)
    """

    users: np.ndarray
    movies: np.ndarray
    ratings: np.ndarray

    def take(self, index: np.ndarray) -> Ratings:
        """The ratings at ``index`` (an integer or boolean array), as a new Ratings.

        Parameters
        ----------
        index : np.ndarray of int or bool

        Returns
        -------
        Ratings
        """
        n = len(self.ratings)
        mask = np.asarray(index) if isinstance(index, (np.ndarray, list, tuple)) else None
        if mask is not None and mask.dtype == bool:
            if mask.shape != (n,):
                raise ValueError(f"index is a boolean mask of shape {mask.shape}; it must have shape ({n},).")
            index = mask
        else:
            index = validate.index_array("index", index, n, "rating")
        return Ratings(self.users[index], self.movies[index], self.ratings[index])


def to_dense(
    users: np.ndarray, movies: np.ndarray, ratings: np.ndarray, n_movies: int, n_users: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rating triplets as a dense Y (NaN where unrated) and R, for small problems only.

    Taught in 05_movielens (to compare dense with sparse).

    Parameters
    ----------
    users, movies : np.ndarray of int, shape (n_ratings,)
    ratings : np.ndarray, shape (n_ratings,)
    n_movies, n_users : int

    Returns
    -------
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    """
    n_movies = validate.integer("n_movies", n_movies, 1, "number of movies")
    n_users = validate.integer("n_users", n_users, 1, "number of users")
    users, movies, ratings = validate.triplets(users, movies, ratings, n_movies, n_users)
    pairs = movies * n_users + users
    if np.unique(pairs).size != pairs.size:
        first = int(np.flatnonzero(np.bincount(pairs) > 1)[0])
        raise ValueError(
            f"users and movies list the pair (movie {first // n_users}, user {first % n_users}) twice: "
            "a dense Y holds one rating per pair. Drop the repeated ratings first."
        )
    Y = np.full((n_movies, n_users), np.nan)
    Y[movies, users] = ratings
    R = (~np.isnan(Y)).astype(float)
    return Y, R


def sparse_cost_and_gradients(
    X: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    users: np.ndarray,
    movies: np.ndarray,
    ratings: np.ndarray,
    lambda_: float,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Cost J and its gradients from rating triplets, without a dense ratings matrix.

    Taught in 05_movielens. The math of :func:`cost` and :func:`gradients`: the errors are
    computed for the listed ratings only (``e[n] = x(i).w(j) + b(j) - y_n`` with
    ``i = movies[n]``, ``j = users[n]``), and the error matrix E is stored sparse, so that
    ``dJ/dX = E W + lambda_ X`` and ``dJ/dW = E^T X + lambda_ W`` read exactly as before.
    Time and memory grow with the number of ratings, not with n_movies x n_users.

    Parameters
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
        Movie features, user preferences, user biases.
    users : np.ndarray of int, shape (n_ratings,)
        0-based user index of each rating.
    movies : np.ndarray of int, shape (n_ratings,)
        0-based movie index of each rating.
    ratings : np.ndarray, shape (n_ratings,)
        The ratings.
    lambda_ : float
        Regularization strength, >= 0.

    Returns
    -------
    J : float
    dX, dW, db : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    """
    X, W, b = validate.params(X, W, b)
    n_movies, n_users = X.shape[0], W.shape[0]
    users, movies, ratings = validate.triplets(users, movies, ratings, n_movies, n_users)
    lambda_ = validate.lambda_(lambda_)
    return _sparse_cost_and_gradients(X, W, b, users, movies, ratings, lambda_)


def _sparse_cost_and_gradients(
    X: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    users: np.ndarray,
    movies: np.ndarray,
    ratings: np.ndarray,
    lambda_: float,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`sparse_cost_and_gradients` on checked arguments (the training loop's inner call)."""
    n_movies, n_users = X.shape[0], W.shape[0]
    XT, WT = X.T.copy(), W.T.copy()  # one contiguous row per feature: fast to gather from
    e = b.take(users) - ratings
    for f in range(X.shape[1]):  # e[n] += x(i)[f] w(j)[f], one feature at a time (small temporaries)
        e += XT[f].take(movies) * WT[f].take(users)
    J = 0.5 * np.sum(e**2) + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))
    E = sparse.coo_array((e, (movies, users)), shape=(n_movies, n_users))  # E, stored sparse
    dX = E @ W + lambda_ * X
    dW = E.T @ X + lambda_ * W
    db = np.bincount(users, weights=e, minlength=n_users)  # the column sums of E
    return float(J), dX, dW, db


def split_ratings(
    users: np.ndarray, test_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Hold out a random fraction of every user's ratings; every user keeps ratings in training.

    Taught in 05_movielens. For a user with n ratings, ``round(test_fraction * n)`` of them
    (at most n - 1) go to the held-out part, chosen at random.

    Parameters
    ----------
    users : np.ndarray of int, shape (n_ratings,)
        User index of each rating.
    test_fraction : float
        Between 0 and 1 (exclusive).
    rng : np.random.Generator

    Returns
    -------
    train : np.ndarray of int, shape (n_train,)
        Indices of the training ratings, sorted.
    test : np.ndarray of int, shape (n_test,)
        Indices of the held-out ratings, sorted.
    """
    users = validate.index_array("users", users, np.iinfo(np.int64).max, "user")
    if users.size == 0:
        raise ValueError("users is empty: split_ratings needs the user index of at least one rating.")
    test_fraction = validate.fraction("test_fraction", test_fraction, "share held out")
    rng = validate.generator(rng)
    order = np.lexsort((rng.random(users.size), users))  # grouped by user, random within each
    counts = np.bincount(users)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(users.size) - starts[users[order]]  # position within the user's group
    n_test = np.minimum(np.round(test_fraction * counts).astype(int), np.maximum(counts - 1, 0))
    is_test = np.zeros(users.size, dtype=bool)
    is_test[order] = rank < n_test[users[order]]
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)


def movie_means(
    movies: np.ndarray, ratings: np.ndarray, n_movies: int, shrink: float = 0.0
) -> tuple[np.ndarray, float]:
    """Mean rating of each movie, optionally shrunk towards the global mean.

    Taught in 03_training (plain means) and 05_movielens (shrunk). With ``shrink = s``,
    ``mu_i = (sum of movie i's ratings + s * global mean) / (count_i + s)``: a movie with
    one 5-star rating no longer gets a mean of 5. A movie without ratings gets the global
    mean.

    Parameters
    ----------
    movies : np.ndarray of int, shape (n_ratings,)
    ratings : np.ndarray, shape (n_ratings,)
    n_movies : int
    shrink : float, default 0.0
        Weight of the global mean, in ratings (>= 0, finite).

    Returns
    -------
    mu : np.ndarray, shape (n_movies,)
    global_mean : float
    """
    n_movies = validate.integer("n_movies", n_movies, 1, "number of movies")
    movies = validate.index_array("movies", movies, n_movies, "movie")
    _, movies, ratings = validate.triplets(movies, movies, ratings, n_movies, n_movies)
    if ratings.size == 0:
        raise ValueError("movies and ratings are empty: the means need at least one rating.")
    shrink = validate.number("shrink", shrink, low=0.0, meaning="weight of the global mean", example="3.0")
    global_mean = float(ratings.mean())
    counts = np.bincount(movies, minlength=n_movies)
    sums = np.bincount(movies, weights=ratings, minlength=n_movies)
    denominator = counts + shrink
    mu = np.divide(
        sums + shrink * global_mean, denominator, out=np.full(n_movies, global_mean), where=denominator > 0
    )
    return mu, global_mean


def _errors(predicted: Any, actual: Any) -> np.ndarray:
    predicted = validate.float_array("predicted", predicted, "(n,)")
    actual = validate.float_array("actual", actual, "(n,)")
    if predicted.ndim != 1 or predicted.shape != actual.shape or predicted.size == 0:
        raise ValueError(
            f"predicted {predicted.shape} and actual {actual.shape} must be 1-D, of the same length and not "
            "empty (use .ravel() on a column vector)."
        )
    for name, values in (("predicted", predicted), ("actual", actual)):
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} contains NaN or inf: every rating and prediction must be a number.")
        validate.vector(name, values, values.size, "ratings in stars")
    return predicted - actual


def rmse(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Root mean squared error, ``sqrt(mean((predicted - actual)^2))``, in stars.

    Taught in 05_movielens.

    Parameters
    ----------
    predicted, actual : np.ndarray, shape (n,)

    Returns
    -------
    float
    """
    e = _errors(predicted, actual)
    return float(np.sqrt(np.mean(e**2)))


def mae(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Mean absolute error, ``mean(|predicted - actual|)``, in stars.

    Taught in 05_movielens.

    Parameters
    ----------
    predicted, actual : np.ndarray, shape (n,)

    Returns
    -------
    float
    """
    e = _errors(predicted, actual)
    return float(np.mean(np.abs(e)))


@dataclass
class RatingsModel:
    """A model trained on rating triplets by :func:`fit_ratings` (taught in 05_movielens).

    Predicts ``x(i) . w(j) + b(j) + mu(i)``: features, preferences, user bias and the
    (shrunk) movie mean used for mean normalization.

    Attributes
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
        Movie features, user preferences, user biases.
    mu : np.ndarray, shape (n_movies,)
        Movie means subtracted before training (zeros without normalization).
    lambda_ : float
    cost_history : np.ndarray, shape (epochs_run + 1,)
    diverged : bool
    message : str
    rating_range : tuple of float
        Predictions are clipped to this range (the scale of the data).
    """

    X: np.ndarray
    W: np.ndarray
    b: np.ndarray
    mu: np.ndarray
    lambda_: float
    cost_history: np.ndarray
    diverged: bool
    message: str
    rating_range: tuple[float, float] = (0.5, 5.0)

    def predict(self, users: np.ndarray, movies: np.ndarray) -> np.ndarray:
        """Predicted ratings for (user, movie) index pairs, clipped to ``rating_range``.

        Parameters
        ----------
        users, movies : np.ndarray of int, shape (n,)

        Returns
        -------
        np.ndarray, shape (n,)
        """
        users = validate.index_array("users", users, self.W.shape[0], "user")
        movies = validate.index_array("movies", movies, self.X.shape[0], "movie")
        if users.shape != movies.shape:
            raise ValueError(f"users {users.shape} and movies {movies.shape} must have the same length.")
        y_hat = np.einsum("nf,nf->n", self.X[movies], self.W[users]) + self.b[users] + self.mu[movies]
        return np.clip(y_hat, *self.rating_range)


def fit_ratings(
    data: Ratings,
    n_movies: int,
    n_users: int,
    k: int,
    alpha: float,
    lambda_: float,
    epochs: int,
    rng: np.random.Generator,
    *,
    scaled_steps: bool = True,
    shrink: float = 0.0,
    normalize: bool = True,
    momentum: float = 0.0,
    init_scale: float = 0.1,
    progress: bool = False,
    callback: Callable[[int, RatingsModel], bool] | None = None,
) -> RatingsModel:
    """Batch gradient descent on rating triplets, with mean normalization and user biases.

    Taught in 05_movielens: subtract the (shrunk) movie means, then :func:`descend` with
    :func:`sparse_cost_and_gradients`, every parameter stepped at once each epoch.

    With ``scaled_steps`` (the default) each row takes a step of its own size:
    ``eta_i = alpha / (c_i + lambda_)`` for movie i with c_i ratings,
    ``eta_j = alpha / (c_j + lambda_)`` for user j's preferences and ``alpha / c_j`` for their
    bias. One user can have 100 times the ratings of another, and so a 100 times larger
    gradient; dividing by the count lets every row learn at the same pace, and alpha becomes
    a fraction (0.1 to 1) of a full step. ``c_i + lambda_`` bounds the curvature along row i
    from above when the users' preferences have length at most 1 (see the derivation in
    05_movielens). With ``scaled_steps=False`` it is the plain gradient descent of
    03_training.

    Parameters
    ----------
    data : Ratings
        Training ratings as (users, movies, ratings) triplets.
    n_movies, n_users : int
        Sizes of X and W (movies or users without ratings are allowed).
    k, alpha, lambda_, epochs : int, float, float, int
        Latent features (>= 1), learning rate (> 0), regularization (>= 0), steps (>= 0).
    rng : np.random.Generator
        For the starting values (:func:`init_params`).
    scaled_steps, normalize : bool, default True
        Per-row step sizes, as explained above; subtract the movie means first.
    shrink, momentum, init_scale : float, defaults 0.0, 0.0, 0.1
        Shrinkage of the movie means (:func:`movie_means`), heavy-ball momentum in [0, 1)
        (:func:`descend`; 0.9 crosses long flat valleys about ten times faster), spread of
        the random start.
    progress : bool, default False
        Print J to stderr every 10% of the epochs.
    callback : callable, optional
        ``callback(epoch, model) -> bool`` after every epoch (the model's ``cost_history``
        left empty); True stops training (see :func:`select_settings`).

    Returns
    -------
    RatingsModel
        Parameters, movie means, cost history and divergence flag and message.
    """
    n_movies = validate.integer("n_movies", n_movies, 1, "number of movies")
    n_users = validate.integer("n_users", n_users, 1, "number of users")
    users, movies, ratings = validate.ratings_triplets("data", data, n_movies, n_users)
    lambda_ = validate.lambda_(lambda_)
    init_scale = validate.number(
        "init_scale", init_scale, low=0.0, strict=True, meaning="spread of the start"
    )
    scaled_steps = validate.flag("scaled_steps", scaled_steps)
    normalize = validate.flag("normalize", normalize)
    callback = validate.function("callback", callback, "(epoch, model) -> bool", 2, optional=True)
    order = np.lexsort((users, movies))  # sorted by movie, then user: faster gathers
    users, movies, ratings = users[order], movies[order], ratings[order]
    X, W, b = init_params(n_movies, n_users, k, rng, scale=init_scale)
    mu = movie_means(movies, ratings, n_movies, shrink)[0] if normalize else np.zeros(n_movies)
    y = ratings - mu[movies]
    if scaled_steps:
        n_i = np.bincount(movies, minlength=n_movies)[:, None]
        n_j = np.bincount(users, minlength=n_users)
        scale = (
            1 / np.maximum(n_i + lambda_, 1e-12),
            1 / np.maximum(n_j + lambda_, 1e-12)[:, None],
            1 / np.maximum(n_j, 1),
        )
    else:
        scale = (1.0, 1.0, 1.0)

    low, high = float(ratings.min()), float(ratings.max())

    def cost_and_gradients(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[float, *Params]:
        return _sparse_cost_and_gradients(X, W, b, users, movies, y, lambda_)

    def watch(epoch: int, X: np.ndarray, W: np.ndarray, b: np.ndarray) -> bool:
        return bool(callback(epoch, RatingsModel(X, W, b, mu, lambda_, np.empty(0), False, "", (low, high))))

    result = descend(
        cost_and_gradients,
        (X, W, b),
        alpha,
        epochs,
        scale=scale,
        momentum=momentum,
        progress=progress,
        callback=None if callback is None else watch,
    )
    return RatingsModel(
        result.X,
        result.W,
        result.b,
        mu,
        lambda_,
        result.cost_history,
        result.diverged,
        result.message,
        (low, high),
    )


def _model(model: Any) -> RatingsModel:
    return validate.instance("model", model, RatingsModel, "Train one with mh.fit_ratings.")


def fold_in(
    model: RatingsModel, movies: np.ndarray, ratings: np.ndarray, lambda_: float | None = None
) -> tuple[np.ndarray, float]:
    """Preferences and bias of a new user from a few ratings, with the movie features fixed.

    Taught in 05_movielens. Minimizes the same cost for one user only,
    ``1/2 sum (x(i).w + b + mu(i) - y(i))^2 + lambda_/2 ||w||^2``: a ridge regression with
    k + 1 unknowns, solved exactly from its normal equations
    ``(A^T A + diag(lambda_, ..., lambda_, 0)) [w; b] = A^T (y - mu)`` with ``A = [X_rated, 1]``.

    Parameters
    ----------
    model : RatingsModel
    movies : np.ndarray of int, shape (n,)
        Movies the new user rated (no repeats).
    ratings : np.ndarray, shape (n,)
        Their ratings.
    lambda_ : float, optional
        Regularization; defaults to the model's.

    Returns
    -------
    w : np.ndarray, shape (k,)
    b : float
    """
    n_movies, k = _model(model).X.shape
    movies = validate.index_array("movies", movies, n_movies, "movie")
    ratings = validate.float_array("ratings", ratings, "(n,)")
    validate.triplets(movies, movies, ratings, n_movies, n_movies)  # same length, finite
    if np.unique(movies).size != movies.size:
        raise ValueError("movies lists a movie twice: give each rated movie once.")
    low, high = model.rating_range
    if ratings.size and (ratings.min() < low or ratings.max() > high):
        raise ValueError(
            f"ratings must be on the model's scale, {low:g} to {high:g} stars; found {ratings.min():g} to "
            f"{ratings.max():g}. Leave unseen movies out instead of rating them 0."
        )
    lambda_ = model.lambda_ if lambda_ is None else validate.lambda_(lambda_)
    if movies.size == 0:
        return np.zeros(k), 0.0
    A = np.column_stack([model.X[movies], np.ones(movies.size)])  # (n, k + 1)
    penalty = np.diag([lambda_] * k + [0.0])  # b is not regularized
    lhs = A.T @ A + penalty
    if np.linalg.matrix_rank(lhs) < k + 1:
        raise ValueError(
            f"lambda_ = {lambda_:g} with {movies.size} rating(s) leaves w undetermined (k = {k} features and "
            "a bias need more ratings). Use lambda_ > 0, or rate more movies."
        )
    solution = np.linalg.solve(lhs, A.T @ (ratings - model.mu[movies]))
    return solution[:-1], float(solution[-1])


def _top(scores: np.ndarray, allowed: np.ndarray, top: int) -> tuple[np.ndarray, np.ndarray]:
    candidates = np.flatnonzero(allowed)
    best = candidates[np.argsort(-scores[candidates], kind="stable")[:top]]
    return best, scores[best]


def recommend(
    model: RatingsModel,
    w: np.ndarray,
    b: float,
    exclude: np.ndarray,
    counts: np.ndarray,
    min_ratings: int = 20,
    top: int = 10,
) -> tuple[np.ndarray, np.ndarray]:
    """The movies with the highest predicted rating ``x(i).w + b + mu(i)`` for one user.

    Taught in 05_movielens.

    Parameters
    ----------
    model : RatingsModel
    w : np.ndarray, shape (k,)
    b : float
    exclude : np.ndarray of int
        Movies not to recommend (the ones already rated).
    counts : np.ndarray of int, shape (n_movies,)
        Number of training ratings per movie.
    min_ratings : int, default 20
        Only movies with at least this many ratings (rarely rated movies are noisy).
    top : int, default 10

    Returns
    -------
    movies : np.ndarray of int, shape (top,)
    predicted : np.ndarray, shape (top,)
    """
    n_movies, k = _model(model).X.shape
    w = validate.vector("w", w, k, "the user's preferences")
    b = validate.number("b", b, low=-validate.LARGEST, meaning="the user's bias", example="0.0")
    exclude = validate.index_array("exclude", exclude, n_movies, "movie")
    counts = validate.counts(counts, n_movies)
    min_ratings, top = validate.top_list(min_ratings, top, n_movies)
    scores = np.clip(model.X @ w + b + model.mu, *model.rating_range)
    allowed = counts >= min_ratings
    allowed[exclude] = False
    return _top(scores, allowed, top)


def similar_movies(
    X: np.ndarray, movie: int, counts: np.ndarray, min_ratings: int = 20, top: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """Movies whose feature vectors point the same way as ``movie``'s (cosine similarity).

    Taught in 05_movielens: ``cos = x(i).x(l) / (||x(i)|| ||x(l)||)``.

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
    movie : int
    counts : np.ndarray of int, shape (n_movies,)
        Number of training ratings per movie.
    min_ratings : int, default 20
        Only movies with at least this many ratings.
    top : int, default 10

    Returns
    -------
    movies : np.ndarray of int, shape (top,)
    similarity : np.ndarray, shape (top,)
        Cosine similarities, between -1 and 1.
    """
    X = validate.matrix("X", X, "(n_movies, k)")
    movie = validate.integer("movie", movie, 0, "row of X", X.shape[0] - 1)
    counts = validate.counts(counts, X.shape[0])
    min_ratings, top = validate.top_list(min_ratings, top, X.shape[0] - 1)
    norms = np.linalg.norm(X, axis=1)
    sims = (X @ X[movie]) / np.maximum(norms * norms[movie], 1e-12)
    allowed = counts >= min_ratings
    allowed[movie] = False
    return _top(sims, allowed, top)


# ======================================================================================
# 06_choosing_and_judging: settings chosen on a validation part; top-N lists judged
# ======================================================================================


def _as_ratings(name: str, data: Any, n_movies: Any, n_users: Any, sizes: str = "") -> Ratings:
    return Ratings(*validate.ratings_triplets(name, data, n_movies, n_users, sizes))


class SettingResult(NamedTuple):
    """One (lambda_, k) of the grid on the validation part (taught in 06_choosing_and_judging).

    Attributes
    ----------
    epochs : int
        Epochs at its best validation RMSE (0 if it diverged before the first check).
    validation_rmse : float
        That best validation RMSE (inf if it diverged before the first check).
    curve : np.ndarray, shape (n_checks, 2)
        Epoch and validation RMSE of every check until the run stopped.
    """

    epochs: int
    validation_rmse: float
    curve: np.ndarray


@dataclass
class Selection:
    """What :func:`select_settings` returns (taught in 06_choosing_and_judging).

    Attributes
    ----------
    lambda_, k, epochs : float, int, int
        The chosen settings.
    validation_rmse : float
    results : dict of (lambda_, k) to SettingResult
        Every setting of the grid.
    model : RatingsModel
        Trained with the chosen settings on all the ratings given.
    fit, alpha, fit_options, seed
        How every run was trained (all from the same start), for :meth:`refit`; alpha is
        None for a fit without a learning rate (:func:`fit_als`).
    message : str
        The choice, and a note when it lies at the edge of the grid.
    """

    lambda_: float
    k: int
    epochs: int
    validation_rmse: float
    results: dict[tuple[float, int], SettingResult]
    fit: Callable[..., RatingsModel]
    alpha: float | None
    fit_options: dict[str, Any]
    seed: int
    message: str
    model: RatingsModel = field(init=False, repr=False)

    def refit(
        self, data: Ratings, n_movies: int, n_users: int, setting: tuple[float, int] | None = None
    ) -> RatingsModel:
        """Train on ``data`` with a setting of the grid (default: the chosen one) for its best epochs.

        Parameters
        ----------
        data : Ratings
        n_movies, n_users : int
        setting : tuple (lambda_, k), optional

        Returns
        -------
        RatingsModel
        """
        trained = [key for key, result in self.results.items() if result.epochs]
        setting = (self.lambda_, self.k) if setting is None else setting
        lambda_, k = validate.grid_key("setting", setting, trained, "the grid with trained epochs")
        data = _as_ratings("data", data, n_movies, n_users)
        epochs, rng = self.results[lambda_, k].epochs, np.random.default_rng(self.seed)
        settings = dict(k=k, lambda_=lambda_, epochs=epochs, rng=rng, **_rate(self.alpha), **self.fit_options)
        model = self.fit(data, n_movies, n_users, **settings)
        return validate.instance("the result of fit", model, RatingsModel, "fit must return its model.")


def _rate(alpha: float | None) -> dict[str, float]:
    """The keyword ``alpha`` for a fit with a learning rate; none for a fit without (alpha None)."""
    return {} if alpha is None else {"alpha": alpha}


def select_settings(
    data: Ratings,
    n_movies: int,
    n_users: int,
    rng: np.random.Generator,
    *,
    lambdas: tuple[float, ...] = (3.0, 10.0, 30.0),
    ks: tuple[int, ...] = (2, 10),
    alpha: float | None = 0.3,
    max_epochs: int = 200,
    every: int = 5,
    patience: int = 4,
    tol: float = 5e-4,
    validation_fraction: float = 0.2,
    fit: Callable[..., RatingsModel] = fit_ratings,
    fit_options: dict[str, Any] | None = None,
    progress: bool = False,
) -> Selection:
    """Choose lambda_, k and the number of epochs on a validation part carved from ``data``.

    Taught in 06_choosing_and_judging. ``validation_fraction`` of every user's ratings are
    held out (:func:`split_ratings`); each (lambda_, k) trains on the rest, all from the same
    start, its validation RMSE checked every ``every`` epochs, and stops early after
    ``patience`` checks that do not beat its best by more than ``tol`` stars. The winner,
    ``argmin over (lambda_, k, epochs) of RMSE(validation)``, is trained again on all of
    ``data`` from the same start (:meth:`Selection.refit`).

    Parameters
    ----------
    data : Ratings
        Training ratings (never the test part).
    n_movies, n_users : int
    rng : np.random.Generator
        For the validation split and the start shared by every run.
    lambdas, ks : tuple
        The grid: distinct lambdas >= 0, distinct ks from 1 to min(n_movies, n_users).
    alpha : float or None, default 0.3
        Learning rate of ``fit``, > 0; None for a fit without one, such as :func:`fit_als`.
    max_epochs, every, patience, tol : int, int, int, float
        Most epochs of a run (up to 100,000), and early stopping as above.
    validation_fraction : float, default 0.2
    fit : callable, default fit_ratings
        Any ``fit(data, n_movies, n_users, k=..., alpha=..., lambda_=..., epochs=..., rng=...,
        callback=..., **fit_options)`` (without ``alpha`` when alpha is None) that calls
        ``callback(epoch, model)`` after every epoch and stops when it returns True:
        :func:`fit_ratings` or :func:`fit_als`.
    fit_options : dict, optional
        Keyword options of ``fit``; for :func:`fit_ratings` by default ``momentum=0.9,
        init_scale=0.5, shrink=3.0`` (05_movielens), for any other fit none.
    progress : bool, default False
        A line per run on stderr (a selection takes seconds; off in the notebooks).

    Returns
    -------
    Selection
    """
    data, rng = _as_ratings("data", data, n_movies, n_users), validate.generator(rng)
    lambdas, ks = validate.lambda_grid("lambdas", lambdas), validate.k_grid("ks", ks, min(n_movies, n_users))
    alpha, progress = None if alpha is None else validate.alpha(alpha), validate.flag("progress", progress)
    max_epochs, every, patience, tol = validate.early_stopping(max_epochs, every, patience, tol)
    share = validate.fraction("validation_fraction", validation_fraction, "share of each user held out")
    if fit_options is None:  # notebook 05's fast settings, for fit_ratings
        fit_options = dict(momentum=0.9, init_scale=0.5, shrink=3.0) if fit is fit_ratings else {}
    fit, options = validate.fit_function(fit, fit_options, alpha)
    train, val = (data.take(part) for part in split_ratings(data.users, share, rng))
    if val.ratings.size == 0:
        raise ValueError("the validation part is empty: raise validation_fraction, or pass more ratings.")
    seed, results, start = int(rng.integers(2**32)), {}, time.perf_counter()

    def run(lambda_: float, k: int) -> None:
        curve: list[tuple[int, float]] = []
        best: list[Any] = [math.inf, 0]  # validation RMSE and epoch of the best check

        def check(epoch: int, model: RatingsModel) -> bool:
            if epoch % every == 0:
                curve.append((epoch, rmse(model.predict(val.users, val.movies), val.ratings)))
                if curve[-1][1] < best[0] - tol:  # a real improvement
                    best[:] = [curve[-1][1], epoch]
            return epoch - best[1] >= patience * every  # early stop: `patience` checks without one

        run_rng = np.random.default_rng(seed)  # the same start for every setting
        callback = validate.epoch_callback(check, RatingsModel)  # refuses a fit that calls it wrongly
        settings = dict(k=k, lambda_=lambda_, epochs=max_epochs, rng=run_rng, **_rate(alpha), **options)
        fit(train, n_movies, n_users, callback=callback, **settings)
        results[lambda_, k] = SettingResult(best[1], best[0], np.reshape(curve, (-1, 2)))
        line = f"lambda_ = {lambda_:g}, k = {k}: validation RMSE {best[0]:.4f} after {best[1]} epochs"
        if progress:
            print(f"{line}; {time.perf_counter() - start:.1f} s so far", file=sys.stderr, flush=True)

    for lambda_ in lambdas:
        for k in ks:
            run(lambda_, k)
    (lambda_, k), chosen = min(results.items(), key=lambda item: item[1].validation_rmse)
    if chosen.epochs == 0:
        diverged = "" if alpha is None else f"every run diverged (lower alpha, now {alpha:g}), or "
        raise ValueError(
            f"no run reached its first validation check: {diverged}fit never calls callback(epoch, model)."
        )
    notes = [
        f"{name} = {value:g} is at the edge of the grid {grid}: try values beyond it."
        for name, value, grid in (("lambda_", lambda_, lambdas), ("k", k, ks))
        if len(grid) > 1 and value in (min(grid), max(grid))
    ] + [f"It was still improving after {max_epochs} epochs: allow more."] * (
        chosen.epochs > max_epochs - every
    )
    msg = f"Chose lambda_ = {lambda_:g}, k = {k}, {chosen.epochs} epochs (validation RMSE {chosen[1]:.4f})."
    msg = " ".join([msg, *notes])
    selection = Selection(lambda_, k, *chosen[:2], results, fit, alpha, options, seed, msg)
    selection.model = selection.refit(data, n_movies, n_users)  # the winner, on all of data
    return selection


def top_n(scores: np.ndarray, train: Ratings, n: int = 10) -> np.ndarray:
    """Every user's n best-scored movies among those the user did not rate in ``train``.

    Taught in 06_choosing_and_judging. Rated movies get the score ``-inf`` (never
    recommended); equal scores are ranked by the lower movie index.

    Parameters
    ----------
    scores : np.ndarray, shape (n_movies, n_users)
        Higher is better: predicted ratings, or popularity (:func:`popularity_scores`).
    train : Ratings
    n : int, default 10

    Returns
    -------
    np.ndarray of int, shape (n_users, n)
        Row j: user j's list, best first.
    """
    scores = validate.matrix("scores", scores, "(n_movies, n_users)", "Pass one column per user.")
    n_movies, n_users = scores.shape
    train = _as_ratings("train", train, n_movies, n_users, "the shape of scores")
    n = validate.list_length(n, train.users, train.movies, n_movies, n_users)
    S = scores.T.copy()  # (n_users, n_movies): one row per user
    S[train.users, train.movies] = -np.inf  # rated in training: never recommended
    nth = -np.partition(-S, n - 1, axis=1)[:, n - 1]  # each user's n-th best score
    users, movies = np.nonzero(S >= nth[:, None])  # the n best, and any ties with the n-th
    order = np.lexsort((movies, -S[users, movies], users))  # by user, best first, then movie index
    first = np.searchsorted(users[order], np.arange(n_users))  # where each user's rows start
    return movies[order][first[:, None] + np.arange(n)]


def popularity_scores(train: Ratings, n_movies: int, n_users: int) -> np.ndarray:
    """The popularity baseline: each movie's number of training ratings, for every user.

    Taught in 06_choosing_and_judging.

    Parameters
    ----------
    train : Ratings
    n_movies, n_users : int

    Returns
    -------
    np.ndarray, shape (n_movies, n_users)
        The counts repeated for every user (a read-only view: no extra memory).
    """
    train = _as_ratings("train", train, n_movies, n_users)
    counts = np.bincount(train.movies, minlength=n_movies).astype(float)
    return np.broadcast_to(counts[:, None], (n_movies, n_users))


class TopNScores(NamedTuple):
    """Precision, recall and NDCG at n of every user with relevant held-out movies.

    Attributes
    ----------
    users : np.ndarray of int, shape (n_judged,)
        The users judged: those with at least one relevant held-out movie.
    precision, recall, ndcg : np.ndarray, shape (n_judged,)
    hits : np.ndarray of bool, shape (n_users, n)
        ``hits[j, q - 1]``: user j's movie at rank q is relevant.
    """

    users: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    ndcg: np.ndarray
    hits: np.ndarray


def top_n_scores(top: np.ndarray, test: Ratings, n_movies: int, min_rating: float = 4.0) -> TopNScores:
    """Judge every user's top-n list by the held-out movies the user liked.

    Taught in 06_choosing_and_judging. Relevant to user j: T_j, the movies j rated at least
    ``min_rating`` in ``test``. With hit(q) = 1 if the movie at rank q (1 = the top) is in
    T_j, else 0, and sums over the ranks q = 1..n of the list::

        P@n = sum_q hit(q) / n          R@n = sum_q hit(q) / |T_j|          NDCG@n = DCG / IDCG
        DCG = sum_q hit(q) / log2(q + 1)         IDCG = sum_{q = 1..min(n, |T_j|)} 1 / log2(q + 1)

    Parameters
    ----------
    top : np.ndarray of int, shape (n_users, n)
        Every user's list of distinct movies, best first (:func:`top_n`).
    test : Ratings
        Held-out ratings.
    n_movies : int
    min_rating : float, default 4.0
        Stars from which a held-out movie is liked; at most the highest rating in ``test``.

    Returns
    -------
    TopNScores
    """
    top = validate.top_lists(top, n_movies)
    n_users, n = top.shape
    test = _as_ratings("test", test, n_movies, n_users, "the rows of top")
    min_rating = validate.liked_threshold(min_rating, test.ratings)
    liked = test.ratings >= min_rating
    relevant = test.users[liked] * n_movies + test.movies[liked]  # each (user, movie) pair as one number
    hits = np.isin(np.arange(n_users)[:, None] * n_movies + top, relevant)  # (n_users, n)
    size = np.bincount(test.users[liked], minlength=n_users)  # |T_j|
    users = np.flatnonzero(size > 0)
    discount = 1 / np.log2(np.arange(2, n + 2))  # 1 / log2(q + 1) for ranks q = 1..n
    idcg = np.cumsum(discount)[np.minimum(size[users], n) - 1]  # every hit at the top
    found = hits[users].sum(axis=1)
    return TopNScores(users, found / n, found / size[users], hits[users] @ discount / idcg, hits)


def coverage(top: np.ndarray, n_movies: int) -> float:
    """Catalogue coverage: the share of all movies that are in at least one user's list.

    Taught in 06_choosing_and_judging.

    Parameters
    ----------
    top : np.ndarray of int, shape (n_users, n)
        Every user's list of distinct movies (:func:`top_n`).
    n_movies : int

    Returns
    -------
    float
        From 0 to 1.
    """
    return np.unique(validate.top_lists(top, n_movies)).size / n_movies


# ======================================================================================
# 07_als_and_spark: alternating least squares, the other way to minimize the same J
# ======================================================================================


def _sum_outer(rated: sparse.csr_array, A: np.ndarray) -> np.ndarray:
    """``G[n] = sum of a(i) a(i)^T`` over the i that row n of ``rated`` marks, for every n.

    One sparse product with the table of all a a^T when it is small; else one row p at a time
    (entries q >= p, then mirrored), so that every product reads a matrix that fits in the cache.
    """
    n, m = A.shape
    if n * m * m <= 2**20:
        return (rated @ (A[:, :, None] * A[:, None, :]).reshape(n, m * m)).reshape(-1, m, m)
    G = np.empty((rated.shape[0], m, m))
    for p in range(m):
        G[:, p, p:] = rated @ (A[:, p, None] * A[:, p:])
        G[:, p:, p] = G[:, p, p:]
    return G


def _solve_each(lhs: np.ndarray, rhs: np.ndarray, n_rated: np.ndarray) -> np.ndarray:
    """Solve ``lhs[n] theta[n] = rhs[n]`` for every n at once; rows without ratings get 0."""
    lhs[n_rated == 0] += np.eye(lhs.shape[-1])  # there rhs is 0 too, and I theta = 0 gives theta = 0
    return np.linalg.solve(lhs, rhs[:, :, None])[:, :, 0]


def als_user_step(
    X: np.ndarray, data: Ratings, n_users: int, lambda_: float, *, scaled_lambda: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The best W and b for a fixed X: one small ridge regression per user, all solved at once.

    Taught in 07_als_and_spark. With X fixed, J is a quadratic in each user's unknowns
    ``theta(j) = [w(j), b(j)]``, zero gradient where (fold-in's normal equations; a(i) = [x(i), 1],
    sums over the movies i user j rated)::

        (sum_i a(i) a(i)^T + diag(lambda_, ..., lambda_, 0)) theta(j) = sum_i y(i,j) a(i)

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
    data : Ratings
        The (mean-normalized) ratings y as triplets.
    n_users : int
    lambda_ : float
        Regularization strength, > 0; with ``scaled_lambda`` times each user's number of
        ratings, as in Spark's ALS.
    scaled_lambda : bool, default False

    Returns
    -------
    W, b : np.ndarray, shapes (n_users, k), (n_users,)
        Zeros for a user without ratings.
    """
    X, lambda_ = validate.matrix("X", X, "(n_movies, k)"), validate.ridge_lambda(lambda_)
    (n_movies, k), scaled_lambda = X.shape, validate.flag("scaled_lambda", scaled_lambda)
    users, movies, y = validate.ratings_triplets("data", data, n_movies, n_users, "the rows of X")
    A = np.column_stack([X, np.ones(n_movies)])  # a(i) = [x(i), 1]
    rated = sparse.csr_array((np.ones(y.size), (users, movies)), shape=(n_users, n_movies))  # R^T
    lhs = _sum_outer(rated, A)  # sum_i a(i) a(i)^T over each user's movies, (n_users, k + 1, k + 1)
    n_j = lhs[:, k, k].copy()  # its corner sums 1 * 1: the user's number of ratings
    penalty = lambda_ * n_j if scaled_lambda else np.full(n_users, lambda_)
    validate.ridge_penalty(penalty, lhs[:, range(k), range(k)], "user")
    lhs[:, range(k), range(k)] += penalty[:, None]
    Y_T = sparse.csr_array((y, (users, movies)), shape=(n_users, n_movies))
    theta = _solve_each(lhs, Y_T @ A, n_j)  # rhs: sum_i y(i,j) a(i); no penalty on b, theta[:, k]
    return theta[:, :k], theta[:, k]


def als_movie_step(
    W: np.ndarray, b: np.ndarray, data: Ratings, n_movies: int, lambda_: float, *, scaled_lambda: bool = False
) -> np.ndarray:
    """The best X for fixed W and b: one small ridge regression per movie, all solved at once.

    Taught in 07_als_and_spark. With W and b fixed, J is a quadratic in each ``x(i)``, zero
    gradient where (sums over the users j who rated movie i)::

        (sum_j w(j) w(j)^T + lambda_ I) x(i) = sum_j (y(i,j) - b(j)) w(j)

    Parameters
    ----------
    W, b : np.ndarray, shapes (n_users, k), (n_users,)
    data : Ratings
        The (mean-normalized) ratings y as triplets.
    n_movies : int
    lambda_ : float
        As in :func:`als_user_step`.
    scaled_lambda : bool, default False

    Returns
    -------
    X : np.ndarray, shape (n_movies, k)
        Zeros for a movie without ratings.
    """
    (W, b), lambda_ = validate.preferences(W, b), validate.ridge_lambda(lambda_)
    (n_users, k), scaled_lambda = W.shape, validate.flag("scaled_lambda", scaled_lambda)
    users, movies, y = validate.ratings_triplets("data", data, n_movies, n_users, "the rows of W")
    rated = sparse.csr_array((np.ones(y.size), (movies, users)), shape=(n_movies, n_users))  # R
    lhs = _sum_outer(rated, W)  # sum_j w(j) w(j)^T over each movie's users, (n_movies, k, k)
    n_i = np.bincount(movies, minlength=n_movies)  # the movie's number of ratings
    penalty = lambda_ * n_i if scaled_lambda else np.full(n_movies, lambda_)
    validate.ridge_penalty(penalty, lhs[:, range(k), range(k)], "movie")
    lhs[:, range(k), range(k)] += penalty[:, None]
    Y_b = sparse.csr_array((y - b[users], (movies, users)), shape=(n_movies, n_users))  # y(i,j) - b(j)
    return _solve_each(lhs, Y_b @ W, n_i)  # rhs: sum_j (y(i,j) - b(j)) w(j)


def fit_als(
    data: Ratings,
    n_movies: int,
    n_users: int,
    k: int,
    lambda_: float,
    epochs: int,
    rng: np.random.Generator,
    *,
    shrink: float = 0.0,
    normalize: bool = True,
    init_scale: float = 0.1,
    scaled_lambda: bool = False,
    callback: Callable[[int, RatingsModel], bool] | None = None,
) -> RatingsModel:
    """Alternating least squares on rating triplets: the model of :func:`fit_ratings`, another way.

    Taught in 07_als_and_spark. After the mean normalization of :func:`fit_ratings`, each sweep
    solves every user's (w, b) with X fixed (:func:`als_user_step`), then every movie's x with W
    and b fixed (:func:`als_movie_step`). Each half-step is the exact minimum of J over its half,
    so J never increases. One sweep is one epoch of ALS: the arguments are those of
    :func:`fit_ratings` without its learning rate, so :func:`select_settings` takes either
    (with ``alpha=None``).

    Parameters
    ----------
    data, n_movies, n_users, k, rng, shrink, normalize, init_scale
        As in :func:`fit_ratings` (rng draws the starting X).
    lambda_ : float
        Regularization strength, > 0.
    epochs : int
        Number of sweeps (a user and a movie half-step each), >= 0.
    scaled_lambda : bool, default False
        Each row's lambda_ times its number of ratings, as Spark's ALS (J then has that penalty).
    callback : callable, optional
        ``callback(epoch, model) -> bool`` after every sweep, with the model so far (its
        ``cost_history`` left empty); True stops training, as in :func:`fit_ratings`.

    Returns
    -------
    RatingsModel
        Parameters, movie means, and J before training and after each sweep.
    """
    users, movies, ratings = validate.ratings_triplets("data", data, n_movies, n_users)
    n_movies, n_users, lambda_ = int(n_movies), int(n_users), validate.ridge_lambda(lambda_)
    epochs = validate.integer("epochs", epochs, 0, "number of sweeps")
    init_scale = validate.number(
        "init_scale", init_scale, low=0.0, strict=True, meaning="spread of the start"
    )
    normalize = validate.flag("normalize", normalize)
    scaled_lambda = validate.flag("scaled_lambda", scaled_lambda)
    callback = validate.function("callback", callback, "(epoch, model) -> bool", 2, optional=True)
    order = np.lexsort((users, movies))  # sorted by movie, then user: faster gathers
    users, movies, ratings = users[order], movies[order], ratings[order]
    X, W, b = init_params(n_movies, n_users, k, rng, scale=init_scale)
    mu = movie_means(movies, ratings, n_movies, shrink)[0] if normalize else np.zeros(n_movies)
    y = Ratings(users, movies, ratings - mu[movies])
    rating_range = (float(ratings.min()), float(ratings.max()))
    n_i, n_j = np.bincount(movies, minlength=n_movies), np.bincount(users, minlength=n_users)
    lambda_x, lambda_w = (lambda_ * n_i, lambda_ * n_j) if scaled_lambda else (lambda_, lambda_)

    def cost(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> float:  # J: squared errors + each row's penalty
        penalty = np.sum(lambda_x * np.sum(X**2, axis=1)) + np.sum(lambda_w * np.sum(W**2, axis=1))
        return sparse_cost_and_gradients(X, W, b, *y, 0.0)[0] + float(penalty) / 2

    history, stopped = [cost(X, W, b)], False
    for epoch in range(1, epochs + 1):
        W, b = als_user_step(X, y, n_users, lambda_, scaled_lambda=scaled_lambda)
        X = als_movie_step(W, b, y, n_movies, lambda_, scaled_lambda=scaled_lambda)
        history.append(cost(X, W, b))
        model = RatingsModel(X, W, b, mu, lambda_, np.empty(0), False, "", rating_range)
        if callback is not None and callback(epoch, model):
            stopped = True
            break
    done = len(history) - 1
    how = f"Stopped early after {done} epochs" if stopped else f"Trained {done} epochs"
    message = f"{how} of ALS (sweeps): J went from {history[0]:.4g} to {history[-1]:.4g}."
    return RatingsModel(X, W, b, mu, lambda_, np.array(history), False, message, rating_range)


# ======================================================================================
# Support code, reached as mh.<name>: loaded from mlite_support on first use
# ======================================================================================

__all__ = [
    "GradientComparison",
    "Ratings",
    "RatingsModel",
    "Selection",
    "SettingResult",
    "Snapshot",
    "TopNScores",
    "ToyData",
    "TrainResult",
    "als_movie_step",
    "als_user_step",
    "compare_gradients",
    "cost",
    "cost_loops",
    "coverage",
    "descend",
    "fit_als",
    "fit_ratings",
    "fold_in",
    "gradient_descent",
    "gradients",
    "gradients_loops",
    "init_params",
    "load_toy",
    "mae",
    "movie_means",
    "normalize_ratings",
    "numerical_gradients",
    "popularity_scores",
    "predict",
    "recommend",
    "rmse",
    "select_settings",
    "similar_movies",
    "sparse_cost_and_gradients",
    "split_ratings",
    "to_dense",
    "top_n",
    "top_n_scores",
]

#: Which support module provides each ``mh.<name>`` that is not defined above.
SUPPORT: dict[str, str] = {
    name: module
    for module, names in {
        "movielens": "DATA_DIR DataError MovieLens MOVIELENS_SHA256 MOVIELENS_URL "
        "fetch_movielens load_movielens",
        "plots": "PALETTE set_style ratings_table predictions_table plot_cost_history plot_feature_space "
        "plot_ratings_heatmap plot_movie_predictions plot_training_summary plot_factors plot_rmse_bars "
        "plot_validation_curves plot_top_n_bars top_n_table",
        "explorers": "Explorer optimizer_explorer training_explorer factor_explorer movielens_explorer "
        "new_user_explorer top_n_explorer",
        "exercises": "check_cost check_gradients check_step check_rotation check_sparse_cost "
        "check_precision_at_k check_ndcg_at_k check_user_step",
        "versions": "MIN_VERSIONS report_versions",
        "spark": "SPARK_INSTALL SPARK_LOG spark_missing start_spark ratings_frame spark_factors",
    }.items()
    for name in names.split()
}


def __getattr__(name: str) -> Any:
    if name in SUPPORT:
        return getattr(importlib.import_module(f"mlite_support.{SUPPORT[name]}"), name)
    raise AttributeError(f"module 'mlite_helpers' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(SUPPORT))
