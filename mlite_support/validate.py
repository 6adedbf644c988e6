"""Argument checks shared by every public function of the series.

Each check either returns the value in the form the math needs (a float array, a float,
an int) or raises a ``TypeError``/``ValueError`` whose message names the argument, says
what is wrong with it and how to fix it. Never a bare numpy broadcasting error, never a
silent NaN, clamp or wrap-around.
"""

from __future__ import annotations

import importlib
import inspect
import math
import numbers
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "LARGEST",
    "LOST_IN_ROUNDING",
    "alpha",
    "axes",
    "color",
    "colors",
    "counts",
    "descent_options",
    "determined",
    "divergence",
    "early_stopping",
    "epoch_callback",
    "eps",
    "factor_rows",
    "first_result",
    "fit_function",
    "flag",
    "float_array",
    "fraction",
    "function",
    "generator",
    "gradient_blocks",
    "grid_key",
    "held_out_name",
    "index_array",
    "index_pairs",
    "init",
    "init_scale",
    "instance",
    "integer",
    "k_grid",
    "lambda_",
    "lambda_grid",
    "liked_threshold",
    "list_length",
    "matrix",
    "momentum",
    "movie_ratings",
    "names",
    "new_user_ratings",
    "number",
    "one_rating_per_pair",
    "paired_ratings",
    "params",
    "path",
    "preferences",
    "rated_by",
    "rating_index",
    "ratings",
    "ratings_triplets",
    "ridge_lambda",
    "ridge_penalty",
    "spark_object",
    "spark_session",
    "start_values",
    "step_scales",
    "text",
    "three",
    "top_list",
    "top_lists",
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


def _brief(value: Any, limit: int = 60) -> str:
    """A value as :func:`_shown` shows it, or only its kind when that is long (a whole Ratings)."""
    text = _shown(value)
    if len(text) <= limit:
        return text
    shape = f" of shape {np.shape(value)}" if isinstance(value, np.ndarray) else ""
    return f"a {type(value).__name__}{shape}"


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


def matrix(name: str, value: Any, expected: str, fix: str = "") -> np.ndarray:
    """A finite 2-D float array (such as the features X alone).

    Parameters
    ----------
    name : str
    value : array_like
    expected : str
        Its shape in words, e.g. ``"(n_movies, k)"``.
    fix : str, optional
        What to do when it is not 2-D; default: reshape one row.

    Returns
    -------
    np.ndarray, 2-D
    """
    array = float_array(name, value, expected)
    _ndim(name, array, 2, expected, fix or f"For one row use {name}.reshape(1, -1).")
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


