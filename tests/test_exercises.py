"""The exercise checkers: each typical mistake gets its diagnosis, each correct solution passes.

One table per checker: a learner's function (written the way learners write it) and a
distinctive part of what the checker must print. "correct!" means the solution must pass.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import mlite_helpers as mh
from mlite_support import exercises

ROOT = Path(__file__).resolve().parents[1]
CORRECT = "correct!"


def run_check(capsys, check, fn) -> str:
    assert check(fn) is None  # prints, never raises
    return capsys.readouterr().out


def assert_diagnosis(capsys, check, fn, expected):
    out = run_check(capsys, check, fn)
    assert expected in out, out
    assert out.startswith(CORRECT) == (expected == CORRECT), out
    if expected not in (CORRECT, exercises.NOT_IMPLEMENTED):
        assert "The case it failed on (test case " in out, out  # the failing case is shown
        assert re.search(r"^  expected \w", out, re.MULTILINE), out


def _y0(Y, R):
    return np.where(R == 1, Y, 0.0)


def _penalty(X, W, lambda_):
    return lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))


def _e(X, W, b, Y, R):
    return (X @ W.T + b - _y0(Y, R)) * R


# ======================================================================================
# 01: check_cost
# ======================================================================================


def cost_vectorized(X, W, b, Y, R, lambda_):
    Y0 = np.where(R == 1, Y, 0.0)
    E = (X @ W.T + b - Y0) * R
    return 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))


def cost_loops(X, W, b, Y, R, lambda_):
    J = 0.0
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if R[i, j] == 1:
                J += (W[j] @ X[i] + b[j] - Y[i, j]) ** 2
    return J / 2 + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))


def cost_y_minus_prediction(X, W, b, Y, R, lambda_):  # (y - y_hat)^2 = (y_hat - y)^2: correct
    E = (_y0(Y, R) - X @ W.T - b) * R
    return 0.5 * np.sum(E**2) + _penalty(X, W, lambda_)


def cost_boolean_index(X, W, b, Y, R, lambda_):
    e = (X @ W.T + b - Y)[R == 1]
    return 0.5 * e @ e + _penalty(X, W, lambda_)


def cost_in_place(X, W, b, Y, R, lambda_):  # changes its own copies of Y and X: fine
    Y[R == 0] = 0
    E = X @ W.T
    E += b
    E -= Y
    E *= R
    X **= 2
    return 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(X) + np.sum(W**2))


def cost_over_nonzero(X, W, b, Y, R, lambda_):
    J = sum((X[i] @ W[j] + b[j] - Y[i, j]) ** 2 for i, j in zip(*np.nonzero(R)))
    return float(J) / 2 + _penalty(X, W, lambda_)


def cost_zero_dropped_mask(X, W, b, Y, R, lambda_):
    Y0 = np.nan_to_num(Y)
    E = (X @ W.T + b - Y0) * (Y0 != 0)
    return 0.5 * np.sum(E**2) + _penalty(X, W, lambda_)


def cost_zero_skipped_loop(X, W, b, Y, R, lambda_):
    J = 0.0
    for i, j in zip(*np.nonzero(R)):
        if Y[i, j] != 0:  # "skip the empty cells"
            J += 0.5 * (W[j] @ X[i] + b[j] - Y[i, j]) ** 2
    return J + _penalty(X, W, lambda_)


def cost_R_from_Y(X, W, b, Y, R, lambda_):
    R = (Y != 0).astype(float)  # NaN != 0 is True: NaN gets in
    return 0.5 * np.sum(((X @ W.T + b - Y) * R) ** 2) + _penalty(X, W, lambda_)


def cost_unrated_included(X, W, b, Y, R, lambda_):
    E = X @ W.T + b - np.nan_to_num(Y)
    return 0.5 * np.sum(E**2) + _penalty(X, W, lambda_)


def cost_nansum(X, W, b, Y, R, lambda_):  # right while unrated means NaN, wrong on case 2
    return 0.5 * np.nansum((X @ W.T + b - Y) ** 2) + _penalty(X, W, lambda_)


def cost_nan(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return 0.5 * np.sum(E**2) + _penalty(X, W, lambda_)


def cost_penalty_per_rating(X, W, b, Y, R, lambda_):
    J = 0.0
    for i, j in zip(*np.nonzero(R)):
        J += 0.5 * (W[j] @ X[i] + b[j] - Y[i, j]) ** 2
        J += _penalty(X, W, lambda_)
    return J


def cost_penalty_per_user(X, W, b, Y, R, lambda_):
    J = 0.0
    for j in range(Y.shape[1]):
        rated = R[:, j] == 1
        J += 0.5 * np.sum((X[rated] @ W[j] + b[j] - Y[rated, j]) ** 2)
        J += _penalty(X, W, lambda_)
    return J


def cost_penalty_per_movie(X, W, b, Y, R, lambda_):
    J = 0.0
    for i in range(Y.shape[0]):
        rated = R[i] == 1
        J += 0.5 * np.sum((W[rated] @ X[i] + b[rated] - Y[i, rated]) ** 2) + _penalty(X, W, lambda_)
    return J


def cost_penalty_rows_per_rating(X, W, b, Y, R, lambda_):
    J = 0.0
    for i, j in zip(*np.nonzero(R)):
        J += 0.5 * (W[j] @ X[i] + b[j] - Y[i, j]) ** 2 + lambda_ / 2 * (X[i] @ X[i] + W[j] @ W[j])
    return J


def cost_penalty_without_half(X, W, b, Y, R, lambda_):
    return 0.5 * np.sum(_e(X, W, b, Y, R) ** 2) + lambda_ * (np.sum(X**2) + np.sum(W**2))


def cost_no_penalty(X, W, b, Y, R, lambda_):
    return 0.5 * np.sum(_e(X, W, b, Y, R) ** 2)


def cost_squares_not_halved(X, W, b, Y, R, lambda_):
    return np.sum(_e(X, W, b, Y, R) ** 2) + _penalty(X, W, lambda_)


def cost_halved_twice(X, W, b, Y, R, lambda_):
    return 0.5 * (0.5 * np.sum(_e(X, W, b, Y, R) ** 2)) + _penalty(X, W, lambda_)


def cost_whole_halved_again(X, W, b, Y, R, lambda_):
    return (0.5 * np.sum(_e(X, W, b, Y, R) ** 2) + _penalty(X, W, lambda_)) / 2


def cost_b_regularized(X, W, b, Y, R, lambda_):
    return cost_vectorized(X, W, b, Y, R, lambda_) + lambda_ / 2 * np.sum(b**2)


def cost_b_regularized_without_half(X, W, b, Y, R, lambda_):
    return 0.5 * np.sum(_e(X, W, b, Y, R) ** 2) + lambda_ * (np.sum(X**2) + np.sum(W**2) + np.sum(b**2))


def cost_bias_subtracted(X, W, b, Y, R, lambda_):
    E = (X @ W.T - b - _y0(Y, R)) * R
    return 0.5 * np.sum(E**2) + _penalty(X, W, lambda_)


def cost_b_column(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b[:, None] - _y0(Y, R)) * R  # b as a column: added to rows
    return 0.5 * np.sum(E**2) + _penalty(X, W, lambda_)


def cost_penalty_rated_movies(X, W, b, Y, R, lambda_):
    rated = R.sum(axis=1) > 0
    return 0.5 * np.sum(_e(X, W, b, Y, R) ** 2) + _penalty(X[rated], W, lambda_)


def cost_penalty_rating_users(X, W, b, Y, R, lambda_):
    rated = R.any(axis=0)
    return 0.5 * np.sum(_e(X, W, b, Y, R) ** 2) + _penalty(X, W[rated], lambda_)


def cost_no_bias(X, W, b, Y, R, lambda_):
    return 0.5 * np.sum(((X @ W.T - _y0(Y, R)) * R) ** 2) + _penalty(X, W, lambda_)


def cost_mean_over_ratings(X, W, b, Y, R, lambda_):
    e = _e(X, W, b, Y, R)[R == 1]
    return 0.5 * np.mean(e**2) + _penalty(X, W, lambda_)


def cost_mean_over_matrix(X, W, b, Y, R, lambda_):
    return 0.5 * np.mean(_e(X, W, b, Y, R) ** 2) + _penalty(X, W, lambda_)


def cost_W_transposed(X, W, b, Y, R, lambda_):
    E = (X @ W + b - _y0(Y, R)) * R  # W used as (k, n_users)
    return 0.5 * np.sum(E**2) + _penalty(X, W, lambda_)


def cost_W_column(X, W, b, Y, R, lambda_):
    J = 0.0
    for i, j in zip(*np.nonzero(R)):
        J += (X[i] @ W[:, j] + b[j] - Y[i, j]) ** 2
    return J / 2 + _penalty(X, W, lambda_)


def cost_i_j_swapped(X, W, b, Y, R, lambda_):
    J = 0.0
    for j in range(Y.shape[0]):  # j runs over movies here
        for i in range(Y.shape[1]):
            J += R[j, i] * (W[j] @ X[i] + b[j] - np.nan_to_num(Y[j, i])) ** 2
    return J / 2 + _penalty(X, W, lambda_)


def cost_returns_matrix(X, W, b, Y, R, lambda_):
    return 0.5 * _e(X, W, b, Y, R) ** 2 + _penalty(X, W, lambda_)


def cost_numpy_not_imported(X, W, b, Y, R, lambda_):
    return numpy.sum(X)  # noqa: F821


def cost_stub(X, W, b, Y, R, lambda_):
    # YOUR CODE HERE: compute and return J
    raise NotImplementedError


def cost_no_return(X, W, b, Y, R, lambda_):
    J = cost_vectorized(X, W, b, Y, R, lambda_)  # noqa: F841


def cost_off_by_one(X, W, b, Y, R, lambda_):
    return cost_vectorized(X, W, b, Y, R, lambda_) + 1.0


COST_TABLE = [
    (cost_vectorized, CORRECT),
    (cost_loops, CORRECT),
    (mh.cost, CORRECT),
    (mh.cost_loops, CORRECT),
    (cost_y_minus_prediction, CORRECT),
    (cost_boolean_index, CORRECT),
    (cost_in_place, CORRECT),
    (cost_over_nonzero, CORRECT),
    (cost_zero_dropped_mask, "0-star ratings are dropped"),
    (cost_zero_skipped_loop, "0-star ratings are dropped"),
    (cost_R_from_Y, "a mask from Y != 0 lets NaN through"),
    (cost_unrated_included, "unrated entries are included"),
    (cost_nansum, "unrated entries are included"),
    (cost_nan, "J is NaN: an unrated entry (NaN in Y) reached the sum"),
    (cost_penalty_per_rating, "inside the loop, once per rating"),
    (cost_penalty_per_user, "once per user (inside the loop over users)"),
    (cost_penalty_per_movie, "once per movie (inside the loop over movies)"),
    (cost_penalty_rows_per_rating, "adds ||x(i)||^2 + ||w(j)||^2 inside the loop"),
    (cost_penalty_without_half, "without the 1/2"),
    (cost_no_penalty, "the penalty lambda_/2 * (sum X^2 + sum W^2) is missing"),
    (cost_squares_not_halved, "the squared errors are not halved"),
    (cost_halved_twice, "halved twice (1/4 instead of 1/2)"),
    (cost_whole_halved_again, "the whole cost is halved once more"),
    (cost_b_regularized, "the biases b are regularized"),
    (cost_b_regularized_without_half, "the penalty includes the biases b and lacks its 1/2"),
    (cost_bias_subtracted, "the bias has the wrong sign"),
    (cost_b_column, "b made into a column (b[:, None] or b.reshape(-1, 1)"),
    (cost_penalty_rated_movies, "only the movies that have ratings"),
    (cost_penalty_rating_users, "only the users who rated something"),
    (cost_no_bias, "the bias b(j) is missing"),
    (cost_mean_over_ratings, "averaged (mean) instead of added up"),
    (cost_mean_over_matrix, "np.mean over the whole matrix"),
    (cost_W_transposed, "raised ValueError in cost_W_transposed, at the line `E = (X @ W + b"),
    (cost_W_column, "raised ValueError in cost_W_column"),
    (cost_i_j_swapped, "Are i and j swapped"),
    (cost_returns_matrix, "returned an array of shape (4, 3), not one number"),
    (cost_numpy_not_imported, "a name is used that is not defined: check its spelling (numpy is np"),
    (cost_stub, exercises.NOT_IMPLEMENTED),
    (cost_no_return, "returned None: did you forget `return J`?"),
    (cost_off_by_one, "compare your code with the formula of J term by term"),
]


@pytest.mark.parametrize(("fn", "expected"), COST_TABLE, ids=lambda v: getattr(v, "__name__", ""))
def test_check_cost(capsys, fn, expected):
    assert_diagnosis(capsys, mh.check_cost, fn, expected)


def test_cost_messages_show_the_case_and_the_cause(capsys):
    out = run_check(capsys, mh.check_cost, cost_penalty_without_half)
    assert "not quite: the penalty is lambda_ * (...) without the 1/2" in out
    for line in ("  lambda_ = 1.5", "  R = [[1, 1, 0], [0, 0, 0], [1, 0, 0], [1, 1, 0]]", "  expected J = "):
        assert line in out
    assert "  Y = [[5, 0, nan]," in out  # NaN where unrated, and a 0-star rating
    assert re.search(r"^      your J = \d+\.\d{1,3}$", out, re.MULTILINE)
    out = run_check(capsys, mh.check_cost, cost_W_transposed)
    assert "Probable cause: array shapes that do not fit" in out and "X @ W.T + b" in out
    out = run_check(capsys, mh.check_cost, cost_W_column)
    assert "(X @ W, or W[:, j]) is the usual cause" in out and "at the line `J += (X[i] @ W[:, j]" in out
    out = run_check(capsys, mh.check_cost, cost_i_j_swapped)
    assert "raised IndexError in cost_i_j_swapped, at the line `J += R[j, i] * (W[j] @ X[i]" in out


# ======================================================================================
# 02: check_gradients
# ======================================================================================


def grads_vectorized(X, W, b, Y, R, lambda_):
    E = _e(X, W, b, Y, R)
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0)


def grads_loops(X, W, b, Y, R, lambda_):
    dX, dW, db = lambda_ * X, lambda_ * W, np.zeros_like(b)
    for i, j in zip(*np.nonzero(R)):
        e = X[i] @ W[j] + b[j] - Y[i, j]
        dX[i] += e * W[j]
        dW[j] += e * X[i]
        db[j] += e
    return dX, dW, db


def grads_in_place(X, W, b, Y, R, lambda_):  # changes its own copy of Y: fine
    Y[R == 0] = 0.0
    E = X @ W.T + b - Y
    E *= R
    dX = E @ W
    dX += lambda_ * X
    dW = E.T @ X
    dW += lambda_ * W
    return dX, dW, E.sum(axis=0)


def grads_einsum(X, W, b, Y, R, lambda_):
    E = _e(X, W, b, Y, R)
    return np.einsum("ij,jk->ik", E, W) + lambda_ * X, np.einsum("ij,ik->jk", E, X) + lambda_ * W, E.sum(0)


def grads_sign(*args):
    return tuple(-g for g in grads_vectorized(*args))


def grads_error_sign(X, W, b, Y, R, lambda_):
    E = (_y0(Y, R) - X @ W.T - b) * R  # y - y_hat
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0)


def grads_no_penalty(X, W, b, Y, R, lambda_):
    return grads_vectorized(X, W, b, Y, R, 0.0)


def grads_half_penalty(X, W, b, Y, R, lambda_):
    dX, dW, db = grads_vectorized(X, W, b, Y, R, 0.0)
    return dX + lambda_ / 2 * X, dW + lambda_ / 2 * W, db


def grads_b_regularized(X, W, b, Y, R, lambda_):
    dX, dW, db = grads_vectorized(X, W, b, Y, R, lambda_)
    return dX, dW, db + lambda_ * b


def grads_unrated(X, W, b, Y, R, lambda_):
    E = X @ W.T + b - np.nan_to_num(Y)
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0)


def grads_E_without_R(X, W, b, Y, R, lambda_):
    E = X @ W.T + b - _y0(Y, R)
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0)


def grads_zero_dropped(X, W, b, Y, R, lambda_):
    Y0 = np.nan_to_num(Y)
    return grads_vectorized(X, W, b, Y0, (Y0 != 0) * R, lambda_)


def grads_nan(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0)


def grads_dX_transposed(*args):
    dX, dW, db = grads_vectorized(*args)
    return dX.T, dW, db


def grads_dX_dW_swapped(*args):
    dX, dW, db = grads_vectorized(*args)
    return dW, dX, db


def grads_db_wrong_axis(X, W, b, Y, R, lambda_):
    E = _e(X, W, b, Y, R)
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=1)


def grads_db_mean(X, W, b, Y, R, lambda_):
    E = _e(X, W, b, Y, R)
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, np.mean(E, axis=0)


def grads_mean(X, W, b, Y, R, lambda_):
    E = _e(X, W, b, Y, R) / R.sum()
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0)


def grads_no_bias(X, W, b, Y, R, lambda_):
    return grads_vectorized(X, W, np.zeros_like(b), Y, R, lambda_)


def grads_penalty_per_rating(X, W, b, Y, R, lambda_):
    dX, dW, db = np.zeros_like(X), np.zeros_like(W), np.zeros_like(b)
    for i, j in zip(*np.nonzero(R)):
        e = X[i] @ W[j] + b[j] - Y[i, j]
        dX[i] += e * W[j] + lambda_ * X[i]
        dW[j] += e * X[i] + lambda_ * W[j]
        db[j] += e
    return dX, dW, db


def grads_penalty_whole_in_loop(X, W, b, Y, R, lambda_):
    dX, dW, db = np.zeros_like(X), np.zeros_like(W), np.zeros_like(b)
    for i, j in zip(*np.nonzero(R)):
        e = X[i] @ W[j] + b[j] - Y[i, j]
        dX[i] += e * W[j]
        dW[j] += e * X[i]
        db[j] += e
        dX += lambda_ * X  # the whole penalty, once per rating
        dW += lambda_ * W
    return dX, dW, db


def grads_two_e(X, W, b, Y, R, lambda_):
    E = _e(X, W, b, Y, R)
    return 2 * E @ W + lambda_ * X, 2 * E.T @ X + lambda_ * W, 2 * E.sum(axis=0)


def grads_all_doubled(X, W, b, Y, R, lambda_):
    E = _e(X, W, b, Y, R)
    return 2 * (E @ W + lambda_ * X), 2 * (E.T @ X + lambda_ * W), 2 * E.sum(axis=0)


def grads_ET_W(X, W, b, Y, R, lambda_):
    E = _e(X, W, b, Y, R)
    return E.T @ W + lambda_ * X, E @ X + lambda_ * W, E.sum(axis=0)


def grads_two(*args):
    return grads_vectorized(*args)[:2]


def grads_stub(X, W, b, Y, R, lambda_):
    raise NotImplementedError


def grads_db_tripled(*args):
    dX, dW, db = grads_vectorized(*args)
    return dX, dW, 3 * db


GRADIENT_TABLE = [
    (grads_vectorized, CORRECT),
    (grads_loops, CORRECT),
    (grads_in_place, CORRECT),
    (grads_einsum, CORRECT),
    (mh.gradients, CORRECT),
    (mh.gradients_loops, CORRECT),
    (grads_sign, "every gradient has the wrong sign"),
    (grads_error_sign, "the error has the wrong sign"),
    (grads_no_penalty, "lambda_ * X and lambda_ * W are missing"),
    (grads_half_penalty, "the 1/2 cancels with the square"),
    (grads_b_regularized, "db includes lambda_ * b"),
    (grads_unrated, "unrated entries are included"),
    (grads_E_without_R, "unrated entries are included"),
    (grads_zero_dropped, "0-star ratings are dropped"),
    (grads_nan, "dX contains NaN: an unrated entry (NaN in Y) reached it"),
    (
        grads_dX_transposed,
        "dX has shape (2, 4) = (k, n_movies), but (4, 2) = (n_movies, k) is needed (transposed?)",
    ),
    (grads_dX_dW_swapped, "that is the shape of dW: are dX and dW swapped?"),
    (grads_db_wrong_axis, "db has shape (4,) = (n_movies,), but (3,) = (n_users,) is needed"),
    (grads_db_mean, "db averages the errors (np.mean)"),
    (grads_mean, "averaged over the ratings instead of added up"),
    (grads_no_bias, "the bias b(j) is missing from the prediction in the error"),
    (grads_penalty_per_rating, "the penalty gradient is added inside the loop, once per rating"),
    (grads_penalty_whole_in_loop, "the whole penalty gradient lambda_ * X (and lambda_ * W) is added inside"),
    (grads_two_e, "the errors are doubled (2 * e)"),
    (grads_all_doubled, "every gradient is twice too large"),
    (grads_ET_W, "dX = E @ W is (n_movies, k)"),
    (grads_two, "should return three arrays (dX, dW, db), got 2 values"),
    (grads_stub, exercises.NOT_IMPLEMENTED),
    (grads_db_tripled, "mh.compare_gradients"),
]


@pytest.mark.parametrize(("fn", "expected"), GRADIENT_TABLE, ids=lambda v: getattr(v, "__name__", ""))
def test_check_gradients(capsys, fn, expected):
    assert_diagnosis(capsys, mh.check_gradients, fn, expected)


def test_gradient_messages_show_only_the_wrong_blocks(capsys):
    out = run_check(capsys, mh.check_gradients, grads_b_regularized)
    assert "  expected db = " in out and "      your db = " in out
    assert "expected dX" not in out and "expected dW" not in out


# ======================================================================================
# 03: check_step
# ======================================================================================


def step_solution(X, W, b, Y, R, alpha, lambda_):
    dX, dW, db = mh.gradients(X, W, b, Y, R, lambda_)
    return X - alpha * dX, W - alpha * dW, b - alpha * db


def step_in_place(X, W, b, Y, R, alpha, lambda_):  # updates the arrays it was given, returns them
    dX, dW, db = mh.gradients(X, W, b, Y, R, lambda_)
    X -= alpha * dX
    W -= alpha * dW
    b -= alpha * db
    return X, W, b


def step_loop_over_params(X, W, b, Y, R, alpha, lambda_):
    grads = mh.gradients(X, W, b, Y, R, lambda_)
    return tuple(p - alpha * g for p, g in zip((X, W, b), grads))


def step_own_gradients(X, W, b, Y, R, alpha, lambda_):
    dX, dW, db = grads_loops(X, W, b, Y, R, lambda_)
    return X - alpha * dX, W - alpha * dW, b - alpha * db


def step_vandal(X, W, b, Y, R, alpha, lambda_):  # right values, then wrecks every argument
    new = step_solution(X, W, b, Y, R, alpha, lambda_)
    for array in (X, W, b, Y, R):
        array[...] = 0.0
    return new


def step_uphill(X, W, b, Y, R, alpha, lambda_):
    dX, dW, db = mh.gradients(X, W, b, Y, R, lambda_)
    return X + alpha * dX, W + alpha * dW, b + alpha * db


def step_no_alpha(X, W, b, Y, R, alpha, lambda_):
    dX, dW, db = mh.gradients(X, W, b, Y, R, lambda_)
    return X - dX, W - dW, b - db


def step_returns_gradients(X, W, b, Y, R, alpha, lambda_):
    return mh.gradients(X, W, b, Y, R, lambda_)


def step_returns_changes(X, W, b, Y, R, alpha, lambda_):
    return tuple(-alpha * g for g in mh.gradients(X, W, b, Y, R, lambda_))


def step_b_fixed(X, W, b, Y, R, alpha, lambda_):
    dX, dW, _ = mh.gradients(X, W, b, Y, R, lambda_)
    return X - alpha * dX, W - alpha * dW, b


def step_sequential(X, W, b, Y, R, alpha, lambda_):
    X = X - alpha * mh.gradients(X, W, b, Y, R, lambda_)[0]
    W = W - alpha * mh.gradients(X, W, b, Y, R, lambda_)[1]
    b = b - alpha * mh.gradients(X, W, b, Y, R, lambda_)[2]
    return X, W, b


def step_sequential_in_place(X, W, b, Y, R, alpha, lambda_):
    dX, _, _ = mh.gradients(X, W, b, Y, R, lambda_)
    X -= alpha * dX
    _, dW, db = mh.gradients(X, W, b, Y, R, lambda_)
    return X, W - alpha * dW, b - alpha * db


def step_alpha_on_X_only(X, W, b, Y, R, alpha, lambda_):
    dX, dW, db = mh.gradients(X, W, b, Y, R, lambda_)
    return X - alpha * dX, W - dW, b - db


def step_alpha_not_on_b(X, W, b, Y, R, alpha, lambda_):
    dX, dW, db = mh.gradients(X, W, b, Y, R, lambda_)
    return X - alpha * dX, W - alpha * dW, b - db


def step_alpha_lambda_swapped(X, W, b, Y, R, lambda_, alpha):  # parameters in the wrong order
    return step_solution(X, W, b, Y, R, alpha, lambda_)


def step_no_lambda(X, W, b, Y, R, alpha, lambda_):
    return step_solution(X, W, b, Y, R, alpha, 0.0)


def step_no_return(X, W, b, Y, R, alpha, lambda_):
    step_in_place(X, W, b, Y, R, alpha, lambda_)


def step_gradients_with_alpha(X, W, b, Y, R, alpha, lambda_):
    dX, dW, db = mh.gradients(X, W, b, Y, R, alpha, lambda_)
    return X - alpha * dX, W - alpha * dW, b - alpha * db


def step_gradients_without_lambda(X, W, b, Y, R, alpha, lambda_):
    dX, dW, db = mh.gradients(X, W, b, Y, R)
    return X - alpha * dX, W - alpha * dW, b - alpha * db


def step_W_transposed_into_helper(X, W, b, Y, R, alpha, lambda_):
    dX, dW, db = mh.gradients(X, W.T, b, Y, R, lambda_)
    return X - alpha * dX, W - alpha * dW, b - alpha * db


def step_returns_two(X, W, b, Y, R, alpha, lambda_):
    return step_solution(X, W, b, Y, R, alpha, lambda_)[:2]


def step_stub(X, W, b, Y, R, alpha, lambda_):
    raise NotImplementedError


STEP_TABLE = [
    (step_solution, CORRECT),
    (step_in_place, CORRECT),
    (step_loop_over_params, CORRECT),
    (step_own_gradients, CORRECT),
    (step_vandal, CORRECT),
    (step_uphill, "the step goes uphill"),
    (step_no_alpha, "the step is missing alpha"),
    (step_returns_gradients, "returns the gradients, not the updated parameters"),
    (step_returns_changes, "returns the changes -alpha * gradient"),
    (step_b_fixed, "b is not updated"),
    (step_sequential, "updated one after the other"),
    (step_sequential_in_place, "updated one after the other"),
    (step_alpha_on_X_only, "alpha multiplies only the gradient of X:"),
    (step_alpha_not_on_b, "alpha multiplies only the gradient of X and W"),
    (step_alpha_lambda_swapped, "alpha and lambda_ are swapped"),
    (step_no_lambda, "without regularization"),
    (step_no_return, "in place is fine, but return them"),
    (step_gradients_with_alpha, "mh.gradients(X, W, b, Y, R, lambda_) takes six, without alpha"),
    (step_gradients_without_lambda, "a required argument is missing from a call (the message names it)"),
    (step_W_transposed_into_helper, "a helper of mh rejected its arguments: the message says which argument"),
    (step_returns_two, "should return three arrays (new X, new W, new b), got 2 values"),
    (step_stub, exercises.NOT_IMPLEMENTED),
]


@pytest.mark.parametrize(("fn", "expected"), STEP_TABLE, ids=lambda v: getattr(v, "__name__", ""))
def test_check_step(capsys, fn, expected):
    assert_diagnosis(capsys, mh.check_step, fn, expected)


# ======================================================================================
# 04: check_rotation
# ======================================================================================


def Q(theta):
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


def rotate(X, W, theta):
    return X @ Q(theta), W @ Q(theta)


def rotate_other_way(X, W, theta):  # Q transposed: a rotation by -theta, just as good
    return X @ Q(theta).T, W @ Q(theta).T


def rotate_columns(X, W, theta):
    c, s = np.cos(theta), np.sin(theta)
    return np.column_stack([c * X[:, 0] + s * X[:, 1], -s * X[:, 0] + c * X[:, 1]]), (Q(theta).T @ W.T).T


def rotate_in_place(X, W, theta):
    X[:] = X @ Q(theta)
    W[:] = W @ Q(theta)
    return X, W


def rotate_different_Q(X, W, theta):
    return X @ Q(theta), W @ Q(theta).T


def rotate_only_X(X, W, theta):
    return X @ Q(theta), W


def rotate_only_W(X, W, theta):
    return X, W @ Q(theta)


def rotate_nothing(X, W, theta):
    return X, W


def rotate_reflection(X, W, theta):
    F = np.array([[np.cos(theta), np.sin(theta)], [np.sin(theta), -np.cos(theta)]])
    return X @ F, W @ F


def rotate_mirror_feature_2(X, W, theta):
    return X * [1, -1], W * [1, -1]


def rotate_degrees(X, W, theta):
    return rotate(X, W, np.radians(theta))


def rotate_to_degrees(X, W, theta):
    return rotate(X, W, np.degrees(theta))


def rotate_sin_cos_swapped(X, W, theta):
    S = np.array([[np.sin(theta), -np.cos(theta)], [np.cos(theta), np.sin(theta)]])
    return X @ S, W @ S


def rotate_no_minus(X, W, theta):
    M = np.array([[np.cos(theta), np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    return X @ M, W @ M


def rotate_twice(X, W, theta):
    return X @ Q(theta) @ Q(theta), W @ Q(theta) @ Q(theta)


def rotate_scaled_by_theta(X, W, theta):
    return theta * X, theta * W


def rotate_and_scale(X, W, theta):  # keeps the predictions, changes the lengths
    return 2 * X @ Q(theta), W @ Q(theta) / 2


def rotate_wrong_angle(X, W, theta):
    return rotate(X, W, theta + 0.1)


def rotate_Q_on_the_left(X, W, theta):
    return Q(theta) @ X.T, Q(theta) @ W.T


def rotate_left_multiply(X, W, theta):
    return Q(theta) @ X, Q(theta) @ W


def rotate_returns_Q(X, W, theta):
    return Q(theta)


def rotate_stub(X, W, theta):
    raise NotImplementedError


ROTATION_TABLE = [
    (rotate, CORRECT),
    (rotate_other_way, CORRECT),
    (rotate_columns, CORRECT),
    (rotate_in_place, CORRECT),
    (rotate_different_Q, "X and W are turned by different matrices"),
    (rotate_only_X, "only X is rotated"),
    (rotate_only_W, "only W is rotated"),
    (rotate_nothing, "X and W are returned unchanged"),
    (rotate_reflection, "this is a reflection (a mirror image, determinant -1)"),
    (rotate_mirror_feature_2, "this is a reflection (determinant -1)"),
    (rotate_degrees, "theta is converted from degrees"),
    (rotate_to_degrees, "theta is converted to degrees"),
    (rotate_sin_cos_swapped, "sin and cos are swapped"),
    (rotate_no_minus, "Q lacks its minus sign"),
    (rotate_twice, "rotated twice"),
    (rotate_scaled_by_theta, "scaled by theta, not rotated"),
    (rotate_and_scale, "the lengths of the vectors change"),
    (rotate_wrong_angle, "this is a rotation, but by 0.400 radians instead of theta = 0.300"),
    (
        rotate_Q_on_the_left,
        "X_rot has shape (2, 4) = (k, n_movies), but (4, 2) = (n_movies, k) is needed (transposed?)",
    ),
    (rotate_left_multiply, "multiply from the right by the (2, 2) matrix Q"),
    (rotate_returns_Q, "should return two arrays (X_rot, W_rot), got one array of shape (2, 2)"),
    (rotate_stub, exercises.NOT_IMPLEMENTED),
]


@pytest.mark.parametrize(("fn", "expected"), ROTATION_TABLE, ids=lambda v: getattr(v, "__name__", ""))
def test_check_rotation(capsys, fn, expected):
    assert_diagnosis(capsys, mh.check_rotation, fn, expected)


# ======================================================================================
# 05: check_sparse_cost
# ======================================================================================


def sparse_vectorized(X, W, b, users, movies, ratings, lambda_):
    e = np.sum(X[movies] * W[users], axis=1) + b[users] - ratings
    return 0.5 * np.sum(e**2) + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))


def sparse_loop(X, W, b, users, movies, ratings, lambda_):
    J = 0.0
    for j, i, y in zip(users, movies, ratings):
        J += 0.5 * (X[i] @ W[j] + b[j] - y) ** 2
    return J + _penalty(X, W, lambda_)


def sparse_einsum_in_place(X, W, b, users, movies, ratings, lambda_):
    ratings -= b[users]  # its own copy: fine
    ratings -= np.einsum("nk,nk->n", X[movies], W[users])
    return 0.5 * ratings @ ratings + _penalty(X, W, lambda_)


def sparse_helpers(X, W, b, users, movies, ratings, lambda_):
    return mh.sparse_cost_and_gradients(X, W, b, users, movies, ratings, lambda_)[0]


def _sparse_e(X, W, b, users, movies, ratings):
    return np.sum(X[movies] * W[users], axis=1) + b[users] - ratings


def sparse_swapped(X, W, b, users, movies, ratings, lambda_):
    e = np.sum(X[users] * W[movies], axis=1) + b[users] - ratings
    return 0.5 * np.sum(e**2) + _penalty(X, W, lambda_)


def sparse_bias_by_movie(X, W, b, users, movies, ratings, lambda_):
    e = np.sum(X[movies] * W[users], axis=1) + b[movies] - ratings
    return 0.5 * np.sum(e**2) + _penalty(X, W, lambda_)


def sparse_X_by_user(X, W, b, users, movies, ratings, lambda_):
    e = np.sum(X[users] * W[users], axis=1) + b[users] - ratings
    return 0.5 * np.sum(e**2) + _penalty(X, W, lambda_)


def sparse_zero_dropped(X, W, b, users, movies, ratings, lambda_):
    keep = ratings > 0
    e = _sparse_e(X, W, b, users[keep], movies[keep], ratings[keep])
    return 0.5 * np.sum(e**2) + _penalty(X, W, lambda_)


def sparse_penalty_per_rating(X, W, b, users, movies, ratings, lambda_):
    J = 0.0
    for n in range(len(ratings)):
        J += 0.5 * (X[movies[n]] @ W[users[n]] + b[users[n]] - ratings[n]) ** 2 + _penalty(X, W, lambda_)
    return J


def sparse_penalty_gathered(X, W, b, users, movies, ratings, lambda_):
    e = _sparse_e(X, W, b, users, movies, ratings)
    return 0.5 * np.sum(e**2) + _penalty(X[movies], W[users], lambda_)


def sparse_penalty_without_half(X, W, b, users, movies, ratings, lambda_):
    e = _sparse_e(X, W, b, users, movies, ratings)
    return 0.5 * np.sum(e**2) + lambda_ * (np.sum(X**2) + np.sum(W**2))


def sparse_no_penalty(X, W, b, users, movies, ratings, lambda_):
    return 0.5 * np.sum(_sparse_e(X, W, b, users, movies, ratings) ** 2)


def sparse_squares_not_halved(X, W, b, users, movies, ratings, lambda_):
    return np.sum(_sparse_e(X, W, b, users, movies, ratings) ** 2) + _penalty(X, W, lambda_)


def sparse_b_regularized(X, W, b, users, movies, ratings, lambda_):
    return sparse_vectorized(X, W, b, users, movies, ratings, lambda_) + lambda_ / 2 * b @ b


def sparse_no_bias(X, W, b, users, movies, ratings, lambda_):
    e = np.sum(X[movies] * W[users], axis=1) - ratings
    return 0.5 * np.sum(e**2) + _penalty(X, W, lambda_)


def sparse_mean(X, W, b, users, movies, ratings, lambda_):
    return 0.5 * np.mean(_sparse_e(X, W, b, users, movies, ratings) ** 2) + _penalty(X, W, lambda_)


def sparse_penalty_rated_movies(X, W, b, users, movies, ratings, lambda_):
    e = _sparse_e(X, W, b, users, movies, ratings)
    return 0.5 * np.sum(e**2) + _penalty(X[np.unique(movies)], W, lambda_)


def sparse_penalty_rating_users(X, W, b, users, movies, ratings, lambda_):
    e = _sparse_e(X, W, b, users, movies, ratings)
    return 0.5 * np.sum(e**2) + _penalty(X, W[np.unique(users)], lambda_)


def sparse_penalty_listed_rows(X, W, b, users, movies, ratings, lambda_):
    e = _sparse_e(X, W, b, users, movies, ratings)
    return 0.5 * np.sum(e**2) + _penalty(X[np.unique(movies)], W[np.unique(users)], lambda_)


def sparse_b_per_rating(X, W, b, users, movies, ratings, lambda_):
    return sparse_vectorized(X, W, b, users, movies, ratings, lambda_) + lambda_ / 2 * np.sum(b[users] ** 2)


def sparse_bias_subtracted(X, W, b, users, movies, ratings, lambda_):
    e = np.sum(X[movies] * W[users], axis=1) - b[users] - ratings
    return 0.5 * np.sum(e**2) + _penalty(X, W, lambda_)


def sparse_b_regularized_without_half(X, W, b, users, movies, ratings, lambda_):
    e = _sparse_e(X, W, b, users, movies, ratings)
    return 0.5 * np.sum(e**2) + lambda_ * (np.sum(X**2) + np.sum(W**2) + np.sum(b**2))


def sparse_returns_array(X, W, b, users, movies, ratings, lambda_):
    e = _sparse_e(X, W, b, users, movies, ratings)
    return 0.5 * e**2 + _penalty(X, W, lambda_)


def sparse_matmul(X, W, b, users, movies, ratings, lambda_):
    e = X[movies] @ W[users] + b[users] - ratings
    return 0.5 * np.sum(e**2) + _penalty(X, W, lambda_)


def sparse_b_not_gathered(X, W, b, users, movies, ratings, lambda_):
    e = np.sum(X[movies] * W[users], axis=1) + b - ratings
    return 0.5 * np.sum(e**2) + _penalty(X, W, lambda_)


def sparse_stub(X, W, b, users, movies, ratings, lambda_):
    raise NotImplementedError


SPARSE_TABLE = [
    (sparse_vectorized, CORRECT),
    (sparse_loop, CORRECT),
    (sparse_einsum_in_place, CORRECT),
    (sparse_helpers, CORRECT),
    (sparse_swapped, "users and movies are swapped"),
    (sparse_bias_by_movie, "users and movies are swapped"),
    (sparse_X_by_user, "check that rating n uses X[movies[n]], W[users[n]] and b[users[n]]"),
    (sparse_zero_dropped, "0-star ratings are dropped (ratings != 0 or ratings > 0)"),
    (sparse_penalty_per_rating, "added once per rating (inside a loop over the ratings)"),
    (sparse_penalty_gathered, "sums X[movies]**2 and W[users]**2"),
    (sparse_penalty_without_half, "without the 1/2"),
    (sparse_no_penalty, "the penalty lambda_/2 * (sum X^2 + sum W^2) is missing"),
    (sparse_squares_not_halved, "the squared errors are not halved: J = 1/2 * np.sum(e**2)"),
    (sparse_b_regularized, "the biases b are regularized"),
    (sparse_no_bias, "add b[users]"),
    (sparse_mean, "averaged (np.mean)"),
    (sparse_penalty_rated_movies, "only the movies in the list"),
    (sparse_penalty_rating_users, "only the users in the list"),
    (sparse_penalty_listed_rows, "only the movies and users in the list"),
    (sparse_b_per_rating, "b[users]**2 (once per rating)"),
    (sparse_bias_subtracted, "the bias has the wrong sign"),
    (sparse_b_regularized_without_half, "the penalty includes the biases b and lacks its 1/2"),
    (sparse_returns_array, "returned an array of shape (5,), not one number"),
    (sparse_matmul, "multiply them elementwise (*)"),
    (sparse_b_not_gathered, "b[users] one per rating"),
    (sparse_stub, exercises.NOT_IMPLEMENTED),
]


@pytest.mark.parametrize(("fn", "expected"), SPARSE_TABLE, ids=lambda v: getattr(v, "__name__", ""))
def test_check_sparse_cost(capsys, fn, expected):
    assert_diagnosis(capsys, mh.check_sparse_cost, fn, expected)


def test_sparse_exception_names_the_line_and_the_cause(capsys):
    out = run_check(capsys, mh.check_sparse_cost, sparse_swapped)
    assert out.startswith(
        "your function raised IndexError in sparse_swapped, at the line `e = np.sum(X[users]"
    )
    assert "index 3 is out of bounds" in out
    assert "  users = [0, 0, 0, 1, 1]" in out and "  movies = [0, 2, 3, 0, 3]" in out
    assert "once per user" not in out and "loop over users" not in out


def test_sparse_diagnoses_fit_the_sparse_exercise(capsys):
    """No sparse diagnosis speaks of loops over users or movies, which notebook 05 does not have."""
    for text, _ in exercises._SPARSE.mistakes:
        assert "per user" not in text and "per movie" not in text and "R = 1" not in text


# ======================================================================================
# Every checker
# ======================================================================================

CHECKS = {
    "cost": (exercises._COST, mh.check_cost, COST_TABLE),
    "gradients": (exercises._GRADIENTS, mh.check_gradients, GRADIENT_TABLE),
    "step": (exercises._STEP, mh.check_step, STEP_TABLE),
    "rotation": (exercises._ROTATION, mh.check_rotation, ROTATION_TABLE),
    "sparse_cost": (exercises._SPARSE, mh.check_sparse_cost, SPARSE_TABLE),
}


@pytest.mark.parametrize("name", CHECKS)
def test_catalogues_have_at_least_ten_mistakes(name):
    checker, _, table = CHECKS[name]
    wrong = [fn for fn, expected in table if expected not in (CORRECT, exercises.NOT_IMPLEMENTED)]
    assert len(wrong) >= 10 and len(checker.mistakes) >= 10
    assert sum(expected == CORRECT for _, expected in table) >= 4  # loops, vectorized, in place, ...


@pytest.mark.parametrize("name", CHECKS)
def test_each_mistake_has_a_value_of_its_own(name):
    """On the first case where a mistake is wrong, no other diagnosis gives the same value."""
    checker = CHECKS[name][0]
    facts = [checker.facts(case) for case in checker.cases]
    for text, formula in checker.mistakes:
        wrong_on = [
            f
            for f in facts
            if not any(exercises._same(formula(f), accepted(f)) for accepted in checker.correct)
        ]
        assert wrong_on, f"never wrong: {text}"
        f = wrong_on[0]
        twins = [
            other for other, g in checker.mistakes if other != text and exercises._same(formula(f), g(f))
        ]
        assert not twins, f"{text!r} gives the value of {twins}"


def test_model_cases_have_the_traps():
    """0-star ratings, an unrated movie and a user who rated nothing, sizes that all differ."""
    first = exercises._MODEL_CASES[0]
    assert np.any((first["Y"] == 0) & (first["R"] == 1))
    assert np.any(first["R"].sum(axis=1) == 0) and np.any(first["R"].sum(axis=0) == 0)
    n_movies, n_users = first["R"].shape
    sizes = [n_movies, n_users, int(first["R"].sum()), first["X"].shape[1]]
    assert len(set(sizes)) == 4 and 2 not in sizes[:3]
    assert all(np.any((case["Y"] == 0) & (case["R"] == 1)) for case in exercises._MODEL_CASES)


@pytest.mark.parametrize("name", CHECKS)
def test_stub_output_is_unchanged(capsys, name):
    checker, check, _ = CHECKS[name]

    def stub(*args):
        raise NotImplementedError

    assert run_check(capsys, check, stub) == (
        "not implemented yet: replace the `raise NotImplementedError` with your code.\n"
    )


@pytest.mark.parametrize("name", CHECKS)
def test_the_cases_survive_a_vandal(capsys, name):
    checker, check, table = CHECKS[name]
    before = [{k: np.copy(v) for k, v in case.items()} for case in checker.cases]

    def vandal(*args):
        for arg in args:
            if isinstance(arg, np.ndarray):
                arg[...] = 0
        raise ValueError("gone")

    out = run_check(capsys, check, vandal)
    assert "raised ValueError in vandal" in out
    for case, saved in zip(checker.cases, before):
        for key, value in case.items():
            np.testing.assert_array_equal(value, saved[key])
    correct = next(fn for fn, expected in table if expected == CORRECT)
    assert run_check(capsys, check, correct).startswith(CORRECT)


class Weird:
    def __float__(self):
        raise RuntimeError("no number here")


@pytest.mark.parametrize("name", CHECKS)
@pytest.mark.parametrize("value", ["J", {"J": 1.0}, Weird(), (1.0, "a", None), [np.ones(3)] * 3, np.nan, 1.0])
def test_checks_never_raise_whatever_is_returned(capsys, name, value):
    out = run_check(capsys, CHECKS[name][1], lambda *args: value)
    assert out and not out.startswith(CORRECT)


@pytest.mark.parametrize("name", CHECKS)
def test_exceptions_are_explained(capsys, name):
    def broken(*args):
        return args[0] / {}

    out = run_check(capsys, CHECKS[name][1], broken)
    assert out.startswith("your function raised TypeError in broken, at the line `return args[0] / {}`:")
    assert "\nProbable cause: a value of the wrong kind" in out


# ======================================================================================
# The solutions in the notebooks' <details> blocks pass their checkers
# ======================================================================================


def notebook_solutions():
    for path in sorted((ROOT / "notebooks").glob("0[1-5]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for cell in cells:
            text = "".join(cell["source"])
            if cell["cell_type"] != "markdown" or "<summary>Solution</summary>" not in text:
                continue
            for block in re.findall(r"<summary>Solution</summary>.*?```python\n(.*?)```", text, re.DOTALL):
                name = re.search(r"^def (my_\w+)\(", block, re.MULTILINE).group(1)
                check = re.search(rf"mh\.(check_\w+)\({name}\)", code).group(1)
                yield pytest.param(block, name, check, id=f"{path.stem}:{name}")


SOLUTIONS = list(notebook_solutions())


def test_every_notebook_has_a_solution():
    assert len(SOLUTIONS) == 5


@pytest.mark.parametrize(("block", "name", "check"), SOLUTIONS)
def test_notebook_solution_passes_its_checker(capsys, block, name, check):
    namespace = {"np": np, "mh": mh}
    exec(block, namespace)
    out = run_check(capsys, getattr(mh, check), namespace[name])
    assert out.startswith("correct"), out


def user_step_loops(X, Y, R, lambda_):
    k = X.shape[1]
    W, b = np.zeros((Y.shape[1], k)), np.zeros(Y.shape[1])
    for j in range(Y.shape[1]):
        rated = R[:, j] == 1
        A = np.column_stack([X[rated], np.ones(rated.sum())])
        theta = np.linalg.solve(A.T @ A + np.diag([lambda_] * k + [0.0]), A.T @ Y[rated, j])
        W[j], b[j] = theta[:k], theta[k]
    return W, b


def _user_step_with(penalty_of, with_bias=True, rated_only=True):
    def step(X, Y, R, lambda_):
        k = X.shape[1]
        W, b = np.zeros((Y.shape[1], k)), np.zeros(Y.shape[1])
        for j in range(Y.shape[1]):
            rows = R[:, j] == 1 if rated_only else np.ones(Y.shape[0], dtype=bool)
            A = np.column_stack([X[rows], np.ones(rows.sum())]) if with_bias else X[rows]
            theta = np.linalg.solve(
                A.T @ A + np.diag(penalty_of(lambda_, k)[: A.shape[1]]), A.T @ np.nan_to_num(Y[rows, j])
            )
            W[j], b[j] = theta[:k], (theta[k] if with_bias else 0.0)
        return W, b

    return step


def user_step_variant(*, zeros_dropped=False, mean=False, ones_first=False, split_first=False):
    """A learner's user half-step with one of the mistakes of the catalogue."""

    def step(X, Y, R, lambda_):
        k = X.shape[1]
        W, b = np.zeros((Y.shape[1], k)), np.zeros(Y.shape[1])
        for j in range(Y.shape[1]):
            rows = (R[:, j] == 1) & (np.nan_to_num(Y[:, j]) > 0) if zeros_dropped else R[:, j] == 1
            ones = np.ones((rows.sum(), 1))
            A = np.hstack([ones, X[rows]]) if ones_first else np.hstack([X[rows], ones])
            lhs, rhs = A.T @ A, A.T @ Y[rows, j]
            if mean:
                lhs, rhs = lhs / rows.sum(), rhs / rows.sum()
            theta = np.linalg.solve(lhs + np.diag([lambda_] * k + [0.0]), rhs)
            W[j], b[j] = (theta[1:], theta[0]) if split_first else (theta[:k], theta[k])
        return W, b

    return step


