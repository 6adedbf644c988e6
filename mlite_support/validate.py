"""Argument checks shared by every public function of the series.

Each check either returns the value in the form the math needs (a float array, a float,
an int) or raises a ``TypeError``/``ValueError`` whose message names the argument, says
what is wrong with it and how to fix it. Never a bare numpy broadcasting error, never a
silent NaN, clamp or wrap-around.
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "LARGEST",
    "alpha",
    "axes",
    "color",
    "colors",
    "counts",
    "flag",
    "float_array",
    "function",
    "generator",
    "index_array",
    "integer",
    "lambda_",
    "matrix",
    "names",
    "number",
    "params",
    "path",
    "ratings",
    "text",
    "top_list",
    "triplets",
    "vector",
]

#: Largest magnitude accepted for any number or array entry: products of two such values,
#: squared and summed over millions of ratings, still fit in a float (about 1e308).
LARGEST = 1e50


def _shown(value: Any) -> str:
    """A value as a message shows it: numbers plainly (5, 0.3, nan; never NumPy 2's np.float64(5.0)),
    anything else by its repr."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{float(value):g}"
    return repr(value)


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
        raise TypeError(f"{name} must be a numeric array of shape {expected}, got {_shown(value)}.")
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


def _finite(name: str, array: np.ndarray, fix: str, large_fix: str = "") -> None:
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(f"{name} contains NaN or inf (first at index {_first(bad)}). {fix}")
    _bounded(name, array, large_fix)


def _bounded(name: str, array: np.ndarray, fix: str = "") -> None:
    """Refuse entries above :data:`LARGEST` in size: squaring them would overflow to inf."""
    if array.size and np.max(np.abs(array)) > LARGEST:
        where = _first(np.abs(array) > LARGEST)
        raise ValueError(
            f"{name} holds {array[where]:.3g} at index {where}: values beyond {LARGEST:g} overflow to inf "
            f"when squared. {fix or 'Rescale them (ratings are stars, features are of order 1).'}"
        )


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
        _finite(
            name,
            array,
            "Parameters must be finite; if they came out of training, lower alpha.",
            "Parameters that large come from a diverged training run; lower alpha.",
        )
    return X, W, b


def matrix(name: str, value: Any, expected: str) -> np.ndarray:
    """A finite 2-D float array (such as the features X alone).

    Parameters
    ----------
    name : str
    value : array_like
    expected : str
        Its shape in words, e.g. ``"(n_movies, k)"``.

    Returns
    -------
    np.ndarray, 2-D
    """
    array = float_array(name, value, expected)
    _ndim(name, array, 2, expected, f"For one row use {name}.reshape(1, -1).")
    if 0 in array.shape:
        raise ValueError(f"{name} is empty (shape {array.shape}); it needs at least one row and column.")
    _finite(name, array, f"Every entry of {name} must be a number.")
    return array


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
            f"R must contain only 0 (not rated) and 1 (rated); found {_shown(R[where])} at index "
            f"{where}. Build it with R = (~np.isnan(Y)).astype(float)."
        )
    bad = (R == 1) & ~np.isfinite(Y)
    if bad.any():
        where = _first(bad)
        raise ValueError(
            f"Y is {_shown(Y[where])} at index {where} but R marks that rating as present. Set "
            f"R{list(where)} = 0 if it is not rated, or fill in the rating."
        )
    _bounded("Y", np.where(R == 1, Y, 0.0))
    return Y, R


def number(
    name: str,
    value: Any,
    *,
    low: float,
    meaning: str,
    strict: bool = False,
    example: str = "",
    high: float = LARGEST,
) -> float:
    """A finite real number ``>= low`` (``> low`` when ``strict``) and ``<= high``, as a float.

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
    high : float, default LARGEST
        Largest allowed value (larger ones overflow when squared).

    Returns
    -------
    float
    """
    relation = ">" if strict else ">="
    hint = f" Try {example}." if example else ""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number {relation} {low:g} ({meaning}), got {_shown(value)}.{hint}")
    if not math.isfinite(value) or value < low or (strict and value == low):
        raise ValueError(
            f"{name} must be a finite number {relation} {low:g} ({meaning}), got {_shown(value)}.{hint}"
        )
    if value > high:
        raise ValueError(f"{name} ({meaning}) must be at most {high:g}, got {_shown(value)}.{hint}")
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
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} ({meaning}) must be an integer {span}, got {_shown(value)}.")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} ({meaning}) must be an integer {span}, got {_shown(value)}.")
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
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{name} must be a 1-D array of integer {what} indices, got {_shown(value)}.")
    try:
        array = np.asarray(value)
    except ValueError:  # ragged nested lists
        raise TypeError(
            f"{name} must be a 1-D array of integer {what} indices, got {_shown(value)}."
        ) from None
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


