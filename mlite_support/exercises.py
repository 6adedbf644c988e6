"""Exercise checkers, one per notebook (the idea of Coursera's ``public_tests.py``).

Each ``check_*`` runs a reader's function on small hand-computable cases, prints
"correct!" or the likely mistake, and never raises, so the notebook keeps running.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np


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
        dX, dW, db = _gradient_variants(X, W, b, Y, R, lambda_)["correct"]
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
        _, dW_late, db_late = _gradient_variants(X_first, W, b, Y, R, lambda_)["correct"]
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


def _user_step_variants(
    X: np.ndarray, Y: np.ndarray, R: np.ndarray, lambda_: float
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(W, b) from a correct user half-step and from typical wrong ones, on one case."""
    k = X.shape[1]

    def solve(
        penalty: list[float], with_bias: bool = True, rated_only: bool = True
    ) -> tuple[np.ndarray, ...]:
        W, b = np.zeros((R.shape[1], k)), np.zeros(R.shape[1])
        for j in range(R.shape[1]):
            rows = R[:, j] == 1 if rated_only else np.ones(R.shape[0], dtype=bool)
            A = np.column_stack([X[rows], np.ones(rows.sum())]) if with_bias else X[rows]
            lhs = A.T @ A + np.diag(penalty[: A.shape[1]])
            theta = np.linalg.lstsq(lhs, A.T @ np.nan_to_num(Y[rows, j]), rcond=None)[0]
            W[j], b[j] = theta[:k], theta[k] if with_bias else 0.0
        return W, b

    lam = [lambda_] * k
    return {
        "correct": solve([*lam, 0.0]),
        "b is regularized too: the last diagonal entry (b's) must be 0, not lambda_": solve([*lam, lambda_]),
        "lambda_ is missing from the diagonal (add lambda_ for each of w's k entries)": solve(
            [0.0] * (k + 1)
        ),
        "the penalty is lambda_ / 2; the 1/2 cancels when J is differentiated, so it is lambda_": solve(
            [lambda_ / 2] * k + [0.0]
        ),
        "the bias is missing: give A a column of ones, so that theta = [w, b]": solve(lam, with_bias=False),
        "unrated movies are included: use only the rows i with R[i, j] = 1": solve(
            [*lam, 0.0], rated_only=False
        ),
    }


def _diagnose_user_step(fn: Callable[..., Any]) -> tuple[bool, str]:
    for case_no, (X, _, _, Y, R, lambda_) in enumerate(_exercise_cases(), start=1):
        result, problem = _call_reader(fn, (X, Y, R, lambda_))
        if problem and "LinAlgError" in problem:
            return False, (
                f"{problem}. On test case {case_no} a user rated fewer movies than w and b have entries: "
                "is lambda_ missing from the diagonal?"
            )
        if problem:
            return False, problem
        if result is None:
            return False, "your function returned None: did you forget `return W, b`?"
        try:
            W, b = (np.asarray(p, dtype=float) for p in result)
        except (TypeError, ValueError):
            return False, "your function should return two arrays: W and b."
        variants = _user_step_variants(X, Y, R, lambda_)
        W_ok, b_ok = variants.pop("correct")
        if W.shape != W_ok.shape or b.shape != b_ok.shape:
            return (
                False,
                f"W and b must have shapes {W_ok.shape} and {b_ok.shape}, got {W.shape} and {b.shape}.",
            )
        if np.isnan(W).any() or np.isnan(b).any():
            return (
                False,
                "W or b contains NaN: unrated entries (NaN in Y) are included. Use the rated rows only.",
            )
        if np.allclose(W, W_ok, atol=1e-8) and np.allclose(b, b_ok, atol=1e-8):
            continue
        for mistake, (W_bad, b_bad) in variants.items():
            if np.allclose(W, W_bad, atol=1e-8) and np.allclose(b, b_bad, atol=1e-8):
                return False, f"not quite: {mistake}."
        return False, (
            f"not quite: on test case {case_no} W or b differ from the solution of the normal equations. "
            "Check lhs = A.T @ A + diag(lambda_, ..., lambda_, 0) and rhs = A.T @ y for each user."
        )
    return True, "correct! Every user's (w, b) solves its normal equations: the user half-step of ALS."


def check_user_step(fn: Callable[..., Any]) -> None:
    """Check a reader's ALS user half-step and print "correct" or the likely mistake.

    Exercise check for 07_als_and_spark. ``fn(X, Y, R, lambda_)`` must return ``(W, b)``,
    each user's best preferences and bias for the fixed movie features X. Never raises.

    Parameters
    ----------
    fn : callable
        The reader's user half-step.
    """
    print(_diagnose_user_step(fn)[1])
