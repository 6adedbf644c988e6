"""Exercise checkers, one per notebook (the idea of Coursera's ``public_tests.py``).

Each ``check_*`` runs a reader's function on small hand-computable cases and prints
"correct!" or the likely mistake, followed by the case it failed on (inputs, expected value,
the reader's value). It never raises on a wrong answer, so the notebook keeps running (only passing something
that is not a function at all is a TypeError).

How a check works (:func:`_run`, shared by every checker): for each case, the reader's
function is called on copies of the inputs; its result is compared with the correct answer;
a wrong result is looked up in the checker's catalogue of typical mistakes, each entry a
diagnosis in the notebook's words and a formula for the value that mistake gives. An
exception is explained: which one, on which line, and its probable cause.

To add a case or a mistake, edit the data at the top of the checker's section. A mistake is
only recognized if its value differs from every other entry's on the first case where it is
wrong (``tests/test_exercises.py`` checks that), so cases use sizes that all differ: the
numbers of movies, users and ratings, k, and 2 (the 1/2 in the cost). The top-k checkers of
06 are stricter: they name a mistake only if it gives the reader's value on every case, so
a coincidence on one case never blames the wrong term.
"""

from __future__ import annotations

import math
import re
import sysconfig
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from mlite_support import validate

Case = dict[str, Any]  # the reader's arguments by name, in the order of their function's parameters
Facts = SimpleNamespace  # a case's inputs plus the quantities the catalogue formulas use
Formula = Callable[[Facts], Any]


def _function(fn: Any, example: str) -> Callable[..., Any]:
    """The reader's function; a TypeError if ``fn`` is not one (e.g. its result was passed)."""
    return validate.function("fn", fn, f"such as {example} (defined with def {example}(...):)")


NOT_IMPLEMENTED = "not implemented yet: replace the `raise NotImplementedError` with your code."


# ======================================================================================
# Shared machinery: run the cases, diagnose, explain exceptions, show the failing case
# ======================================================================================


@dataclass(frozen=True)
class _Checker:
    """Everything one exercise check needs; :func:`_run` does the rest."""

    cases: tuple[Case, ...]
    facts: Callable[[Case], Facts]  # also provides ``dims`` (size names, for shape messages)
    correct: tuple[Formula, ...]  # every accepted answer; the first one is shown as "expected"
    mistakes: tuple[tuple[str, Formula], ...]  # (diagnosis, value the mistake gives)
    outputs: tuple[str, ...]  # names of the returned values: ("J",) or ("dX", "dW", "db")
    returns: str  # the return statement's expression: "J", "dX, dW, db"
    hints: tuple[tuple[Any, str, str], ...]  # (exception types, regex on the message, probable cause)
    fallback: Callable[[Facts, Any], str]  # diagnosis when no catalogue entry matches
    not_finite: str  # diagnosis for NaN or inf in a result; {name} is the output's name
    success: str
    none_hint: str = ""


class _ResultError(Exception):
    """A result that cannot be compared (exception, None, wrong type or shape, NaN)."""

    def __init__(self, message: str, got: Any = None) -> None:
        super().__init__(message)
        self.message, self.got = message, got


class _NotImplementedYetError(Exception):
    """The reader has not replaced the ``raise NotImplementedError`` yet."""


_COMMON_HINTS: tuple[tuple[Any, str, str], ...] = (
    (NameError, "", "a name is used that is not defined: check its spelling (numpy is np, the helpers mh)."),
    (AttributeError, "", "check the spelling of the function or attribute (np.sum, X.T, X.shape)."),
    (
        TypeError,
        "missing .*required",
        "a call lacks a required argument (the message names it): compare the call with the function's "
        "definition.",
    ),
    (
        TypeError,
        "positional argument|keyword argument",
        "a function was called with the wrong number of arguments: compare the call with its definition.",
    ),
    (
        TypeError,
        "",
        "a value of the wrong kind (a list, None or a function where a number or an array belongs).",
    ),
    (ZeroDivisionError, "", "a division by zero: check what the denominator counts."),
    (
        Exception,
        "",
        "read the message above, then print the shapes of the arrays on that line (e.g. print(X.shape)) "
        "and compare them with the shapes in the notation table.",
    ),
)

_OURS = (str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1] / "mlite_helpers.py"))
_NOT_THE_READERS = _OURS + tuple(
    {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
)
_HELPER_REJECTED = (
    "a helper of mh rejected its arguments: the message says which argument and how to fix it. Compare "
    "your call with the helper's parameters (e.g. mh.gradients? shows them)."
)


def _explain(err: Exception, hints: tuple[tuple[Any, str, str], ...]) -> str:
    """Which exception, where in the reader's code, and its probable cause."""
    frames = traceback.extract_tb(err.__traceback__)[1:]  # [0] is _call, which called the reader
    mine = [f for f in frames if not str(Path(f.filename).resolve()).startswith(_NOT_THE_READERS)]
    where = f" in {mine[-1].name}" if mine else ""
    if mine and mine[-1].line:
        where += f", at the line `{mine[-1].line.strip()}`"
    text = str(err).strip().splitlines()[0] if str(err).strip() else "(no message)"
    text = text if len(text) <= 200 else text[:197] + "..."
    if frames and str(Path(frames[-1].filename).resolve()).startswith(_OURS):
        cause = _HELPER_REJECTED  # raised by the argument checks of mh.<function>
    else:
        cause = next(
            hint
            for types, pattern, hint in (*hints, *_COMMON_HINTS)
            if isinstance(err, types) and re.search(pattern, str(err), re.IGNORECASE)
        )
    return f"your function raised {type(err).__name__}{where}:\n  {text}\nProbable cause: {cause}"


def _call(fn: Callable[..., Any], case: Case, hints: tuple[tuple[Any, str, str], ...]) -> Any:
    """Call the reader's function on writable copies of a case (the cases stay intact)."""
    args = [np.array(value) if isinstance(value, np.ndarray) else value for value in case.values()]
    try:
        with np.errstate(all="ignore"):  # NaN and overflow are diagnosed, not warned about
            return fn(*args)
    except NotImplementedError:
        raise _NotImplementedYetError from None
    except Exception as err:  # noqa: BLE001 - a reader's bug must not stop the notebook
        raise _ResultError(_explain(err, hints)) from None


def _shape_text(shape: tuple[int, ...], dims: dict[str, int]) -> str:
    """``(4, 2) = (n_movies, k)`` when every size has a name of its own, else ``(4, 2)``."""
    names = {size: name for name, size in dims.items()}
    if len(names) == len(dims) and shape and all(size in names for size in shape):
        return f"{shape} = ({', '.join(names[size] for size in shape)}{',' if len(shape) == 1 else ''})"
    return str(shape)


def _read_number(result: Any, name: str, not_finite: str) -> float:
    try:
        values = np.asarray(result, dtype=float)
    except Exception:  # noqa: BLE001 - anything that is not a number
        raise _ResultError(
            f"your function should return one number {name}, got {type(result).__name__}."
        ) from None
    if values.size != 1:
        raise _ResultError(
            f"your function returned an array of shape {values.shape}, not one number: {name} adds up "
            "the squared errors of all ratings and the penalty into a single number (np.sum)."
        )
    value = float(values.reshape(()))
    if not math.isfinite(value):
        raise _ResultError(not_finite.format(name=name) + ".", value)
    return value


def _read_arrays(
    result: Any, expected: tuple[np.ndarray, ...], checker: _Checker, dims: dict[str, int]
) -> tuple[np.ndarray, ...]:
    names = checker.outputs
    count = ("two", "three")[len(names) - 2]
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        if isinstance(result, (tuple, list)):
            got = f"{len(result)} values"
        else:
            got = (
                f"one array of shape {result.shape}"
                if isinstance(result, np.ndarray)
                else type(result).__name__
            )
        raise _ResultError(f"your function should return {count} arrays ({', '.join(names)}), got {got}.")
    arrays = []
    for name, value, want in zip(names, result, expected):
        try:
            arrays.append(np.asarray(value, dtype=float))
        except Exception:  # noqa: BLE001 - anything that is not an array of numbers
            raise _ResultError(f"{name} should be an array of numbers, got {type(value).__name__}.") from None
        got = arrays[-1].shape
        if got != want.shape:
            text = f"{name} has shape {_shape_text(got, dims)}, but {_shape_text(want.shape, dims)} is needed"
            if got == want.shape[::-1]:
                text += " (transposed?)"
            for other, other_want in zip(names, expected):
                if other != name and other_want.shape == got:
                    text += f"; that is the shape of {other}: are {name} and {other} swapped?"
            raise _ResultError(text if text.endswith("?") else text + ".")
    for name, values in zip(names, arrays):
        if not np.all(np.isfinite(values)):
            raise _ResultError(checker.not_finite.format(name=name) + ".", tuple(arrays))
    return tuple(arrays)


def _same(got: Any, want: Any) -> bool:
    """Equal up to rounding: numbers, or tuples of arrays of the same shapes."""
    if isinstance(want, tuple):
        return len(got) == len(want) and all(
            g.shape == np.shape(w) and np.allclose(g, w, rtol=1e-6, atol=1e-9) for g, w in zip(got, want)
        )
    return math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9)