def user_step_spark_rule(X, Y, R, lambda_):
    """lambda_ times each user's number of ratings (Spark's regParam): the same as a mean."""
    k = X.shape[1]
    W, b = np.zeros((Y.shape[1], k)), np.zeros(Y.shape[1])
    for j in range(Y.shape[1]):
        rated = R[:, j] == 1
        A = np.column_stack([X[rated], np.ones(rated.sum())])
        theta = np.linalg.solve(A.T @ A + np.diag([lambda_ * rated.sum()] * k + [0.0]), A.T @ Y[rated, j])
        W[j], b[j] = theta[:k], theta[k]
    return W, b


def user_step_penalty_per_rating(X, Y, R, lambda_):
    """A loop over each user's ratings that adds the penalty inside it: lambda_ once per rating."""
    k = X.shape[1]
    W, b = np.zeros((Y.shape[1], k)), np.zeros(Y.shape[1])
    for j in range(Y.shape[1]):
        lhs, rhs = np.zeros((k + 1, k + 1)), np.zeros(k + 1)
        for i in np.flatnonzero(R[:, j] == 1):
            a = np.append(X[i], 1.0)
            lhs += np.outer(a, a) + np.diag([lambda_] * k + [0.0])  # the penalty belongs after the loop
            rhs += Y[i, j] * a
        u = np.linalg.solve(lhs, rhs)
        W[j], b[j] = u[:k], u[k]
    return W, b


