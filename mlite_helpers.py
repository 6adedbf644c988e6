"""Shared code for the MovieLens-Lite notebooks.

The notebooks teach each function step by step; this module holds the one copy that the
later notebooks, the tests and the benchmarks use. Importing it has no side effects: no
seeding, no plot styling (call :func:`set_style` for that), no downloads.

Notation (the same in every notebook)

======  =====================================  ==============================
symbol  meaning                                Python name and shape
======  =====================================  ==============================
x(i)    features of movie i                    ``X[i]``, X is (n_movies, k)
w(j)    preferences of user j                  ``W[j]``, W is (n_users, k)
b(j)    bias of user j                         ``b[j]``, b is (n_users,)
y(i,j)  rating of movie i by user j            ``Y[i, j]``, Y is (n_movies, n_users)
r(i,j)  1 if user j rated movie i, else 0      ``R[i, j]``, R is (n_movies, n_users)
lambda  regularization strength                ``lambda_``
alpha   learning rate                          ``alpha``
k       number of latent features              ``k``
======  =====================================  ==============================

Model: ``y_hat(i, j) = w(j) . x(i) + b(j)``, cost
``J = 1/2 sum_{r(i,j)=1} (y_hat(i,j) - y(i,j))^2 + lambda/2 (sum ||x(i)||^2 + sum ||w(j)||^2)``.
"""

from __future__ import annotations

import csv
import itertools
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - imported for type hints only
    from matplotlib.axes import Axes

__all__ = [
    "ALPHA_CHOICES",
    "DATA_DIR",
    "EPOCH_CHOICES",
    "LAMBDA_CHOICES",
    "MIN_VERSIONS",
    "MOVIELENS_SHA256",
    "MOVIELENS_URL",
    "PALETTE",
    "DataError",
    "Explorer",
    "GradientCheck",
    "MovieLens",
    "Ratings",
    "RatingsModel",
    "Snapshot",
    "ToyData",
    "TrainResult",
    "check_cost",
    "check_environment",
    "check_gradients",
    "check_rotation",
    "check_sparse_cost",
    "check_step",
    "cost",
    "cost_loops",
    "factor_explorer",
    "fetch_movielens",
    "fit_ratings",
    "fold_in",
    "gradient_check",
    "gradient_descent",
    "gradients",
    "gradients_loops",
    "init_params",
    "load_movielens",
    "load_toy",
    "mae",
    "movie_means",
    "movielens_explorer",
    "new_user_explorer",
    "normalize_ratings",
    "numerical_gradients",
    "optimizer_explorer",
    "plot_cost_history",
    "plot_factors",
    "plot_feature_space",
    "plot_movie_predictions",
    "plot_ratings_heatmap",
    "plot_rmse_bars",
    "plot_training_summary",
    "predict",
    "predictions_table",
    "ratings_table",
    "recommend",
    "rmse",
    "set_style",
    "similar_movies",
    "sparse_cost",
    "sparse_cost_and_gradients",
    "split_ratings",
    "to_dense",
    "training_explorer",
]

#: Folder with the toy data set and the MovieLens download cache.
DATA_DIR: Path = Path(__file__).resolve().parent / "data"

#: Colour-blind-safe colours (Okabe-Ito) used by every plot in the series.
PALETTE: dict[str, str] = {
    "observed": "#000000",
    "predicted": "#0072B2",
    "train": "#0072B2",
    "test": "#D55E00",
    "romance": "#CC79A7",
    "action": "#009E73",
    "neutral": "#999999",
    "highlight": "#E69F00",
}

# A cost this many times larger than the starting cost counts as divergence.
_EXPLODE_FACTOR = 1e4


# --------------------------------------------------------------------------------------
# Input checks: every public function fails with a message that names the problem and
# the fix, never with a bare numpy broadcasting error.
# --------------------------------------------------------------------------------------


def _as_float_array(name: str, value: Any, expected: str) -> np.ndarray:
    """Convert ``value`` to a float array or raise a TypeError that names ``name``."""
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array of shape {expected}, got {value!r}.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{name} must be a numeric array of shape {expected}; it could not be converted "
            f"to numbers ({err}). Pass a NumPy array of floats."
        ) from None
    return array


def _check_ndim(name: str, array: np.ndarray, ndim: int, expected: str, fix: str = "") -> None:
    if array.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-D with shape {expected}, got shape {array.shape}. {fix}".strip()
        )


def _first_bad_index(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _check_finite(name: str, array: np.ndarray, fix: str) -> None:
    bad = ~np.isfinite(array)
    if bad.any():
        where = _first_bad_index(bad)
        raise ValueError(f"{name} contains NaN or inf (first at index {where}). {fix}")


def _check_params(X: Any, W: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate the parameters and return them as float arrays."""
    X = _as_float_array("X", X, "(n_movies, k)")
    W = _as_float_array("W", W, "(n_users, k)")
    b = _as_float_array("b", b, "(n_users,)")
    _check_ndim("X", X, 2, "(n_movies, k)", "For one movie use X.reshape(1, -1).")
    _check_ndim("W", W, 2, "(n_users, k)", "For one user use W.reshape(1, -1).")
    if b.ndim == 0:
        raise ValueError("b must be 1-D with shape (n_users,), got a scalar. Use np.full(n_users, b).")
    _check_ndim("b", b, 1, "(n_users,)", "Use b.ravel() to flatten it.")
    if X.shape[1] != W.shape[1]:
        raise ValueError(
            f"X has k={X.shape[1]} columns but W has k={W.shape[1]}: both need one column per "
            "latent feature. Create them with the same k (see init_params)."
        )
    if b.shape[0] != W.shape[0]:
        raise ValueError(
            f"b has {b.shape[0]} entries but W has {W.shape[0]} rows (users): b needs one bias "
            "per user, shape (n_users,)."
        )
    fix = "Parameters must be finite; if they came out of training, lower alpha."
    for name, array in (("X", X), ("W", W), ("b", b)):
        _check_finite(name, array, fix)
    return X, W, b


def _check_ratings(Y: Any, R: Any, shape: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Validate Y and R; return Y with unrated entries set to 0 and R as a 0/1 float array."""
    Y = _as_float_array("Y", Y, "(n_movies, n_users)")
    R = _as_float_array("R", R, "(n_movies, n_users)")
    _check_ndim("Y", Y, 2, "(n_movies, n_users)")
    _check_ndim("R", R, 2, "(n_movies, n_users)")
    if Y.shape != R.shape:
        raise ValueError(
            f"Y has shape {Y.shape} but R has shape {R.shape}: R marks which entries of Y are "
            "rated, so both must have shape (n_movies, n_users)."
        )
    if shape is not None and Y.shape != shape:
        hint = " Did you pass Y.T and R.T?" if Y.shape == shape[::-1] else ""
        raise ValueError(
            f"Y and R have shape {Y.shape} but X and W imply (n_movies, n_users) = {shape}.{hint}"
        )
    not_binary = (R != 0) & (R != 1)
    if not_binary.any():
        where = _first_bad_index(not_binary)
        raise ValueError(
            f"R must contain only 0 (not rated) and 1 (rated); found {R[where]!r} at index "
            f"{where}. Build it with R = (~np.isnan(Y)).astype(float)."
        )
    bad = (R == 1) & ~np.isfinite(Y)
    if bad.any():
        where = _first_bad_index(bad)
        raise ValueError(
            f"Y is {Y[where]} at index {where} but R marks that rating as present. Set "
            f"R{list(where)} = 0 if it is not rated, or fill in the rating."
        )
    return np.where(R == 1, Y, 0.0), R


def _check_lambda(lambda_: Any) -> float:
    if isinstance(lambda_, bool) or not isinstance(lambda_, numbers.Real):
        raise TypeError(f"lambda_ must be a number >= 0, got {lambda_!r}.")
    if not math.isfinite(lambda_) or lambda_ < 0:
        raise ValueError(
            f"lambda_ must be a finite number >= 0 (0 means no regularization), got {lambda_!r}."
        )
    return float(lambda_)


def _check_alpha(alpha: Any) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a number > 0, got {alpha!r}.")
    if not math.isfinite(alpha) or alpha <= 0:
        raise ValueError(
            f"alpha (the learning rate) must be a finite number > 0, got {alpha!r}. "
            "Try a small value such as 0.01."
        )
    return float(alpha)


def _check_int(name: str, value: Any, minimum: int, meaning: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} ({meaning}) must be an integer >= {minimum}, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} ({meaning}) must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _check_rng(rng: Any) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a np.random.Generator, got {type(rng).__name__}. "
            "Create one with rng = np.random.default_rng(seed)."
        )
    return rng


# --------------------------------------------------------------------------------------
# Data: the toy example
# --------------------------------------------------------------------------------------


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
        ``data/toy_ratings.csv`` next to this module.

    Returns
    -------
    ToyData
        ``Y`` (n_movies, n_users) with NaN where unrated, ``R`` (n_movies, n_users) of 0/1,
        ``movies`` (n_movies titles) and ``users`` (n_users names).
    """
    path = Path(path) if path is not None else DATA_DIR / "toy_ratings.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"Toy ratings file not found: {path}. It ships with the repository in data/; "
            "restore it with `git checkout -- data/toy_ratings.csv`."
        )
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if len(rows) < 2 or len(rows[0]) < 2:
        raise ValueError(f"{path} must have a header 'movie,<users...>' and at least one movie row.")
    users = [name.strip() for name in rows[0][1:]]
    movies: list[str] = []
    values: list[list[float]] = []
    for line_no, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(users) + 1:
            raise ValueError(
                f"{path}, line {line_no}: expected {len(users) + 1} fields (movie and "
                f"{len(users)} ratings), got {len(row)}."
            )
        movies.append(row[0].strip())
        ratings = []
        for cell in row[1:]:
            cell = cell.strip()
            try:
                ratings.append(float(cell) if cell else np.nan)
            except ValueError:
                raise ValueError(
                    f"{path}, line {line_no}: rating {cell!r} is not a number; leave the cell "
                    "empty for 'not rated'."
                ) from None
        values.append(ratings)
    Y = np.array(values, dtype=float)
    R = (~np.isnan(Y)).astype(float)
    return ToyData(Y=Y, R=R, movies=movies, users=users)


# --------------------------------------------------------------------------------------
# The model: predictions, cost and gradients (dense, masked by R)
# --------------------------------------------------------------------------------------


def predict(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Predicted ratings ``y_hat(i, j) = w(j) . x(i) + b(j)`` for every movie and user.

    Taught in 01_cost_function.

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
        Movie features.
    W : np.ndarray, shape (n_users, k)
        User preferences.
    b : np.ndarray, shape (n_users,)
        User biases.

    Returns
    -------
    np.ndarray, shape (n_movies, n_users)
        Predicted ratings.
    """
    X, W, b = _check_params(X, W, b)
    return X @ W.T + b


def _cost(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y0: np.ndarray, R: np.ndarray, lambda_: float
) -> float:
    E = (X @ W.T + b - Y0) * R
    return 0.5 * float(np.sum(E * E)) + 0.5 * lambda_ * (float(np.sum(X * X)) + float(np.sum(W * W)))