def _fmt(value: Any) -> str:
    """A number with at most 3 decimals, or an array on one line."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, separator=", ", threshold=200, formatter={"float_kind": _fmt})
        return " ".join(text.split())
    if isinstance(value, (float, np.floating)):
        text = f"{value:.3f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(float(value))
        return "0" if text == "-0" else text
    return str(value)


def _show(case: Case, number: int, checker: _Checker, expected: Any, got: Any) -> str:
    """The case a check failed on: its inputs, the expected value, the reader's value."""
    lines = [f"The case it failed on (test case {number} of {len(checker.cases)}):"]
    lines += [f"  {name} = {_fmt(value)}" for name, value in case.items()]
    expected = expected if isinstance(expected, tuple) else (expected,)
    gots = got if isinstance(got, tuple) else (got,)
    for index, (name, want) in enumerate(zip(checker.outputs, expected)):
        mine = gots[index] if got is not None else None
        if mine is not None and np.shape(mine) == np.shape(want) and _same((np.asarray(mine),), (want,)):
            continue  # a block that is right is not shown
        lines.append(f"  expected {name} = {_fmt(want)}")
        if mine is not None:
            lines.append(f"      your {name} = {_fmt(mine)}")
    return "\n".join(lines)


def _run(checker: _Checker, fn: Callable[..., Any]) -> str:
    """Check ``fn`` on every case; "correct!..." or the likely mistake with the failing case."""
    for number, case in enumerate(checker.cases, start=1):
        facts = checker.facts(case)
        expected = checker.correct[0](facts)
        try:
            result = _call(fn, case, checker.hints)
            if result is None:
                raise _ResultError(
                    f"your function returned None: did you forget `return {checker.returns}`?"
                    + checker.none_hint
                )
            if len(checker.outputs) == 1:
                got = _read_number(result, checker.outputs[0], checker.not_finite)
            else:
                got = _read_arrays(result, expected, checker, facts.dims)
        except _NotImplementedYetError:
            return NOT_IMPLEMENTED
        except _ResultError as wrong:
            return f"{wrong.message}\n{_show(case, number, checker, expected, wrong.got)}"
        if any(_same(got, accepted(facts)) for accepted in checker.correct):
            continue
        diagnosis = next(
            (text for text, formula in checker.mistakes if _same(got, formula(facts))),
            None,
        ) or checker.fallback(facts, got)
        return f"not quite: {diagnosis}.\n{_show(case, number, checker, expected, got)}"
    return checker.success


def _report(checker: _Checker, fn: Callable[..., Any]) -> None:
    """Print the outcome of a check; never raise."""
    try:
        text = _run(checker, fn)
    except Exception as err:  # noqa: BLE001 - whatever the reader returned, the notebook goes on
        text = (
            f"the check could not finish ({type(err).__name__}: {err}). Your function returned something "
            f"unexpected: it should return {checker.returns}."
        )
    print(text)


def _readonly(**inputs: Any) -> Case:
    """A case whose arrays cannot be changed by accident (the reader gets copies)."""
    for value in inputs.values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return inputs


# ======================================================================================
# The model's test cases (01, 02, 03 and, as triplets, 05)
# ======================================================================================

nan = np.nan

#: Case 1 has NaN in the unrated cells (as load_toy gives), two 0-star ratings, a movie
#: nobody rated (row 1) and a user who rated nothing (column 2): 4 movies, 3 users, k = 2,
#: 5 ratings. Case 2 has finite junk in its unrated cells (so that "unrated entries
#: included" is a wrong number, not only NaN), a 0-star rating and fewer movies than users:
#: 2 movies, 3 users, k = 1, 4 ratings.
_MODEL_CASES: tuple[Case, ...] = (
    _readonly(
        X=np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 1.0], [-1.0, 0.5]]),
        W=np.array([[1.0, 0.0], [-1.0, 2.0], [0.5, 0.5]]),
        b=np.array([0.5, -0.5, 1.0]),
        Y=np.array([[5.0, 0.0, nan], [nan, nan, nan], [1.0, nan, nan], [0.0, 4.0, nan]]),
        R=np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]]),
        lambda_=1.5,
    ),
    _readonly(
        X=np.array([[1.5], [-0.5]]),
        W=np.array([[1.0], [-2.0], [0.5]]),
        b=np.array([0.25, 1.0, -0.5]),
        Y=np.array([[4.0, 0.0, 9.0], [1.0, 7.0, 3.0]]),
        R=np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]]),
        lambda_=0.7,
    ),
)


