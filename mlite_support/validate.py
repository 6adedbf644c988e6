"""Argument checks shared by every public function of the series.

Each check either returns the value in the form the math needs (a float array, a float,
an int) or raises a ``TypeError``/``ValueError`` whose message names the argument, says
what is wrong with it and how to fix it. Never a bare numpy broadcasting error, never a
silent NaN, clamp or wrap-around.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

__all__ = [
    "alpha",
    "float_array",
    "generator",
    "integer",
    "lambda_",
    "number",
    "params",
    "ratings",
    "triplets",
]


def float_array(name: str, value: Any, expected: str) -> np.ndarray:
    """``value`` as a float array, or a TypeError that names ``name`` and the expected shape.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : array_like
        What the caller passed.
    expected : str
        The shape it should have, e.g. ``"(n_movies, k)"``.

    Returns
    -------
    np.ndarray
        ``value`` converted to float (no copy when it already is).
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array of shape {expected}, got {value!r}.")
    if np.iscomplexobj(value):
        raise TypeError(
            f"{name} must hold real numbers, got complex values. Pass np.real({name}) if intended."
        )
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{name} must be a numeric array of shape {expected}; it could not be converted "
            f"to numbers ({err}). Pass a NumPy array of floats."
        ) from None
    return array


def _ndim(name: str, array: np.ndarray, ndim: int, expected: str, fix: str = "") -> None:
    if array.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-D with shape {expected}, got shape {array.shape}. {fix}".strip()
        )


def _first(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _finite(name: str, array: np.ndarray, fix: str) -> None:
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(f"{name} contains NaN or inf (first at index {_first(bad)}). {fix}")


def params(X: Any, W: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Movie features X (n_movies, k), user preferences W (n_users, k), biases b (n_users,).

    Parameters
    ----------
    X, W, b : array_like
        The model's parameters.

    Returns
    -------
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    b : np.ndarray, shape (n_users,)
    """
    X = float_array("X", X, "(n_movies, k)")
    W = float_array("W", W, "(n_users, k)")
    b = float_array("b", b, "(n_users,)")
    _ndim("X", X, 2, "(n_movies, k)", "For one movie use X.reshape(1, -1).")
    _ndim("W", W, 2, "(n_users, k)", "For one user use W.reshape(1, -1).")
    if b.ndim == 0:
        raise ValueError("b must be 1-D with shape (n_users,), got a scalar. Use np.full(n_users, b).")
    _ndim("b", b, 1, "(n_users,)", "Use b.ravel() to flatten it.")
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
    for name, array in (("X", X), ("W", W), ("b", b)):
        _finite(name, array, "Parameters must be finite; if they came out of training, lower alpha.")
        if array.size and np.max(np.abs(array)) > 1e100:
            raise ValueError(
                f"{name} holds values as large as {np.max(np.abs(array)):.3g}: squaring them overflows. "
                "Parameters that large come from a diverged training run; lower alpha."
            )
    return X, W, b


def ratings(Y: Any, R: Any, shape: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Ratings Y and indicator R, both (n_movies, n_users); Y may hold anything where R = 0.

    Parameters
    ----------
    Y, R : array_like, shape (n_movies, n_users)
        Ratings (NaN allowed where not rated) and 0/1 indicator.
    shape : tuple of int, optional
        ``(n_movies, n_users)`` implied by X and W, if known.

    Returns
    -------
    Y : np.ndarray, shape (n_movies, n_users)
        Unchanged values, as floats (NaN stays where R = 0).
    R : np.ndarray, shape (n_movies, n_users)
        0.0 and 1.0.
    """
    Y = float_array("Y", Y, "(n_movies, n_users)")
    R = float_array("R", R, "(n_movies, n_users)")
    _ndim("Y", Y, 2, "(n_movies, n_users)")
    _ndim("R", R, 2, "(n_movies, n_users)")
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
        where = _first(not_binary)
        raise ValueError(
            f"R must contain only 0 (not rated) and 1 (rated); found {R[where]!r} at index "
            f"{where}. Build it with R = (~np.isnan(Y)).astype(float)."
        )
    bad = (R == 1) & ~np.isfinite(Y)
    if bad.any():
        where = _first(bad)
        raise ValueError(
            f"Y is {Y[where]} at index {where} but R marks that rating as present. Set "
            f"R{list(where)} = 0 if it is not rated, or fill in the rating."
        )
    return Y, R


def number(
    name: str, value: Any, *, low: float, meaning: str, strict: bool = False, example: str = ""
) -> float:
    """A finite real number ``>= low`` (``> low`` when ``strict``), as a float.

    Parameters
    ----------
    name : str
        The argument's name.
    value : Any
        What the caller passed.
    low : float
        Smallest allowed value.
    meaning : str
        What the number is, for the message.
    strict : bool, default False
        Whether ``low`` itself is excluded.
    example : str, optional
        A typical value, for the message.

    Returns
    -------
    float
    """
    relation = ">" if strict else ">="
    hint = f" Try {example}." if example else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number {relation} {low:g} ({meaning}), got {value!r}.{hint}")
    if not math.isfinite(value) or value < low or (strict and value == low):
        raise ValueError(
            f"{name} must be a finite number {relation} {low:g} ({meaning}), got {value!r}.{hint}"
        )
    return float(value)


def lambda_(value: Any) -> float:
    """The regularization strength: a finite number >= 0.

    Parameters
    ----------
    value : Any

    Returns
    -------
    float
    """
    return number("lambda_", value, low=0.0, meaning="regularization strength, 0 means none", example="1.0")


def alpha(value: Any) -> float:
    """The learning rate: a finite number > 0.

    Parameters
    ----------
    value : Any

    Returns
    -------
    float
    """
    return number("alpha", value, low=0.0, strict=True, meaning="the learning rate", example="0.01")


def integer(name: str, value: Any, minimum: int, meaning: str, maximum: int | None = None) -> int:
    """An integer in ``minimum..maximum`` (bool refused).

    Parameters
    ----------
    name : str
    value : Any
    minimum : int
    meaning : str
        What the integer counts, for the message.
    maximum : int, optional

    Returns
    -------
    int
    """
    span = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} ({meaning}) must be an integer {span}, got {value!r}.")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} ({meaning}) must be an integer {span}, got {value!r}.")
    return int(value)


