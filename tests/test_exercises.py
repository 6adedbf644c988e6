"""The exercise checks recognize each named mistake (issue 2)."""

from __future__ import annotations

import numpy as np
import pytest

import mlite_helpers as mh
from mlite_support import exercises


def _y0(Y, R):
    return np.where(R == 1, Y, 0.0)


def cost_correct(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - _y0(Y, R)) * R
    return 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))


def cost_loops_reader(X, W, b, Y, R, lambda_):
    J = 0.0
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if R[i, j]:
                J += (W[j] @ X[i] + b[j] - Y[i, j]) ** 2
    return J / 2 + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))


def cost_reg_in_loop(X, W, b, Y, R, lambda_):
    J = 0.0
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if R[i, j]:
                J += 0.5 * (W[j] @ X[i] + b[j] - Y[i, j]) ** 2
                J += lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))
    return J


def cost_reg_per_user(X, W, b, Y, R, lambda_):
    J = 0.0
    for j in range(Y.shape[1]):
        for i in range(Y.shape[0]):
            if R[i, j]:
                J += 0.5 * (W[j] @ X[i] + b[j] - Y[i, j]) ** 2
        J += lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))
    return J


def cost_halved_twice(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - _y0(Y, R)) * R
    return 0.5 * (0.5 * np.sum(E**2)) + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))


def cost_unrated_included(X, W, b, Y, R, lambda_):
    E = X @ W.T + b - np.nan_to_num(Y)
    return 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))


def cost_nan(X, W, b, Y, R, lambda_):
    E = X @ W.T + b - Y
    return 0.5 * np.sum(E**2) + lambda_ / 2 * (np.sum(X**2) + np.sum(W**2))


def cost_b_regularized(X, W, b, Y, R, lambda_):
    return cost_correct(X, W, b, Y, R, lambda_) + lambda_ / 2 * np.sum(b**2)


def cost_no_reg(X, W, b, Y, R, lambda_):
    return cost_correct(X, W, b, Y, R, 0.0)


def cost_no_bias(X, W, b, Y, R, lambda_):
    return cost_correct(X, W, np.zeros_like(b), Y, R, lambda_)


def cost_stub(X, W, b, Y, R, lambda_):
    raise NotImplementedError


def cost_returns_none(X, W, b, Y, R, lambda_):
    _ = X @ W.T


def cost_crashes(X, W, b, Y, R, lambda_):
    return X @ Y  # wrong shapes: raises inside the reader's code


def cost_off(X, W, b, Y, R, lambda_):
    return cost_correct(X, W, b, Y, R, lambda_) + 1.0


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (cost_correct, "correct!"),
        (cost_loops_reader, "correct!"),
        (mh.cost, "correct!"),
        (mh.cost_loops, "correct!"),
        (cost_reg_in_loop, "added inside the loop, once per rating"),
        (cost_reg_per_user, "added once per user"),
        (cost_halved_twice, "halved twice"),
        (cost_unrated_included, "unrated entries are included"),
        (cost_nan, "J is NaN: unrated entries"),
        (cost_b_regularized, "biases b are regularized"),
        (cost_no_reg, "regularization term is missing"),
        (cost_no_bias, "bias b(j) is missing"),
        (cost_stub, "not implemented yet"),
        (cost_returns_none, "returned None"),
        (cost_crashes, "your function raised ValueError"),
        (cost_off, "on test case 1 J should be"),
    ],
)
def test_check_cost(capsys, fn, expected):
    assert mh.check_cost(fn) is None
    out = capsys.readouterr().out
    assert expected in out
    assert out.startswith("correct!") == (expected == "correct!")


def grads_correct(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - _y0(Y, R)) * R
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0)


def grads_sign(*args):
    return tuple(-g for g in grads_correct(*args))


def grads_no_reg(X, W, b, Y, R, lambda_):
    return grads_correct(X, W, b, Y, R, 0.0)


def grads_half_reg(X, W, b, Y, R, lambda_):
    dX, dW, db = grads_correct(X, W, b, Y, R, 0.0)
    return dX + lambda_ / 2 * X, dW + lambda_ / 2 * W, db


