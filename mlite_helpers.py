"""MovieLens-Lite: the math the notebooks teach, in the order they teach it.

Each function is derived step by step in a notebook, then used from here; every body shows
its formula, so ``mh.cost??`` shows what the notebook derived. No side effects on import.

Contents, by notebook
---------------------
01_cost_function         load_toy, predict, cost_loops, cost
02_gradients             gradients_loops, gradients, numerical_gradients, compare_gradients
03_training              init_params, descend, gradient_descent, normalize_ratings
05_movielens             Ratings, sparse_cost_and_gradients, split_ratings, movie_means,
                         rmse, mae, RatingsModel, fit_ratings, fold_in, recommend, similar_movies
06_choosing_and_judging  top_n, popularity_scores, top_n_scores, coverage
07_als_and_spark         als_user_step, als_movie_step, fit_als

Everything that only makes the series work is in the package ``mlite_support`` beside this
file: argument checks (``validate``), result containers (``results``), the grid search of 06
(``selection``), the MovieLens download, plots, explorers, exercise checkers, the version
report and Spark. The notebooks reach it as ``mh.<name>`` too (``mlite_support.SUPPORT``).

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
mu      movie means (mean normalization)       ``mu``, (n_movies,)
c       ratings per movie i, per user j        ``c_m[i]``, ``c_u[j]``
u       one user's unknowns [w, b] (fold-in)   ``u``, (k + 1,)
======  =====================================  ==============================

Sizes always come in the order of Y's axes: ``n_movies`` first, then ``n_users``. The table
at the end of 07_als_and_spark lists every symbol of the series.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse

import mlite_support
from mlite_support import toy, validate
from mlite_support.results import GradientComparison, Snapshot, TopNScores, TrainResult

#: The toy ratings of 01_cost_function (ours): the repository's data/toy_ratings.csv.
TOY_CSV: Path = toy.TOY_CSV

Params = tuple[np.ndarray, np.ndarray, np.ndarray]


# === 01_cost_function: the data, predictions and the cost J ===========================


class ToyData(NamedTuple):
    """The toy ratings of 5 movies by 4 users.

    Attributes
    ----------
    Y, R : np.ndarray, shape (n_movies, n_users)
        Stars from 0 to 5, NaN where not rated; 1.0 where rated, 0.0 where not.
    movies, users : list of str
        Names, in the order of Y's rows and columns.
    """

    Y: np.ndarray
    R: np.ndarray
    movies: list[str]
    users: list[str]


def load_toy(path: str | Path | None = None) -> ToyData:
    """Load the toy example: 5 movies, 4 users, 0 to 5 stars; an empty cell means "not rated".

    Parameters
    ----------
    path : str or Path, optional
        CSV with a header ``movie,<user 1>,...`` and a row per movie; default :data:`TOY_CSV`.

    Returns
    -------
    ToyData
        ``Y`` (NaN where not rated) and ``R``, shape (n_movies, n_users); ``movies``, ``users``.
    """
    cells, movies, users = toy.read_cells(path)
    Y = np.array([[float(cell) if cell.strip() else np.nan for cell in row] for row in cells])  # empty: NaN
    R = (~np.isnan(Y)).astype(float)  # rated <=> not NaN; a 0-star rating is a rating
    return ToyData(Y, R, movies, users)


def predict(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Predicted ratings ``y_hat(i, j) = w(j) . x(i) + b(j)`` for every movie and user.

    Parameters
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)

    Returns
    -------
    np.ndarray, shape (n_movies, n_users)
    """
    X, W, b = validate.params(X, W, b)
    return X @ W.T + b  # row i, column j: x(i) . w(j) + b(j)