def generator(rng: Any) -> np.random.Generator:
    """A ``np.random.Generator``; anything else gets the line that creates one.

    Parameters
    ----------
    rng : Any

    Returns
    -------
    np.random.Generator
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a np.random.Generator, got {type(rng).__name__}. "
            "Create one with rng = np.random.default_rng(seed)."
        )
    return rng


def index_array(name: str, value: Any, limit: int, what: str) -> np.ndarray:
    """A 1-D array of integer indices in ``0..limit - 1`` (negative indices refused).

    Parameters
    ----------
    name : str
    value : array_like
    limit : int
        Number of rows the indices point into.
    what : str
        What the rows are ("movies", "users"), for the message.

    Returns
    -------
    np.ndarray of int, shape (n,)
    """
    array = np.asarray(value)
    if array.ndim != 1 or not (np.issubdtype(array.dtype, np.integer) or array.size == 0):
        raise TypeError(
            f"{name} must be a 1-D array of integer {what} indices, got dtype {array.dtype}, shape "
            f"{array.shape}. Convert with np.asarray({name}, dtype=int) if they are whole numbers."
        )
    array = array.astype(np.int64, copy=False)
    if array.size and (array.min() < 0 or array.max() >= limit):
        raise ValueError(
            f"{name} must hold {what} indices from 0 to {limit - 1}; found {array.min()}..{array.max()}. "
            "Indices are 0-based rows (negative indices are not allowed)."
        )
    return array


def triplets(
    users: Any, movies: Any, ratings: Any, n_movies: int, n_users: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rating triplets: user index, movie index and rating of each rating.

    Parameters
    ----------
    users, movies : array_like of int, shape (n_ratings,)
    ratings : array_like of float, shape (n_ratings,)
    n_movies, n_users : int
        Number of rows of X and of W.

    Returns
    -------
    users, movies : np.ndarray of int, shape (n_ratings,)
    ratings : np.ndarray of float, shape (n_ratings,)
    """
    users = index_array("users", users, n_users, "user")
    movies = index_array("movies", movies, n_movies, "movie")
    ratings = float_array("ratings", ratings, "(n_ratings,)")
    if not (users.shape == movies.shape == ratings.shape):
        raise ValueError(
            f"users {users.shape}, movies {movies.shape} and ratings {ratings.shape} must have the same "
            "shape (n_ratings,): one entry per rating."
        )
    _finite("ratings", ratings, "Every listed rating must be a number; drop the missing ones.")
    return users, movies, ratings


def vector(name: str, value: Any, n: int, meaning: str) -> np.ndarray:
    """A finite 1-D float array of length ``n``.

    Parameters
    ----------
    name : str
    value : array_like
    n : int
        Required length.
    meaning : str
        What the entries are, for the message.

    Returns
    -------
    np.ndarray, shape (n,)
    """
    array = float_array(name, value, f"({n},)")
    if array.shape != (n,):
        raise ValueError(f"{name} ({meaning}) must have shape ({n},), got {array.shape}.")
    _finite(name, array, f"Every entry of {name} must be a number.")
    return array


def counts(value: Any, n_movies: int) -> np.ndarray:
    """Number of training ratings per movie: ``n_movies`` integers >= 0.

    Parameters
    ----------
    value : array_like of int, shape (n_movies,)
    n_movies : int

    Returns
    -------
    np.ndarray of int, shape (n_movies,)
    """
    array = index_array("counts", value, np.iinfo(np.int64).max, "rating-count")
    if array.shape != (n_movies,):
        raise ValueError(
            f"counts must have one entry per movie, shape ({n_movies},), got {array.shape}. "
            "Build it with np.bincount(train.movies, minlength=n_movies)."
        )
    return array


def top_list(min_ratings: Any, top: Any) -> tuple[int, int]:
    """The two settings of a top list: smallest number of ratings (>= 0) and length (>= 1).

    Parameters
    ----------
    min_ratings : int
    top : int

    Returns
    -------
    min_ratings : int
    top : int
    """
    return (
        integer("min_ratings", min_ratings, 0, "fewest training ratings a listed movie may have"),
        integer("top", top, 1, "length of the list"),
    )