def _errors(X: np.ndarray, W: np.ndarray, b: np.ndarray, Y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The error matrix ``(X @ W.T + b - Y) * mask``, 0 where the mask is 0 (NaN there too)."""
    return np.where(mask == 1, X @ W.T + b - np.where(mask == 1, Y, 0.0), 0.0)


def _model_facts(case: Case) -> Facts:
    """Inputs plus error matrices and sums, for the catalogues of 01, 02, 03 and 05."""
    X, W, b, Y, R = (case[name] for name in ("X", "W", "b", "Y", "R"))
    f = SimpleNamespace(**case, lam=case["lambda_"])
    f.n_movies, f.n_users = R.shape
    f.n_ratings, f.n_cells = int(R.sum()), R.size
    f.dims = {"n_movies": f.n_movies, "n_users": f.n_users, "k": X.shape[1]}
    f.n_i, f.n_j = R.sum(axis=1), R.sum(axis=0)  # ratings per movie, per user
    f.E = _errors(X, W, b, Y, R)
    f.E_nonzero = _errors(X, W, b, Y, R * (np.nan_to_num(Y) != 0))  # 0-star ratings dropped
    f.E_all = X @ W.T + b - np.nan_to_num(Y)  # every cell, unrated ones as 0 stars (or junk)
    f.E_nobias = _errors(X, W, 0 * b, Y, R)
    f.E_minus_b = _errors(X, W, -b, Y, R)  # the bias subtracted instead of added
    x2, w2 = np.sum(X**2, axis=1), np.sum(W**2, axis=1)  # ||x(i)||^2, ||w(j)||^2
    f.half_sq = 0.5 * np.sum(f.E**2)
    f.pen = float(x2.sum() + w2.sum())
    f.penalty = f.lam / 2 * f.pen
    f.pen_rated_movies = float(x2[f.n_i > 0].sum() + w2.sum())
    f.pen_rating_users = float(x2.sum() + w2[f.n_j > 0].sum())
    f.pen_rated_both = float(x2[f.n_i > 0].sum() + w2[f.n_j > 0].sum())
    f.pen_per_rating = float(f.n_i @ x2 + f.n_j @ w2)  # x(i), w(j) added once per rating
    f.b2 = float(np.sum(b**2))
    f.b2_per_rating = float(f.n_j @ b**2)  # b[users]**2 summed: each user's bias once per rating
    return f


# ======================================================================================
# 01_cost_function: check_cost
# ======================================================================================

#: Values of J with typical mistakes, shared by check_cost and check_sparse_cost.
_COST_VALUES: dict[str, Formula] = {
    "zero_dropped": lambda f: 0.5 * np.sum(f.E_nonzero**2) + f.penalty,
    "unrated_included": lambda f: 0.5 * np.sum(f.E_all**2) + f.penalty,
    "penalty_per_rating": lambda f: f.half_sq + f.n_ratings * f.penalty,
    "penalty_per_user": lambda f: f.half_sq + f.n_users * f.penalty,
    "penalty_per_movie": lambda f: f.half_sq + f.n_movies * f.penalty,
    "penalty_rows_per_rating": lambda f: f.half_sq + f.lam / 2 * f.pen_per_rating,
    "penalty_without_half": lambda f: f.half_sq + f.lam * f.pen,
    "penalty_missing": lambda f: f.half_sq,
    "squares_not_halved": lambda f: 2 * f.half_sq + f.penalty,
    "squares_halved_twice": lambda f: f.half_sq / 2 + f.penalty,
    "cost_halved_twice": lambda f: (f.half_sq + f.penalty) / 2,
    "b_regularized": lambda f: f.half_sq + f.lam / 2 * (f.pen + f.b2),
    "b_regularized_without_half": lambda f: f.half_sq + f.lam * (f.pen + f.b2),
    "b_regularized_per_rating": lambda f: f.half_sq + f.penalty + f.lam / 2 * f.b2_per_rating,
    "penalty_rated_both": lambda f: f.half_sq + f.lam / 2 * f.pen_rated_both,
    "bias_subtracted": lambda f: 0.5 * np.sum(f.E_minus_b**2) + f.penalty,
    "penalty_rated_movies": lambda f: f.half_sq + f.lam / 2 * f.pen_rated_movies,
    "penalty_rating_users": lambda f: f.half_sq + f.lam / 2 * f.pen_rating_users,
    "bias_missing": lambda f: 0.5 * np.sum(f.E_nobias**2) + f.penalty,
    "mean_over_ratings": lambda f: f.half_sq / f.n_ratings + f.penalty,
    "mean_over_cells": lambda f: f.half_sq / f.n_cells + f.penalty,
}

_ONCE = "add it once, after the loops"
_COST_MISTAKES: tuple[tuple[str, str], ...] = (
    (
        "zero_dropped",
        "0-star ratings are dropped (R derived from Y != 0, or y == 0 skipped). Zero stars is a real "
        "rating; only R tells rated from not rated",
    ),
    (
        "unrated_included",
        'unrated entries are included ("missing = 0 stars"): sum only where R = 1, e.g. multiply the '
        "error by R or test `if R[i, j] == 1`",
    ),
    ("penalty_per_rating", f"the penalty lambda_/2 (...) is added inside the loop, once per rating; {_ONCE}"),
    (
        "penalty_per_user",
        f"the penalty lambda_/2 (...) is added once per user (inside the loop over users); {_ONCE}",
    ),
    (
        "penalty_per_movie",
        f"the penalty lambda_/2 (...) is added once per movie (inside the loop over movies); {_ONCE}",
    ),
    (
        "penalty_rows_per_rating",
        "the penalty adds ||x(i)||^2 + ||w(j)||^2 inside the loop, once per rating; it sums every "
        f"movie's and every user's squares once: {_ONCE}",
    ),
    (
        "penalty_without_half",
        "the penalty is lambda_ * (...) without the 1/2: it is lambda_/2 * (sum X^2 + sum W^2)",
    ),
    ("penalty_missing", "the penalty lambda_/2 * (sum X^2 + sum W^2) is missing"),
    (
        "squares_not_halved",
        "the squared errors are not halved: J = 1/2 * sum of squared errors + the penalty",
    ),
    ("squares_halved_twice", "the squared errors are halved twice (1/4 instead of 1/2)"),
    ("cost_halved_twice", "the whole cost is halved once more: both terms already carry their 1/2"),
    ("b_regularized", "the biases b are regularized; the penalty covers only X and W"),
    (
        "b_regularized_without_half",
        "the penalty includes the biases b and lacks its 1/2: it is lambda_/2 * (sum X^2 + sum W^2), "
        "without b",
    ),
    ("bias_subtracted", "the bias has the wrong sign: the prediction is w(j) . x(i) + b(j), plus b"),
    (
        "penalty_rated_movies",
        "the penalty covers only the movies that have ratings; it sums the squares of every movie's "
        "features, np.sum(X**2), rated or not",
    ),
    (
        "penalty_rating_users",
        "the penalty covers only the users who rated something; it sums the squares of every user's "
        "preferences, np.sum(W**2)",
    ),
    ("bias_missing", "the bias b(j) is missing from the prediction w(j) . x(i) + b(j)"),
    ("mean_over_ratings", "the squared errors are averaged (mean) instead of added up (sum)"),
    (
        "mean_over_cells",
        "the squared errors are averaged (np.mean over the whole matrix) instead of added up (sum)",
    ),
)

_SHAPES = (
    "X is (n_movies, k), W is (n_users, k), b is (n_users,), Y and R are (n_movies, n_users): the "
    "predictions are X @ W.T + b."
)
_SHAPE_HINT = f"{_SHAPES} Using W as if it were (k, n_users) (X @ W, or W[:, j]) is the usual cause."
_BROADCAST_HINT = (
    f"{_SHAPES} Two usual causes: b made into a column (b[:, None] or b.reshape(-1, 1) is (n_users, 1) "
    "and adds b(j) to row j; as it is, b is added to column j), or W used as if it were (k, n_users) "
    "(X @ W, or W[:, j])."
)
_DENSE_HINTS: tuple[tuple[Any, str, str], ...] = (
    (ValueError, "broadcast", f"array shapes that do not fit. {_BROADCAST_HINT}"),
    (ValueError, "matmul|align|shape", f"array shapes that do not fit. {_SHAPE_HINT}"),
    (
        IndexError,
        "",
        "an index runs past the end of an array: i counts movies (rows of Y and X), j counts users "
        "(columns of Y, rows of W, entries of b). Are i and j swapped, or W indexed by column?",
    ),
)

_COST = _Checker(
    cases=_MODEL_CASES,
    facts=_model_facts,
    correct=(lambda f: f.half_sq + f.penalty,),
    mistakes=tuple((text, _COST_VALUES[key]) for key, text in _COST_MISTAKES),
    outputs=("J",),
    returns="J",
    hints=_DENSE_HINTS,
    fallback=lambda f, got: "compare your code with the formula of J term by term",
    not_finite=(
        "{name} is NaN: an unrated entry (NaN in Y) reached the sum. NaN * 0 is still NaN: replace the "
        "unrated entries first, Y0 = np.where(R == 1, Y, 0), or test `if R[i, j] == 1` (a mask from "
        "Y != 0 lets NaN through, since NaN != 0, and drops the 0-star ratings)"
    ),
    success="correct! Your cost matches on every test case.",
)


def check_cost(fn: Callable[..., Any]) -> None:
    """Check a reader's cost function and print "correct" or the likely mistake.

    Exercise check for 01_cost_function. ``fn(X, W, b, Y, R, lambda_)`` must return J as
    a number. It is run on small hand-computable cases (NaN in unrated cells and 0-star
    ratings included); a wrong answer is matched against typical mistakes (0-star ratings
    dropped, unrated entries included, regularization inside a loop or without its 1/2,
    b regularized, ...) and printed with the case it failed on. Never raises on a wrong answer.

    Parameters
    ----------
    fn : callable
        The reader's cost function.
    """
    _report(_COST, _function(fn, "my_cost"))


# ======================================================================================
# 02_gradients: check_gradients
# ======================================================================================


def _gradients_from(f: Facts, E: np.ndarray, penalty: float = 1.0) -> tuple[np.ndarray, ...]:
    """``(E @ W + p X, E.T @ X + p W, column sums of E)`` with ``p = penalty * lambda_``."""
    return E @ f.W + penalty * f.lam * f.X, E.T @ f.X + penalty * f.lam * f.W, E.sum(axis=0)


_GRADIENT_MISTAKES: tuple[tuple[str, Formula], ...] = (
    (
        "every gradient has the wrong sign, so it points downhill; the gradient points uphill: "
        "error = prediction - y, plus lambda_ * X",
        lambda f: tuple(-g for g in _gradients_from(f, f.E)),
    ),
    (
        "the error has the wrong sign: e = prediction - y, i.e. (X @ W.T + b - Y0) * R. With y - prediction, "
        "dX, dW and db flip sign but the penalty terms do not",
        lambda f: _gradients_from(f, -f.E),
    ),
    ("the penalty terms lambda_ * X and lambda_ * W are missing", lambda f: _gradients_from(f, f.E, 0.0)),
    (
        "the penalty gradient is lambda_/2 * X; the 1/2 cancels with the square, so it is lambda_ * X",
        lambda f: _gradients_from(f, f.E, 0.5),
    ),
    (
        "db includes lambda_ * b, but the biases are not regularized: db has no penalty",
        lambda f: (*_gradients_from(f, f.E)[:2], f.E.sum(axis=0) + f.lam * f.b),
    ),
    (
        'unrated entries are included ("missing = 0 stars"): the error must be 0 where R = 0, '
        "E = (X @ W.T + b - Y0) * R",
        lambda f: _gradients_from(f, f.E_all),
    ),
    (
        "0-star ratings are dropped (R derived from Y != 0, or y == 0 skipped); zero stars is a real "
        "rating, only R tells rated from not rated",
        lambda f: _gradients_from(f, f.E_nonzero),
    ),
    (
        "the bias b(j) is missing from the prediction in the error: X @ W.T + b - Y0",
        lambda f: _gradients_from(f, f.E_nobias),
    ),
    (
        "db averages the errors (np.mean); it is their sum over movies, E.sum(axis=0)",
        lambda f: (*_gradients_from(f, f.E)[:2], f.E.mean(axis=0)),
    ),
    (
        "the errors are averaged over the ratings instead of added up: J uses a sum, so do its gradients",
        lambda f: _gradients_from(f, f.E / f.n_ratings),
    ),
    (
        "the penalty gradient is added inside the loop, once per rating; add lambda_ * X and "
        "lambda_ * W once, after the loops",
        lambda f: (
            f.E @ f.W + f.lam * f.n_i[:, None] * f.X,
            f.E.T @ f.X + f.lam * f.n_j[:, None] * f.W,
            f.E.sum(axis=0),
        ),
    ),
    (
        "the whole penalty gradient lambda_ * X (and lambda_ * W) is added inside the loop over the "
        "ratings, so every row gets it once per rating; add it once, after the loops",
        lambda f: _gradients_from(f, f.E, f.n_ratings),
    ),
    (
        "the errors are doubled (2 * e): the 1/2 of J cancels the 2 that comes down from the square, "
        "so the gradients use e itself",
        lambda f: _gradients_from(f, 2 * f.E),
    ),
    (
        "every gradient is twice too large: the 1/2 of J and the lambda_/2 of the penalty cancel the 2 "
        "that comes down from each square (e, not 2e; lambda_ * X, not 2 * lambda_ * X)",
        lambda f: tuple(2 * g for g in _gradients_from(f, f.E)),
    ),
)

_GRADIENTS = _Checker(
    cases=_MODEL_CASES,
    facts=_model_facts,
    correct=(lambda f: _gradients_from(f, f.E),),
    mistakes=_GRADIENT_MISTAKES,
    outputs=("dX", "dW", "db"),
    returns="dX, dW, db",
    hints=(
        _DENSE_HINTS[0],
        (
            ValueError,
            "matmul|align|shape",
            f"array shapes that do not fit. {_SHAPE_HINT} Then dX = E @ W is (n_movies, k) and "
            "dW = E.T @ X is (n_users, k).",
        ),
        *_DENSE_HINTS[2:],
    ),
    fallback=lambda f, got: (
        "check each formula against the derivation, or compare with mh.compare_gradients(X, W, b, Y, R, "
        "lambda_, grad_fn=my_gradients)"
    ),
    not_finite=(
        "{name} contains NaN: an unrated entry (NaN in Y) reached it. NaN * 0 is still NaN: use "
        "Y0 = np.where(R == 1, Y, 0) in the error"
    ),
    success="correct! Your gradients match on every test case.",
)


def check_gradients(fn: Callable[..., Any]) -> None:
    """Check a reader's gradient function and print "correct" or the likely mistake.

    Exercise check for 02_gradients. ``fn(X, W, b, Y, R, lambda_)`` must return
    ``(dX, dW, db)``. A wrong answer is matched against typical mistakes (wrong sign,
    regularization missing or halved, b regularized, unrated entries included, 0-star
    ratings dropped, transposed or swapped blocks, ...) and printed with the case it failed
    on. Never raises on a wrong answer.

    Parameters
    ----------
    fn : callable
        The reader's gradient function.
    """
    _report(_GRADIENTS, _function(fn, "my_gradients"))


# ======================================================================================
# 03_training: check_step
# ======================================================================================

#: The model's cases with a learning rate (neither 1 nor lambda_, so that mistakes differ).
_STEP_CASES: tuple[Case, ...] = tuple(
    _readonly(
        **{name: case[name] for name in ("X", "W", "b", "Y", "R")}, alpha=alpha, lambda_=case["lambda_"]
    )
    for case, alpha in zip(_MODEL_CASES, (0.1, 0.05))
)


def _step_facts(case: Case) -> Facts:
    f = _model_facts(case)
    f.grads = _gradients_from(f, f.E)
    return f


def _gradients_at(f: Facts, **changes: Any) -> tuple[np.ndarray, ...]:
    """The correct gradients with some inputs changed (e.g. at an updated X)."""
    g = _model_facts({name: getattr(f, name) for name in ("X", "W", "b", "Y", "R", "lambda_")} | changes)
    return _gradients_from(g, g.E)


def _step(
    f: Facts, alpha: float | None = None, lambda_: float | None = None, sign: float = -1.0, on: str = "XWb"
) -> tuple[np.ndarray, ...]:
    """``p + sign * alpha * dJ/dp`` for the parameters named in ``on``, ``p - dJ/dp`` for the others."""
    alpha = f.alpha if alpha is None else alpha
    grads = _gradients_at(f, lambda_=f.lam if lambda_ is None else lambda_)
    return tuple(
        p + sign * alpha * g if name in on else p - g for name, p, g in zip("XWb", (f.X, f.W, f.b), grads)
    )


def _sequential(f: Facts, refresh_b: bool) -> tuple[np.ndarray, ...]:
    """X stepped first, then W (and b) from gradients at the new X (and W)."""
    X = f.X - f.alpha * f.grads[0]
    _, dW, db = _gradients_at(f, X=X)
    W = f.W - f.alpha * dW
    if refresh_b:
        db = _gradients_at(f, X=X, W=W)[2]
    return X, W, f.b - f.alpha * db


_SEQUENTIAL = (
    "the parameters are updated one after the other, each from gradients at the already-updated ones: "
    "compute all three gradients first, then update (batch gradient descent moves every parameter at once)"
)
_STEP_MISTAKES: tuple[tuple[str, Formula], ...] = (
    ("the step goes uphill: subtract alpha times the gradient, do not add it", lambda f: _step(f, sign=1.0)),
    ("the step is missing alpha: multiply each gradient by the learning rate", lambda f: _step(f, alpha=1.0)),
    ("the function returns the gradients, not the updated parameters", lambda f: f.grads),
    (
        "the function returns the changes -alpha * gradient, not the updated parameters p - alpha * gradient",
        lambda f: tuple(-f.alpha * g for g in f.grads),
    ),
    ("b is not updated: the biases learn too, b - alpha * db", lambda f: (*_step(f)[:2], f.b)),
    (_SEQUENTIAL, lambda f: _sequential(f, refresh_b=False)),
    (_SEQUENTIAL, lambda f: _sequential(f, refresh_b=True)),
    (
        "alpha and lambda_ are swapped (the learning rate is used as the regularization strength)",
        lambda f: _step(f, alpha=f.lam, lambda_=f.alpha),
    ),
    (
        "the gradients are computed without regularization: pass lambda_ to mh.gradients",
        lambda f: _step(f, lambda_=0.0),
    ),
    *(
        (
            f"alpha multiplies only the gradient of {' and '.join(on)}: every parameter moves by alpha times "
            "its gradient",
            lambda f, on=on: _step(f, on=on),
        )
        for on in ("X", "W", "b", "XW", "Xb", "Wb")
    ),
)

_STEP = _Checker(
    cases=_STEP_CASES,
    facts=_step_facts,
    correct=(lambda f: _step(f),),
    mistakes=_STEP_MISTAKES,
    outputs=("new X", "new W", "new b"),
    returns="X, W, b",
    hints=(
        (
            TypeError,
            "missing .*required",
            "a required argument is missing from a call (the message names it): mh.gradients(X, W, b, Y, "
            "R, lambda_) needs all six, lambda_ last.",
        ),
        (
            TypeError,
            "positional argument",
            "a function was called with too many arguments: mh.gradients(X, W, b, Y, R, lambda_) "
            "takes six, without alpha.",
        ),
        *_DENSE_HINTS,
    ),
    fallback=lambda f, got: "the updated parameters differ from one step p - alpha * dJ/dp",
    not_finite="{name} contains NaN or inf: step with mh.gradients(X, W, b, Y, R, lambda_)",
    success="correct! One step of batch gradient descent, exactly.",
    none_hint=" (Updating X, W and b in place is fine, but return them.)",
)


def check_step(fn: Callable[..., Any]) -> None:
    """Check a reader's gradient-descent step and print "correct" or the likely mistake.

    Exercise check for 03_training. ``fn(X, W, b, Y, R, alpha, lambda_)`` must return the
    updated ``(X, W, b)`` after one step (updating its arguments in place is accepted; the
    checker passes copies). A wrong answer is matched against typical mistakes (uphill,
    alpha missing or on some blocks only, b not updated, sequential updates, ...) and
    printed with the case it failed on. Never raises on a wrong answer.

    Parameters
    ----------
    fn : callable
        The reader's step function.
    """
    _report(_STEP, _function(fn, "my_step"))


# ======================================================================================
# 04_visualization: check_rotation
# ======================================================================================

#: The factors of model case 1 (k = 2), turned by three angles in radians.
_ROTATION_CASES: tuple[Case, ...] = tuple(
    _readonly(X=_MODEL_CASES[0]["X"], W=_MODEL_CASES[0]["W"], theta=theta) for theta in (0.3, 2.0, -1.1)
)


def _rotation_facts(case: Case) -> Facts:
    f = SimpleNamespace(**case)
    f.dims = {"n_movies": f.X.shape[0], "n_users": f.W.shape[0], "k": f.X.shape[1]}
    return f


def _rotation(angle: float) -> np.ndarray:
    """The rotation matrix [[cos, -sin], [sin, cos]]."""
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


def _both(f: Facts, M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return f.X @ M, f.W @ M


_DIFFERENT_Q = (
    "X and W are turned by different matrices (Q and Q.T): use the same Q for both, X @ Q and W @ Q"
)
_ROTATION_MISTAKES: tuple[tuple[str, Formula], ...] = (
    (_DIFFERENT_Q, lambda f: (f.X @ _rotation(f.theta), f.W @ _rotation(f.theta).T)),
    (_DIFFERENT_Q, lambda f: (f.X @ _rotation(f.theta).T, f.W @ _rotation(f.theta))),
    ("only X is rotated: rotate W by the same Q", lambda f: (f.X @ _rotation(f.theta), f.W)),
    ("only W is rotated: rotate X by the same Q", lambda f: (f.X, f.W @ _rotation(f.theta))),
    ("X and W are returned unchanged: multiply both by Q", lambda f: (f.X, f.W)),
    (
        "this is a reflection (a mirror image, determinant -1), not a rotation: "
        "Q = [[cos, -sin], [sin, cos]]",
        lambda f: _both(
            f, np.array([[np.cos(f.theta), np.sin(f.theta)], [np.sin(f.theta), -np.cos(f.theta)]])
        ),
    ),
    (
        "theta is converted from degrees (np.radians, np.deg2rad), but it is already in radians",
        lambda f: _both(f, _rotation(np.deg2rad(f.theta))),
    ),
    (
        "theta is converted to degrees (np.degrees, np.rad2deg), but np.cos and np.sin take radians",
        lambda f: _both(f, _rotation(np.rad2deg(f.theta))),
    ),
    (
        "sin and cos are swapped in Q: Q = [[cos, -sin], [sin, cos]]",
        lambda f: _both(
            f, np.array([[np.sin(f.theta), -np.cos(f.theta)], [np.cos(f.theta), np.sin(f.theta)]])
        ),
    ),
    (
        "Q lacks its minus sign: [[cos, sin], [sin, cos]] is not a rotation, Q = [[cos, -sin], [sin, cos]]",
        lambda f: _both(
            f, np.array([[np.cos(f.theta), np.sin(f.theta)], [np.sin(f.theta), np.cos(f.theta)]])
        ),
    ),
    (
        "X and W are rotated twice (by 2 theta): multiply each by Q once",
        lambda f: _both(f, _rotation(2 * f.theta)),
    ),
    (
        "X and W are scaled by theta, not rotated: multiply them by Q",
        lambda f: (f.theta * f.X, f.theta * f.W),
    ),
)


def _rotation_fallback(f: Facts, got: tuple[np.ndarray, np.ndarray]) -> str:
    """What kind of transformation the reader applied, when no catalogue entry matches."""
    X_rot, W_rot = got
    if not np.allclose(X_rot @ W_rot.T, f.X @ f.W.T):
        return (
            "the predictions X_rot @ W_rot.T changed. Rotate X and W by the same rotation matrix Q "
            "(X @ Q and W @ Q): then Q @ Q.T = I cancels"
        )
    M = np.linalg.lstsq(f.X, X_rot, rcond=None)[0]  # X_rot = X @ M
    if not np.allclose(f.X @ M, X_rot) or not np.allclose(M @ M.T, np.eye(2)):
        return (
            "the predictions are kept, but the lengths of the vectors change: a rotation keeps every "
            "length. Use Q = [[cos, -sin], [sin, cos]]"
        )
    if np.linalg.det(M) < 0:
        return "this is a reflection (determinant -1), not a rotation: use Q = [[cos, -sin], [sin, cos]]"
    angle = math.atan2(M[1, 0], M[0, 0])
    return f"this is a rotation, but by {angle:.3f} radians instead of theta = {f.theta:.3f} (or -theta)"


_ROTATION = _Checker(
    cases=_ROTATION_CASES,
    facts=_rotation_facts,
    correct=(  # either way round: Q and Q.T (a rotation by -theta) are both accepted
        lambda f: _both(f, _rotation(f.theta)),
        lambda f: _both(f, _rotation(f.theta).T),
    ),
    mistakes=_ROTATION_MISTAKES,
    outputs=("X_rot", "W_rot"),
    returns="X_rot, W_rot",
    hints=(
        (
            ValueError,
            "matmul|align|broadcast|shape",
            "array shapes that do not fit: X is (n_movies, 2) and W is (n_users, 2), one vector per row, so "
            "multiply from the right by the (2, 2) matrix Q: X @ Q.",
        ),
    ),
    fallback=_rotation_fallback,
    not_finite="{name} contains NaN or inf: build Q from np.cos(theta) and np.sin(theta)",
    success=(
        "correct! X @ Q and W @ Q give the same predictions: the factors are only defined up to rotation."
    ),
)


def check_rotation(fn: Callable[..., Any]) -> None:
    """Check a reader's rotation of the factors and print "correct" or the likely mistake.

    Exercise check for 04_visualization. ``fn(X, W, theta)`` must return
    ``(X_rot, W_rot)``, both rotated by the angle ``theta`` (radians, k = 2); either
    direction of rotation is accepted. A wrong answer is matched against typical mistakes
    (different Q for X and W, only one rotated, a reflection, degrees, scaling, ...) and
    printed with the case it failed on. Never raises on a wrong answer.

    Parameters
    ----------
    fn : callable
        The reader's rotation function.
    """
    _report(_ROTATION, _function(fn, "my_rotate"))


# ======================================================================================
# 05_movielens: check_sparse_cost
# ======================================================================================


def _triplets(case: Case) -> Case:
    """A model case as rating triplets, sorted by user as MovieLens is."""
    users, movies = np.nonzero(case["R"].T == 1)
    ratings = case["Y"][movies, users]
    return _readonly(
        X=case["X"],
        W=case["W"],
        b=case["b"],
        users=users,
        movies=movies,
        ratings=ratings,
        lambda_=case["lambda_"],
    )


#: The model's cases as triplets. Case 1 has more movies than users and rates movie 3, so
#: W[movies] fails; case 2 has more users than movies and rates user 2, so X[users] fails.
_SPARSE_CASES: tuple[Case, ...] = tuple(_triplets(case) for case in _MODEL_CASES)


def _sparse_facts(case: Case) -> Facts:
    """The facts of the dense case the triplets come from (so the cost formulas apply)."""
    n_movies, n_users = case["X"].shape[0], case["W"].shape[0]
    Y, R = np.full((n_movies, n_users), nan), np.zeros((n_movies, n_users))
    Y[case["movies"], case["users"]], R[case["movies"], case["users"]] = case["ratings"], 1.0
    f = _model_facts({**{k: case[k] for k in ("X", "W", "b")}, "Y": Y, "R": R, "lambda_": case["lambda_"]})
    f.dims["n_ratings"] = case["ratings"].size
    return f


_SPARSE_MISTAKES: tuple[tuple[str, str], ...] = (
    (
        "zero_dropped",
        "0-star ratings are dropped (ratings != 0 or ratings > 0): every listed rating counts, zero stars "
        "included",
    ),
    (
        "penalty_per_rating",
        "the penalty lambda_/2 (...) is added once per rating (inside a loop over the ratings); add it "
        "once, outside any loop",
    ),
    (
        "penalty_rows_per_rating",
        "the penalty sums X[movies]**2 and W[users]**2, so each movie and user counts once per rating; "
        "it is np.sum(X**2) + np.sum(W**2), every row once",
    ),
    (
        "penalty_without_half",
        "the penalty is lambda_ * (...) without the 1/2: it is lambda_/2 * (sum X^2 + sum W^2)",
    ),
    ("penalty_missing", "the penalty lambda_/2 * (sum X^2 + sum W^2) is missing"),
    ("squares_not_halved", "the squared errors are not halved: J = 1/2 * np.sum(e**2) + the penalty"),
    ("squares_halved_twice", "the squared errors are halved twice (1/4 instead of 1/2)"),
    ("b_regularized", "the biases b are regularized; the penalty covers only X and W"),
    (
        "b_regularized_without_half",
        "the penalty includes the biases b and lacks its 1/2: it is lambda_/2 * (np.sum(X**2) + "
        "np.sum(W**2)), without b",
    ),
    (
        "b_regularized_per_rating",
        "the biases are regularized, b[users]**2 (once per rating): the penalty covers only X and W, "
        "lambda_/2 * (np.sum(X**2) + np.sum(W**2))",
    ),
    (
        "penalty_rated_both",
        "the penalty covers only the movies and users in the list (X[np.unique(movies)], "
        "W[np.unique(users)]); it is np.sum(X**2) + np.sum(W**2) over every movie and every user, "
        "rated or not",
    ),
    (
        "bias_subtracted",
        "the bias has the wrong sign: the prediction is np.sum(X[movies] * W[users], axis=1) + b[users]",
    ),
    (
        "penalty_rated_movies",
        "the penalty covers only the movies in the list (X[np.unique(movies)]); it is np.sum(X**2) over "
        "every movie, rated or not",
    ),
    (
        "penalty_rating_users",
        "the penalty covers only the users in the list (W[np.unique(users)]); it is np.sum(W**2) over "
        "every user",
    ),
    ("bias_missing", "the bias is missing from the prediction: add b[users], each rating's user bias"),
    ("mean_over_ratings", "the squared errors are averaged (np.mean) instead of added up (np.sum)"),
)

_SPARSE = _Checker(
    cases=_SPARSE_CASES,
    facts=_sparse_facts,
    correct=(lambda f: f.half_sq + f.penalty,),
    mistakes=tuple((text, _COST_VALUES[key]) for key, text in _SPARSE_MISTAKES),
    outputs=("J",),
    returns="J",
    hints=(
        (
            IndexError,
            "",
            "users and movies are swapped. Rating n is user users[n] on movie movies[n]: the "
            "features are X[movies], the preferences W[users] and the biases b[users].",
        ),
        (
            ValueError,
            "matmul|align",
            "X[movies] and W[users] are both (n_ratings, k): multiply them elementwise (*) and sum each "
            "row (axis=1); @ does not pair rating n with rating n.",
        ),
        (
            ValueError,
            "broadcast",
            "arrays of different lengths are combined: b has one value per user, b[users] one per rating; "
            "X[movies] and W[users] have one row per rating.",
        ),
    ),
    fallback=lambda f, got: (
        "compare your code with J term by term: 1/2 * np.sum(e**2) with e = np.sum(X[movies] * W[users], "
        "axis=1) + b[users] - ratings, plus lambda_/2 * (np.sum(X**2) + np.sum(W**2)); and check that "
        "rating n uses X[movies[n]], W[users[n]] and b[users[n]]"
    ),
    not_finite="{name} is not a finite number (NaN or inf): check the indices and the penalty",
    success="correct! Your sparse cost matches the dense one on every test case.",
)


def check_sparse_cost(fn: Callable[..., Any]) -> None:
    """Check a reader's cost on rating triplets and print "correct" or the likely mistake.

    Exercise check for 05_movielens. ``fn(X, W, b, users, movies, ratings, lambda_)`` must
    return J. A wrong answer is matched against typical mistakes (users and movies swapped,
    0-star ratings dropped, the penalty per rating or without its 1/2, b regularized, an
    array instead of a number, ...) and printed with the case it failed on. Never raises on a wrong answer.

    Parameters
    ----------
    fn : callable
        The reader's sparse cost function.
    """
    _report(_SPARSE, _function(fn, "my_sparse_cost"))


# -- 06_choosing_and_judging: precision@k and NDCG@k ---------------------------------------


def _top_k_cases() -> list[tuple[np.ndarray, np.ndarray, int]]:
    """Four hand-computable lists: (recommended, relevant, k).

    Case 1: k = 5 of 8 listed movies; hits at ranks 2 and 5, two more beyond rank 5; 7
    relevant movies. Case 2: k = 4, hits at ranks 1 and 3, only 2 relevant movies (fewer
    than k). Case 3: no hit at all. Case 4: k = 3, hits at ranks 1 and 3 and one at rank
    k + 1 = 4, just beyond the list (an off-by-one that reads one movie too many is
    caught); the hits stand where they stand in ``relevant`` too, and ``relevant[:k]``
    holds them.
    """
    return [
        (np.array([12, 7, 3, 10, 5, 1, 9, 2]), np.array([9, 4, 7, 11, 2, 5, 0]), 5),
        (np.array([6, 8, 0, 4, 11, 3]), np.array([0, 6]), 4),
        (np.array([8, 6, 4, 2]), np.array([1, 3, 5]), 3),
        (np.array([4, 2, 9, 6, 1, 8, 7]), np.array([4, 6, 9, 5]), 3),
    ]


def _discounted(hits: list[bool], start: int = 1, weight: Callable[[int], float] | None = None) -> float:
    """sum over ranks q (from ``start``) of hit(q) * weight(q); weight 1 / log2(q + 1) by default."""
    weight = weight or (lambda q: 1 / math.log2(q + 1))
    return float(sum(weight(q) for q, hit in enumerate(hits, start=start) if hit))


def _precision_variants(recommended: np.ndarray, relevant: np.ndarray, k: int) -> dict[str, float]:
    """precision@k and what typical mistakes give instead, on one case."""
    liked = {int(m) for m in relevant}
    hits = [int(m) in liked for m in recommended[:k]]
    found, everywhere = sum(hits), sum(int(m) in liked for m in recommended)
    in_place = sum(int(a) == int(b) for a, b in zip(recommended[:k], relevant))
    return {
        "correct": found / k,
        "this is recall@k (hits / number of relevant movies); precision@k divides by k": found / len(liked),
        "hits below rank k are counted too: look at the first k movies only, recommended[:k]": everywhere / k,
        "the whole list is judged: take its first k movies, recommended[:k], and divide by k": everywhere
        / len(recommended),
        "the hits are divided by the length of the whole list; divide by k": found / len(recommended),
        "this is the number of hits; divide it by k": float(found),
        "this is a percentage; return a fraction between 0 and 1": 100 * found / k,
        "the misses are counted, not the hits": (k - found) / k,
        "the hits are divided by min(k, number of relevant movies); precision@k divides by k": found
        / min(k, len(liked)),
        "the list is compared position by position with the relevant movies; a hit is any of the "
        "first k movies that is relevant, wherever it stands": in_place / k,
        "only the first k - 1 movies are looked at (an off-by-one): recommended[:k]": sum(hits[: k - 1]) / k,
        "only the first k - 1 movies are looked at, and the hits are divided by k - 1 (an off-by-one): "
        "take recommended[:k] and divide by k": sum(hits[: k - 1]) / (k - 1),
        "k + 1 movies are looked at (an off-by-one): with positions counted from 0, the first k are 0 to "
        "k - 1, recommended[:k]": sum(int(m) in liked for m in recommended[: k + 1]) / k,
        "relevant is cut to its first k movies: only the list is cut, recommended[:k]; every relevant "
        "movie counts": sum(int(m) in {int(r) for r in relevant[:k]} for m in recommended[:k]) / k,
        "integer division (//) rounds the share down to a whole number: divide with /": float(found // k),
        "the list starts at recommended[1], skipping the best movie (Python counts from 0): "
        "recommended[:k]": sum(int(m) in liked for m in recommended[1 : k + 1]) / k,
        "the hits are divided by k + 1 (an off-by-one); divide by k": found / (k + 1),
    }


def _ndcg_variants(recommended: np.ndarray, relevant: np.ndarray, k: int) -> dict[str, float]:
    """NDCG@k and what typical mistakes give instead, on one case."""
    liked = {int(m) for m in relevant}
    hits = [int(m) in liked for m in recommended[:k]]
    ideal = [True] * min(k, len(liked))
    dcg, idcg = _discounted(hits), _discounted(ideal)
    own = _discounted(sorted(hits, reverse=True))
    beyond = [int(m) in liked for m in recommended[: k + 1]]  # one movie too many

    def linear(r: int) -> float:
        return 1 / r

    def times_log(r: int) -> float:
        return math.log2(r + 1)

    return {
        "correct": dcg / idcg,
        "this is DCG; divide it by the ideal DCG, the DCG of a list with every hit at the top": dcg,
        "the ideal DCG counts every relevant movie, but at most k fit in the list: sum the ideal "
        "discounts over ranks 1 to min(k, number of relevant movies)": dcg / _discounted([True] * len(liked)),
        "the ideal DCG assumes k relevant movies; with fewer, only min(k, number of relevant "
        "movies) ranks can hold a hit": dcg / _discounted([True] * k),
        "the discount is shifted by one rank: rank 1 must get 1 / log2(1 + 1) = 1 (with a 0-based "
        "position p, use log2(p + 2))": _discounted(hits, start=2) / _discounted(ideal, start=2),
        "the discount is 1 / rank; NDCG uses 1 / log2(rank + 1)": _discounted(hits, weight=linear)
        / _discounted(ideal, weight=linear),
        "there is no discount: every hit counts the same, wherever it is; divide each hit by "
        "log2(rank + 1)": sum(hits) / len(ideal),
        "the ideal DCG is computed from the list's own hits; it must put min(k, number of relevant "
        "movies) hits at the top": dcg / own if own else math.nan,
        "the ranks are counted among the hits only; the discount depends on the rank in the "
        "whole list": _discounted([True] * sum(hits)) / idcg,
        "hits below rank k are counted too: look at the first k movies only, recommended[:k]": _discounted(
            [int(m) in liked for m in recommended]
        )
        / idcg,
        "the first k + 1 movies are judged (an off-by-one): with positions counted from 0, the first k "
        "are 0 to k - 1, recommended[:k]": _discounted(beyond) / idcg,
        "this is NDCG@(k + 1) (an off-by-one): the first k movies are recommended[:k], the discounts "
        "1 / np.log2(np.arange(2, k + 2))": _discounted(beyond)
        / _discounted([True] * min(k + 1, len(liked))),
        "each hit is multiplied by log2(rank + 1); divide by it": _discounted(hits, weight=times_log)
        / _discounted(ideal, weight=times_log),
        "DCG and the ideal DCG are swapped: NDCG = DCG / ideal DCG": idcg / dcg if dcg else math.inf,
        "DCG uses log2 but the ideal DCG the natural log; any base works, but the same in both": dcg
        * math.log(2)
        / idcg,
        "DCG uses the natural log but the ideal DCG log2; any base works, but the same in both": dcg
        / math.log(2)
        / idcg,
    }


_TOP_K_HINTS: tuple[tuple[Any, str, str], ...] = (
    (
        ZeroDivisionError,
        "",
        "a division by zero. The discount of rank q is 1 / log2(q + 1): rank 1 gets 1 / log2(2) = 1, "
        "while 1 / log2(1) divides by zero.",
    ),
)


def _call_reader(fn: Callable[..., Any], case: tuple[Any, ...]) -> tuple[Any, str | None]:
    """(result, None), or (None, what went wrong) explained as in every other check."""
    try:
        return _call(fn, dict(zip(("recommended", "relevant", "k"), case)), _TOP_K_HINTS), None
    except _NotImplementedYetError:
        return None, NOT_IMPLEMENTED
    except _ResultError as wrong:
        return None, wrong.message


def _diagnose_top_k(
    fn: Callable[..., Any], variants: Callable[..., dict[str, float]], what: str
) -> tuple[bool, str]:
    """Run ``fn`` on every case; name the typical mistake that explains everything it returned.

    A mistake is named only if it gives the reader's value on every case the reader's
    function returned a number for, the cases it got right included: a diagnosis blames
    the term that differs, never a coincidence on one case. When no mistake (or more than
    one) explains them all, the message shows the first case it got wrong instead.
    """
    seen: list[tuple[int, tuple[Any, ...], float, dict[str, float]]] = []  # the cases with a number
    for case_no, case in enumerate(_top_k_cases(), start=1):
        with np.errstate(all="ignore"):  # a division by zero is diagnosed below, not warned about
            value, problem = _call_reader(fn, case)
        if problem is None and value is None:
            problem = f"your function returned None: did you forget `return {what}`?"
        if problem is None:
            try:
                value = float(value)
            except (TypeError, ValueError):
                problem = f"your function should return one number ({what}), got {type(value).__name__}."
        if problem is None and not math.isfinite(value):
            problem = (
                f"{what} is {value}: probably a division by zero. The discount of rank q is "
                "1 / log2(q + 1), so rank 1 gets 1 / log2(2) = 1."
            )
        wrong_before = any(not _close(v, table["correct"]) for _, _, v, table in seen)
        if problem:
            if not wrong_before:
                return False, problem
            break  # a wrong value came first: diagnose from the cases so far
        seen.append((case_no, case, value, variants(*case)))
    wrong = [(no, case, v, table) for no, case, v, table in seen if not _close(v, table["correct"])]
    if not wrong:
        return True, f"correct! Your {what} matches on every test case."
    mistakes = [m for m in seen[0][3] if m != "correct"]
    explains = [m for m in mistakes if all(_close(v, table[m]) for _, _, v, table in seen)]
    if len(explains) == 1:
        return False, f"not quite: {explains[0]}."
    case_no, (recommended, relevant, k), value, table = wrong[0]
    return False, (
        f"not quite: on test case {case_no} (recommended {recommended.tolist()}, relevant "
        f"{sorted(relevant.tolist())}, k = {k}) {what} should be {table['correct']:.4f}, your function gave "
        f"{value:.4f}."
    )


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def check_precision_at_k(fn: Callable[..., Any]) -> None:
    """Check a reader's precision@k and print "correct" or the likely mistake.

    Exercise check for 06_choosing_and_judging. ``fn(recommended, relevant, k)`` gets one
    user's list (movie indices, best first, possibly longer than k) and the movies that
    user liked, and must return the share of the first k movies that are liked. Never
    raises.

    Parameters
    ----------
    fn : callable
        The reader's precision@k.
    """
    print(_diagnose_top_k(_function(fn, "my_precision_at_k"), _precision_variants, "precision@k")[1])


def check_ndcg_at_k(fn: Callable[..., Any]) -> None:
    """Check a reader's NDCG@k and print "correct" or the likely mistake.

    Exercise check for 06_choosing_and_judging. ``fn(recommended, relevant, k)`` must
    return ``DCG / IDCG`` with ``DCG = sum over ranks q <= k of hit(q) / log2(q + 1)`` and
    ``IDCG`` the DCG of min(k, number of relevant movies) hits at the top. Never raises.

    Parameters
    ----------
    fn : callable
        The reader's NDCG@k.
    """
    print(_diagnose_top_k(_function(fn, "my_ndcg_at_k"), _ndcg_variants, "NDCG@k")[1])


# ======================================================================================
# 07_als_and_spark: check_user_step
# ======================================================================================

#: Cases of their own (the model cases' user who rated nothing would leave n_users = k = 2).
#: In each, the numbers of movies, users and ratings, k and 2 all differ, so a transposed W
#: is named by its shape; every user rated something (b is then determined), one of them a
#: 0-star rating among others. Case 1 has NaN in the unrated cells (as load_toy gives), case 2
#: finite junk (so that "unrated movies included" is a wrong number, not only NaN).
_USER_STEP_CASES: tuple[Case, ...] = (
    _readonly(
        X=np.array([[1.0, 2.0, 0.5], [0.5, -1.0, 1.0], [0.0, 1.0, -0.5], [-1.0, 0.5, 2.0], [1.5, 0.0, 1.0]]),
        Y=np.array(
            [
                [5.0, 0.0, nan, 3.0],
                [nan, 4.0, 1.0, nan],
                [1.0, nan, 0.0, 2.0],
                [0.0, 4.0, nan, 1.0],
                [nan, 2.5, 5.0, nan],
            ]
        ),
        R=np.array(
            [
                [1.0, 1.0, 0.0, 1.0],
                [0.0, 1.0, 1.0, 0.0],
                [1.0, 0.0, 1.0, 1.0],
                [1.0, 1.0, 0.0, 1.0],
                [0.0, 1.0, 1.0, 0.0],
            ]
        ),
        lambda_=1.5,
    ),
    _readonly(
        X=np.array([[1.5], [-0.5], [0.8]]),
        Y=np.array([[4.0, 0.0, 9.0, 2.0, 7.0], [1.0, 7.0, 3.0, 6.0, 5.0], [3.0, 2.0, 8.0, 0.0, 1.0]]),
        R=np.array([[1.0, 1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0, 1.0]]),
        lambda_=0.7,
    ),
)


def _user_step(
    f: Facts,
    penalty: list[float],
    *,
    with_bias: bool = True,
    rated_only: bool = True,
    zeros_dropped: bool = False,
    mean: bool = False,
    ones_first: bool = False,
    split_first: bool = False,
) -> tuple:
    """(W, b) from each user's normal equations with the given diagonal penalty, or with a mistake.

    ``zeros_dropped``: 0-star ratings left out; ``mean``: both sums divided by the user's
    number of ratings; ``ones_first``: A = [1, X] with the penalty as given, u split as
    [b, w] when ``split_first``, else as [w, b] (the split of the ones-last layout).
    """
    k = f.X.shape[1]
    W, b = np.zeros((f.n_users, k)), np.zeros(f.n_users)
    for j in range(f.n_users):
        rows = f.R[:, j] == 1 if rated_only else np.ones(f.n_movies, dtype=bool)
        if zeros_dropped:
            rows = rows & (np.nan_to_num(f.Y[:, j]) != 0)
        ones = np.ones((rows.sum(), 1))
        A = (
            (np.hstack([ones, f.X[rows]]) if ones_first else np.hstack([f.X[rows], ones]))
            if with_bias
            else f.X[rows]
        )
        lhs, rhs = A.T @ A, A.T @ np.nan_to_num(f.Y[rows, j])
        if mean:
            lhs, rhs = lhs / max(rows.sum(), 1), rhs / max(rows.sum(), 1)
        u = np.linalg.lstsq(lhs + np.diag(penalty[: A.shape[1]]), rhs, rcond=None)[0]
        if ones_first and split_first:
            W[j], b[j] = u[1:], u[0]
        else:
            W[j], b[j] = u[:k], u[k] if with_bias else 0.0
    return W, b


def _user_step_facts(case: Case) -> Facts:
    f = SimpleNamespace(**case, lam=case["lambda_"])
    f.n_movies, f.n_users = f.R.shape
    f.dims = {"n_movies": f.n_movies, "n_users": f.n_users, "k": f.X.shape[1]}
    f.ridge = [f.lam] * f.X.shape[1]  # lambda_ on each of w's k entries
    return f


_USER_STEP = _Checker(
    cases=_USER_STEP_CASES,
    facts=_user_step_facts,
    correct=(lambda f: _user_step(f, [*f.ridge, 0.0]),),
    mistakes=(
        (
            "b is regularized too: the last diagonal entry (b's) must be 0, not lambda_",
            lambda f: _user_step(f, [*f.ridge, f.lam]),
        ),
        (
            "lambda_ is missing from the diagonal (add lambda_ for each of w's k entries)",
            lambda f: _user_step(f, [0.0] * (len(f.ridge) + 1)),
        ),
        (
            "the penalty is lambda_ / 2; the 1/2 cancels when J is differentiated, so it is lambda_",
            lambda f: _user_step(f, [f.lam / 2] * len(f.ridge) + [0.0]),
        ),
        (
            "the bias is missing: give A a column of ones, so that u = [w, b]",
            lambda f: _user_step(f, f.ridge, with_bias=False),
        ),
        (
            "unrated movies are included: use only the rows i with R[i, j] = 1",
            lambda f: _user_step(f, [*f.ridge, 0.0], rated_only=False),
        ),
        (
            "0-star ratings are dropped: a 0 in Y is a rating too; select the rows with R[:, j] == 1, "
            "not Y > 0",
            lambda f: _user_step(f, [*f.ridge, 0.0], zeros_dropped=True),
        ),
        (
            "the penalty is 2 lambda_; the derivative of (lambda_/2) ||w||^2 is lambda_ w, so the "
            "diagonal gets lambda_",
            lambda f: _user_step(f, [2 * f.lam] * len(f.ridge) + [0.0]),
        ),
        (
            "lambda_ is subtracted: the penalty adds +lambda_ to the diagonal (it pulls w towards 0)",
            lambda f: _user_step(f, [-f.lam] * len(f.ridge) + [0.0]),
        ),
        (
            "the sums are divided by the user's number of ratings (a mean instead of a sum), or lambda_ "
            "is added once per rating, inside the loop (the same math): either way the penalty is lambda_ "
            "times the number of ratings, Spark's scaled regParam of section 3. J adds up the squared "
            "errors and has one penalty per user: use A.T @ A and A.T @ y as they are and add "
            "diag(lambda_, ..., lambda_, 0) once, after the loop over the ratings",
            lambda f: _user_step(f, [*f.ridge, 0.0], mean=True),
        ),
        (
            "the column of ones comes first in your A, but the penalty diag(lambda_, ..., lambda_, 0) "
            "and the split u[:k], u[k] are those of ones last: build A = [X of the rated movies, 1]",
            lambda f: _user_step(f, [*f.ridge, 0.0], ones_first=True),
        ),
        (
            "the column of ones comes first in your A, but the penalty diag(lambda_, ..., lambda_, 0) "
            "puts its 0 last, on a feature, and lambda_ on b: with the ones first, use "
            "diag(0, lambda_, ..., lambda_)",
            lambda f: _user_step(f, [*f.ridge, 0.0], ones_first=True, split_first=True),
        ),
    ),
    outputs=("W", "b"),
    returns="W, b",
    hints=(
        (
            np.linalg.LinAlgError,
            "",
            "a singular matrix: a user rated fewer movies than w and b have entries, so A.T @ A alone "
            "cannot be solved. Is lambda_ missing from the diagonal?",
        ),
    ),
    fallback=lambda f, got: (
        "W or b differ from the solution of the normal equations. Check lhs = A.T @ A + diag(lambda_, ..., "
        "lambda_, 0) and rhs = A.T @ y for each user, with A = [X of the movies the user rated, 1]"
    ),
    not_finite="{name} contains NaN: unrated entries (NaN in Y) are included; use the rated rows only",
    success="correct! Every user's (w, b) solves its normal equations: the user half-step of ALS.",
)


def check_user_step(fn: Callable[..., Any]) -> None:
    """Check a reader's ALS user half-step and print "correct" or the likely mistake.

    Exercise check for 07_als_and_spark. ``fn(X, Y, R, lambda_)`` must return ``(W, b)``,
    each user's best preferences and bias for the fixed movie features X (every user of
    the cases rated at least one movie). Never raises on a wrong answer.

    Parameters
    ----------
    fn : callable
        The reader's user half-step.
    """
    _report(_USER_STEP, _function(fn, "my_user_step"))