def problem(
    X: Any, W: Any, b: Any, Y: Any, R: Any, lam: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """The arguments of the cost and its gradients, all checked: X, W, b, the Y and R they fit, lambda_.

    Parameters
    ----------
    X, W, b : array_like, shapes (n_movies, k), (n_users, k), (n_users,)
    Y, R : array_like, shape (n_movies, n_users)
    lam : float
        The caller's ``lambda_`` (checked by :func:`lambda_`).

    Returns
    -------
    X, W, b, Y, R : np.ndarray
    lambda_ : float
    """
    X, W, b = params(X, W, b)
    Y, R = ratings(Y, R, (X.shape[0], W.shape[0]))
    return X, W, b, Y, R, lambda_(lam)


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


def momentum(value: Any) -> float:
    """Heavy-ball momentum: a number in [0, 1).

    Parameters
    ----------
    value : Any

    Returns
    -------
    float
    """
    value = number("momentum", value, low=0.0, meaning="momentum, below 1", example="0.9")
    if value >= 1:
        raise ValueError(
            f"momentum must be below 1 (0.9 is common), got {value!r}: the steps would never shrink."
        )
    return value


def fraction(name: str, value: Any, meaning: str) -> float:
    """A share strictly between 0 and 1 (such as the part of the ratings held out).

    Parameters
    ----------
    name : str
    value : Any
    meaning : str
        What the share is, for the message.

    Returns
    -------
    float
    """
    share = number(name, value, low=0.0, strict=True, meaning=meaning, example="0.2")
    if share >= 1:
        raise ValueError(f"{name} must be below 1 (0.2 is common), got {value!r}.")
    return share


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
        got, fix = _brief(value), ""
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            got = f"{float(value)!r} (a float)"
            if math.isfinite(value) and float(value).is_integer():
                fix = f" Pass int({name}), or write it without a decimal point: {int(value)}."
        elif isinstance(value, (tuple, list, np.ndarray)):
            fix = " Are the arguments in the order of the function's parameters? Pass it by keyword."
        raise TypeError(f"{name} ({meaning}) must be an integer {span}, got {got}.{fix}")
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


def index_array(name: str, value: Any, limit: int, what: str, of: str = "") -> np.ndarray:
    """A 1-D array of integer indices in ``0..limit - 1`` (negative indices refused).

    Parameters
    ----------
    name : str
    value : array_like
    limit : int
        Number of rows the indices point into.
    what : str
        What the rows are ("movies", "users"), for the message.
    of : str, optional
        Where ``limit`` comes from, for the message (e.g. ``"n_movies = 5"``).

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
    if array.size and array.min() < 0 and limit >= np.iinfo(np.int64).max:
        raise ValueError(
            f"{name} must be 0-based {what} indices (>= 0); found {array.min()}. Negative indices are not "
            "allowed: number the rows from 0."
        )
    if array.size and (array.min() < 0 or array.max() >= limit):
        raise ValueError(
            f"{name} must hold {what} indices from 0 to {limit - 1}{f' ({of})' if of else ''}; found "
            f"{array.min()}..{array.max()}. "
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


def ratings_triplets(
    name: str, data: Any, n_movies: Any, n_users: Any, sizes: str | tuple[str, str] = ""
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The checked arrays of a ``Ratings(users, movies, ratings)`` argument: not empty, indices in range.

    Parameters
    ----------
    name : str
        The argument's name ("data", "train", "test").
    data : Ratings
        Any (users, movies, ratings) triplet of arrays.
    n_movies, n_users : int
        Number of movies and of users the indices point into (checked too).
    sizes : str or tuple of two str, optional
        Where ``n_movies`` and ``n_users`` come from when the caller did not pass them, for
        the message (e.g. ``"the shape of scores"``); a pair ``(movies_from, users_from)`` when
        only one of them did not come from the caller (``""`` for the one passed).

    Returns
    -------
    users, movies : np.ndarray of int, shape (n_ratings,)
    ratings : np.ndarray of float, shape (n_ratings,)
    """
    n_movies = integer("n_movies", n_movies, 1, "number of movies")
    n_users = integer("n_users", n_users, 1, "number of users")
    if not isinstance(data, tuple) or len(data) != 3:
        raise TypeError(
            f"{name} must be a Ratings(users, movies, ratings) triplet of arrays, got {type(data).__name__}. "
            "Build it with mh.Ratings(users, movies, ratings)."
        )
    try:
        found = triplets(*data, n_movies, n_users)
    except (TypeError, ValueError) as err:
        pair = sizes if isinstance(sizes, tuple) else ("", "")  # where each size came from, if only one
        movies_from, users_from = (f" from {s}" if s else "" for s in pair)
        where = f", from {sizes}" if sizes and isinstance(sizes, str) else ""  # where both came from
        shown = f"n_movies = {n_movies}{movies_from}, n_users = {n_users}{users_from}{where}"
        raise type(err)(f"{name}: {err} ({shown})") from None
    if found[2].size == 0:
        raise ValueError(f"{name} holds no ratings: pass at least one rating.")
    return found


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


def function(name: str, value: Any, usage: str, n_args: int | None = None, *, optional: bool = False) -> Any:
    """A callable; anything else gets a TypeError that shows how to pass one.

    Parameters
    ----------
    name : str
    value : Any
    usage : str
        How the function is called, e.g. ``"fn(X, W, b, Y, R, lambda_) -> J"``.
    n_args : int, optional
        How many positional arguments it is called with; a function that cannot take them
        is refused here rather than failing at its first call.
    optional : bool, default False
        Whether None (no function) is allowed.

    Returns
    -------
    callable or None
    """
    if value is None and optional:
        return None
    if not callable(value):
        raise TypeError(
            f"{name} must be a function {usage}, got {type(value).__name__} {_shown(value):.60}. Pass the "
            "function itself (its name without parentheses), not the result of calling it."
        )
    try:
        signature = inspect.signature(value) if n_args is not None else None
    except (TypeError, ValueError):  # a builtin without a signature: nothing to check
        signature = None
    if signature is not None:
        try:
            signature.bind(*range(n_args))
        except TypeError as err:
            raise TypeError(
                f"{name} is called as {usage}, with {n_args} arguments, but it cannot take them ({err}). "
                "Define it with those parameters."
            ) from None
    return value


def names(name: str, value: Any, n: int | None, what: str) -> list[str]:
    """A sequence of ``n`` strings (titles, user names, labels).

    Parameters
    ----------
    name : str
    value : Any
    n : int or None
        Required length; None allows any length but 0.
    what : str
        What each string names, for the message.

    Returns
    -------
    list of str
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, np.ndarray)):
        raise TypeError(
            f"{name} must be a list of {n or 'the'} {what} names (strings), got {_shown(value):.60}."
        )
    items = list(value)
    if n is None and not items:
        raise ValueError(f"{name} is empty: give one name per {what}.")
    n = len(items) if n is None else n
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


def held_out_name(held_out: Any) -> str:
    """The label of the held-out bar: a non-empty name other than "train" (the other bar's).

    Parameters
    ----------
    held_out : str

    Returns
    -------
    str
    """
    label = text("held_out", held_out, "the name of the held-out part")
    if not label.strip() or label.strip() == "train":
        raise ValueError(
            f"held_out must name the held-out part, such as 'test' or 'validation', got {held_out!r}: the "
            "other bar is 'train'."
        )
    return label


def instance(name: str, value: Any, kind: type, fix: str) -> Any:
    """``value`` if it is a ``kind`` (a model, a training result, a selection), else a TypeError.

    Parameters
    ----------
    name : str
    value : Any
    kind : type
    fix : str
        Where a right one comes from, e.g. ``"Train one with mh.fit_ratings."``.

    Returns
    -------
    The same ``value``.
    """
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be a {kind.__name__}, got {type(value).__name__}. {fix}")
    return value


# -- 06_choosing_and_judging: grids of settings, top lists ------------------------------------


def _grid(name: str, value: Any, check: Callable[[str, Any], Any], example: str) -> tuple[Any, ...]:
    """A non-empty sequence of distinct values to try, each passed through ``check(name[i], v)``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, np.ndarray)):
        raise TypeError(
            f"{name} must be a list or tuple of the values to try, e.g. {name}={example}; got {value!r:.60}."
        )
    if not len(value):
        raise ValueError(f"{name} is empty: give at least one value to try, e.g. {name}={example}.")
    checked = tuple(check(f"{name}[{i}]", v) for i, v in enumerate(value))
    if len(set(checked)) != len(checked):
        raise ValueError(f"{name} lists a value twice: {tuple(value)!r}. Give each value once.")
    return checked