def grads_b_reg(X, W, b, Y, R, lambda_):
    dX, dW, db = grads_correct(X, W, b, Y, R, lambda_)
    return dX, dW, db + lambda_ * b


def grads_unrated(X, W, b, Y, R, lambda_):
    return grads_correct(X, W, b, np.nan_to_num(Y), np.ones_like(R), lambda_)


def grads_nan(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return E @ W + lambda_ * X, E.T @ X + lambda_ * W, E.sum(axis=0)


def grads_transposed(*args):
    dX, dW, db = grads_correct(*args)
    return dX.T, dW, db


def grads_stub(*args):
    raise NotImplementedError


def grads_two(*args):
    return grads_correct(*args)[:2]


def grads_db_wrong(*args):
    dX, dW, db = grads_correct(*args)
    return dX, dW, db * 3


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (grads_correct, "correct!"),
        (mh.gradients, "correct!"),
        (mh.gradients_loops, "correct!"),
        (grads_sign, "sign is flipped"),
        (grads_no_reg, "lambda_ * X and lambda_ * W are missing"),
        (grads_half_reg, "the 1/2 cancels"),
        (grads_b_reg, "biases are not regularized"),
        (grads_unrated, "unrated entries are included"),
        (grads_nan, "contains NaN"),
        (grads_transposed, "dX has shape (2, 3) but should have shape (3, 2) (transposed?)"),
        (grads_stub, "not implemented yet"),
        (grads_two, "three arrays (dX, dW, db), got 2"),
        (grads_db_wrong, "db is wrong"),
    ],
)
def test_check_gradients(capsys, fn, expected):
    assert mh.check_gradients(fn) is None
    out = capsys.readouterr().out
    assert expected in out
    assert out.startswith("correct!") == (expected == "correct!")


def test_checks_do_not_modify_the_cases():
    def vandal(X, W, b, Y, R, lambda_):
        X[:] = 0
        R[:] = 1
        return 0.0

    mh.check_cost(vandal)
    mh.check_cost(cost_correct)  # would fail if the shared cases had been changed
    cases = exercises._exercise_cases()
    assert cases[0][0][0, 0] == 1.0


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


def user_step_vectorized(X, Y, R, lambda_):
    movies, users = np.nonzero(R == 1)
    return mh.als_user_step(X, mh.Ratings(users, movies, Y[movies, users]), Y.shape[1], lambda_)


def user_step_nan(X, Y, R, lambda_):
    return np.full((Y.shape[1], X.shape[1]), np.nan), np.zeros(Y.shape[1])


@pytest.mark.parametrize("fn", [user_step_loops, user_step_vectorized])
def test_user_step_checker_accepts_correct_solutions(fn, capsys):
    mh.check_user_step(fn)
    assert capsys.readouterr().out.startswith("correct!")


@pytest.mark.parametrize(
    ("fn", "diagnosis"),
    [
        (_user_step_with(lambda lam, k: [lam] * (k + 1)), "b is regularized too"),
        (_user_step_with(lambda lam, k: [0.0] * (k + 1)), "is lambda_ missing from the diagonal?"),
        (_user_step_with(lambda lam, k: [lam / 2] * k + [0.0]), "the 1/2 cancels"),
        (_user_step_with(lambda lam, k: [lam] * k, with_bias=False), "the bias is missing"),
        (_user_step_with(lambda lam, k: [lam] * k + [0.0], rated_only=False), "unrated movies are included"),
        (user_step_nan, "contains NaN"),
        (lambda X, Y, R, lambda_: None, "did you forget `return W, b`"),
        (lambda X, Y, R, lambda_: (np.zeros((2, 2)), np.zeros(2)), "not quite"),
        (lambda X, Y, R, lambda_: (np.zeros(3), np.zeros(2)), "must have shapes"),
        (lambda X, Y, R, lambda_: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_user_step_checker_names_the_mistake(fn, diagnosis, capsys):
    mh.check_user_step(fn)
    out = capsys.readouterr().out
    assert diagnosis in out and not out.startswith("correct")