def cost_loops(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float
) -> float:
    """The cost J with plain Python loops, one rating at a time (slow: use :func:`cost`).

    Parameters
    ----------
    X, W, b, Y, R, lambda_
        As in :func:`cost`.

    Returns
    -------
    float
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
    """Regularized squared-error cost J, vectorized::

        J = 1/2 sum_{r(i,j)=1} (w(j).x(i) + b(j) - y(i,j))^2 + lambda_/2 (sum X^2 + sum W^2)

    The biases b are not regularized. Entries with R = 0 never influence J, whatever Y
    holds there (NaN included).

    Parameters
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    Y, R : np.ndarray, shape (n_movies, n_users)
        Ratings (anything, NaN included, where R = 0) and the 0/1 indicator r(i,j).
    lambda_ : float

    Returns
    -------
    float
    """
    X, W, b, Y, R, lambda_ = validate.problem(X, W, b, Y, R, lambda_)
    Y = np.where(R == 1, Y, 0.0)  # unrated entries (NaN) must not reach the sum: NaN * 0 is NaN
    E = (X @ W.T + b - Y) * R  # the error matrix: y_hat - y where rated, 0 elsewhere
    return float(0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2)))


# === 02_gradients: dJ/dX, dJ/dW, dJ/db, and checking them numerically =================


def gradients_loops(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float
) -> Params:
    """The gradients of J with loops over the ratings (checked against :func:`gradients`).

    Parameters
    ----------
    X, W, b, Y, R, lambda_
        As in :func:`cost`.

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
    """Gradients of J with respect to X, W and b, vectorized. With ``E = (X W^T + b - Y) * R``::

        dJ/dX = E W + lambda_ X,   dJ/dW = E^T X + lambda_ W,   dJ/db = column sums of E

    Parameters
    ----------
    X, W, b, Y, R, lambda_
        As in :func:`cost`.

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

    Two cost evaluations per parameter: for testing :func:`gradients` on small problems.

    Parameters
    ----------
    X, W, b, Y, R, lambda_
        As in :func:`cost`.
    eps : float, default 1e-6
        Step of the central difference, between 0 and 1.

    Returns
    -------
    dX, dW, db : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    """
    X, W, b = validate.params(X, W, b)
    validate.ratings(Y, R, (X.shape[0], W.shape[0]))
    eps = validate.eps(eps)
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

    Relative error ``||a - n|| / (||a|| + ||n||)``: correct gradients give far below 1e-6.

    Parameters
    ----------
    X, W, b, Y, R, lambda_
        As in :func:`cost`.
    grad_fn : callable, optional
        ``grad_fn(X, W, b, Y, R, lambda_) -> (dX, dW, db)``; default :func:`gradients`.
    eps : float, default 1e-6
        Step of the central difference.

    Returns
    -------
    GradientComparison
        Relative error and largest absolute difference of the X, W and b blocks.
    """
    grad_fn = gradients if grad_fn is None else grad_fn
    grad_fn = validate.function("grad_fn", grad_fn, "(X, W, b, Y, R, lambda_) -> (dX, dW, db)", 6)
    numeric = numerical_gradients(X, W, b, Y, R, lambda_, eps=eps)
    analytic = validate.gradient_blocks(grad_fn(X, W, b, Y, R, lambda_), numeric)
    rel, diff = {}, {}
    for name, a, n in zip(("X", "W", "b"), analytic, numeric):
        if not np.all(np.isfinite(a)):  # NaN would slip through max() and comparisons
            rel[name] = diff[name] = math.inf
            continue
        scale = np.linalg.norm(a) + np.linalg.norm(n)
        rel[name] = float(np.linalg.norm(a - n) / scale) if scale > 0 else 0.0
        diff[name] = float(np.max(np.abs(a - n))) if a.size else 0.0
    return GradientComparison(rel_error=rel, max_abs_diff=diff)


# === 03_training: batch gradient descent ==============================================


def init_params(n_movies: int, n_users: int, k: int, rng: np.random.Generator, scale: float = 0.1) -> Params:
    """Small random X and W (random, to break the symmetry of the k features), zeros for b.

    Parameters
    ----------
    n_movies, n_users, k : int
        Numbers of movies, users and latent features, each >= 1.
    rng : np.random.Generator
        For example ``np.random.default_rng(42)``.
    scale : float, default 0.1
        Standard deviation of the normal distribution for X and W.

    Returns
    -------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    """
    n_movies, n_users, k, rng, scale = validate.start_values(n_movies, n_users, k, rng, scale)
    X = rng.normal(0.0, scale, size=(n_movies, k))
    W = rng.normal(0.0, scale, size=(n_users, k))
    b = np.zeros(n_users)
    return X, W, b


def descend(
    cost_and_gradients: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[float, *Params]],
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

    Each epoch moves every parameter p at once: ``v <- momentum v - alpha scale dJ/dp``,
    ``p <- p + v`` (05's beta is momentum, its eta is alpha scale; 03_training: momentum 0
    and scale 1, so ``p <- p - alpha dJ/dp``).
    Divergence rule: a step whose J is not finite, or above J before training, stops training
    with the parameters from before it, sets ``diverged`` and names a smaller alpha.

    Parameters
    ----------
    cost_and_gradients : callable
        ``(X, W, b) -> (J, dX, dW, db)``.
    params : tuple of (X, W, b)
        Starting parameters, shapes (n_movies, k), (n_users, k), (n_users,); not modified.
    alpha, epochs : float, int
        Learning rate (> 0) and number of steps (>= 0).
    scale : tuple of three floats or arrays, default (1, 1, 1)
        Step multipliers for X, W, b; arrays (n_movies, 1), (n_users, 1), (n_users,) per row.
    momentum : float, default 0.0
        Heavy-ball momentum in [0, 1) (05_movielens).
    snapshot_every : int, optional
        Save a :class:`Snapshot` every this many epochs (and the first and the last).
    progress : bool, default False
        Print J to stderr every 10% of the epochs.
    callback : callable, optional
        ``callback(epoch, X, W, b) -> bool`` after every step kept; True stops training.

    Returns
    -------
    TrainResult
    """
    p = [q.copy() for q in validate.params(*validate.three("params", params, "the starting (X, W, b)"))]
    J_and_grads, alpha, epochs, momentum, every, progress, callback = validate.descent_options(
        cost_and_gradients, alpha, epochs, momentum, snapshot_every, progress, callback
    )
    steps = [alpha * s for s in validate.step_scales(scale, p)]
    v = [np.zeros_like(q) for q in p]
    history, snapshots, message, diverged, done = [0.0] * (epochs + 1), [], "", False, 0
    with np.errstate(over="ignore", invalid="ignore"):
        J_start, *grads = validate.first_result(J_and_grads(*p), p)  # J before training
        history[0] = J_start
        if every is not None:
            snapshots.append(Snapshot(0, *(q.copy() for q in p), J_start))
        for epoch in range(1, epochs + 1):
            v = [momentum * v_ - step * g for v_, step, g in zip(v, steps, grads)]
            new = [q + v_ for q, v_ in zip(p, v)]
            try:
                J, *new_grads = J_and_grads(*new)
                J = float(J)
            except ValueError:  # a cost that refuses parameters too large to square
                if all(np.all(np.abs(q) <= validate.LARGEST) for q in new):
                    raise
                J, new_grads = math.inf, grads
            if not math.isfinite(J) or J > J_start:  # the divergence rule
                message, diverged = validate.divergence(epoch, alpha, J_start, J), True
                break
            p, grads, history[epoch], done = new, new_grads, J, epoch
            if every is not None and epoch % every == 0:
                snapshots.append(Snapshot(epoch, *(q.copy() for q in p), J))
            if progress and epochs >= 10 and epoch % (epochs // 10) == 0:
                print(f"epoch {epoch}/{epochs}: J = {J:.6g}", file=sys.stderr, flush=True)
            if callback is not None and callback(epoch, *p):
                message = f"Stopped early after {epoch} epochs: J went from {J_start:.4g} to {J:.4g}."
                break
    if every is not None and snapshots[-1].epoch != done:
        snapshots.append(Snapshot(done, *(q.copy() for q in p), history[done]))
    message = message or f"Trained {done} epochs: J went from {J_start:.4g} to {history[done]:.4g}."
    return TrainResult(*p, np.array(history[: done + 1]), diverged, message, snapshots)


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
    """Learn X, W and b together: :func:`descend` with the cost of 01 and the gradients of 02
    on the dense Y and R, from one error matrix per step.

    Parameters
    ----------
    Y, R : np.ndarray, shape (n_movies, n_users)
        Ratings (mean-normalized or not; anything where R = 0) and the 0/1 indicator.
    k, alpha, lambda_, epochs : int, float, float, int
        Latent features (>= 1), learning rate (> 0), regularization (>= 0), steps (>= 0).
    rng : np.random.Generator
        For the starting values (:func:`init_params`).
    snapshot_every : int, optional
        As in :func:`descend`.
    init : tuple of (X, W, b), optional
        Starting parameters instead of random ones (k columns; rng is then not used).

    Returns
    -------
    TrainResult
    """
    Y, R = validate.ratings(Y, R)
    k, lambda_ = validate.integer("k", k, 1, "number of latent features"), validate.lambda_(lambda_)
    n_movies, n_users = Y.shape
    if init is None:
        init = init_params(n_movies, n_users, k, validate.generator(rng))
    X, W, b = validate.init(init, n_movies, n_users, k)
    Y = np.where(R == 1, Y, 0.0)

    def cost_and_gradients(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[float, *Params]:
        E = (X @ W.T + b - Y) * R  # one error matrix for J and all three gradients
        J = 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))
        return J, E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0)

    return descend(cost_and_gradients, (X, W, b), alpha, epochs, snapshot_every=snapshot_every)