def lambda_grid(name: str, value: Any) -> tuple[float, ...]:
    """Regularization strengths to try (a grid, or a slider's values): distinct numbers >= 0.

    Parameters
    ----------
    name : str
    value : sequence of float

    Returns
    -------
    tuple of float
    """

    def check(item: str, v: Any) -> float:
        return number(item, v, low=0.0, meaning="a regularization strength", example="1.0")

    return _grid(name, value, check, "(3.0, 10.0)")


def k_grid(name: str, value: Any, largest: int | None = None) -> tuple[int, ...]:
    """Numbers of latent features to try: distinct integers from 1 (to ``largest``).

    Parameters
    ----------
    name : str
    value : sequence of int
    largest : int, optional
        ``min(n_movies, n_users)``: the predictions X W^T have at most that rank, so more
        features add nothing.

    Returns
    -------
    tuple of int
    """
    meaning = "number of latent features" + (", at most min(n_movies, n_users)" if largest else "")
    return _grid(name, value, lambda item, v: integer(item, v, 1, meaning, largest), "(2, 10)")


def early_stopping(max_epochs: Any, every: Any, patience: Any, tol: Any) -> tuple[int, int, int, float]:
    """The early-stopping settings of a grid search (see mh.select_settings).

    Parameters
    ----------
    max_epochs : int
        Most epochs of a run, 1 to 100,000.
    every : int
        Epochs between validation checks, 1 to ``max_epochs``.
    patience : int
        Checks without improvement before a run stops, >= 1.
    tol : float
        Smallest improvement that counts, in stars, >= 0.

    Returns
    -------
    max_epochs, every, patience : int
    tol : float
    """
    max_epochs = integer("max_epochs", max_epochs, 1, "most epochs of a run", 100_000)
    return (
        max_epochs,
        integer("every", every, 1, "epochs between validation checks, at most max_epochs", max_epochs),
        integer("patience", patience, 1, "checks without improvement before stopping"),
        number("tol", tol, low=0.0, meaning="smallest improvement, in stars", example="5e-4"),
    )


def fit_function(fit: Any, options: Any, alpha: float | None) -> tuple[Callable[..., Any], dict[str, Any]]:
    """A training function, its options and its learning rate, checked by calling none of them.

    Parameters
    ----------
    fit : callable
        ``fit(data, n_movies, n_users, k=..., alpha=..., lambda_=..., epochs=..., rng=...,
        callback=..., **options)``, without ``alpha`` when alpha is None.
    options : dict of str to Any
        Its keyword options.
    alpha : float or None
        The (checked) learning rate; None for a fit without one (mh.fit_als).

    Returns
    -------
    fit : callable
    options : dict
    """
    usage = (
        "fit(data, n_movies, n_users, k=..., alpha=..., lambda_=..., epochs=..., rng=..., callback=..., "
        "**fit_options), without alpha for a fit without a learning rate"
    )
    fit = function("fit", fit, f"such as mh.fit_ratings or mh.fit_als, called as {usage}")
    if not isinstance(options, dict) or not all(isinstance(key, str) for key in options):
        raise TypeError(
            f"fit_options must be a dict of option names (strings) to values, e.g. {{'momentum': 0.9}}; "
            f"got {options!r:.60}."
        )
    taken = [name for name in ("k", "alpha", "lambda_", "epochs", "rng", "callback") if name in options]
    if taken:
        raise TypeError(
            f"fit_options must not set {', '.join(taken)}: select_settings passes them to fit itself. Use "
            "its arguments lambdas, ks, alpha, max_epochs and rng instead."
        )
    try:
        signature = inspect.signature(fit)
    except (TypeError, ValueError):  # a builtin without a signature: nothing to check
        return fit, dict(options)
    rate = {} if alpha is None else {"alpha": alpha}
    try:
        signature.bind(0, 1, 2, k=1, lambda_=1.0, epochs=1, rng=None, callback=None, **rate, **options)
    except TypeError as err:
        if "'alpha'" in str(err) and alpha is None:
            raise TypeError(
                f"fit has a learning rate ({err}) but alpha is None: pass alpha, e.g. alpha=0.3 (None is for "
                "a fit without one, such as mh.fit_als)."
            ) from None
        if "'alpha'" in str(err):
            raise TypeError(
                f"fit has no learning rate ({err}) but alpha is {alpha:g}: pass alpha=None for a fit without "
                "one, such as mh.fit_als."
            ) from None
        if any(f"'{key}'" in str(err) for key in options):
            raise TypeError(
                f"fit_options {options!r:.80} do not fit {usage} ({err}). Pass only keyword options fit "
                "takes besides its arguments and callback (see help(fit))."
            ) from None
        raise TypeError(f"fit cannot be called as {usage} ({err}). Give it these parameters.") from None
    return fit, dict(options)