def top_list(min_ratings: Any, top: Any, candidates: int) -> tuple[int, int]:
    """The two settings of a top list: smallest number of ratings (>= 0) and length.

    Parameters
    ----------
    min_ratings : int
    top : int
        From 1 to ``candidates``.
    candidates : int
        How many movies could be listed at most.

    Returns
    -------
    min_ratings : int
    top : int
    """
    return (
        integer("min_ratings", min_ratings, 0, "fewest training ratings a listed movie may have"),
        integer("top", top, 1, "length of the list", max(candidates, 1)),
    )


def flag(name: str, value: Any) -> bool:
    """A True/False switch (``np.bool_`` too); anything else is a TypeError.

    Parameters
    ----------
    name : str
    value : Any

    Returns
    -------
    bool
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_shown(value)}.")
    return bool(value)


def text(name: str, value: Any, meaning: str, *, optional: bool = False) -> str | None:
    """A string (or None when ``optional``).

    Parameters
    ----------
    name : str
    value : Any
    meaning : str
        What the text is, for the message.
    optional : bool, default False
        Whether None is allowed.

    Returns
    -------
    str or None
    """
    if value is None and optional:
        return None
    if not isinstance(value, str):
        none = " or None" if optional else ""
        raise TypeError(f"{name} ({meaning}) must be a string{none}, got {_shown(value)}.")
    return value


def path(name: str, value: Any, meaning: str) -> Path:
    """A file-system path given as a non-empty string or ``os.PathLike``.

    Parameters
    ----------
    name : str
    value : Any
    meaning : str
        What the path points to, for the message.

    Returns
    -------
    Path
    """
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} ({meaning}) must be a path (str or pathlib.Path), got {_shown(value)}.")
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"{name} ({meaning}) is an empty string; give a folder or file name.")
    try:
        return Path(value)
    except TypeError:  # an os.PathLike whose __fspath__ returns bytes
        raise TypeError(f"{name} ({meaning}) must be a text path, got {_shown(value)}.") from None


def function(name: str, value: Any, usage: str) -> Any:
    """A callable; anything else gets a TypeError that shows how to pass one.

    Parameters
    ----------
    name : str
    value : Any
    usage : str
        How the function is called, e.g. ``"fn(X, W, b, Y, R, lambda_) -> J"``.

    Returns
    -------
    callable
    """
    if not callable(value):
        raise TypeError(
            f"{name} must be a function {usage}, got {type(value).__name__} {_shown(value):.60}. Pass the "
            "function itself (its name without parentheses), not the result of calling it."
        )
    return value


def names(name: str, value: Any, n: int, what: str) -> list[str]:
    """A sequence of ``n`` strings (titles, user names, labels).

    Parameters
    ----------
    name : str
    value : Any
    n : int
        Required length.
    what : str
        What each string names, for the message.

    Returns
    -------
    list of str
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, np.ndarray)):
        raise TypeError(f"{name} must be a list of {n} {what} names (strings), got {_shown(value):.60}.")
    items = list(value)
    if len(items) != n:
        raise ValueError(
            f"{name} has {len(items)} entries but there are {n} {what}s: give one name per {what}."
        )
    bad = [item for item in items if not isinstance(item, str)]
    if bad:
        raise TypeError(f"{name} must hold strings (one {what} name each); found {_shown(bad[0])}.")
    return items


def color(name: str, value: Any) -> str | None:
    """A matplotlib colour (``"#0072B2"``, ``"black"``, ...) or None.

    Parameters
    ----------
    name : str
    value : Any

    Returns
    -------
    str or None
    """
    from matplotlib.colors import is_color_like

    if value is not None and (not isinstance(value, str) or not is_color_like(value)):
        raise ValueError(
            f"{name} must be a colour such as '#0072B2' or 'black' (see mh.PALETTE), got {_shown(value)}."
        )
    return value


def colors(name: str, value: Any, n: int, what: str) -> list[str] | None:
    """None, or ``n`` matplotlib colours, one per point.

    Parameters
    ----------
    name : str
    value : Any
    n : int
        Required length.
    what : str
        What each point is, for the message.

    Returns
    -------
    list of str or None
    """
    if value is None:
        return None
    items = names(name, value, n, what)
    for item in items:
        color(name, item)
    return items


def axes(name: str, value: Any, n: int = 1) -> Any:
    """A matplotlib Axes (``n = 1``) or a sequence of ``n`` Axes.

    Parameters
    ----------
    name : str
    value : Any
    n : int, default 1

    Returns
    -------
    Axes, or list of Axes when ``n > 1``
    """
    from matplotlib.axes import Axes

    if n == 1:
        if not isinstance(value, Axes):
            raise TypeError(
                f"{name} must be a matplotlib Axes, got {type(value).__name__}. "
                "Create one with fig, ax = plt.subplots()."
            )
        return value
    items = list(value) if isinstance(value, (list, tuple, np.ndarray)) else None
    if items is None or len(items) != n or not all(isinstance(a, Axes) for a in items):
        raise TypeError(
            f"{name} must be {n} matplotlib Axes, got {_shown(value):.60}. "
            f"Create them with fig, {name} = plt.subplots(1, {n})."
        )
    return items