def normalize_ratings(Y: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean normalization: subtract each movie's mean rating, over rated entries only.

    Train on ``Y_norm``, then predict ``predict(X, W, b) + mu[:, None]``: a user with no
    ratings gets the movie means.

    Parameters
    ----------
    Y, R : np.ndarray, shape (n_movies, n_users)

    Returns
    -------
    Y_norm : np.ndarray, shape (n_movies, n_users)
        ``Y - mu`` where rated, NaN where not.
    mu : np.ndarray, shape (n_movies,)
        Each movie's mean rating (0 for a movie nobody rated).
    """
    Y, R = validate.ratings(Y, R)
    Y = np.where(R == 1, Y, 0.0)
    counts = R.sum(axis=1)
    mu = np.divide(Y.sum(axis=1), counts, out=np.zeros(Y.shape[0]), where=counts > 0)
    Y_norm = np.where(R == 1, Y - mu[:, None], np.nan)
    return Y_norm, mu


# === 05_movielens: the same model on rating triplets, evaluation, fold-in, similar movies ===


class Ratings(NamedTuple):
    """Ratings as index triplets: ``ratings[n]`` stars by user ``users[n]`` for movie ``movies[n]``.

    Attributes
    ----------
    users, movies : np.ndarray of int, shape (n_ratings,)
    ratings : np.ndarray of float, shape (n_ratings,)
    """

    users: np.ndarray
    movies: np.ndarray
    ratings: np.ndarray

    def take(self, index: np.ndarray) -> Ratings:
        """The ratings at ``index`` (integers, or a boolean mask of length n_ratings).

        Parameters
        ----------
        index : np.ndarray of int or bool

        Returns
        -------
        Ratings
        """
        index = validate.rating_index(index, len(self.ratings))
        return Ratings(self.users[index], self.movies[index], self.ratings[index])


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

    The math of :func:`cost` and :func:`gradients` on the listed ratings only: errors
    ``e[n] = x(i).w(j) + b(j) - y_n`` with ``i = movies[n]``, ``j = users[n]``, stored as a
    sparse E, so that ``dJ/dX = E W + lambda_ X`` and ``dJ/dW = E^T X + lambda_ W`` as before.

    Parameters
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    users, movies, ratings : np.ndarray, shape (n_ratings,)
        The user index, movie index and rating of each rating.
    lambda_ : float

    Returns
    -------
    J : float
    dX, dW, db : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    """
    X, W, b = validate.params(X, W, b)
    n_movies, n_users = X.shape[0], W.shape[0]
    users, movies, ratings = validate.triplets(users, movies, ratings, n_movies, n_users)
    return _sparse_cost_and_gradients(X, W, b, Ratings(users, movies, ratings), validate.lambda_(lambda_))


def _sparse_cost_and_gradients(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, y: Ratings, lambda_: float
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`sparse_cost_and_gradients` on checked arguments (the training loop's inner call)."""
    n_movies, n_users = X.shape[0], W.shape[0]
    XT, WT = X.T.copy(), W.T.copy()  # one contiguous row per feature: fast to gather from
    users, movies, ratings = y
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
    """Hold out ``round(test_fraction * n)`` of each user's n ratings at random (at most n - 1).

    Parameters
    ----------
    users : np.ndarray of int, shape (n_ratings,)
        User index of each rating.
    test_fraction : float
        Between 0 and 1 (exclusive).
    rng : np.random.Generator

    Returns
    -------
    train, test : np.ndarray of int
        Indices of the training and of the held-out ratings, sorted.
    """
    users = validate.rated_by(users)
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
    """Each movie's mean rating, shrunk towards the global mean by ``shrink`` ratings:
    ``mu[i] = (sum of movie i's ratings + shrink * global mean) / (c_m[i] + shrink)``.

    Parameters
    ----------
    movies, ratings : np.ndarray, shape (n_ratings,)
    n_movies : int
    shrink : float, default 0.0
        Weight of the global mean, in ratings (>= 0).

    Returns
    -------
    mu : np.ndarray, shape (n_movies,)
        The global mean for a movie without ratings.
    global_mean : float
    """
    n_movies, movies, ratings = validate.movie_ratings(movies, ratings, n_movies)
    shrink = validate.number("shrink", shrink, low=0.0, meaning="weight of the global mean", example="3.0")
    global_mean = float(ratings.mean())
    counts = np.bincount(movies, minlength=n_movies)
    sums = np.bincount(movies, weights=ratings, minlength=n_movies)
    denominator = counts + shrink
    mu = np.divide(
        sums + shrink * global_mean, denominator, out=np.full(n_movies, global_mean), where=denominator > 0
    )
    return mu, global_mean


def rmse(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Root mean squared error, ``sqrt(mean((predicted - actual)^2))``, in stars.

    Parameters
    ----------
    predicted, actual : np.ndarray, shape (n,)

    Returns
    -------
    float
    """
    predicted, actual = validate.paired_ratings(predicted, actual)
    return float(np.sqrt(np.mean((predicted - actual) ** 2)))


def mae(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Mean absolute error, ``mean(|predicted - actual|)``, in stars.

    Parameters
    ----------
    predicted, actual : np.ndarray, shape (n,)

    Returns
    -------
    float
    """
    predicted, actual = validate.paired_ratings(predicted, actual)
    return float(np.mean(np.abs(predicted - actual)))


@dataclass
class RatingsModel:
    """A model trained on rating triplets (:func:`fit_ratings`, :func:`fit_als`): it predicts
    ``x(i) . w(j) + b(j) + mu(i)``, clipped to ``rating_range`` (the data's scale).

    Attributes
    ----------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    mu : np.ndarray, shape (n_movies,)
        Movie means subtracted before training (zeros without normalization).
    lambda_ : float
        The regularization trained with (with ``fit_als(scaled_lambda=True)``, per rating).
    cost_history : np.ndarray, shape (epochs_run + 1,)
        J before training and after every epoch.
    diverged, message : bool, str
        As in :class:`TrainResult`.
    rating_range : tuple of float
        The lowest and highest rating of the training data.
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
        users, movies = validate.index_pairs(users, movies, self.W.shape[0], self.X.shape[0])
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

    :func:`descend` with :func:`sparse_cost_and_gradients` on the ratings minus the (shrunk)
    movie means. With ``scaled_steps`` (derived in 05_movielens) each row takes its own step,
    ``alpha / (c_m[i] + lambda_)`` for movie i with c_m[i] ratings, ``alpha / (c_u[j] + lambda_)``
    for user j's w and ``alpha / c_u[j]`` for their b: every row learns at the same pace, and
    alpha is a fraction of a full step (0.1 to 1; 05 uses 0.1 and 0.5). ``scaled_steps=False``
    is the plain descent of 03_training, where alpha must be far smaller (about 0.001).

    Parameters
    ----------
    data : Ratings
        Training ratings.
    n_movies, n_users : int
        Sizes of X and W (movies and users without ratings are allowed).
    k, alpha, lambda_, epochs : int, float, float, int
        Latent features (>= 1), learning rate (> 0), regularization (>= 0), steps (>= 0).
    rng : np.random.Generator
        For the starting values (:func:`init_params`).
    scaled_steps, normalize : bool, default True
        Per-row steps; subtract the movie means first.
    shrink, momentum, init_scale : float, defaults 0.0, 0.0, 0.1
        For :func:`movie_means`, :func:`descend` and :func:`init_params`.
    progress : bool, default False
    callback : callable, optional
        ``callback(epoch, model) -> bool`` after every epoch (``cost_history`` left empty);
        True stops training.

    Returns
    -------
    RatingsModel
    """
    y, mu, rating_range = _normalized(data, n_movies, n_users, shrink, normalize)
    n_movies, n_users, lambda_ = int(n_movies), int(n_users), validate.lambda_(lambda_)
    X, W, b = init_params(n_movies, n_users, k, rng, scale=validate.init_scale(init_scale))
    callback = validate.function("callback", callback, "(epoch, model) -> bool", 2, optional=True)
    scale: tuple[Any, Any, Any] = (1.0, 1.0, 1.0)
    if validate.flag("scaled_steps", scaled_steps):
        c_m = np.bincount(y.movies, minlength=n_movies)[:, None]  # each movie's number of ratings
        c_u = np.bincount(y.users, minlength=n_users)  # each user's
        scale = (
            1 / np.maximum(c_m + lambda_, 1e-12),
            1 / np.maximum(c_u + lambda_, 1e-12)[:, None],
            1 / np.maximum(c_u, 1),
        )

    def cost_and_gradients(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[float, *Params]:
        return _sparse_cost_and_gradients(X, W, b, y, lambda_)

    def watch(epoch: int, X: np.ndarray, W: np.ndarray, b: np.ndarray) -> bool:
        return bool(callback(epoch, RatingsModel(X, W, b, mu, lambda_, np.empty(0), False, "", rating_range)))

    steps = dict(scale=scale, momentum=momentum, progress=progress, callback=watch if callback else None)
    r = descend(cost_and_gradients, (X, W, b), alpha, epochs, **steps)
    return RatingsModel(r.X, r.W, r.b, mu, lambda_, r.cost_history, r.diverged, r.message, rating_range)


def _normalized(
    data: Ratings, n_movies: int, n_users: int, shrink: float, normalize: bool
) -> tuple[Ratings, np.ndarray, tuple[float, float]]:
    """What :func:`fit_ratings` and :func:`fit_als` share: ``y = rating - mu(i)`` with the
    (shrunk) movie means mu, sorted by movie (faster gathers), and the ratings' range."""
    users, movies, ratings = validate.ratings_triplets("data", data, n_movies, n_users)
    order = np.lexsort((users, movies))
    users, movies, ratings = users[order], movies[order], ratings[order]
    normalize = validate.flag("normalize", normalize)
    mu = movie_means(movies, ratings, n_movies, shrink)[0] if normalize else np.zeros(n_movies)
    return Ratings(users, movies, ratings - mu[movies]), mu, (float(ratings.min()), float(ratings.max()))


def fold_in(
    model: RatingsModel, movies: np.ndarray, ratings: np.ndarray, lambda_: float | None = None
) -> tuple[np.ndarray, float]:
    """A new user's w and b from a few ratings, with the movie features fixed.

    J for one user, ``1/2 ||A u - y~||^2 + 1/2 u^T Lambda u``, is a ridge regression with k + 1
    unknowns, solved from its normal equations
    ``(A^T A + Lambda) u = A^T y~`` with ``u = [w; b]``, ``A = [X[movies], 1]``,
    ``y~ = ratings - mu[movies]`` and ``Lambda = diag(lambda_, ..., lambda_, 0)`` (b is free).

    Parameters
    ----------
    model : RatingsModel
    movies, ratings : np.ndarray, shape (n,)
        The movies the new user rated (no repeats) and their ratings.
    lambda_ : float, optional
        Default: the model's.

    Returns
    -------
    w : np.ndarray, shape (k,)
    b : float
    """
    n_movies, k = validate.instance("model", model, RatingsModel, "Train one with mh.fit_ratings.").X.shape
    movies, ratings = validate.new_user_ratings(movies, ratings, n_movies, model.rating_range)
    lambda_ = model.lambda_ if lambda_ is None else validate.lambda_(lambda_)
    if movies.size == 0:
        return np.zeros(k), 0.0
    A = np.column_stack([model.X[movies], np.ones(movies.size)])  # (n, k + 1)
    Lambda = np.diag([lambda_] * k + [0.0])  # b is not regularized
    lhs = A.T @ A + Lambda
    validate.determined(lhs, lambda_, movies.size)
    u = np.linalg.solve(lhs, A.T @ (ratings - model.mu[movies]))  # y~ = ratings - mu[movies]
    return u[:-1], float(u[-1])


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

    Parameters
    ----------
    model : RatingsModel
    w, b : np.ndarray of shape (k,), float
        The user's preferences and bias (:func:`fold_in`).
    exclude : np.ndarray of int
        Movies not to recommend (the ones already rated).
    counts : np.ndarray of int, shape (n_movies,)
        Number of training ratings per movie.
    min_ratings, top : int, defaults 20, 10
        Only movies with at least min_ratings ratings; list length.

    Returns
    -------
    movies, predicted : np.ndarray, shape (top,)
        Best first; the predictions clipped to the ratings' range (the ranking is not).
    """
    n_movies, k = validate.instance("model", model, RatingsModel, "Train one with mh.fit_ratings.").X.shape
    w = validate.vector("w", w, k, "the user's preferences")
    b = validate.number("b", b, low=-validate.LARGEST, meaning="the user's bias", example="0.0")
    exclude = validate.index_array("exclude", exclude, n_movies, "movie")
    counts = validate.counts(counts, n_movies)
    min_ratings, top = validate.top_list(min_ratings, top, n_movies)
    scores = model.X @ w + b + model.mu  # ranked before clipping: 7 stars beats 5.5 stars
    allowed = counts >= min_ratings
    allowed[exclude] = False
    movies, predicted = _top(scores, allowed, top)
    return movies, np.clip(predicted, *model.rating_range)


def similar_movies(
    X: np.ndarray, movie: int, counts: np.ndarray, min_ratings: int = 20, top: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """Movies whose features point the same way: ``cos = x(i).x(i') / (||x(i)|| ||x(i')||)``.

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
    movie : int
    counts, min_ratings, top
        As in :func:`recommend`.

    Returns
    -------
    movies, similarity : np.ndarray, shape (top,)
        Best first; cosine similarities are from -1 to 1.
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


# === 06_choosing_and_judging: top-N lists judged (the grid search: mlite_support.selection) ===


def _as_ratings(name: str, data: Any, n_movies: Any, n_users: Any, sizes: str = "") -> Ratings:
    return Ratings(*validate.ratings_triplets(name, data, n_movies, n_users, sizes))


def top_n(scores: np.ndarray, train: Ratings, n: int = 10) -> np.ndarray:
    """Every user's n best-scored movies among those not rated in ``train`` (ties: lower index).

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

    Parameters
    ----------
    train : Ratings
    n_movies, n_users : int

    Returns
    -------
    np.ndarray, shape (n_movies, n_users)
        A read-only view of the counts, repeated for every user.
    """
    train = _as_ratings("train", train, n_movies, n_users)
    counts = np.bincount(train.movies, minlength=n_movies).astype(float)
    return np.broadcast_to(counts[:, None], (n_movies, n_users))


def top_n_scores(top: np.ndarray, test: Ratings, n_movies: int, min_rating: float = 4.0) -> TopNScores:
    """Judge every user's top-n list by T_j, the held-out movies user j rated ``min_rating`` or
    more. With hit(q) = 1 if the movie at rank q (1 = the top) is in T_j, sums over q = 1..n::

        P@n = sum_q hit(q) / n          R@n = sum_q hit(q) / |T_j|          NDCG@n = DCG / IDCG
        DCG = sum_q hit(q) / log2(q + 1)         IDCG = sum_{q = 1..min(n, |T_j|)} 1 / log2(q + 1)

    Parameters
    ----------
    top : np.ndarray of int, shape (n_users, n)
        Every user's list of distinct movies, best first (:func:`top_n`).
    test : Ratings
    n_movies : int
    min_rating : float, default 4.0
        Stars from which a held-out movie is liked (at most the highest rating in ``test``).

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

    Parameters
    ----------
    top : np.ndarray of int, shape (n_users, n)
    n_movies : int

    Returns
    -------
    float
        From 0 to 1.
    """
    return np.unique(validate.top_lists(top, n_movies)).size / n_movies


# === 07_als_and_spark: alternating least squares, the other way to minimize the same J ===


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
    """Solve ``lhs[n] z[n] = rhs[n]`` for every n at once; rows without ratings get 0."""
    lhs[n_rated == 0] += np.eye(lhs.shape[-1])  # there rhs is 0 too, and I z = 0 gives z = 0
    return np.linalg.solve(lhs, rhs[:, :, None])[:, :, 0]


def als_user_step(
    X: np.ndarray, data: Ratings, n_users: int, lambda_: float, *, scaled_lambda: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The best W and b for a fixed X: one ridge regression per user, all solved at once.

    With ``u(j) = [w(j), b(j)]`` (fold-in's u) and ``a(i) = [x(i), 1]``, sums over the movies
    user j rated (fold-in's normal equations)::

        (sum_i a(i) a(i)^T + diag(lambda_, ..., lambda_, 0)) u(j) = sum_i y(i,j) a(i)

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
    data : Ratings
        The (mean-normalized) ratings y.
    n_users : int
    lambda_ : float
        > 0; with ``scaled_lambda``, times each user's number of ratings c_u[j] (as Spark's ALS).
    scaled_lambda : bool, default False

    Returns
    -------
    W, b : np.ndarray, shapes (n_users, k), (n_users,)
        Zeros for a user without ratings.
    """
    X, lambda_ = validate.matrix("X", X, "(n_movies, k)"), validate.ridge_lambda(lambda_)
    (n_movies, k), scaled_lambda = X.shape, validate.flag("scaled_lambda", scaled_lambda)
    validate.factor_rows("X", X, data, 1, "movie", "(n_movies, k)")
    users, movies, y = validate.ratings_triplets("data", data, n_movies, n_users, ("the rows of X", ""))
    A = np.column_stack([X, np.ones(n_movies)])  # a(i) = [x(i), 1]
    rated = sparse.csr_array((np.ones(y.size), (users, movies)), shape=(n_users, n_movies))  # R^T
    lhs = _sum_outer(rated, A)  # sum_i a(i) a(i)^T over each user's movies, (n_users, k + 1, k + 1)
    c_u = lhs[:, k, k].copy()  # its corner sums 1 * 1: the user's number of ratings c_u[j]
    penalty = lambda_ * c_u if scaled_lambda else np.full(n_users, lambda_)
    validate.ridge_penalty(penalty, lhs[:, range(k), range(k)], "user")
    lhs[:, range(k), range(k)] += penalty[:, None]
    Y_T = sparse.csr_array((y, (users, movies)), shape=(n_users, n_movies))
    u = _solve_each(lhs, Y_T @ A, c_u)  # rhs: sum_i y(i,j) a(i); no penalty on b, u[:, k]
    return u[:, :k], u[:, k]


def als_movie_step(
    W: np.ndarray, b: np.ndarray, data: Ratings, n_movies: int, lambda_: float, *, scaled_lambda: bool = False
) -> np.ndarray:
    """The best X for fixed W and b: one ridge regression per movie, all solved at once.

    Sums over the users j who rated movie i::

        (sum_j w(j) w(j)^T + lambda_ I) x(i) = sum_j (y(i,j) - b(j)) w(j)

    Parameters
    ----------
    W, b : np.ndarray, shapes (n_users, k), (n_users,)
    data, n_movies, lambda_, scaled_lambda
        As in :func:`als_user_step`.

    Returns
    -------
    X : np.ndarray, shape (n_movies, k)
        Zeros for a movie without ratings.
    """
    (W, b), lambda_ = validate.preferences(W, b), validate.ridge_lambda(lambda_)
    (n_users, k), scaled_lambda = W.shape, validate.flag("scaled_lambda", scaled_lambda)
    validate.factor_rows("W", W, data, 0, "user", "(n_users, k)")
    users, movies, y = validate.ratings_triplets("data", data, n_movies, n_users, ("", "the rows of W"))
    rated = sparse.csr_array((np.ones(y.size), (movies, users)), shape=(n_movies, n_users))  # R
    lhs = _sum_outer(rated, W)  # sum_j w(j) w(j)^T over each movie's users, (n_movies, k, k)
    c_m = np.bincount(movies, minlength=n_movies)  # the movie's number of ratings c_m[i]
    penalty = lambda_ * c_m if scaled_lambda else np.full(n_movies, lambda_)
    validate.ridge_penalty(penalty, lhs[:, range(k), range(k)], "movie")
    lhs[:, range(k), range(k)] += penalty[:, None]
    Y_b = sparse.csr_array((y - b[users], (movies, users)), shape=(n_movies, n_users))  # y(i,j) - b(j)
    return _solve_each(lhs, Y_b @ W, c_m)  # rhs: sum_j (y(i,j) - b(j)) w(j)


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
    """Alternating least squares: the model of :func:`fit_ratings`, minimized another way.

    Each sweep (one epoch) solves every user's (w, b) with X fixed (:func:`als_user_step`),
    then every movie's x (:func:`als_movie_step`): each half-step is the exact minimum of J
    over its half, so J never increases. The arguments are those of :func:`fit_ratings`
    without alpha, so ``mh.select_settings(..., fit=mh.fit_als, alpha=None)`` takes it.

    Parameters
    ----------
    data, n_movies, n_users, k, rng, shrink, normalize, init_scale, callback
        As in :func:`fit_ratings`.
    lambda_ : float
        > 0.
    epochs : int
        Number of sweeps, >= 0.
    scaled_lambda : bool, default False
        Each row's lambda_ times its number of ratings, as Spark's ALS; ``cost_history`` is then
        J with that penalty, not :func:`cost`'s.

    Returns
    -------
    RatingsModel
        With J before training and after each sweep.
    """
    y, mu, rating_range = _normalized(data, n_movies, n_users, shrink, normalize)
    n_movies, n_users, lambda_ = int(n_movies), int(n_users), validate.ridge_lambda(lambda_)
    X, W, b = init_params(n_movies, n_users, k, rng, scale=validate.init_scale(init_scale))
    epochs = validate.integer("epochs", epochs, 0, "number of sweeps")
    scaled_lambda = validate.flag("scaled_lambda", scaled_lambda)
    callback = validate.function("callback", callback, "(epoch, model) -> bool", 2, optional=True)
    c_m, c_u = np.bincount(y.movies, minlength=n_movies), np.bincount(y.users, minlength=n_users)
    lambda_x, lambda_w = (lambda_ * c_m, lambda_ * c_u) if scaled_lambda else (lambda_, lambda_)

    def als_cost(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> float:  # squared errors + each row's penalty
        penalty = np.sum(lambda_x * np.sum(X**2, axis=1)) + np.sum(lambda_w * np.sum(W**2, axis=1))
        return sparse_cost_and_gradients(X, W, b, *y, 0.0)[0] + float(penalty) / 2

    history, stopped = [als_cost(X, W, b)], False
    for epoch in range(1, epochs + 1):
        W, b = als_user_step(X, y, n_users, lambda_, scaled_lambda=scaled_lambda)
        X = als_movie_step(W, b, y, n_movies, lambda_, scaled_lambda=scaled_lambda)
        history.append(als_cost(X, W, b))
        model = RatingsModel(X, W, b, mu, lambda_, np.empty(0), False, "", rating_range)
        if callback is not None and callback(epoch, model):
            stopped = True
            break
    done = len(history) - 1
    how = f"Stopped early after {done} epochs" if stopped else f"Trained {done} epochs"
    message = f"{how} of ALS (sweeps): J went from {history[0]:.4g} to {history[-1]:.4g}."
    return RatingsModel(X, W, b, mu, lambda_, np.array(history), False, message, rating_range)


# === Support code, reached as mh.<name>: loaded from mlite_support on first use =======

# fmt: off
__all__ = [
    "GradientComparison", "Ratings", "RatingsModel", "Snapshot", "TopNScores", "ToyData", "TrainResult",
    "als_movie_step", "als_user_step", "compare_gradients", "cost", "cost_loops", "coverage", "descend",
    "fit_als", "fit_ratings", "fold_in", "gradient_descent", "gradients", "gradients_loops", "init_params",
    "load_toy", "mae", "movie_means", "normalize_ratings", "numerical_gradients", "popularity_scores",
    "predict", "recommend", "rmse", "similar_movies", "sparse_cost_and_gradients", "split_ratings", "top_n",
    "top_n_scores",
]
# fmt: on

#: Which support module provides each ``mh.<name>`` not defined above (loaded on first use).
SUPPORT: dict[str, str] = mlite_support.SUPPORT
__getattr__, __dir__ = mlite_support.lazy_names(__name__, globals())