def user_step_fold_in(X, Y, R, lambda_):
    """Notebook 05's fold-in, one user at a time: a third correct answer."""
    n_movies, n_users = Y.shape
    model = mh.RatingsModel(
        X, np.zeros((n_users, X.shape[1])), np.zeros(n_users), mu=np.zeros(n_movies), lambda_=lambda_,
        cost_history=np.zeros(1), diverged=False, message="", rating_range=(0.0, 9.0),
    )  # fmt: skip
    W, b = np.zeros((n_users, X.shape[1])), np.zeros(n_users)
    for j in range(n_users):
        rated = np.flatnonzero(R[:, j] == 1)
        W[j], b[j] = mh.fold_in(model, rated, Y[rated, j])
    return W, b


def user_step_vectorized(X, Y, R, lambda_):
    movies, users = np.nonzero(R == 1)
    return mh.als_user_step(X, mh.Ratings(users, movies, Y[movies, users]), Y.shape[1], lambda_)


def user_step_nan(X, Y, R, lambda_):
    return np.full((Y.shape[1], X.shape[1]), np.nan), np.zeros(Y.shape[1])


@pytest.mark.parametrize("fn", [user_step_loops, user_step_vectorized, user_step_fold_in])
def test_user_step_checker_accepts_correct_solutions(fn, capsys):
    mh.check_user_step(fn)
    assert capsys.readouterr().out.startswith("correct!")