def grid_key(name: str, value: Any, keys: Iterable[tuple[float, int]], where: str) -> tuple[float, int]:
    """The ``(lambda_, k)`` among ``keys`` equal to ``value``; else a ValueError listing them.

    Parameters
    ----------
    name : str
    value : Any
    keys : iterable of (float, int)
        The settings to choose from.
    where : str
        What they are, for the message ("runs", "the grid with trained epochs").

    Returns
    -------
    tuple (float, int)
        The key itself (so ``(10, 2)`` gives ``(10.0, 2)``).
    """
    keys = list(keys)
    pair = isinstance(value, tuple) and len(value) == 2
    if pair and all(isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in value):
        for key in keys:
            if key == value:
                return key
    raise ValueError(
        f"{name} must be a (lambda_, k) of {where}, one of {keys}; got {value!r:.60}. Pick one of them."
    )


def top_lists(top: Any, n_movies: Any) -> np.ndarray:
    """Every user's top list: an (n_users, n) array of movie indices, distinct within a row.

    Parameters
    ----------
    top : array_like of int, shape (n_users, n)
    n_movies : int

    Returns
    -------
    np.ndarray of int, shape (n_users, n)
    """
    n_movies = integer("n_movies", n_movies, 1, "number of movies")
    shape = "(n_users, n) array of movie indices, one list per user (see mh.top_n)"
    if top is None or isinstance(top, (str, bytes, dict, set)):
        raise TypeError(f"top must be an {shape}, got {top!r:.60}.")
    try:
        array = np.asarray(top)
    except ValueError:  # ragged nested lists
        raise TypeError(f"top must be an {shape}; its rows have different lengths.") from None
    if array.ndim != 2 or 0 in array.shape:
        hint = " For one user's list use top.reshape(1, -1)." if array.ndim == 1 and array.size else ""
        raise ValueError(f"top must be an {shape}, got shape {array.shape}.{hint}")
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(
            f"top must hold integer movie indices, got dtype {array.dtype}. Convert with top.astype(int) if "
            "they are whole numbers."
        )
    flat = index_array("top", array.ravel(), n_movies, "movie", of=f"n_movies = {n_movies}")
    rows = np.sort(flat.reshape(array.shape), axis=1)
    twice = np.flatnonzero(np.any(rows[:, 1:] == rows[:, :-1], axis=1))
    if twice.size:
        raise ValueError(
            f"top lists a movie twice in row {twice[0]} ({array[twice[0]].tolist()!s:.60}): each user's list "
            "must name distinct movies, as mh.top_n makes it."
        )
    return flat.reshape(array.shape)


