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
    "PALETTE",
    "Explorer",
    "GradientCheck",
    "Snapshot",
    "ToyData",
    "TrainResult",
    "check_cost",
    "check_environment",
    "check_gradients",
    "check_rotation",
    "check_step",
    "cost",
    "cost_loops",
    "factor_explorer",
    "gradient_check",
    "gradient_descent",
    "gradients",
    "gradients_loops",
    "init_params",
    "load_toy",
    "normalize_ratings",
    "numerical_gradients",
    "optimizer_explorer",
    "plot_cost_history",
    "plot_factors",
    "plot_feature_space",
    "plot_movie_predictions",
    "plot_ratings_heatmap",
    "plot_training_summary",
    "predict",
    "predictions_table",
    "ratings_table",
    "set_style",
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
        crowd = int(np.sum(np.hypot(x[:n] - xi, y[:n] - yi) < 0.08 * span))
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
    """ "Be the optimizer": sliders set one movie's two features; see its predictions and J.

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
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    Y0, R = _check_ratings(Y, R)
    seed = int(_check_rng(rng).integers(2**32))
    controls = {
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
    controls = {
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
        "frame": frame,
    }
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
        run = (values["lambda_"], values["alpha"], values["k"])
        res = train(*run)
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
        return {"snapshot": snap, "result": res}

    return Explorer(controls, draw, height="420px", extra=[play])


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