def _cost_and_gradients(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y0: np.ndarray, R: np.ndarray, lambda_: float
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    E = (X @ W.T + b - Y0) * R
    J = 0.5 * float(np.sum(E * E)) + 0.5 * lambda_ * (float(np.sum(X * X)) + float(np.sum(W * W)))
    dX = E @ W + lambda_ * X
    dW = E.T @ X + lambda_ * W
    db = E.sum(axis=0)
    return J, dX, dW, db


def cost(X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float) -> float:
    """Regularized squared-error cost J, vectorized.

    Taught in 01_cost_function::

        J = 1/2 sum_{r(i,j)=1} (w(j).x(i) + b(j) - y(i,j))^2
            + lambda_/2 (sum X^2 + sum W^2)

    The biases b are not regularized. Entries with R = 0 never influence the result,
    whatever Y holds there (NaN included).

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
        Movie features.
    W : np.ndarray, shape (n_users, k)
        User preferences.
    b : np.ndarray, shape (n_users,)
        User biases.
    Y : np.ndarray, shape (n_movies, n_users)
        Ratings; any value (NaN included) where R = 0.
    R : np.ndarray, shape (n_movies, n_users)
        1 where user j rated movie i, 0 elsewhere.
    lambda_ : float
        Regularization strength, >= 0.

    Returns
    -------
    float
        The cost J.
    """
    X, W, b = _check_params(X, W, b)
    Y0, R = _check_ratings(Y, R, (X.shape[0], W.shape[0]))
    return _cost(X, W, b, Y0, R, _check_lambda(lambda_))


def cost_loops(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float
) -> float:
    """The cost J written with plain Python loops, one rating at a time.

    Taught in 01_cost_function, where it is checked against :func:`cost`. Slow; use
    :func:`cost` for real work.

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
        Movie features.
    W : np.ndarray, shape (n_users, k)
        User preferences.
    b : np.ndarray, shape (n_users,)
        User biases.
    Y : np.ndarray, shape (n_movies, n_users)
        Ratings; any value where R = 0.
    R : np.ndarray, shape (n_movies, n_users)
        1 where rated, 0 elsewhere.
    lambda_ : float
        Regularization strength, >= 0.

    Returns
    -------
    float
        The cost J (equal to :func:`cost` up to rounding).
    """
    X, W, b = _check_params(X, W, b)
    Y0, R = _check_ratings(Y, R, (X.shape[0], W.shape[0]))
    lambda_ = _check_lambda(lambda_)
    n_movies, n_users = Y0.shape
    J = 0.0
    for i in range(n_movies):
        for j in range(n_users):
            if R[i, j] == 1:
                y_hat = float(np.dot(W[j], X[i])) + b[j]
                J += (y_hat - Y0[i, j]) ** 2
    J = J / 2
    J += (lambda_ / 2) * (float(np.sum(X**2)) + float(np.sum(W**2)))
    return J


def gradients(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of the cost J with respect to X, W and b, vectorized.

    Taught in 02_gradients. With the error matrix ``E = (X W^T + b - Y) * R``::

        dJ/dX = E W + lambda_ X,   dJ/dW = E^T X + lambda_ W,   dJ/db = column sums of E

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
        Movie features.
    W : np.ndarray, shape (n_users, k)
        User preferences.
    b : np.ndarray, shape (n_users,)
        User biases.
    Y : np.ndarray, shape (n_movies, n_users)
        Ratings; any value (NaN included) where R = 0.
    R : np.ndarray, shape (n_movies, n_users)
        1 where rated, 0 elsewhere.
    lambda_ : float
        Regularization strength, >= 0.

    Returns
    -------
    dX : np.ndarray, shape (n_movies, k)
    dW : np.ndarray, shape (n_users, k)
    db : np.ndarray, shape (n_users,)
    """
    X, W, b = _check_params(X, W, b)
    Y0, R = _check_ratings(Y, R, (X.shape[0], W.shape[0]))
    _, dX, dW, db = _cost_and_gradients(X, W, b, Y0, R, _check_lambda(lambda_))
    return dX, dW, db


def gradients_loops(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gradients of J written with loops over the ratings, for teaching.

    Taught in 02_gradients, where it is checked against :func:`gradients`.

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    b : np.ndarray, shape (n_users,)
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    lambda_ : float

    Returns
    -------
    dX : np.ndarray, shape (n_movies, k)
    dW : np.ndarray, shape (n_users, k)
    db : np.ndarray, shape (n_users,)
    """
    X, W, b = _check_params(X, W, b)
    Y0, R = _check_ratings(Y, R, (X.shape[0], W.shape[0]))
    lambda_ = _check_lambda(lambda_)
    dX = lambda_ * X.copy()
    dW = lambda_ * W.copy()
    db = np.zeros_like(b)
    n_movies, n_users = Y0.shape
    for i in range(n_movies):
        for j in range(n_users):
            if R[i, j] == 1:
                err = float(np.dot(W[j], X[i])) + b[j] - Y0[i, j]
                dX[i] += err * W[j]
                dW[j] += err * X[i]
                db[j] += err
    return dX, dW, db


def numerical_gradients(
    X: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    Y: np.ndarray,
    R: np.ndarray,
    lambda_: float,
    eps: float = 1e-6,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of J by central differences, ``(J(p + eps) - J(p - eps)) / (2 eps)``.

    Taught in 02_gradients. Costs two cost evaluations per parameter: use it to check
    :func:`gradients` on small problems, never to train.

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    b : np.ndarray, shape (n_users,)
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    lambda_ : float
    eps : float, default 1e-6
        Step of the central difference.

    Returns
    -------
    dX : np.ndarray, shape (n_movies, k)
    dW : np.ndarray, shape (n_users, k)
    db : np.ndarray, shape (n_users,)
    """
    X, W, b = _check_params(X, W, b)
    Y0, R = _check_ratings(Y, R, (X.shape[0], W.shape[0]))
    lambda_ = _check_lambda(lambda_)
    if not (isinstance(eps, numbers.Real) and 0 < eps < 1):
        raise ValueError(f"eps must be a small positive number such as 1e-6, got {eps!r}.")
    params = [X.copy(), W.copy(), b.copy()]
    grads = [np.zeros_like(p) for p in params]
    for param, grad in zip(params, grads):
        flat, flat_grad = param.reshape(-1), grad.reshape(-1)
        for n in range(flat.size):
            old = flat[n]
            flat[n] = old + eps
            J_plus = _cost(*params, Y0, R, lambda_)
            flat[n] = old - eps
            J_minus = _cost(*params, Y0, R, lambda_)
            flat[n] = old
            flat_grad[n] = (J_plus - J_minus) / (2 * eps)
    return grads[0], grads[1], grads[2]


@dataclass(frozen=True)
class GradientCheck:
    """Result of :func:`gradient_check`: analytic versus numerical gradients per block.

    Attributes
    ----------
    rel_error : dict of str to float
        ``||analytic - numerical|| / (||analytic|| + ||numerical||)`` for "X", "W", "b".
    max_abs_diff : dict of str to float
        Largest absolute difference of one entry, per block.
    """

    rel_error: dict[str, float]
    max_abs_diff: dict[str, float]

    @property
    def worst(self) -> float:
        """The largest relative error over the three blocks."""
        return max(self.rel_error.values())

    def passed(self, tol: float = 1e-6) -> bool:
        """True if every block's relative error is below ``tol``."""
        return self.worst < tol

    def __str__(self) -> str:
        lines = [f"{'block':<6}{'relative error':>16}{'max |diff|':>14}"]
        for name in ("X", "W", "b"):
            lines.append(f"d{name:<5}{self.rel_error[name]:>16.1e}{self.max_abs_diff[name]:>14.1e}")
        return "\n".join(lines)


def _relative_error(a: np.ndarray, n: np.ndarray) -> float:
    scale = float(np.linalg.norm(a) + np.linalg.norm(n))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - n)) / scale


def gradient_check(
    X: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    Y: np.ndarray,
    R: np.ndarray,
    lambda_: float,
    grad_fn: Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
    eps: float = 1e-6,
) -> GradientCheck:
    """Compare analytic gradients with :func:`numerical_gradients`, block by block.

    Taught in 02_gradients. A correct gradient gives relative errors far below 1e-6.

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    b : np.ndarray, shape (n_users,)
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    lambda_ : float
    grad_fn : callable, optional
        ``grad_fn(X, W, b, Y, R, lambda_) -> (dX, dW, db)``; defaults to :func:`gradients`.
    eps : float, default 1e-6
        Step of the central difference.

    Returns
    -------
    GradientCheck
        Relative error and largest absolute difference for the X, W and b blocks.
    """
    grad_fn = gradients if grad_fn is None else grad_fn
    analytic = grad_fn(X, W, b, Y, R, lambda_)
    numeric = numerical_gradients(X, W, b, Y, R, lambda_, eps=eps)
    rel, diff = {}, {}
    for name, a, n in zip(("X", "W", "b"), analytic, numeric):
        a = np.asarray(a, dtype=float)
        if a.shape != n.shape:
            raise ValueError(f"d{name} has shape {a.shape} but must have shape {n.shape}.")
        rel[name] = _relative_error(a, n)
        diff[name] = float(np.max(np.abs(a - n))) if a.size else 0.0
    return GradientCheck(rel_error=rel, max_abs_diff=diff)


# --------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------


def init_params(
    n_movies: int, n_users: int, k: int, rng: np.random.Generator, scale: float = 0.1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Small random starting values for X and W, zeros for b.

    Taught in 03_training. Random (not zero) X and W break the symmetry between the k
    features; zero biases mean a user with no ratings starts, and stays, at the movie mean
    once ratings are mean-normalized.

    Parameters
    ----------
    n_movies, n_users : int
        Number of movies and users, >= 1.
    k : int
        Number of latent features, >= 1.
    rng : np.random.Generator
        Source of randomness, e.g. ``np.random.default_rng(42)``.
    scale : float, default 0.1
        Standard deviation of the normal distribution for X and W.

    Returns
    -------
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    b : np.ndarray, shape (n_users,)
    """
    n_movies = _check_int("n_movies", n_movies, 1, "number of movies")
    n_users = _check_int("n_users", n_users, 1, "number of users")
    k = _check_int("k", k, 1, "number of latent features")
    rng = _check_rng(rng)
    if not (isinstance(scale, numbers.Real) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number such as 0.1, got {scale!r}.")
    X = rng.normal(0.0, scale, size=(n_movies, k))
    W = rng.normal(0.0, scale, size=(n_users, k))
    b = np.zeros(n_users)
    return X, W, b


class Snapshot(NamedTuple):
    """Parameters saved during training (for the "watch the factors move" widget).

    Attributes
    ----------
    epoch : int
        Number of gradient steps taken when the snapshot was saved.
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    b : np.ndarray, shape (n_users,)
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
    """What :func:`gradient_descent` returns.

    Attributes
    ----------
    X : np.ndarray, shape (n_movies, k)
        Learned movie features (the last finite values if training diverged).
    W : np.ndarray, shape (n_users, k)
        Learned user preferences.
    b : np.ndarray, shape (n_users,)
        Learned user biases.
    cost_history : np.ndarray, shape (epochs_run + 1,)
        J before training and after every step (only finite values).
    diverged : bool
        True if the cost became non-finite or exploded; training stopped there.
    message : str
        A one-line summary, or what diverged and what to try.
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
    init: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> TrainResult:
    """Learn X, W and b together by batch gradient descent.

    Taught in 03_training. Each epoch takes one step ``p <- p - alpha dJ/dp`` for all
    parameters at once. If the cost becomes NaN/inf or grows 10,000-fold, training stops,
    ``diverged`` is set and ``message`` says which alpha diverged and what to try; the
    returned parameters are the last finite ones.

    Parameters
    ----------
    Y : np.ndarray, shape (n_movies, n_users)
        Ratings (mean-normalized or not); any value where R = 0.
    R : np.ndarray, shape (n_movies, n_users)
        1 where rated, 0 elsewhere.
    k : int
        Number of latent features, >= 1.
    alpha : float
        Learning rate, > 0.
    lambda_ : float
        Regularization strength, >= 0.
    epochs : int
        Number of gradient steps, >= 0.
    rng : np.random.Generator
        Used by :func:`init_params` for the starting values.
    snapshot_every : int, optional
        Save a :class:`Snapshot` every this many epochs (plus the first and the last).
    init : tuple of (X, W, b), optional
        Starting parameters instead of random ones (k is then taken from them and must
        agree).

    Returns
    -------
    TrainResult
        Parameters, cost history, divergence flag and message, snapshots.
    """
    k = _check_int("k", k, 1, "number of latent features")
    alpha = _check_alpha(alpha)
    lambda_ = _check_lambda(lambda_)
    epochs = _check_int("epochs", epochs, 0, "number of gradient steps")
    if snapshot_every is not None:
        snapshot_every = _check_int("snapshot_every", snapshot_every, 1, "epochs between snapshots")
    Y0, R = _check_ratings(Y, R)
    n_movies, n_users = Y0.shape
    if init is None:
        X, W, b = init_params(n_movies, n_users, k, rng)
    else:
        X, W, b = _check_params(*init)
        if X.shape[1] != k:
            raise ValueError(f"init has k={X.shape[1]} features but k={k} was asked for.")
        if (X.shape[0], W.shape[0]) != (n_movies, n_users):
            raise ValueError(
                f"init implies (n_movies, n_users) = {(X.shape[0], W.shape[0])} but Y has shape {Y0.shape}."
            )
        X, W, b = X.copy(), W.copy(), b.copy()

    history = np.empty(epochs + 1)
    snapshots: list[Snapshot] = []
    diverged = False
    message = ""
    with np.errstate(over="ignore", invalid="ignore"):
        J, dX, dW, db = _cost_and_gradients(X, W, b, Y0, R, lambda_)
        history[0] = J
        limit = max(J, 1.0) * _EXPLODE_FACTOR
        if snapshot_every is not None:
            snapshots.append(Snapshot(0, X.copy(), W.copy(), b.copy(), J))
        done = 0
        for epoch in range(1, epochs + 1):
            X_new = X - alpha * dX
            W_new = W - alpha * dW
            b_new = b - alpha * db
            J_new, dX, dW, db = _cost_and_gradients(X_new, W_new, b_new, Y0, R, lambda_)
            if not math.isfinite(J_new) or J_new > limit:
                diverged = True
                shown = f"{J_new:.3g}" if math.isfinite(J_new) else "infinity"
                message = (
                    f"Training diverged at epoch {epoch}: with alpha = {alpha:g} the cost grew "
                    f"from {history[0]:.3g} to {shown}. Try a smaller alpha, for example "
                    f"{alpha / 10:g}."
                )
                break
            X, W, b, J = X_new, W_new, b_new, J_new
            history[epoch] = J
            done = epoch
            if snapshot_every is not None and epoch % snapshot_every == 0:
                snapshots.append(Snapshot(epoch, X.copy(), W.copy(), b.copy(), J))
    history = history[: done + 1]
    if snapshot_every is not None and snapshots[-1].epoch != done:
        snapshots.append(Snapshot(done, X.copy(), W.copy(), b.copy(), float(history[-1])))
    if not diverged:
        message = f"Trained {done} epochs: J went from {history[0]:.4g} to {history[-1]:.4g}."
    return TrainResult(X, W, b, history, diverged, message, snapshots)


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
    Y0, R = _check_ratings(Y, R)
    counts = R.sum(axis=1)
    mu = np.divide(Y0.sum(axis=1), counts, out=np.zeros(Y0.shape[0]), where=counts > 0)
    Y_norm = np.where(R == 1, Y0 - mu[:, None], np.nan)
    return Y_norm, mu


# --------------------------------------------------------------------------------------
# Real data: MovieLens ml-latest-small (notebook 05)
# --------------------------------------------------------------------------------------

#: Official GroupLens URL of ml-latest-small (the 2018-09-26 version).
MOVIELENS_URL = "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip"
#: SHA-256 and size of that zip, as published (tensorflow/datasets url_checksums).
MOVIELENS_SHA256 = "696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436"
MOVIELENS_SIZE = 978202
#: SHA-256 of the members the loader reads, checked on every load.
MOVIELENS_MEMBERS = {
    "ratings.csv": "aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646",
    "movies.csv": "5a5f32dd9bb3797b8e728a1b98958789d2b13f294a69fdfbc5727f8a9611aa07",
    "README.txt": "63d22ac138e80fae37021797ed8e1b9424b5239dc576a137422adf783ae3f404",
}
_ML_NAME = "ml-latest-small"


class DataError(RuntimeError):
    """A data file is missing, corrupted or could not be downloaded; the message says what to do."""


@dataclass
class MovieLens:
    """MovieLens ratings as index triplets, with the movies' titles, years and genres.

    Taught in 05_movielens. Rating ``n`` is ``ratings[n]`` stars given by user
    ``users[n]`` to movie ``movies[n]``; both indices are 0-based rows of W and X.

    Attributes
    ----------
    users : np.ndarray of int, shape (n_ratings,)
        0-based user index of each rating.
    movies : np.ndarray of int, shape (n_ratings,)
        0-based movie index of each rating.
    ratings : np.ndarray of float, shape (n_ratings,)
        Stars, 0.5 to 5 in half stars.
    timestamps : np.ndarray of int, shape (n_ratings,)
        Seconds since 1970-01-01 UTC.
    user_ids : np.ndarray of int, shape (n_users,)
        Original ``userId`` of each user index.
    movie_ids : np.ndarray of int, shape (n_movies,)
        Original ``movieId`` of each movie index.
    titles : list of str, length n_movies
        Titles without the year.
    years : np.ndarray of int, shape (n_movies,)
        Release year from the title, 0 where the title has none.
    genres : list of tuple of str, length n_movies
        Genres of each movie (empty when GroupLens lists none).
    folder : Path
        Folder with the extracted files (GroupLens's README.txt included).
    """

    users: np.ndarray
    movies: np.ndarray
    ratings: np.ndarray
    timestamps: np.ndarray
    user_ids: np.ndarray
    movie_ids: np.ndarray
    titles: list[str]
    years: np.ndarray
    genres: list[tuple[str, ...]]
    folder: Path

    @property
    def n_users(self) -> int:
        """Number of users."""
        return len(self.user_ids)

    @property
    def n_movies(self) -> int:
        """Number of movies (rated or not)."""
        return len(self.movie_ids)

    @property
    def n_ratings(self) -> int:
        """Number of ratings."""
        return len(self.ratings)

    def label(self, movie: int) -> str:
        """``"Title (year)"`` of a movie index, for printing."""
        year = int(self.years[movie])
        return f"{self.titles[movie]} ({year})" if year else self.titles[movie]

    def find(self, text: str) -> int:
        """Index of the most-rated movie whose title contains ``text`` (case-insensitive)."""
        hits = [i for i, t in enumerate(self.titles) if text.lower() in t.lower()]
        if not hits:
            raise KeyError(f"no movie title contains {text!r}")
        counts = np.bincount(self.movies, minlength=self.n_movies)
        return max(hits, key=lambda i: counts[i])


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _where_to_get_it(cache_dir: Path) -> str:
    return (
        f"Download {MOVIELENS_URL} (SHA-256 {MOVIELENS_SHA256}) and put ml-latest-small.zip in "
        f"{cache_dir}, or set MLITE_DATA_DIR to a folder that holds the zip or its extracted "
        "ml-latest-small/ folder."
    )


def _check_members(folder: Path) -> None:
    for name, expected in MOVIELENS_MEMBERS.items():
        path = folder / name
        if not path.is_file():
            raise DataError(f"{path} is missing. Delete the folder {folder} and load again to re-extract it.")
        if _sha256(path) != expected:
            raise DataError(
                f"{path} is corrupted (its SHA-256 does not match GroupLens's file). Delete the folder "
                f"{folder} and load again to re-extract it from the verified zip."
            )


def _safe_extract(zip_path: Path, target: Path) -> None:
    """Extract the zip into ``target`` (its ml-latest-small/ folder), refusing unsafe members.

    Members are written into a temporary folder next to ``target`` and moved into place
    only when everything was extracted, so an interrupted run leaves no half-written data.
    """
    import shutil
    import tempfile
    import zipfile

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile:
        raise DataError(f"{zip_path} is not a valid zip file. Delete it and load again.") from None
    with archive, tempfile.TemporaryDirectory(dir=target.parent, prefix=".extract-") as tmp:
        root = Path(tmp).resolve()
        for member in archive.infolist():
            name = member.filename
            destination = (root / name).resolve()
            if (
                name.startswith(("/", "\\"))
                or ".." in Path(name).parts
                or not destination.is_relative_to(root)
            ):
                raise DataError(
                    f"{zip_path} contains an unsafe member {name!r} that would be written outside the "
                    "data folder; nothing was extracted. This is not the GroupLens file: delete it."
                )
        archive.extractall(root)
        extracted = root / _ML_NAME
        if not extracted.is_dir():
            raise DataError(f"{zip_path} has no {_ML_NAME}/ folder: it is not the GroupLens archive.")
        _check_members(extracted)
        if target.exists():
            shutil.rmtree(target)
        extracted.replace(target)


def fetch_movielens(
    data_dir: str | Path | None = None,
    *,
    cache_dir: str | Path | None = None,
    url: str = MOVIELENS_URL,
) -> Path:
    """Find, or download and verify, ml-latest-small; return its extracted folder.

    Taught in 05_movielens. Where the data comes from, in order:

    1. ``data_dir`` (or the environment variable ``MLITE_DATA_DIR``): an existing copy, the
       zip or its extracted ``ml-latest-small/`` folder; never downloads;
    2. the cache ``cache_dir`` (default ``data/``): a zip whose SHA-256 is right is used
       as it is;
    3. otherwise the zip is downloaded from ``url`` with pooch into the cache, checked
       against the SHA-256 and only then moved into place (a failed or truncated download
       leaves nothing behind and never replaces a good copy).

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder with an existing copy.
    cache_dir : str or Path, optional
        Where downloads and extracted files go; defaults to :data:`DATA_DIR`.
    url : str, optional
        Where to download from (tests use a local server).

    Returns
    -------
    Path
        The folder with ratings.csv, movies.csv and GroupLens's README.txt.
    """
    import os

    cache = Path(cache_dir) if cache_dir is not None else DATA_DIR
    source = data_dir if data_dir is not None else os.environ.get("MLITE_DATA_DIR") or None
    if source is not None:
        source = Path(source)
        for folder in (source / _ML_NAME, source):
            if (folder / "ratings.csv").is_file():
                _check_members(folder)
                return folder
        zip_path = source / f"{_ML_NAME}.zip" if source.is_dir() else source
        if not zip_path.is_file():
            raise DataError(f"No MovieLens copy in {source}. {_where_to_get_it(cache)}")
        if _sha256(zip_path) != MOVIELENS_SHA256:
            raise DataError(
                f"{zip_path} does not have the SHA-256 of ml-latest-small. {_where_to_get_it(cache)}"
            )
        target = cache / _ML_NAME
        _safe_extract(zip_path, target)
        return target

    zip_path = cache / f"{_ML_NAME}.zip"
    target = cache / _ML_NAME
    if zip_path.is_file() and _sha256(zip_path) == MOVIELENS_SHA256:
        try:
            _check_members(target)
        except DataError:
            _safe_extract(zip_path, target)
        return target
    _download(url, zip_path)
    _safe_extract(zip_path, target)
    return target


def _download(url: str, zip_path: Path) -> None:
    """Download with pooch, verified against MOVIELENS_SHA256; clear errors, no leftovers."""
    import pooch

    zip_path.parent.mkdir(parents=True, exist_ok=True)
    bad = zip_path.with_name(zip_path.name + ".bad")
    if zip_path.exists():  # a corrupted cached zip: set aside, restored if the download fails
        zip_path.replace(bad)
    try:
        pooch.retrieve(
            url,
            known_hash=f"sha256:{MOVIELENS_SHA256}",
            fname=zip_path.name,
            path=zip_path.parent,
            progressbar=False,
        )
    except ValueError as err:  # pooch: hash mismatch (the download was deleted)
        raise DataError(
            f"The file downloaded from {url} is corrupted or truncated (SHA-256 mismatch); it was "
            f"deleted. Try again later. {_where_to_get_it(zip_path.parent)}"
        ) from err
    except Exception as err:  # offline, HTTP errors, ...: one clear message
        raise DataError(
            f"Could not download MovieLens from {url} ({type(err).__name__}: {err}). Are you offline? "
            f"{_where_to_get_it(zip_path.parent)}"
        ) from err
    finally:
        if bad.exists():
            bad.unlink()


def load_movielens(
    data_dir: str | Path | None = None,
    *,
    cache_dir: str | Path | None = None,
    url: str = MOVIELENS_URL,
) -> MovieLens:
    """Load GroupLens ml-latest-small as index triplets (downloading it if needed).

    Taught in 05_movielens. See :func:`fetch_movielens` for where the files come from;
    every load checks the SHA-256 of the files it reads. Users and movies are numbered
    0, 1, ... in the order of their original ids; every movie of movies.csv gets an index,
    rated or not.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder with an existing copy (else ``MLITE_DATA_DIR``, else the cache).
    cache_dir : str or Path, optional
        Download cache; defaults to :data:`DATA_DIR`.
    url : str, optional
        Where to download from.

    Returns
    -------
    MovieLens
        Ratings as (users, movies, ratings) arrays of shape (n_ratings,), plus titles,
        years and genres of shape (n_movies,).
    """
    import re

    folder = fetch_movielens(data_dir, cache_dir=cache_dir, url=url)
    with (folder / "movies.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if rows[0] != ["movieId", "title", "genres"]:
        raise DataError(f"{folder / 'movies.csv'} has an unexpected header {rows[0]}.")
    movie_ids = np.array([int(r[0]) for r in rows[1:]])
    titles, years, genres = [], [], []
    for _, title, genre in rows[1:]:
        match = re.search(r"\s*\((\d{4})\)\s*$", title)
        titles.append(title[: match.start()].strip() if match else title.strip())
        years.append(int(match.group(1)) if match else 0)
        genres.append(() if genre == "(no genres listed)" else tuple(genre.split("|")))
    order = np.argsort(movie_ids, kind="stable")
    movie_ids = movie_ids[order]
    titles = [titles[i] for i in order]
    genres = [genres[i] for i in order]
    years_array = np.array(years)[order]

    table = np.loadtxt(folder / "ratings.csv", delimiter=",", skiprows=1, dtype=np.float64)
    user_ids, users = np.unique(table[:, 0].astype(np.int64), return_inverse=True)
    movies = np.searchsorted(movie_ids, table[:, 1].astype(np.int64))
    if np.any(movies >= len(movie_ids)) or np.any(
        movie_ids[np.minimum(movies, len(movie_ids) - 1)] != table[:, 1]
    ):
        raise DataError(f"{folder / 'ratings.csv'} rates a movie that movies.csv does not list.")
    return MovieLens(
        users=users.astype(np.int64),
        movies=movies.astype(np.int64),
        ratings=table[:, 2].copy(),
        timestamps=table[:, 3].astype(np.int64),
        user_ids=user_ids,
        movie_ids=movie_ids,
        titles=titles,
        years=years_array,
        genres=genres,
        folder=folder,
    )


# --------------------------------------------------------------------------------------
# The same model on rating triplets (sparse): no n_movies x n_users matrix anywhere
# --------------------------------------------------------------------------------------


def _check_triplets(
    users: Any, movies: Any, ratings: Any, n_users: int, n_movies: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    users = np.asarray(users)
    movies = np.asarray(movies)
    ratings = _as_float_array("ratings", ratings, "(n_ratings,)")
    for name, idx, limit in (("users", users, n_users), ("movies", movies, n_movies)):
        if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(
                f"{name} must be a 1-D array of integer indices, got dtype {idx.dtype}, shape {idx.shape}."
            )
        if idx.size and (idx.min() < 0 or idx.max() >= limit):
            raise ValueError(f"{name} indices must lie in 0..{limit - 1}; found {idx.min()}..{idx.max()}.")
    if not (users.shape == movies.shape == ratings.shape):
        raise ValueError(
            f"users {users.shape}, movies {movies.shape} and ratings {ratings.shape} must have the same "
            "shape (n_ratings,): one entry per rating."
        )
    _check_finite("ratings", ratings, "Every listed rating must be a number; drop the missing ones.")
    return users, movies, ratings


#: Ratings per block in planned evaluations: index blocks of this size stay in the CPU cache
#: while all k features are processed.
_BLOCK = 1 << 18
#: From this many ratings on, planned evaluations use two threads (NumPy releases the GIL).
_THREADS_FROM = 1_000_000


def _runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start positions and keys of the runs of equal values in a sorted block."""
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return starts, keys[starts]


class _RatingsPlan(NamedTuple):
    """Index bookkeeping for ratings sorted by movie, computed once per training run."""

    bounds: list[int]  # block boundaries: block c is ratings bounds[c]:bounds[c + 1]
    by_user: np.ndarray  # permutation that orders the ratings by user
    users_by_user: np.ndarray  # users[by_user]
    movies_by_user: np.ndarray  # movies[by_user]
    movie_runs: list[tuple[np.ndarray, np.ndarray]]  # per block (movie order): run starts, movies
    user_runs: list[tuple[np.ndarray, np.ndarray]]  # per block (user order): run starts, users


def _plan(users: np.ndarray, movies: np.ndarray, block: int = _BLOCK) -> _RatingsPlan:
    """Plan for ``_sparse_cost_and_gradients``; ``movies`` must be sorted."""
    by_user = np.argsort(users, kind="stable")
    users_by_user, movies_by_user = users[by_user], movies[by_user]
    bounds = [*range(0, users.size, block), users.size]
    blocks = list(itertools.pairwise(bounds))
    return _RatingsPlan(
        bounds,
        by_user,
        users_by_user,
        movies_by_user,
        [_runs(movies[s:t]) for s, t in blocks],
        [_runs(users_by_user[s:t]) for s, t in blocks],
    )


def _planned_cost_and_gradients(
    X: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    users: np.ndarray,
    movies: np.ndarray,
    ratings: np.ndarray,
    lambda_: float,
    plan: _RatingsPlan,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """The fast path of training: blocks of ratings, runs added up with np.add.reduceat."""
    from concurrent.futures import ThreadPoolExecutor

    XT = np.ascontiguousarray(X.T)  # (k, n_movies)
    WT = np.ascontiguousarray(W.T)  # (k, n_users)
    n_blocks = len(plan.bounds) - 1
    workers = 2 if ratings.size >= _THREADS_FROM and n_blocks > 1 else 1
    e = np.empty(ratings.size)

    def errors(block_ids: range) -> None:
        for c in block_ids:
            s, t = plan.bounds[c], plan.bounds[c + 1]
            u, m = users[s:t], movies[s:t]
            e_block = np.take(b, u) - ratings[s:t]
            for f in range(XT.shape[0]):
                e_block += XT[f].take(m) * WT[f].take(u)
            e[s:t] = e_block

    def scatter(block_ids: range) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        dXT, dWT, db = np.zeros_like(XT), np.zeros_like(WT), np.zeros_like(b)
        for c in block_ids:
            s, t = plan.bounds[c], plan.bounds[c + 1]
            u, e_movie_order = users[s:t], e[s:t]
            m, e_user_order = plan.movies_by_user[s:t], e_by_user[s:t]
            (movie_starts, block_movies), (user_starts, block_users) = plan.movie_runs[c], plan.user_runs[c]
            if n_blocks == 1:  # every movie and user has one run: plain assignment is enough
                for f in range(XT.shape[0]):
                    dXT[f, block_movies] = np.add.reduceat(WT[f].take(u) * e_movie_order, movie_starts)
                    dWT[f, block_users] = np.add.reduceat(XT[f].take(m) * e_user_order, user_starts)
                db[block_users] = np.add.reduceat(e_user_order, user_starts)
                continue
            for f in range(XT.shape[0]):  # a movie or user can have runs in two blocks: add up
                dXT[f, block_movies] += np.add.reduceat(WT[f].take(u) * e_movie_order, movie_starts)
                dWT[f, block_users] += np.add.reduceat(XT[f].take(m) * e_user_order, user_starts)
            db[block_users] += np.add.reduceat(e_user_order, user_starts)
        return dXT, dWT, db

    shares = [range(i * n_blocks // workers, (i + 1) * n_blocks // workers) for i in range(workers)]
    if workers == 1:
        errors(shares[0])
    else:
        pool = ThreadPoolExecutor(workers)
        list(pool.map(errors, shares))
    J = 0.5 * float(e @ e) + 0.5 * lambda_ * (float(np.sum(X * X)) + float(np.sum(W * W)))
    e_by_user = e.take(plan.by_user)
    if workers == 1:
        parts = [scatter(shares[0])]
    else:
        parts = list(pool.map(scatter, shares))
        pool.shutdown()
    dXT, dWT, db = parts[0]
    for more in parts[1:]:  # the threads' partial sums, always added in the same order
        dXT, dWT, db = dXT + more[0], dWT + more[1], db + more[2]
    return J, dXT.T + lambda_ * X, dWT.T + lambda_ * W, db


def _sparse_cost_and_gradients(
    X: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    users: np.ndarray,
    movies: np.ndarray,
    ratings: np.ndarray,
    lambda_: float,
    plan: _RatingsPlan | None = None,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    # One feature at a time, so that every temporary is one (n_ratings,) vector that stays in
    # the CPU cache; about twice as fast as gathering the (n_ratings, k) blocks X[movies] and
    # W[users] at once. The scatter-adds use np.bincount, which accepts ratings in any order.
    # With a plan (ratings sorted by movie, see _plan), training takes the faster planned path.
    if plan is not None:
        return _planned_cost_and_gradients(X, W, b, users, movies, ratings, lambda_, plan)
    XT = np.ascontiguousarray(X.T)  # (k, n_movies)
    WT = np.ascontiguousarray(W.T)  # (k, n_users)
    e = np.take(b, users) - ratings  # (n_ratings,): the errors, built up feature by feature
    for f in range(XT.shape[0]):
        e += XT[f].take(movies) * WT[f].take(users)
    J = 0.5 * float(e @ e) + 0.5 * lambda_ * (float(np.sum(X * X)) + float(np.sum(W * W)))
    dXT = np.empty_like(XT)
    dWT = np.empty_like(WT)
    for f in range(XT.shape[0]):  # scatter-add each feature's terms with bincount
        dXT[f] = np.bincount(movies, weights=WT[f].take(users) * e, minlength=XT.shape[1])
        dWT[f] = np.bincount(users, weights=XT[f].take(movies) * e, minlength=WT.shape[1])
    db = np.bincount(users, weights=e, minlength=WT.shape[1])
    return J, dXT.T + lambda_ * X, dWT.T + lambda_ * W, db


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

    Taught in 05_movielens. The same math as :func:`cost` and :func:`gradients`: the sum
    runs over the listed ratings instead of over R = 1. Work and memory grow with the
    number of ratings, not with n_movies x n_users; the scatter-adds use ``np.bincount``.

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    b : np.ndarray, shape (n_users,)
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
    dX : np.ndarray, shape (n_movies, k)
    dW : np.ndarray, shape (n_users, k)
    db : np.ndarray, shape (n_users,)
    """
    X, W, b = _check_params(X, W, b)
    users, movies, ratings = _check_triplets(users, movies, ratings, W.shape[0], X.shape[0])
    return _sparse_cost_and_gradients(X, W, b, users, movies, ratings, _check_lambda(lambda_))


def sparse_cost(
    X: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    users: np.ndarray,
    movies: np.ndarray,
    ratings: np.ndarray,
    lambda_: float,
) -> float:
    """Cost J from rating triplets (see :func:`sparse_cost_and_gradients`).

    Taught in 05_movielens.

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    b : np.ndarray, shape (n_users,)
    users, movies : np.ndarray of int, shape (n_ratings,)
    ratings : np.ndarray, shape (n_ratings,)
    lambda_ : float

    Returns
    -------
    float
        The cost J, equal to :func:`cost` on the same ratings in dense form.
    """
    X, W, b = _check_params(X, W, b)
    users, movies, ratings = _check_triplets(users, movies, ratings, W.shape[0], X.shape[0])
    lambda_ = _check_lambda(lambda_)
    e = np.einsum("nf,nf->n", X[movies], W[users]) + b[users] - ratings
    return 0.5 * float(e @ e) + 0.5 * lambda_ * (float(np.sum(X * X)) + float(np.sum(W * W)))


def to_dense(
    users: np.ndarray, movies: np.ndarray, ratings: np.ndarray, n_users: int, n_movies: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rating triplets as a dense Y (NaN where unrated) and R, for small problems only.

    Taught in 05_movielens (to compare dense with sparse).

    Parameters
    ----------
    users, movies : np.ndarray of int, shape (n_ratings,)
    ratings : np.ndarray, shape (n_ratings,)
    n_users, n_movies : int

    Returns
    -------
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    """
    users, movies, ratings = _check_triplets(users, movies, ratings, n_users, n_movies)
    Y = np.full((n_movies, n_users), np.nan)
    Y[movies, users] = ratings
    R = np.zeros((n_movies, n_users))
    R[movies, users] = 1.0
    return Y, R


class Ratings(NamedTuple):
    """Ratings as index triplets (taught in 05_movielens).

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
        """The ratings at ``index`` (an integer or boolean array), as a new Ratings."""
        return Ratings(self.users[index], self.movies[index], self.ratings[index])


def split_ratings(
    users: np.ndarray, test_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Hold out a random fraction of every user's ratings; every user keeps ratings in training.

    Taught in 05_movielens. For a user with n ratings, ``round(test_fraction * n)`` of them
    (at most n - 1) go to the test part, chosen at random.

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
    users = np.asarray(users)
    if users.ndim != 1 or not np.issubdtype(users.dtype, np.integer):
        raise TypeError("users must be a 1-D array of integer user indices.")
    if not (isinstance(test_fraction, numbers.Real) and 0 < test_fraction < 1):
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}.")
    rng = _check_rng(rng)
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
        Weight of the global mean, in ratings (>= 0).

    Returns
    -------
    mu : np.ndarray, shape (n_movies,)
    global_mean : float
    """
    if not (isinstance(shrink, numbers.Real) and shrink >= 0):
        raise ValueError(f"shrink must be a number >= 0, got {shrink!r}.")
    ratings = _as_float_array("ratings", ratings, "(n_ratings,)")
    if ratings.size == 0:
        raise ValueError("movie_means needs at least one rating.")
    global_mean = float(ratings.mean())
    counts = np.bincount(movies, minlength=n_movies).astype(float)
    sums = np.bincount(movies, weights=ratings, minlength=n_movies)
    denominator = counts + shrink
    mu = np.divide(
        sums + shrink * global_mean, denominator, out=np.full(n_movies, global_mean), where=denominator > 0
    )
    return mu, global_mean


def rmse(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Root mean squared error, in stars.

    Parameters
    ----------
    predicted, actual : np.ndarray, shape (n,)

    Returns
    -------
    float
    """
    diff = np.asarray(predicted, dtype=float) - np.asarray(actual, dtype=float)
    return float(np.sqrt(np.mean(diff**2)))


def mae(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Mean absolute error, in stars.

    Parameters
    ----------
    predicted, actual : np.ndarray, shape (n,)

    Returns
    -------
    float
    """
    return float(np.mean(np.abs(np.asarray(predicted, dtype=float) - np.asarray(actual, dtype=float))))


@dataclass
class RatingsModel:
    """A model trained on rating triplets by :func:`fit_ratings` (taught in 05_movielens).

    Predicts ``x(i) . w(j) + b(j) + mu(i)``: features, preferences, user bias and the
    (shrunk) movie mean used for mean normalization.

    Attributes
    ----------
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    b : np.ndarray, shape (n_users,)
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
        users, movies = np.asarray(users), np.asarray(movies)
        raw = np.einsum("nf,nf->n", self.X[movies], self.W[users]) + self.b[users] + self.mu[movies]
        return np.clip(raw, *self.rating_range)


def fit_ratings(
    data: Ratings,
    n_users: int,
    n_movies: int,
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
    progress: bool | None = None,
) -> RatingsModel:
    """Batch gradient descent on rating triplets, with mean normalization and user biases.

    Taught in 05_movielens. Each epoch computes J and all gradients from every training
    rating (:func:`sparse_cost_and_gradients`) and steps every parameter at once.

    With ``scaled_steps`` (the default) each row takes a step of its own size:
    ``alpha / (n_i + lambda_)`` for movie i with n_i ratings, ``alpha / (n_j + lambda_)``
    for user j's preferences and ``alpha / n_j`` for their bias. On real data one user can
    have 100 times the ratings of another, so their gradients differ 100-fold; one global
    step small enough for the busiest row is far too small for the rest. Dividing by the
    count (the diagonal of the curvature, as in Newton's method) lets every row learn at
    the same pace, and alpha is then a fraction (0.1 to 1) of a full step. With
    ``scaled_steps=False`` it is the plain batch gradient descent of 03_training.

    Parameters
    ----------
    data : Ratings
        Training ratings as (users, movies, ratings) triplets.
    n_users, n_movies : int
        Sizes of W and X (users or movies without ratings are allowed).
    k : int
        Number of latent features, >= 1.
    alpha : float
        Learning rate, > 0.
    lambda_ : float
        Regularization strength, >= 0.
    epochs : int
        Number of steps, >= 0.
    rng : np.random.Generator
        For the starting values (:func:`init_params`).
    scaled_steps : bool, default True
        Per-row step sizes, as explained above.
    shrink : float, default 0.0
        Shrinkage of the movie means (see :func:`movie_means`).
    normalize : bool, default True
        Subtract the movie means before training and add them back when predicting.
    momentum : float, default 0.0
        Heavy-ball momentum beta in [0, 1): each step is ``beta`` times the previous step
        plus the gradient step, ``v <- beta v - step * dJ/dp; p <- p + v``. 0 is plain
        batch gradient descent; 0.9 crosses long flat valleys about ten times faster.
    init_scale : float, default 0.1
        Standard deviation of the random starting values of X and W.
    progress : bool, optional
        Print progress (to stderr) every 10% of the epochs; by default only once training
        has taken more than 2 seconds.

    Returns
    -------
    RatingsModel
        Parameters, movie means, cost history and divergence flag and message.
    """
    import sys
    import time

    n_users = _check_int("n_users", n_users, 1, "number of users")
    n_movies = _check_int("n_movies", n_movies, 1, "number of movies")
    k = _check_int("k", k, 1, "number of latent features")
    alpha = _check_alpha(alpha)
    lambda_ = _check_lambda(lambda_)
    epochs = _check_int("epochs", epochs, 0, "number of gradient steps")
    users, movies, ratings = _check_triplets(*data, n_users, n_movies)
    if ratings.size == 0:
        raise ValueError("fit_ratings needs at least one training rating.")
    order = np.lexsort((users, movies))  # sorted by movie: faster gathers and scatter-adds
    users, movies, ratings = users[order], movies[order], ratings[order]
    plan = _plan(users, movies)
    if normalize:
        mu, _ = movie_means(movies, ratings, n_movies, shrink)
    else:
        mu = np.zeros(n_movies)
    y = ratings - mu[movies]
    if not (isinstance(momentum, numbers.Real) and 0 <= momentum < 1):
        raise ValueError(f"momentum must be a number in [0, 1), got {momentum!r}; 0.9 is a common choice.")
    X, W, b = init_params(n_movies, n_users, k, rng, scale=init_scale)
    vX, vW, vb = np.zeros_like(X), np.zeros_like(W), np.zeros_like(b)
    if scaled_steps:
        n_i = np.bincount(movies, minlength=n_movies).astype(float)
        n_j = np.bincount(users, minlength=n_users).astype(float)
        step_X = alpha / (n_i + max(lambda_, 1e-12))[:, None]
        step_W = alpha / (n_j + max(lambda_, 1e-12))[:, None]
        step_b = alpha / np.maximum(n_j, 1.0)
    else:
        step_X = step_W = step_b = alpha

    history = np.empty(epochs + 1)
    diverged, message, done = False, "", 0
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):
        J, dX, dW, db = _sparse_cost_and_gradients(X, W, b, users, movies, y, lambda_, plan)
        history[0] = J
        limit = max(J, 1.0) * _EXPLODE_FACTOR
        for epoch in range(1, epochs + 1):
            vX = momentum * vX - step_X * dX
            vW = momentum * vW - step_W * dW
            vb = momentum * vb - step_b * db
            X_new, W_new, b_new = X + vX, W + vW, b + vb
            J_new, dX, dW, db = _sparse_cost_and_gradients(
                X_new, W_new, b_new, users, movies, y, lambda_, plan
            )
            if not math.isfinite(J_new) or J_new > limit:
                diverged = True
                message = (
                    f"Training diverged at epoch {epoch}: with alpha = {alpha:g} and lambda_ = {lambda_:g} "
                    f"the cost grew from {history[0]:.4g}. Try a smaller alpha, for example {alpha / 10:g}"
                    + (
                        " (or a larger lambda_, which also shortens the scaled steps)."
                        if scaled_steps
                        else "."
                    )
                )
                break
            X, W, b, J = X_new, W_new, b_new, J_new
            history[epoch] = J
            done = epoch
            show = progress if progress is not None else time.perf_counter() - start > 2.0
            if show and epochs >= 10 and epoch % (epochs // 10) == 0:
                print(f"epoch {epoch}/{epochs}: J = {J:.6g}", file=sys.stderr, flush=True)
    if not diverged:
        message = f"Trained {done} epochs: J went from {history[0]:.6g} to {history[done]:.6g}."
    low, high = float(ratings.min()), float(ratings.max())
    return RatingsModel(X, W, b, mu, lambda_, history[: done + 1], diverged, message, (low, high))


def fold_in(
    model: RatingsModel, movies: np.ndarray, ratings: np.ndarray, lambda_: float | None = None
) -> tuple[np.ndarray, float]:
    """Preferences and bias of a new user from a few ratings, with the movie features fixed.

    Taught in 05_movielens. Minimizes the same cost for one user only,
    ``1/2 sum (x(i).w + b + mu(i) - y(i))^2 + lambda_/2 ||w||^2``: a small ridge
    regression with k + 1 unknowns, solved exactly. No retraining of anyone else.

    Parameters
    ----------
    model : RatingsModel
    movies : np.ndarray of int, shape (n,)
        Movies the new user rated.
    ratings : np.ndarray, shape (n,)
        Their ratings.
    lambda_ : float, optional
        Regularization; defaults to the model's.

    Returns
    -------
    w : np.ndarray, shape (k,)
    b : float
    """
    movies = np.asarray(movies)
    ratings = _as_float_array("ratings", ratings, "(n,)")
    if movies.shape != ratings.shape or movies.ndim != 1:
        raise ValueError("movies and ratings must be 1-D arrays of the same length.")
    if movies.size == 0:
        return np.zeros(model.X.shape[1]), 0.0
    lambda_ = model.lambda_ if lambda_ is None else _check_lambda(lambda_)
    A = np.column_stack([model.X[movies], np.ones(movies.size)])  # (n, k + 1)
    penalty = np.diag([lambda_] * model.X.shape[1] + [1e-9])  # b is (practically) not regularized
    solution = np.linalg.solve(A.T @ A + penalty, A.T @ (ratings - model.mu[movies]))
    return solution[:-1], float(solution[-1])


def recommend(
    model: RatingsModel,
    w: np.ndarray,
    b: float,
    exclude: np.ndarray,
    counts: np.ndarray,
    min_ratings: int = 20,
    top: int = 10,
) -> tuple[np.ndarray, np.ndarray]:
    """The movies with the highest predicted rating for preferences ``w`` and bias ``b``.

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
    scores = np.clip(model.X @ w + b + model.mu, *model.rating_range)
    allowed = np.asarray(counts) >= min_ratings
    allowed[np.asarray(exclude, dtype=int)] = False
    candidates = np.flatnonzero(allowed)
    best = candidates[np.argsort(-scores[candidates], kind="stable")[:top]]
    return best, scores[best]


def similar_movies(
    X: np.ndarray, movie: int, counts: np.ndarray, min_ratings: int = 20, top: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """Movies whose feature vectors point the same way as ``movie``'s (cosine similarity).

    Taught in 05_movielens.

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
    norms = np.linalg.norm(X, axis=1)
    sims = (X @ X[movie]) / np.maximum(norms * norms[movie], 1e-12)
    allowed = np.asarray(counts) >= min_ratings
    allowed[movie] = False
    candidates = np.flatnonzero(allowed)
    best = candidates[np.argsort(-sims[candidates], kind="stable")[:top]]
    return best, sims[best]


# --------------------------------------------------------------------------------------
# Presenting results: a text table and plots
# --------------------------------------------------------------------------------------


def ratings_table(Y: np.ndarray, movies: Sequence[str], users: Sequence[str]) -> str:
    """A plain-text table of ratings, ``?`` where not rated.

    Taught in 01_cost_function.

    Parameters
    ----------
    Y : np.ndarray, shape (n_movies, n_users)
        Ratings, NaN where not rated.
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users

    Returns
    -------
    str
        The table, one line per movie.
    """
    Y = _as_float_array("Y", Y, "(n_movies, n_users)")
    if Y.shape != (len(movies), len(users)):
        raise ValueError(f"Y has shape {Y.shape} but there are {len(movies)} movies and {len(users)} users.")
    title_width = max(len(m) for m in movies)
    width = max(len(u) for u in users) + 2
    lines = [" " * title_width + "".join(f"{u:>{width}}" for u in users)]
    for title, row in zip(movies, Y):
        cells = "".join(f"{'?' if np.isnan(v) else f'{v:g}':>{width}}" for v in row)
        lines.append(f"{title:<{title_width}}{cells}")
    return "\n".join(lines)


def predictions_table(
    Y_pred: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    Y: np.ndarray | None = None,
    decimals: int = 1,
) -> str:
    """A plain-text table of predicted ratings; observed ratings shown beside them.

    Taught in 03_training. A cell reads ``4.9`` where the user did not rate the movie and
    ``4.9 (5)`` where they did, the observed rating in brackets.

    Parameters
    ----------
    Y_pred : np.ndarray, shape (n_movies, n_users)
        Predicted ratings.
    R : np.ndarray, shape (n_movies, n_users)
        1 where rated, 0 elsewhere.
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    Y : np.ndarray, shape (n_movies, n_users), optional
        Observed ratings to show in brackets where R = 1.
    decimals : int, default 1
        Decimals of the predictions.

    Returns
    -------
    str
        The table, one line per movie.
    """
    Y_pred = _as_float_array("Y_pred", Y_pred, "(n_movies, n_users)")
    R = _as_float_array("R", R, "(n_movies, n_users)")
    if Y_pred.shape != R.shape or Y_pred.shape != (len(movies), len(users)):
        raise ValueError(
            f"Y_pred {Y_pred.shape}, R {R.shape}, {len(movies)} movies and {len(users)} users "
            "do not fit together: all must be (n_movies, n_users)."
        )
    title_width = max(len(m) for m in movies)
    cells = []
    for i in range(len(movies)):
        row = []
        for j in range(len(users)):
            text = f"{round(float(Y_pred[i, j]), decimals) + 0.0:.{decimals}f}"  # no "-0.0"
            if Y is not None and R[i, j] == 1:
                text += f" ({Y[i, j]:g})"
            row.append(text)
        cells.append(row)
    width = max([len(u) for u in users] + [len(c) for row in cells for c in row]) + 2
    lines = [" " * title_width + "".join(f"{u:>{width}}" for u in users)]
    for title, row in zip(movies, cells):
        lines.append(f"{title:<{title_width}}" + "".join(f"{c:>{width}}" for c in row))
    return "\n".join(lines)


def set_style() -> None:
    """Apply the series' plot style (call it once in a notebook's setup cell).

    Sets matplotlib's rcParams (sizes, grid, the :data:`PALETTE` colour cycle) and, inside
    IPython, stores inline figures as PNG without the matplotlib version in their metadata,
    so re-running a notebook does not rewrite every image.
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": "medium",
            "axes.prop_cycle": cycler(
                color=[PALETTE[c] for c in ("train", "test", "action", "romance", "highlight")]
            ),
            "legend.frameon": False,
            "image.cmap": "viridis",
        }
    )
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "run_line_magic"):
        shell.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
        shell.run_line_magic(
            "config",
            "InlineBackend.print_figure_kwargs = {'bbox_inches': 'tight', 'metadata': {'Software': None}}",
        )


def plot_cost_history(
    ax: Axes, cost_history: np.ndarray, label: str | None = None, color: str | None = None, log: bool = True
) -> Axes:
    """Plot J against the epoch.

    Taught in 03_training.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    cost_history : np.ndarray, shape (epochs_run + 1,)
        J before training and after every step, as in ``TrainResult.cost_history``.
    label : str, optional
        Legend label.
    color : str, optional
        Line colour; defaults to the "train" colour.
    log : bool, default True
        Log scale on the J axis.

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    history = np.asarray(cost_history, dtype=float)
    ax.plot(np.arange(history.size), history, label=label, color=color or PALETTE["train"])
    if log and np.all(history > 0):
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost J")
    if label is not None:
        ax.legend()
    return ax


def plot_feature_space(
    ax: Axes,
    F: np.ndarray,
    labels: Sequence[str],
    title: str = "",
    colors: Sequence[str] | None = None,
    lim: float | None = None,
    xlabel: str = "feature 1",
    ylabel: str = "feature 2",
) -> Axes:
    """Scatter the first two columns of a feature matrix, one labelled point per row.

    Taught in 04_visualization. Use it for movies (X) and for users (W). With k = 1 the
    points lie on the horizontal axis.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    F : np.ndarray, shape (n_items, k)
        Features of the items (X for movies, W for users).
    labels : sequence of str, length n_items
        One label per point.
    title : str, optional
    colors : sequence of str, length n_items, optional
        One colour per point; defaults to the "predicted" colour.
    lim : float, optional
        Fix both axes to ``[-lim, lim]`` (so animations do not rescale).
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    F = _as_float_array("F", F, "(n_items, k)")
    _check_ndim("F", F, 2, "(n_items, k)")
    if F.shape[0] != len(labels):
        raise ValueError(f"F has {F.shape[0]} rows but {len(labels)} labels were given.")
    x = F[:, 0]
    y = F[:, 1] if F.shape[1] > 1 else np.zeros_like(x)
    cols = list(colors) if colors is not None else [PALETTE["predicted"]] * len(x)
    ax.axhline(0, color=PALETTE["neutral"], lw=0.8)
    ax.axvline(0, color=PALETTE["neutral"], lw=0.8)
    ax.scatter(x, y, c=cols, s=60, zorder=3)
    span = max(float(np.ptp(x)), float(np.ptp(y)), lim or 0.0, 1e-9)
    for n, (xi, yi, text) in enumerate(zip(x, y, labels)):
        # stagger the labels of points that (nearly) coincide, so that each stays readable
        # (labels run to the right, so "near" is a wide, flat box around the point)
        crowd = int(np.sum((np.abs(y[:n] - yi) < 0.07 * span) & (np.abs(x[:n] - xi) < 0.5 * span)))
        ax.annotate(text, (xi, yi), textcoords="offset points", xytext=(6, 4 - 11 * crowd), fontsize=9)
    if lim is not None:
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
    ax.set_aspect("equal", adjustable="datalim" if lim is None else "box")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel if F.shape[1] > 1 else "(k = 1: one feature only)")
    ax.set_title(title)
    return ax


def plot_ratings_heatmap(
    ax: Axes,
    Y_pred: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    Y: np.ndarray | None = None,
    title: str = "predicted ratings",
    vmin: float = 0.0,
    vmax: float = 5.0,
) -> Axes:
    """Heatmap of predicted ratings; observed cells framed and their rating shown.

    Taught in 04_visualization. Each cell shows the prediction; where the user rated the
    movie the cell is framed in black and the observed rating follows in brackets.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    Y_pred : np.ndarray, shape (n_movies, n_users)
        Predicted ratings.
    R : np.ndarray, shape (n_movies, n_users)
        1 where rated, 0 elsewhere.
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    Y : np.ndarray, shape (n_movies, n_users), optional
        Observed ratings, shown in brackets where R = 1.
    title : str, optional
    vmin, vmax : float
        Colour scale limits (stars).

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    from matplotlib.patches import Rectangle

    Y_pred = _as_float_array("Y_pred", Y_pred, "(n_movies, n_users)")
    R = _as_float_array("R", R, "(n_movies, n_users)")
    if Y_pred.shape != R.shape or Y_pred.shape != (len(movies), len(users)):
        raise ValueError(
            f"Y_pred {Y_pred.shape}, R {R.shape}, {len(movies)} movies and {len(users)} users "
            "do not fit together: all must be (n_movies, n_users)."
        )
    ax.imshow(Y_pred, cmap="viridis", vmin=vmin, vmax=vmax, aspect="auto")
    ax.grid(False)
    for i in range(Y_pred.shape[0]):
        for j in range(Y_pred.shape[1]):
            value = Y_pred[i, j]
            text = f"{round(float(value), 1) + 0.0:.1f}"
            if R[i, j] == 1:
                if Y is not None:
                    text += f"\n({Y[i, j]:g})"
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="black", lw=2))
            shade = (value - vmin) / (vmax - vmin) if vmax > vmin else 0.5
            ax.text(
                j, i, text, ha="center", va="center", fontsize=9, color="black" if shade > 0.6 else "white"
            )
    ax.set_xticks(range(len(users)), labels=list(users))
    ax.set_yticks(range(len(movies)), labels=list(movies))
    ax.set_title(title)
    return ax


def plot_movie_predictions(
    ax: Axes,
    y_hat: np.ndarray,
    y: np.ndarray,
    r: np.ndarray,
    users: Sequence[str],
    title: str = "",
) -> Axes:
    """Bars of one movie's predicted ratings, dots for the ratings users gave.

    Taught in 01_cost_function ("be the optimizer").

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    y_hat : np.ndarray, shape (n_users,)
        Predicted ratings of the movie.
    y : np.ndarray, shape (n_users,)
        Observed ratings (any value where ``r`` is 0).
    r : np.ndarray, shape (n_users,)
        1 where the user rated the movie.
    users : sequence of str, length n_users
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    y_hat = _as_float_array("y_hat", y_hat, "(n_users,)")
    rated = _as_float_array("r", r, "(n_users,)") == 1
    y = np.where(rated, _as_float_array("y", y, "(n_users,)"), 0.0)
    if not (y_hat.shape == y.shape == rated.shape == (len(users),)):
        raise ValueError(f"y_hat, y and r must all have shape (n_users,) = ({len(users)},).")
    positions = np.arange(len(users))
    ax.bar(positions, y_hat, color=PALETTE["predicted"], alpha=0.8, label="predicted")
    ax.scatter(positions[rated], y[rated], color=PALETTE["observed"], zorder=3, s=60, label="rated")
    for p in positions[~rated]:
        ax.text(p, 5.6, "not rated", ha="center", fontsize=8, color=PALETTE["neutral"])
    ax.set_xticks(positions, labels=list(users))
    ax.set_ylim(-2, 6.2)
    ax.set_ylabel("stars")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


def plot_training_summary(
    axes: Sequence[Axes],
    result: TrainResult,
    Y: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
) -> Sequence[Axes]:
    """The cost curve and the predicted-ratings heatmap of one training run.

    Taught in 03_training; the training explorer draws the same two panels. A diverged
    run shows its cost up to the divergence and a message instead of predictions.

    Parameters
    ----------
    axes : pair of matplotlib.axes.Axes
        Where to draw the cost curve and the heatmap.
    result : TrainResult
        What :func:`gradient_descent` returned.
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users

    Returns
    -------
    pair of matplotlib.axes.Axes
        The same ``axes``.
    """
    ax_cost, ax_pred = axes
    color = PALETTE["test"] if result.diverged else PALETTE["train"]
    plot_cost_history(ax_cost, result.cost_history, color=color)
    ax_cost.set_title("cost J during training" + (" (diverged)" if result.diverged else ""))
    if result.diverged:
        ax_pred.axis("off")
        ax_pred.text(
            0.5,
            0.5,
            "no predictions:\ntraining diverged.\nLower alpha.",
            ha="center",
            va="center",
            fontsize=13,
            color=PALETTE["test"],
        )
    else:
        plot_ratings_heatmap(
            ax_pred, result.predict(), R, movies, users, Y=Y, title="predicted ratings (framed: rated)"
        )
    return axes


def plot_factors(
    axes: Sequence[Axes],
    X: np.ndarray,
    W: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    movie_colors: Sequence[str] | None = None,
    user_colors: Sequence[str] | None = None,
    lim: float | None = None,
) -> Sequence[Axes]:
    """The movie feature space and the user preference space side by side.

    Taught in 04_visualization; the factor explorer draws the same two panels.

    Parameters
    ----------
    axes : pair of matplotlib.axes.Axes
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    movie_colors, user_colors : sequence of str, optional
    lim : float, optional
        Fix all axes to ``[-lim, lim]``; by default both panels share one limit that fits.

    Returns
    -------
    pair of matplotlib.axes.Axes
        The same ``axes``.
    """
    ax_x, ax_w = axes
    if lim is None:
        lim = 1.15 * max(float(np.max(np.abs(X[:, :2]))), float(np.max(np.abs(W[:, :2]))), 1e-3)
    plot_feature_space(ax_x, X, movies, title="movies: x(i)", colors=movie_colors, lim=lim)
    plot_feature_space(ax_w, W, users, title="users: w(j)", colors=user_colors, lim=lim)
    return axes


def plot_rmse_bars(
    ax: Axes, train_rmse: float, test_rmse: float, baselines: dict[str, float] | None = None, title: str = ""
) -> Axes:
    """Train and test RMSE as bars, with simpler predictors' test RMSE as dashed lines.

    Taught in 05_movielens; the MovieLens explorer draws the same picture.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    train_rmse, test_rmse : float
        Errors of the model, in stars.
    baselines : dict of str to float, optional
        Test RMSE of simpler predictors, by name.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    ax.barh(["test", "train"], [test_rmse, train_rmse], color=[PALETTE["test"], PALETTE["train"]])
    for name, value in (baselines or {}).items():
        ax.axvline(value, color=PALETTE["neutral"], ls="--", lw=1)
        ax.text(value, 1.45, name, rotation=90, va="top", ha="right", fontsize=8)
    ax.set_xlim(0.4, 1.1)
    ax.set_xlabel("RMSE (stars)")
    ax.set_title(title)
    return ax


# --------------------------------------------------------------------------------------
# Widgets: slider explorers. Sliders are built explicitly with continuous_update=False,
# drawn through ipywidgets.interactive_output into one fixed-size output area (one figure,
# replaced on each change), and training runs are cached per setting.
# --------------------------------------------------------------------------------------

#: Values offered by the lambda slider: a log scale with 0 reachable.
LAMBDA_CHOICES: tuple[float, ...] = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: Values offered by the alpha slider: a log scale that reaches divergence on the toy data.
ALPHA_CHOICES: tuple[float, ...] = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 1.0)
#: Values offered by the epochs slider.
EPOCH_CHOICES: tuple[int, ...] = (10, 30, 100, 300, 1000, 3000)


def _selection_slider(description: str, options: Sequence[Any], value: Any) -> Any:
    import ipywidgets as widgets

    return widgets.SelectionSlider(
        description=description,
        options=[(f"{v:g}", v) for v in options],
        value=value,
        continuous_update=False,
        style={"description_width": "70px"},
        layout=widgets.Layout(width="330px"),
    )


def _model_sliders(lambda_: float, alpha: float, k: int) -> dict[str, Any]:
    """The lambda, alpha and k sliders shared by the training and factor explorers."""
    import ipywidgets as widgets

    return {
        "lambda_": _selection_slider("lambda", LAMBDA_CHOICES, lambda_),
        "alpha": _selection_slider("alpha", ALPHA_CHOICES, alpha),
        "k": widgets.IntSlider(
            value=k,
            min=1,
            max=5,
            description="k",
            continuous_update=False,
            style={"description_width": "70px"},
            layout=widgets.Layout(width="330px"),
        ),
    }


class Explorer:
    """Sliders and one fixed-size output area that is redrawn once per change.

    The explorers of the series are built by :func:`optimizer_explorer`,
    :func:`training_explorer` and :func:`factor_explorer`; a notebook cell shows one by
    ending with it. ``state`` holds the numbers behind the current drawing (tests and
    readers can look at them) and ``n_draws`` counts redraws.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        The sliders, by parameter name.
    output : ipywidgets.Output
        The output area the figure and messages are drawn into.
    widget : ipywidgets.VBox
        Controls above output: what the notebook displays.
    state : dict
        Numbers behind the current drawing.
    """

    def __init__(
        self,
        controls: dict[str, Any],
        draw: Callable[[dict[str, Any]], dict[str, Any]],
        height: str = "420px",
        extra: Sequence[Any] = (),
    ) -> None:
        import ipywidgets as widgets

        self.controls = controls
        self._draw = draw
        self._drawing = False
        self.state: dict[str, Any] = {}
        self.n_draws = 0
        self.output = widgets.interactive_output(self._update, controls)
        self.output.layout = widgets.Layout(min_height=height)
        boxes = [widgets.HBox(list(controls.values())[i : i + 2]) for i in range(0, len(controls), 2)]
        self.widget = widgets.VBox([*boxes, *extra, self.output])

    def _update(self, **_: Any) -> None:
        if self._drawing:  # a control changed by the drawing itself: already handled
            return
        self._drawing = True
        try:
            values = {name: control.value for name, control in self.controls.items()}
            self.state = self._draw(values)
            self.n_draws += 1
        finally:
            self._drawing = False

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _show(fig: Any) -> None:
    """Display a figure once in the current output area and free it (no pile-up)."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(fig)
    plt.close(fig)


def optimizer_explorer(
    X: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    Y: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    movie: int,
    lambda_: float = 0.0,
    lim: float = 1.5,
) -> Explorer:
    """Be the optimizer: sliders set one movie's two features; see its predictions and J.

    Taught in 01_cost_function. Everything but ``X[movie]`` stays fixed.

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, 2)
        Movie features; row ``movie`` is the starting point of the sliders.
    W : np.ndarray, shape (n_users, 2)
        User preferences (fixed).
    b : np.ndarray, shape (n_users,)
        User biases (fixed).
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    movie : int
        Index of the movie whose features the sliders set.
    lambda_ : float, default 0.0
        Regularization strength used in J.
    lim : float, default 1.5
        The sliders run from ``-lim`` to ``lim``.

    Returns
    -------
    Explorer
        With controls ``x1`` and ``x2``; ``state`` holds ``y_hat`` (n_users,) and ``J``.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    X, W, b = _check_params(X, W, b)
    Y0, R = _check_ratings(Y, R, (X.shape[0], W.shape[0]))
    lambda_ = _check_lambda(lambda_)
    if X.shape[1] != 2:
        raise ValueError(f"optimizer_explorer needs k = 2 features, got k = {X.shape[1]}.")
    movie = _check_int("movie", movie, 0, "row of the movie")
    if movie >= X.shape[0]:
        raise ValueError(f"movie must be a row index below {X.shape[0]}, got {movie}.")
    sliders = {
        name: widgets.FloatSlider(
            value=float(np.clip(X[movie, f], -lim, lim)),
            min=-lim,
            max=lim,
            step=0.05,
            description=f"x({movie})[{f}]",
            continuous_update=False,
            readout_format=".2f",
        )
        for f, name in enumerate(("x1", "x2"))
    }
    users = list(users)

    def draw(values: dict[str, Any]) -> dict[str, Any]:
        X_now = X.copy()
        X_now[movie] = (values["x1"], values["x2"])
        y_hat = X_now[movie] @ W.T + b
        J = _cost(X_now, W, b, Y0, R, lambda_)
        J_movie = 0.5 * float(np.sum(((y_hat - Y0[movie]) * R[movie]) ** 2))
        print(f"J = {J:.2f}   (of which this movie's squared errors: {J_movie:.2f})")
        fig, ax = plt.subplots(figsize=(6.4, 3.2))
        plot_movie_predictions(
            ax,
            y_hat,
            Y0[movie],
            R[movie],
            users,
            title=f"{movies[movie]}: x = ({values['x1']:.2f}, {values['x2']:.2f})",
        )
        _show(fig)
        return {"y_hat": y_hat, "J": J}

    return Explorer(sliders, draw, height="300px")


def training_explorer(
    Y: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    rng: np.random.Generator,
    lambda_: float = 0.3,
    alpha: float = 0.03,
    k: int = 2,
    epochs: int = 1000,
) -> Explorer:
    """Sliders for lambda, alpha, k and epochs retrain and redraw the cost and predictions.

    Taught in 03_training. Every setting trains from the same starting values (drawn
    once from ``rng``), and each result is cached, so going back to a setting is instant.
    A diverging alpha shows a message and the cost up to the divergence, never NaN plots.

    Parameters
    ----------
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    rng : np.random.Generator
        Gives the seed of the starting values.
    lambda_, alpha, k, epochs
        Starting slider values (one of :data:`LAMBDA_CHOICES`, :data:`ALPHA_CHOICES`,
        1 to 5, :data:`EPOCH_CHOICES`).

    Returns
    -------
    Explorer
        Controls ``lambda_``, ``alpha``, ``k``, ``epochs``; ``state`` holds the
        :class:`TrainResult` as ``result``.
    """
    import matplotlib.pyplot as plt

    Y0, R = _check_ratings(Y, R)
    seed = int(_check_rng(rng).integers(2**32))
    controls = {
        **_model_sliders(lambda_, alpha, k),
        "epochs": _selection_slider("epochs", EPOCH_CHOICES, epochs),
    }
    cache: dict[tuple[float, float, int, int], TrainResult] = {}

    def train(lambda_: float, alpha: float, k: int, epochs: int) -> TrainResult:
        key = (lambda_, alpha, k, epochs)
        if key not in cache:
            cache[key] = gradient_descent(Y0, R, k, alpha, lambda_, epochs, np.random.default_rng(seed))
        return cache[key]

    def draw(values: dict[str, Any]) -> dict[str, Any]:
        import time

        start = time.perf_counter()
        res = train(values["lambda_"], values["alpha"], values["k"], values["epochs"])
        compute = time.perf_counter() - start
        print(("WARNING: " if res.diverged else "") + res.message)
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), width_ratios=(1, 1.3))
        plot_training_summary(axes, res, Y, R, movies, users)
        fig.tight_layout()
        _show(fig)
        return {"result": res, "compute_seconds": compute}

    return Explorer(controls, draw, height="330px")


def factor_explorer(
    Y: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    rng: np.random.Generator,
    lambda_: float = 0.3,
    alpha: float = 0.03,
    k: int = 2,
    epochs: int = 600,
    snapshot_every: int = 20,
    movie_colors: Sequence[str] | None = None,
    user_colors: Sequence[str] | None = None,
) -> Explorer:
    """Watch the factors move: the movie and user feature spaces through training.

    Taught in 04_visualization. Sliders for lambda, alpha and k choose a training run
    (cached); the epoch scrubber and its Play button step through the saved snapshots,
    drawn on fixed axes so that only the points move.

    Parameters
    ----------
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    rng : np.random.Generator
        Gives the seed of the starting values.
    lambda_, alpha, k
        Starting slider values.
    epochs : int, default 600
        Epochs of each training run.
    snapshot_every : int, default 20
        Epochs between snapshots (frames of the scrubber).
    movie_colors, user_colors : sequence of str, optional
        A colour per movie and per user.

    Returns
    -------
    Explorer
        Controls ``lambda_``, ``alpha``, ``k`` and ``frame`` (the scrubber); ``state``
        holds the ``snapshot`` shown and the ``result``.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    Y0, R = _check_ratings(Y, R)
    seed = int(_check_rng(rng).integers(2**32))
    epochs = _check_int("epochs", epochs, 1, "number of gradient steps")
    n_frames = epochs // snapshot_every + 1
    frame = widgets.IntSlider(
        value=n_frames - 1,
        min=0,
        max=n_frames - 1,
        description="snapshot",
        continuous_update=False,
        style={"description_width": "70px"},
        layout=widgets.Layout(width="330px"),
    )
    play = widgets.Play(value=n_frames - 1, min=0, max=n_frames - 1, interval=400, description="Play")
    widgets.jslink((play, "value"), (frame, "value"))
    controls = {**_model_sliders(lambda_, alpha, k), "frame": frame}
    cache: dict[tuple[float, float, int], TrainResult] = {}
    shown_run: list[tuple[float, float, int] | None] = [None]

    def train(lambda_: float, alpha: float, k: int) -> TrainResult:
        key = (lambda_, alpha, k)
        if key not in cache:
            cache[key] = gradient_descent(
                Y0, R, k, alpha, lambda_, epochs, np.random.default_rng(seed), snapshot_every=snapshot_every
            )
        return cache[key]

    def draw(values: dict[str, Any]) -> dict[str, Any]:
        import time

        start = time.perf_counter()
        run = (values["lambda_"], values["alpha"], values["k"])
        res = train(*run)
        compute = time.perf_counter() - start
        last = len(res.snapshots) - 1
        index = min(values["frame"], last)
        if run != shown_run[0]:  # a new run starts at its trained state
            shown_run[0], index = run, last
        if frame.max != last:  # a diverged run has fewer snapshots
            play.max = frame.max = last
        if frame.value != index:
            play.value = frame.value = index
        snap = res.snapshots[index]
        print(("WARNING: " if res.diverged else "") + res.message)
        print(f"snapshot {index} of {last}: epoch {snap.epoch}, J = {snap.cost:.2f}")
        lim = 1.15 * max(
            max(float(np.max(np.abs(s.X[:, :2]))), float(np.max(np.abs(s.W[:, :2])))) for s in res.snapshots
        )
        fig, axes = plt.subplots(1, 2, figsize=(10, 4.4))
        plot_factors(axes, snap.X, snap.W, movies, users, movie_colors, user_colors, lim=lim)
        fig.tight_layout()
        _show(fig)
        return {"snapshot": snap, "result": res, "compute_seconds": compute}

    return Explorer(controls, draw, height="420px", extra=[play])


def movielens_explorer(
    train: Ratings,
    test: Ratings,
    n_users: int,
    n_movies: int,
    rng: np.random.Generator,
    runs: dict[tuple[float, int], RatingsModel] | None = None,
    lambdas: Sequence[float] = (1.0, 3.0, 10.0, 30.0),
    ks: Sequence[int] = (1, 2, 5, 10, 20),
    lambda_: float = 10.0,
    k: int = 10,
    alpha: float = 0.5,
    epochs: int = 100,
    shrink: float = 3.0,
    baselines: dict[str, float] | None = None,
) -> Explorer:
    """Sliders for lambda and k over trained MovieLens models: train and test RMSE.

    Taught in 05_movielens. ``runs`` is a cache of models by ``(lambda_, k)`` (the
    notebook passes the runs of its sweeps); a setting not yet in it is trained once
    (about a second) and added.

    Parameters
    ----------
    train, test : Ratings
        Training and held-out ratings.
    n_users, n_movies : int
    rng : np.random.Generator
        Gives the seed of the starting values of new runs.
    runs : dict, optional
        Cache of :class:`RatingsModel` by ``(lambda_, k)``; filled as the sliders move.
    lambdas, ks : sequences
        The values the sliders offer.
    lambda_, k : starting values
    alpha, epochs, shrink
        Training settings of new runs (see :func:`fit_ratings`).
    baselines : dict of str to float, optional
        Test RMSE of simpler predictors, drawn as reference lines.

    Returns
    -------
    Explorer
        Controls ``lambda_`` and ``k``; ``state`` holds ``model``, ``train_rmse`` and
        ``test_rmse``.
    """
    import matplotlib.pyplot as plt

    seed = int(_check_rng(rng).integers(2**32))
    runs = {} if runs is None else runs
    controls = {
        "lambda_": _selection_slider("lambda", lambdas, lambda_),
        "k": _selection_slider("k", ks, k),
    }

    def draw(values: dict[str, Any]) -> dict[str, Any]:
        key = (values["lambda_"], values["k"])
        if key not in runs:
            runs[key] = fit_ratings(
                train,
                n_users,
                n_movies,
                key[1],
                alpha,
                key[0],
                epochs,
                np.random.default_rng(seed),
                shrink=shrink,
                progress=False,
            )
        model = runs[key]
        if model.diverged:
            print("WARNING: " + model.message)
            return {"model": model, "train_rmse": math.nan, "test_rmse": math.nan}
        train_rmse = rmse(model.predict(train.users, train.movies), train.ratings)
        test_rmse = rmse(model.predict(test.users, test.movies), test.ratings)
        print(f"lambda = {key[0]:g}, k = {key[1]}: train RMSE {train_rmse:.3f}, test RMSE {test_rmse:.3f}")
        fig, ax = plt.subplots(figsize=(7, 3.4))
        plot_rmse_bars(ax, train_rmse, test_rmse, baselines, title=f"lambda = {key[0]:g}, k = {key[1]}")
        fig.tight_layout()
        _show(fig)
        return {"model": model, "train_rmse": train_rmse, "test_rmse": test_rmse}

    return Explorer(controls, draw, height="300px")


def new_user_explorer(
    model: RatingsModel,
    titles: Sequence[str],
    to_rate: Sequence[int],
    counts: np.ndarray,
    min_ratings: int = 20,
    top: int = 10,
    lambda_: float | None = None,
) -> Explorer:
    """Rate a few movies: a slider per movie, and recommendations by fold-in.

    Taught in 05_movielens. Each slider is "not seen" or 0.5 to 5 stars; every change
    solves the new user's preferences with the movie features fixed (:func:`fold_in`) and
    lists the top movies (:func:`recommend`).

    Parameters
    ----------
    model : RatingsModel
    titles : sequence of str, length n_movies
    to_rate : sequence of int
        Movies offered for rating.
    counts : np.ndarray of int, shape (n_movies,)
        Ratings per movie in training (for the minimum-ratings filter).
    min_ratings, top : int
        See :func:`recommend`.
    lambda_ : float, optional
        Regularization of the fold-in (see :func:`fold_in`); defaults to the model's.

    Returns
    -------
    Explorer
        One control per offered movie (named ``movie_<index>``); ``state`` holds
        ``recommended`` (movie indices) and ``predicted``.
    """
    import ipywidgets as widgets

    # 0 stands for "not seen" (MovieLens ratings start at 0.5 stars)
    options = [("not seen", 0.0)] + [(f"{s:g}", float(s)) for s in np.arange(0.5, 5.01, 0.5)]
    controls = {
        f"movie_{i}": widgets.SelectionSlider(
            options=options,
            value=0.0,
            description=titles[i][:28],
            continuous_update=False,
            style={"description_width": "200px"},
            layout=widgets.Layout(width="400px"),
        )
        for i in to_rate
    }

    def draw(values: dict[str, Any]) -> dict[str, Any]:
        rated = [(int(name.split("_")[1]), v) for name, v in values.items() if v > 0]
        movies = np.array([m for m, _ in rated], dtype=int)
        stars = np.array([v for _, v in rated], dtype=float)
        w, b = fold_in(model, movies, stars, lambda_)
        best, predicted = recommend(model, w, b, movies, counts, min_ratings, top)
        print(
            f"You rated {len(rated)} movie(s). Recommended for you:"
            if rated
            else "Rate a few movies to get recommendations. With no ratings, the best-rated movies:"
        )
        for rank, (i, p) in enumerate(zip(best, predicted), start=1):
            print(f"{rank:3}. {p:.1f}  {titles[i]}")
        return {"recommended": best, "predicted": predicted, "w": w, "b": b}

    return Explorer(controls, draw, height="260px")


# --------------------------------------------------------------------------------------
# Exercise checks: run a reader's function on hand-computable cases and say what is
# probably wrong. They print and never raise, so a notebook keeps running.
# --------------------------------------------------------------------------------------


def _exercise_cases() -> list[tuple[np.ndarray, ...]]:
    """Two small problems whose costs can be checked by hand.

    Case 1 has NaN in the unrated cells (as load_toy gives); case 2 has finite junk there,
    so that "unrated entries included" shows up as a wrong number, not only as NaN.
    """
    X1 = np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 1.0]])
    W1 = np.array([[1.0, 0.0], [-1.0, 2.0]])
    b1 = np.array([0.5, -0.5])
    Y1 = np.array([[2.0, 3.0], [np.nan, 1.0], [4.0, np.nan]])
    R1 = (~np.isnan(Y1)).astype(float)
    X2 = np.array([[0.3, -0.2, 1.0], [1.5, 0.4, -0.7]])
    W2 = np.array([[0.2, 1.0, -0.5], [0.9, -0.3, 0.4], [-1.1, 0.6, 0.8]])
    b2 = np.array([1.0, -0.25, 0.75])
    Y2 = np.array([[4.0, 2.5, 9.0], [1.0, 7.0, 3.0]])
    R2 = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    return [(X1, W1, b1, Y1, R1, 1.5), (X2, W2, b2, Y2, R2, 0.7)]


def _cost_variants(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float
) -> dict[str, float]:
    """Values a correct cost and typical wrong ones give on one case."""
    Y0 = np.where(R == 1, Y, 0.0)
    E = (X @ W.T + b - Y0) * R
    sq = float(np.sum(E**2))
    reg = float(np.sum(X**2) + np.sum(W**2))
    n_rated = int(R.sum())
    E_all = X @ W.T + b - np.nan_to_num(Y, nan=0.0)
    E_nobias = (X @ W.T - Y0) * R
    return {
        "correct": sq / 2 + lambda_ / 2 * reg,
        "the regularization term is added inside the loop, once per rating; add it once, after the loop": sq
        / 2
        + n_rated * lambda_ / 2 * reg,
        "the regularization term is added once per user (inside the loop over users); add it "
        "once, after the loops": sq / 2 + W.shape[0] * lambda_ / 2 * reg,
        "the regularization term is added once per movie (inside the loop over movies); add it "
        "once, after the loops": sq / 2 + X.shape[0] * lambda_ / 2 * reg,
        "the squared error is halved twice (1/4 instead of 1/2)": sq / 4 + lambda_ / 2 * reg,
        "the whole cost is halved twice": (sq / 2 + lambda_ / 2 * reg) / 2,
        "the squared error is not multiplied by 1/2": sq + lambda_ / 2 * reg,
        "the regularization term is not multiplied by lambda_/2 (it uses lambda_)": sq / 2 + lambda_ * reg,
        "the regularization term is missing (did you multiply it by lambda_/2?)": sq / 2,
        "the biases b are regularized; only X and W should be": sq / 2
        + lambda_ / 2 * (reg + float(np.sum(b**2))),
        "unrated entries are included; sum only where R = 1 (multiply the error by R)": 0.5
        * float(np.sum(E_all**2))
        + lambda_ / 2 * reg,
        "the bias b(j) is missing from the prediction w(j).x(i) + b(j)": 0.5 * float(np.sum(E_nobias**2))
        + lambda_ / 2 * reg,
    }


def _call_reader(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, str | None]:
    """Call a reader's function; return (result, None) or (None, what went wrong)."""
    try:
        return fn(*(a.copy() if isinstance(a, np.ndarray) else a for a in args)), None
    except NotImplementedError:
        return None, "not implemented yet: replace the `raise NotImplementedError` with your code."
    except Exception as err:  # noqa: BLE001 - a reader's bug must not stop the notebook
        return None, f"your function raised {type(err).__name__}: {err}"


def _diagnose_cost(fn: Callable[..., Any]) -> tuple[bool, str]:
    for case_no, case in enumerate(_exercise_cases(), start=1):
        value, problem = _call_reader(fn, case)
        if problem:
            return False, problem
        if value is None:
            return False, "your function returned None: did you forget `return J`?"
        try:
            value = float(value)
        except (TypeError, ValueError):
            return False, f"your function should return one number J, got {type(value).__name__}."
        if math.isnan(value):
            return False, (
                "J is NaN: unrated entries (NaN in Y) are included. Sum only where R = 1, "
                "e.g. with np.where(R == 1, Y, 0) or an `if R[i, j] == 1` test."
            )
        variants = _cost_variants(*case)
        expected = variants.pop("correct")
        if math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9):
            continue
        for mistake, wrong in variants.items():
            if math.isclose(value, wrong, rel_tol=1e-6, abs_tol=1e-9):
                return False, f"not quite: {mistake}."
        return False, (
            f"not quite: on test case {case_no} J should be {expected:.4f}, your function "
            f"gave {value:.4f}. Compare your code with the formula term by term."
        )
    return True, "correct! Your cost matches on every test case."


def check_cost(fn: Callable[..., Any]) -> None:
    """Check a reader's cost function and print "correct" or the likely mistake.

    Exercise check for 01_cost_function. ``fn(X, W, b, Y, R, lambda_)`` must return J as
    a number. It is run on small hand-computable cases (NaN in unrated cells included);
    wrong answers are matched against typical mistakes (regularization inside the loop,
    halving twice, unrated entries included, b regularized, ...). Never raises.

    Parameters
    ----------
    fn : callable
        The reader's cost function.
    """
    print(_diagnose_cost(fn)[1])


def _gradient_variants(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    Y0 = np.where(R == 1, Y, 0.0)
    E = (X @ W.T + b - Y0) * R
    E_all = X @ W.T + b - np.nan_to_num(Y, nan=0.0)
    E_nobias = (X @ W.T - Y0) * R
    lx, lw = lambda_ * X, lambda_ * W
    return {
        "correct": (E @ W + lx, E.T @ X + lw, E.sum(axis=0)),
        "the sign is flipped: the gradient points uphill; use error = prediction - y": (
            -(E @ W + lx),
            -(E.T @ X + lw),
            -E.sum(axis=0),
        ),
        "the regularization terms lambda_ * X and lambda_ * W are missing": (E @ W, E.T @ X, E.sum(axis=0)),
        "the regularization gradient is lambda_/2 * X; the 1/2 cancels with the square, so "
        "it is lambda_ * X": (E @ W + lx / 2, E.T @ X + lw / 2, E.sum(axis=0)),
        "db includes lambda_ * b, but the biases are not regularized": (
            E @ W + lx,
            E.T @ X + lw,
            E.sum(axis=0) + lambda_ * b,
        ),
        "unrated entries are included; multiply the error by R": (
            E_all @ W + lx,
            E_all.T @ X + lw,
            E_all.sum(axis=0),
        ),
        "the bias b(j) is missing from the prediction in the error": (
            E_nobias @ W + lx,
            E_nobias.T @ X + lw,
            E_nobias.sum(axis=0),
        ),
    }


def _diagnose_gradients(fn: Callable[..., Any]) -> tuple[bool, str]:
    names = ("dX", "dW", "db")
    for case_no, case in enumerate(_exercise_cases(), start=1):
        result, problem = _call_reader(fn, case)
        if problem:
            return False, problem
        if result is None:
            return False, "your function returned None: did you forget `return dX, dW, db`?"
        try:
            grads = [np.asarray(g, dtype=float) for g in result]
        except (TypeError, ValueError):
            return False, "your function should return three arrays: dX, dW, db."
        if len(grads) != 3:
            return False, f"your function should return three arrays (dX, dW, db), got {len(grads)}."
        variants = _gradient_variants(*case)
        expected = variants.pop("correct")
        for name, g, e in zip(names, grads, expected):
            if g.shape != e.shape:
                hint = " (transposed?)" if g.shape == e.shape[::-1] else ""
                return False, f"{name} has shape {g.shape} but should have shape {e.shape}{hint}."
            if np.isnan(g).any():
                return False, (
                    f"{name} contains NaN: unrated entries (NaN in Y) are included. Use only "
                    "the entries with R = 1."
                )
        if all(np.allclose(g, e, rtol=1e-6, atol=1e-9) for g, e in zip(grads, expected)):
            continue
        for mistake, wrong in variants.items():
            if all(np.allclose(g, w, rtol=1e-6, atol=1e-9) for g, w in zip(grads, wrong)):
                return False, f"not quite: {mistake}."
        wrong_blocks = [
            n for n, g, e in zip(names, grads, expected) if not np.allclose(g, e, rtol=1e-6, atol=1e-9)
        ]
        return False, (
            f"not quite: on test case {case_no} {', '.join(wrong_blocks)} "
            f"{'is' if len(wrong_blocks) == 1 else 'are'} wrong. Check each formula against "
            "the derivation, or compare with mh.numerical_gradients."
        )
    return True, "correct! Your gradients match on every test case."


def check_gradients(fn: Callable[..., Any]) -> None:
    """Check a reader's gradient function and print "correct" or the likely mistake.

    Exercise check for 02_gradients. ``fn(X, W, b, Y, R, lambda_)`` must return
    ``(dX, dW, db)``. Wrong answers are matched against typical mistakes (wrong sign,
    regularization missing or halved, b regularized, unrated entries included, ...).
    Never raises.

    Parameters
    ----------
    fn : callable
        The reader's gradient function.
    """
    print(_diagnose_gradients(fn)[1])


def _diagnose_step(fn: Callable[..., Any]) -> tuple[bool, str]:
    for case_no, (X, W, b, Y, R, lambda_) in enumerate(_exercise_cases(), start=1):
        alpha = 0.1
        result, problem = _call_reader(fn, (X, W, b, Y, R, alpha, lambda_))
        if problem:
            return False, problem
        if result is None:
            return False, "your function returned None: did you forget `return X, W, b`?"
        try:
            new = [np.asarray(p, dtype=float) for p in result]
        except (TypeError, ValueError):
            return False, "your function should return three arrays: the new X, W and b."
        if len(new) != 3:
            return False, f"your function should return three arrays (X, W, b), got {len(new)}."
        Y0 = np.where(R == 1, Y, 0.0)
        _, dX, dW, db = _cost_and_gradients(X, W, b, Y0, R, lambda_)
        expected = (X - alpha * dX, W - alpha * dW, b - alpha * db)
        candidates = {
            "the step goes uphill: subtract alpha times the gradient, do not add it": (
                X + alpha * dX,
                W + alpha * dW,
                b + alpha * db,
            ),
            "the step is missing alpha: multiply the gradient by the learning rate": (X - dX, W - dW, b - db),
            "the function returns the gradients, not the updated parameters": (dX, dW, db),
            "b is not updated: the biases learn too": (X - alpha * dX, W - alpha * dW, b),
        }
        X_first = X - alpha * dX
        _, _, dW_late, db_late = _cost_and_gradients(X_first, W, b, Y0, R, lambda_)
        candidates[
            "W and b are computed from the already-updated X: compute all gradients first, "
            "then update (batch gradient descent moves every parameter at once)"
        ] = (X_first, W - alpha * dW_late, b - alpha * db_late)
        for name, n, e in zip(("X", "W", "b"), new, expected):
            if n.shape != e.shape:
                return False, f"the new {name} has shape {n.shape} but should have shape {e.shape}."
        if all(np.allclose(n, e, rtol=1e-6, atol=1e-9) for n, e in zip(new, expected)):
            continue
        for mistake, wrong in candidates.items():
            if all(np.allclose(n, w, rtol=1e-6, atol=1e-9) for n, w in zip(new, wrong)):
                return False, f"not quite: {mistake}."
        return (
            False,
            f"not quite: on test case {case_no} the updated parameters differ from one step of size alpha.",
        )
    return True, "correct! One step of batch gradient descent, exactly."


def check_step(fn: Callable[..., Any]) -> None:
    """Check a reader's gradient-descent step and print "correct" or the likely mistake.

    Exercise check for 03_training. ``fn(X, W, b, Y, R, alpha, lambda_)`` must return the
    updated ``(X, W, b)`` after one step. Never raises.

    Parameters
    ----------
    fn : callable
        The reader's step function.
    """
    print(_diagnose_step(fn)[1])


def _diagnose_rotation(fn: Callable[..., Any]) -> tuple[bool, str]:
    X, W = _exercise_cases()[0][:2]
    for theta in (0.3, np.pi / 2, -1.1):
        result, problem = _call_reader(fn, (X, W, theta))
        if problem:
            return False, problem
        if result is None:
            return False, "your function returned None: did you forget `return X_rot, W_rot`?"
        try:
            X_rot, W_rot = (np.asarray(p, dtype=float) for p in result)
        except (TypeError, ValueError):
            return False, "your function should return two arrays: X_rot and W_rot."
        if X_rot.shape != X.shape or W_rot.shape != W.shape:
            return False, f"X_rot and W_rot must keep the shapes of X {X.shape} and W {W.shape}."
        Q = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
        if np.allclose(X_rot, X @ Q) and np.allclose(W_rot, W @ Q):
            continue
        if np.allclose(X_rot, X @ Q.T) and np.allclose(W_rot, W @ Q.T):
            continue  # rotating the other way round is just as good
        if not np.allclose(X_rot @ W_rot.T, X @ W.T):
            return False, (
                "not quite: the predictions X_rot @ W_rot.T changed. Rotate X and W by the same "
                "rotation matrix Q (X @ Q and W @ Q): then Q @ Q.T = I cancels."
            )
        return (
            False,
            "the predictions are kept, but this is not a rotation by theta: "
            "use Q = [[cos, -sin], [sin, cos]].",
        )
    return (
        True,
        "correct! X @ Q and W @ Q give the same predictions: the factors are only defined up to rotation.",
    )


def check_rotation(fn: Callable[..., Any]) -> None:
    """Check a reader's rotation of the factors and print "correct" or the likely mistake.

    Exercise check for 04_visualization. ``fn(X, W, theta)`` must return
    ``(X_rot, W_rot)``, both rotated by the angle ``theta`` (radians, k = 2). Never raises.

    Parameters
    ----------
    fn : callable
        The reader's rotation function.
    """
    print(_diagnose_rotation(fn)[1])


def _diagnose_sparse_cost(fn: Callable[..., Any]) -> tuple[bool, str]:
    for case_no, (X, W, b, Y, R, lambda_) in enumerate(_exercise_cases(), start=1):
        movies, users = np.nonzero(R == 1)
        ratings = Y[movies, users]
        value, problem = _call_reader(fn, (X, W, b, users, movies, ratings, lambda_))
        if problem:
            return False, problem
        if value is None:
            return False, "your function returned None: did you forget `return J`?"
        try:
            value = float(value)
        except (TypeError, ValueError):
            return False, f"your function should return one number J, got {type(value).__name__}."
        variants = _cost_variants(X, W, b, Y, R, lambda_)
        expected = variants.pop("correct")
        if math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9):
            continue
        for mistake, wrong in variants.items():
            if "unrated" in mistake:
                continue
            if math.isclose(value, wrong, rel_tol=1e-6, abs_tol=1e-9):
                return False, f"not quite: {mistake}."
        return False, (
            f"not quite: on test case {case_no} J should be {expected:.4f}, your function gave "
            f"{value:.4f}. Check that rating n uses X[movies[n]], W[users[n]] and b[users[n]]."
        )
    return True, "correct! Your sparse cost matches the dense one on every test case."


def check_sparse_cost(fn: Callable[..., Any]) -> None:
    """Check a reader's cost on rating triplets and print "correct" or the likely mistake.

    Exercise check for 05_movielens. ``fn(X, W, b, users, movies, ratings, lambda_)`` must
    return J. Never raises.

    Parameters
    ----------
    fn : callable
        The reader's sparse cost function.
    """
    print(_diagnose_sparse_cost(fn)[1])


#: Oldest versions the notebooks are tested with.
MIN_VERSIONS: dict[str, str] = {"numpy": "2.0", "matplotlib": "3.8", "ipywidgets": "8.1"}


def check_environment() -> None:
    """Print a fix for each library older than the notebooks need; print nothing if all is well.

    Called in every notebook's setup cell.
    """
    from importlib.metadata import PackageNotFoundError, version

    def as_tuple(text: str) -> tuple[int, ...]:
        parts = []
        for part in text.split(".")[:2]:
            digits = "".join(ch for ch in part if ch.isdigit())
            parts.append(int(digits) if digits else 0)
        return tuple(parts)

    for package, needed in MIN_VERSIONS.items():
        try:
            found = version(package)
        except PackageNotFoundError:
            print(f"{package} is not installed: run `make lab` (or `pip install -e .`) in the repository.")
            continue
        if as_tuple(found) < as_tuple(needed):
            print(
                f"{package} {found} is older than the {needed} these notebooks need: run "
                f"`pip install -U '{package}>={needed}'` (or `make lab`), then restart the kernel."
            )