def list_length(n: Any, users: np.ndarray, movies: np.ndarray, n_movies: int, n_users: int) -> int:
    """The length of top lists: from 1 to the fewest movies a user has not rated.

    Parameters
    ----------
    n : int
    users, movies : np.ndarray of int, shape (n_ratings,)
        The (checked) training ratings; their movies are never listed.
    n_movies, n_users : int

    Returns
    -------
    int
    """
    rated = np.bincount(np.unique(users * n_movies + movies) // n_movies, minlength=n_users)
    fewest, user = n_movies - int(rated.max()), int(rated.argmax())
    if fewest == 0:
        raise ValueError(
            f"train: user {user} rated all {n_movies} movies, so no movie is left to list for them. Leave "
            "that user out of train."
        )
    meaning = f"length of each list, at most the fewest unrated movies of a user: {fewest}, for user {user}"
    return integer("n", n, 1, meaning, fewest)


def liked_threshold(value: Any, ratings: np.ndarray | None) -> float:
    """``min_rating``: stars from which a held-out movie counts as liked; some rating must reach it.

    Parameters
    ----------
    value : Any
    ratings : np.ndarray, shape (n_ratings,), or None
        The held-out ratings (None: any finite number will do).

    Returns
    -------
    float
    """
    real = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if not real or not math.isfinite(value):
        raise (ValueError if real else TypeError)(
            f"min_rating (stars from which a held-out movie counts as liked) must be a finite number, got "
            f"{value!r}. Try 4.0."
        )
    value = float(value)
    if ratings is not None and ratings.size and value > ratings.max():
        raise ValueError(
            f"min_rating = {value:g} is above every held-out rating (the highest is {ratings.max():g}): no "
            "movie counts as liked and no list can be judged. Use a value on the rating scale, e.g. 4.0."
        )
    return value


def epoch_callback(check: Callable[[int, Any], bool], kind: type) -> Callable[..., bool]:
    """``check`` behind a guard: a ``fit`` must call it as ``callback(epoch, model)``.

    Parameters
    ----------
    check : callable
        ``check(epoch, model) -> bool``.
    kind : type
        The model's class (RatingsModel).

    Returns
    -------
    callable
        Calls ``check``, or raises a TypeError that says how ``fit`` got the call wrong.
    """

    def callback(*args: Any, **kwargs: Any) -> bool:
        if (
            kwargs
            or len(args) != 2
            or not isinstance(args[0], numbers.Integral)
            or not isinstance(args[1], kind)
        ):
            got = ", ".join([*(type(a).__name__ for a in args), *kwargs])
            raise TypeError(
                f"fit must call callback(epoch, model) after every epoch, with the epoch (an int) and its "
                f"{kind.__name__} so far; it called callback({got})."
            )
        return check(*args)

    return callback


# -- 07_als_and_spark: the ALS half-steps and Spark -----------------------------------------

#: A penalty below this share of a row's squared features is lost in rounding (float64 keeps
#: about 16 digits): that row's normal equations are then singular in floating point.
LOST_IN_ROUNDING = 1e-12


def ridge_lambda(value: Any) -> float:
    """The lambda_ of ALS: a finite number > 0 (with 0, a user with few ratings has no single best w).

    Parameters
    ----------
    value : Any

    Returns
    -------
    float
    """
    why = "regularization strength; ALS needs it > 0, or a user with few ratings has no single best w"
    return number("lambda_", value, low=0.0, strict=True, meaning=why, example="10.0")


def preferences(W: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """User preferences W (n_users, k) and biases b (n_users,), without the movie features.

    Parameters
    ----------
    W, b : array_like

    Returns
    -------
    W : np.ndarray, shape (n_users, k)
    b : np.ndarray, shape (n_users,)
    """
    W = matrix("W", W, "(n_users, k)", "For one user use W.reshape(1, -1).")
    sizes = np.shape(b)
    if len(sizes) == 1 and sizes[0] != W.shape[0] and sizes[0] == W.shape[1]:
        raise ValueError(
            f"W has shape {W.shape}, but b has {sizes[0]} entries, one per user: W must be (n_users, k), "
            "one row per user. Is it transposed? Pass W.T."
        )
    return W, vector("b", b, W.shape[0], "one bias per user, a row of W each")


def factor_rows(name: str, array: np.ndarray, data: Any, column: int, what: str, expected: str) -> None:
    """Refuse a transposed X or W: its rows cannot hold the indices of ``data``, its columns could.

    Parameters
    ----------
    name : str
        "X" or "W".
    array : np.ndarray, 2-D
    data : Ratings
        Unchecked (any value: when it is not three arrays of indices, this check says nothing).
    column : int
        Which array of ``data`` indexes the rows of ``array`` (0 users, 1 movies).
    what : str
        "movie" or "user", for the message.
    expected : str
        The shape ``array`` must have, e.g. ``"(n_movies, k)"``.
    """
    try:
        index = np.asarray(data[column]) if isinstance(data, tuple) and len(data) == 3 else None
    except (TypeError, ValueError):
        return
    if index is None or index.ndim != 1 or index.size == 0 or not np.issubdtype(index.dtype, np.integer):
        return
    largest = int(index.max())
    if array.shape[0] <= largest < array.shape[1]:
        raise ValueError(
            f"{name} has shape {array.shape}, but data has {what} indices up to {largest}: {name} must be "
            f"{expected}, one row per {what}. Is it transposed? Pass {name}.T."
        )


def ridge_penalty(penalty: np.ndarray, squares: np.ndarray, what: str) -> None:
    """Refuse a lambda_ lost in rounding next to a row's squared features (ALS half-steps).

    Row n's normal equations add ``penalty[n]`` to the diagonal ``squares[n]`` (sums of
    squared features over the row's ratings). Below :data:`LOST_IN_ROUNDING` of the largest
    of them the penalty vanishes in float64, the equations of a row with fewer ratings than
    unknowns become singular and their solution arbitrary.

    Parameters
    ----------
    penalty : np.ndarray, shape (n,)
        lambda_ (or lambda_ times the row's number of ratings) for every row.
    squares : np.ndarray, shape (n, k)
        The diagonals of the rows' sums of outer products, before the penalty.
    what : str
        "user" or "movie", for the message.
    """
    largest = squares.max(axis=1)
    lost = penalty < LOST_IN_ROUNDING * largest
    if lost.any():
        n = int(np.argmax(lost))
        raise ValueError(
            f"lambda_ is lost in rounding next to the squared features of {what} {n}: its penalty "
            f"{penalty[n]:.3g} is below {LOST_IN_ROUNDING:g} of their sum of squares {largest[n]:.3g}, so "
            "its normal equations are singular in floating point and their solution arbitrary. Use a larger "
            f"lambda_ (at least {largest[n] * LOST_IN_ROUNDING:.1g}), or features of order 1 (a smaller "
            "init_scale in mh.fit_als)."
        )


def spark_object(name: str, value: Any, kind: str, fix: str) -> Any:
    """A pyspark object (``"pyspark.sql.SparkSession"``, ...), checked without starting Spark.

    Parameters
    ----------
    name : str
    value : Any
    kind : str
        The full name of its pyspark class.
    fix : str
        Where a right one comes from, for the message.

    Returns
    -------
    The same ``value``.
    """
    module, _, cls = kind.rpartition(".")
    try:
        expected = getattr(importlib.import_module(module), cls)
    except ImportError:  # no pyspark: nothing can be a pyspark object
        expected = None
    if expected is None or not isinstance(value, expected):
        raise TypeError(f"{name} must be a pyspark {cls}, got {type(value).__name__}. {fix}")
    return value


def spark_session(spark: Any) -> Any:
    """A running Spark session: a ``SparkSession`` that was not stopped.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession

    Returns
    -------
    pyspark.sql.SparkSession
    """
    fix = "Start one with spark = mh.start_spark() (None means pyspark or Java 17 is missing; it says which)."
    spark = spark_object("spark", spark, "pyspark.sql.SparkSession", fix)
    if getattr(getattr(spark, "_sc", None), "_jsc", None) is None:  # what SparkContext.stop() leaves
        raise ValueError(
            "spark was stopped (spark.stop()): its Java process is gone. Start a new session with "
            "spark = mh.start_spark()."
        )
    return spark


# -- checks the taught functions of mlite_helpers.py hand over to ---------------------------------


def _described(value: Any) -> str:
    """A short description of a value for a message: its kind, its length and entries' shapes."""
    if isinstance(value, (tuple, list)):
        shapes = ", ".join(str(np.shape(v)) if hasattr(v, "shape") else type(v).__name__ for v in value[:4])
        return (
            f"a {type(value).__name__} of {len(value)} item(s): {shapes}{', ...' if len(value) > 4 else ''}"
        )
    if hasattr(value, "shape"):
        return f"one array of shape {value.shape}"
    return _shown(value)[:60]


def three(name: str, value: Any, meaning: str) -> tuple[Any, Any, Any]:
    """A tuple or list of three values (X, W, b), or a TypeError naming ``name``.

    Parameters
    ----------
    name : str
    value : Any
    meaning : str
        What the three values are, for the message.

    Returns
    -------
    tuple of three values
    """
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise TypeError(f"{name} must be {meaning}, three in a tuple; got {_described(value)}.")
    return value[0], value[1], value[2]


def step_scales(scale: Any, params: list[np.ndarray]) -> list[np.ndarray]:
    """The step multipliers of ``mh.descend``: finite, > 0, each fitting its parameter's shape.

    Parameters
    ----------
    scale : tuple of three numbers or arrays
        For X, W and b.
    params : list of np.ndarray
        X (n_movies, k), W (n_users, k), b (n_users,).

    Returns
    -------
    list of three np.ndarray
        Each broadcastable to its parameter's shape.
    """
    scales = []
    multipliers = three("scale", scale, "the step multipliers for X, W and b (numbers or arrays)")
    for name, s, q in zip(("X", "W", "b"), multipliers, params):
        s = float_array(f"scale for {name}", s, f"() or broadcastable to {q.shape}")
        try:
            fits = np.broadcast_shapes(s.shape, q.shape) == q.shape
        except ValueError:
            fits = False
        if not fits:
            rows = (q.shape[0], 1) if q.ndim == 2 else q.shape
            raise ValueError(
                f"scale for {name} has shape {s.shape}, which does not fit {name} of shape {q.shape}. Use a "
                f"number, or an array of shape {rows} (one step size per row)."
            )
        if not np.all(np.isfinite(s) & (s > 0) & (s <= LARGEST)):
            raise ValueError(f"scale for {name} must hold finite numbers > 0 (step multipliers).")
        scales.append(s)
    return scales


def first_result(out: Any, params: list[np.ndarray]) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """What a cost-and-gradients function returned at the starting parameters, checked.

    Parameters
    ----------
    out : Any
        ``cost_and_gradients(X, W, b)``: should be ``(J, dX, dW, db)``.
    params : list of np.ndarray
        X (n_movies, k), W (n_users, k), b (n_users,).

    Returns
    -------
    J : float
    dX, dW, db : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    """
    if not isinstance(out, (tuple, list)) or len(out) != 4:
        raise TypeError(
            f"cost_and_gradients must return four values (J, dX, dW, db), got {_described(out)}. Return "
            "them as a tuple."
        )
    if isinstance(out[0], (bool, np.bool_)) or not isinstance(out[0], numbers.Real):
        raise TypeError(
            f"cost_and_gradients must return J as a number first, got {out[0]!r:.60}. Return (J, dX, dW, db)."
        )
    grads = []
    for name, g, q in zip(("dX", "dW", "db"), out[1:], params):
        g = float_array(f"{name} returned by cost_and_gradients", g, str(q.shape))
        if g.shape != q.shape:
            raise ValueError(
                f"cost_and_gradients returned {name} of shape {g.shape}; it must be {q.shape}, the shape of "
                f"{name[1:]}."
            )
        grads.append(g)
    J = float(out[0])
    if not math.isfinite(J):
        raise ValueError(
            f"cost_and_gradients returned J = {J} at the starting parameters: check the "
            "ratings (a NaN where R = 1?) and use smaller start values."
        )
    return J, grads[0], grads[1], grads[2]


def paired_ratings(predicted: Any, actual: Any) -> tuple[np.ndarray, np.ndarray]:
    """Predicted and actual ratings for an error measure: 1-D, the same length, finite.

    Parameters
    ----------
    predicted, actual : array_like, shape (n,)

    Returns
    -------
    predicted, actual : np.ndarray, shape (n,)
    """
    predicted = float_array("predicted", predicted, "(n,)")
    actual = float_array("actual", actual, "(n,)")
    if predicted.ndim != 1 or predicted.shape != actual.shape or predicted.size == 0:
        raise ValueError(
            f"predicted {predicted.shape} and actual {actual.shape} must be 1-D, of the same length and not "
            "empty (use .ravel() on a column vector)."
        )
    for name, values in (("predicted", predicted), ("actual", actual)):
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} contains NaN or inf: every rating and prediction must be a number.")
        if np.max(np.abs(values)) > LARGEST:
            raise ValueError(
                f"{name} holds {values[np.argmax(np.abs(values))]:.3g}: far too large for a rating in stars. "
                "Pass ratings and predictions on the ratings' scale."
            )
    return predicted, actual


def eps(value: Any) -> float:
    """The step of a central difference: a number between 0 and 1 (exclusive).

    Parameters
    ----------
    value : Any

    Returns
    -------
    float
    """
    value = number("eps", value, low=0.0, strict=True, meaning="step of the central difference")
    if value >= 1:
        raise ValueError(f"eps (step of the central difference) must be small, such as 1e-6; got {value!r}.")
    return value


def init(value: Any, n_movies: int, n_users: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Starting parameters (X, W, b) that fit the ratings' sizes and ``k``.

    Parameters
    ----------
    value : tuple of (X, W, b)
    n_movies, n_users, k : int

    Returns
    -------
    X, W, b : np.ndarray, shapes (n_movies, k), (n_users, k), (n_users,)
    """
    X, W, b = params(*three("init", value, "the starting parameters from init_params"))
    if (X.shape[0], W.shape[0], X.shape[1]) != (n_movies, n_users, k):
        raise ValueError(
            f"init has (n_movies, n_users, k) = {(X.shape[0], W.shape[0], X.shape[1])} but Y has shape "
            f"{(n_movies, n_users)} and k = {k}. Create it with init_params({n_movies}, {n_users}, {k}, rng)."
        )
    return X, W, b


def rating_index(index: Any, n: int) -> np.ndarray:
    """Which of ``n`` ratings to take: a boolean mask of length n, or integer indices below n.

    Parameters
    ----------
    index : array_like of bool, shape (n,), or of int
    n : int

    Returns
    -------
    np.ndarray of bool or int
    """
    mask = np.asarray(index) if isinstance(index, (np.ndarray, list, tuple)) else None
    if mask is not None and mask.dtype == bool:
        if mask.shape != (n,):
            raise ValueError(f"index is a boolean mask of shape {mask.shape}; it must have shape ({n},).")
        return mask
    return index_array("index", index, n, "rating")


def index_pairs(users: Any, movies: Any, n_users: int, n_movies: int) -> tuple[np.ndarray, np.ndarray]:
    """(user, movie) index pairs: two integer arrays of the same length, in range.

    Parameters
    ----------
    users, movies : array_like of int, shape (n,)
    n_users, n_movies : int

    Returns
    -------
    users, movies : np.ndarray of int, shape (n,)
    """
    users = index_array("users", users, n_users, "user")
    movies = index_array("movies", movies, n_movies, "movie")
    if users.shape != movies.shape:
        raise ValueError(f"users {users.shape} and movies {movies.shape} must have the same length.")
    return users, movies


def one_rating_per_pair(users: np.ndarray, movies: np.ndarray, n_users: int) -> None:
    """Refuse a (movie, user) pair listed twice: a dense Y holds one rating per pair.

    Parameters
    ----------
    users, movies : np.ndarray of int, shape (n_ratings,)
    n_users : int
    """
    pairs = movies * n_users + users
    if np.unique(pairs).size != pairs.size:
        first = int(np.flatnonzero(np.bincount(pairs) > 1)[0])
        raise ValueError(
            f"users and movies list the pair (movie {first // n_users}, user {first % n_users}) twice: "
            "a dense Y holds one rating per pair. Drop the repeated ratings first."
        )


def _rated_movies(movies: Any, ratings: Any, n_movies: int) -> tuple[np.ndarray, np.ndarray]:
    """Movie indices in range and a finite rating for each: two arrays of the same length."""
    movies = index_array("movies", movies, n_movies, "movie")
    ratings = float_array("ratings", ratings, "(n,)")
    if ratings.shape != movies.shape:
        raise ValueError(
            f"movies {movies.shape} and ratings {ratings.shape} must have the same length: one rating per "
            "movie."
        )
    _finite("ratings", ratings, "Every listed rating must be a number; drop the missing ones.")
    return movies, ratings


def new_user_ratings(
    movies: Any, ratings: Any, n_movies: int, rating_range: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """A new user's ratings: distinct movies in range, finite ratings on the model's scale.

    Parameters
    ----------
    movies : array_like of int, shape (n,)
    ratings : array_like, shape (n,)
    n_movies : int
    rating_range : tuple of float
        The lowest and highest rating of the model's data.

    Returns
    -------
    movies : np.ndarray of int, shape (n,)
    ratings : np.ndarray, shape (n,)
    """
    movies, ratings = _rated_movies(movies, ratings, n_movies)
    if np.unique(movies).size != movies.size:
        raise ValueError("movies lists a movie twice: give each rated movie once.")
    low, high = rating_range
    if ratings.size and (ratings.min() < low or ratings.max() > high):
        raise ValueError(
            f"ratings must be on the model's scale, {low:g} to {high:g} stars; found {ratings.min():g} to "
            f"{ratings.max():g}. Leave unseen movies out instead of rating them 0."
        )
    return movies, ratings


def gradient_blocks(analytic: Any, numeric: tuple[np.ndarray, ...]) -> list[np.ndarray]:
    """What a gradient function returned, checked against the numerical gradients' shapes.

    Parameters
    ----------
    analytic : Any
        The result of ``grad_fn(X, W, b, Y, R, lambda_)``: three arrays (dX, dW, db).
    numeric : tuple of np.ndarray
        The numerical gradients, shapes (n_movies, k), (n_users, k), (n_users,).

    Returns
    -------
    list of three np.ndarray
        dX, dW, db as float arrays (NaN and inf kept: the comparison reports them).
    """
    if not isinstance(analytic, (tuple, list)) or len(analytic) != 3:
        raise TypeError("grad_fn must return three arrays (dX, dW, db).")
    blocks = []
    for name, a, n in zip(("X", "W", "b"), analytic, numeric):
        a = float_array(f"d{name}", a, str(n.shape))
        if a.shape != n.shape:
            raise ValueError(f"d{name} has shape {a.shape} but must have shape {n.shape}.")
        blocks.append(a)
    return blocks


def divergence(epoch: int, alpha: float, J_start: float, J: float) -> str:
    """The message of a training run that diverged: where, by how much, and what to try.

    Parameters
    ----------
    epoch : int
        The step whose J broke the divergence rule.
    alpha : float
        The learning rate used.
    J_start, J : float
        J before training and after that step (inf or NaN allowed).

    Returns
    -------
    str
    """
    shown = f"{J:.3g}" if math.isfinite(J) else "infinity"
    return (
        f"Training diverged at epoch {epoch}: with alpha = {alpha:g} the cost J rose from {J_start:.4g} to "
        f"{shown}, above where it started. Try a smaller alpha, for example a third of it, {alpha / 3:.2g}."
    )


def movie_ratings(movies: Any, ratings: Any, n_movies: Any) -> tuple[int, np.ndarray, np.ndarray]:
    """The movie index and the rating of each rating, for per-movie means: not empty.

    Parameters
    ----------
    movies : array_like of int, shape (n_ratings,)
    ratings : array_like, shape (n_ratings,)
    n_movies : int

    Returns
    -------
    n_movies : int
    movies : np.ndarray of int, shape (n_ratings,)
    ratings : np.ndarray, shape (n_ratings,)
    """
    n_movies = integer("n_movies", n_movies, 1, "number of movies")
    movies, ratings = _rated_movies(movies, ratings, n_movies)
    if ratings.size == 0:
        raise ValueError("movies and ratings are empty: the means need at least one rating.")
    return n_movies, movies, ratings


def rated_by(users: Any) -> np.ndarray:
    """The user index of each rating, for a split by user: not empty, no negative index.

    Parameters
    ----------
    users : array_like of int, shape (n_ratings,)

    Returns
    -------
    np.ndarray of int, shape (n_ratings,)
    """
    users = index_array("users", users, np.iinfo(np.int64).max, "user")
    if users.size == 0:
        raise ValueError("users is empty: split_ratings needs the user index of at least one rating.")
    return users


def descent_options(
    cost_and_gradients: Any,
    alpha_: Any,
    epochs: Any,
    momentum_: Any,
    snapshot_every: Any,
    progress: Any,
    callback: Any,
) -> tuple[Callable[..., Any], float, int, float, int | None, bool, Callable[..., Any] | None]:
    """The arguments of ``mh.descend`` but its parameters, each checked.

    Parameters
    ----------
    cost_and_gradients : Any
        ``cost_and_gradients(X, W, b) -> (J, dX, dW, db)``.
    alpha_, epochs, momentum_ : Any
        Learning rate (> 0), number of steps (>= 0), momentum in [0, 1).
    snapshot_every : Any
        None, or the epochs between snapshots (>= 1).
    progress : Any
        A bool.
    callback : Any
        None, or ``callback(epoch, X, W, b) -> bool``.

    Returns
    -------
    cost_and_gradients, alpha, epochs, momentum, snapshot_every, progress, callback
    """
    if snapshot_every is not None:
        snapshot_every = integer("snapshot_every", snapshot_every, 1, "epochs between snapshots")
    return (
        function("cost_and_gradients", cost_and_gradients, "(X, W, b) -> (J, dX, dW, db)", 3),
        alpha(alpha_),
        integer("epochs", epochs, 0, "number of gradient steps"),
        momentum(momentum_),
        snapshot_every,
        flag("progress", progress),
        function("callback", callback, "(epoch, X, W, b) -> bool", 4, optional=True),
    )


def start_values(
    n_movies: Any, n_users: Any, k: Any, rng: Any, scale: Any
) -> tuple[int, int, int, Any, float]:
    """The arguments of ``mh.init_params``, each checked.

    Parameters
    ----------
    n_movies, n_users, k : Any
        Integers >= 1.
    rng : Any
        A ``np.random.Generator``.
    scale : Any
        A number > 0.

    Returns
    -------
    n_movies, n_users, k, rng, scale
    """
    return (
        integer("n_movies", n_movies, 1, "number of movies"),
        integer("n_users", n_users, 1, "number of users"),
        integer("k", k, 1, "number of latent features"),
        generator(rng),
        number("scale", scale, low=0.0, strict=True, meaning="spread of the start", example="0.1"),
    )


def determined(lhs: np.ndarray, lambda_: float, n_rated: int) -> None:
    """Refuse normal equations without a unique solution (too few ratings and lambda_ = 0).

    Parameters
    ----------
    lhs : np.ndarray, shape (k + 1, k + 1)
        ``A^T A`` plus the penalty, of a new user's ridge regression (``mh.fold_in``).
    lambda_ : float
    n_rated : int
        The number of ratings behind it.
    """
    k = lhs.shape[0] - 1
    if np.linalg.matrix_rank(lhs) < k + 1:
        raise ValueError(
            f"lambda_ = {lambda_:g} with {n_rated} rating(s) leaves w undetermined (k = {k} features and "
            "a bias need more ratings). Use lambda_ > 0, or rate more movies."
        )


def init_scale(value: Any) -> float:
    """The spread of a fit's random start (``init_scale``): a number > 0.

    Parameters
    ----------
    value : Any

    Returns
    -------
    float
    """
    return number("init_scale", value, low=0.0, strict=True, meaning="spread of the start")