@pytest.mark.parametrize(
    ("fn", "diagnosis"),
    [
        (_user_step_with(lambda lam, k: [lam] * (k + 1)), "b is regularized too"),
        (_user_step_with(lambda lam, k: [0.0] * (k + 1)), "lambda_ missing from the diagonal"),
        (_user_step_with(lambda lam, k: [lam / 2] * k + [0.0]), "the 1/2 cancels"),
        (_user_step_with(lambda lam, k: [lam] * k, with_bias=False), "the bias is missing"),
        (_user_step_with(lambda lam, k: [lam] * k + [0.0], rated_only=False), "unrated movies are included"),
        (_user_step_with(lambda lam, k: [2 * lam] * k + [0.0]), "the penalty is 2 lambda_"),
        (_user_step_with(lambda lam, k: [-lam] * k + [0.0]), "lambda_ is subtracted"),
        (user_step_variant(zeros_dropped=True), "0-star ratings are dropped"),
        (user_step_variant(mean=True), "a mean instead of a sum"),
        (user_step_spark_rule, "Spark's scaled regParam"),
        (user_step_penalty_per_rating, "or lambda_ is added once per rating, inside the loop"),
        (user_step_variant(ones_first=True), "are those of ones last"),
        (user_step_variant(ones_first=True, split_first=True), "use diag(0, lambda_, ..., lambda_)"),
        (lambda X, Y, R, lambda_: tuple(a.T for a in user_step_loops(X, Y, R, lambda_)), "(k, n_users)"),
        (user_step_nan, "contains NaN"),
        (lambda X, Y, R, lambda_: None, "did you forget `return W, b`"),
        (lambda X, Y, R, lambda_: (np.zeros((Y.shape[1], X.shape[1])), np.zeros(Y.shape[1])), "not quite"),
        (lambda X, Y, R, lambda_: (np.zeros(3), np.zeros(2)), "has shape"),
        (lambda X, Y, R, lambda_: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_user_step_checker_names_the_mistake(fn, diagnosis, capsys):
    mh.check_user_step(fn)
    out = capsys.readouterr().out
    assert diagnosis in out and not out.startswith("correct")


def test_user_step_cases_have_sizes_of_their_own():
    """Movies, users, ratings, k and 2 differ in every case (so shapes name their sizes); every
    user rated something, and 0-star ratings sit among other ratings."""
    for case in exercises._USER_STEP_CASES:
        n_movies, n_users = case["R"].shape
        sizes = [n_movies, n_users, int(case["R"].sum()), case["X"].shape[1], 2]
        assert len(set(sizes)) == 5, sizes
        assert np.all(case["R"].sum(axis=0) > 0)
        assert np.any((case["Y"] == 0) & (case["R"] == 1))


def test_user_step_mistakes_have_values_of_their_own():
    checker = exercises._USER_STEP
    facts = [checker.facts(case) for case in checker.cases]
    assert len(checker.mistakes) >= 10
    for text, formula in checker.mistakes:
        wrong_on = [f for f in facts if not any(exercises._same(formula(f), ok(f)) for ok in checker.correct)]
        assert wrong_on, f"never wrong: {text}"
        twins = [
            other
            for other, g in checker.mistakes
            if other != text and exercises._same(formula(wrong_on[0]), g(wrong_on[0]))
        ]
        assert not twins, f"{text!r} gives the value of {twins}"
