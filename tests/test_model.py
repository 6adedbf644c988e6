"""The model math: predictions, cost, gradients, training, normalization (issue 2)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import random_problem

import mlite_helpers as mh


def test_load_toy_matches_curriculum_table():
    toy = mh.load_toy()
    assert toy.movies == [
        "Love at Last",
        "Romance Forever",
        "Cute Puppies of Love",
        "Nonstop Car Chases",
        "Swords vs. Karate",
    ]
    assert toy.users == ["Alice", "Bob", "Carol", "Dave"]
    expected = np.array(
        [[5, 5, 0, 0], [5, np.nan, np.nan, 0], [np.nan, 4, 0, np.nan], [0, 0, 5, 4], [0, 0, 5, np.nan]]
    )
    np.testing.assert_array_equal(toy.Y, expected)  # NaN compares equal here
    np.testing.assert_array_equal(toy.R, (~np.isnan(expected)).astype(float))
    assert toy.R.sum() == 15  # zero stars count as ratings


def test_predict_by_hand():
    X = np.array([[1.0, 2.0], [3.0, 0.0]])
    W = np.array([[0.5, 1.0], [-1.0, 0.0], [2.0, 2.0]])
    b = np.array([0.0, 1.0, -1.0])
    expected = np.array([[2.5, 0.0, 5.0], [1.5, -2.0, 5.0]])
    np.testing.assert_allclose(mh.predict(X, W, b), expected)


def test_cost_by_hand():
    # one movie, two users, k = 1: y_hat = [2*1 + 0, 2*3 + 1] = [2, 7]
    X = np.array([[2.0]])
    W = np.array([[1.0], [3.0]])
    b = np.array([0.0, 1.0])
    Y = np.array([[4.0, 5.0]])
    R = np.array([[1.0, 1.0]])
    # errors -2 and 2 -> 1/2 * 8 = 4; regularization lambda/2 * (4 + 1 + 9) = 0.5 * 14 * lambda
    assert mh.cost(X, W, b, Y, R, 0.0) == pytest.approx(4.0)
    assert mh.cost(X, W, b, Y, R, 1.0) == pytest.approx(11.0)
    assert mh.cost(X, W, b, Y, R, 2.0) == pytest.approx(18.0)
    # the second user's rating removed: only error -2 counts; b is never regularized
    R1 = np.array([[1.0, 0.0]])
    assert mh.cost(X, W, b, Y, R1, 1.0) == pytest.approx(2.0 + 7.0)


def test_toy_cost_with_zero_parameters():
    toy = mh.load_toy()
    n_movies, n_users = toy.Y.shape
    X, W, b = np.zeros((n_movies, 2)), np.zeros((n_users, 2)), np.zeros(n_users)
    # every prediction is 0, so J = 1/2 * sum of squared ratings = 1/2 * (5 * 25 + 2 * 16) = 78.5
    assert mh.cost(X, W, b, toy.Y, toy.R, 1.0) == pytest.approx(78.5)
    assert mh.cost_loops(X, W, b, toy.Y, toy.R, 1.0) == pytest.approx(78.5)


@pytest.mark.parametrize("shape", [(1, 1, 1), (5, 4, 2), (7, 3, 5), (20, 13, 3), (3, 30, 1)])
@pytest.mark.parametrize("lambda_", [0.0, 0.7])
def test_cost_equals_cost_loops(rng, shape, lambda_):
    X, W, b, Y, R = random_problem(rng, *shape)
    assert mh.cost(X, W, b, Y, R, lambda_) == pytest.approx(mh.cost_loops(X, W, b, Y, R, lambda_), rel=1e-12)


def test_unrated_entries_never_matter(rng):
    X, W, b, Y, R = random_problem(rng, 6, 5, 3)
    junk = np.where(R == 1, Y, rng.normal(size=Y.shape) * 1e6)
    assert mh.cost(X, W, b, Y, R, 0.3) == mh.cost(X, W, b, junk, R, 0.3)
    for g1, g2 in zip(mh.gradients(X, W, b, Y, R, 0.3), mh.gradients(X, W, b, junk, R, 0.3)):
        np.testing.assert_array_equal(g1, g2)


@pytest.mark.parametrize("shape", [(1, 1, 1), (5, 4, 2), (8, 6, 3), (4, 9, 4)])
@pytest.mark.parametrize("lambda_", [0.0, 1.3])
def test_gradients_match_numerical(rng, shape, lambda_):
    X, W, b, Y, R = random_problem(rng, *shape)
    check = mh.compare_gradients(X, W, b, Y, R, lambda_)
    assert set(check.rel_error) == {"X", "W", "b"}
    assert check.worst < 1e-6, str(check)
    assert check.agree()


@pytest.mark.parametrize("shape", [(5, 4, 2), (8, 6, 3)])
def test_gradients_loops_equal_vectorized(rng, shape):
    X, W, b, Y, R = random_problem(rng, *shape)
    for loop, vec in zip(mh.gradients_loops(X, W, b, Y, R, 0.4), mh.gradients(X, W, b, Y, R, 0.4)):
        np.testing.assert_allclose(loop, vec, rtol=1e-12, atol=1e-12)


def test_compare_gradients_catches_a_wrong_gradient(rng):
    X, W, b, Y, R = random_problem(rng, 5, 4, 2)

    def no_reg(*args):
        dX, dW, db = mh.gradients(*args[:5], 0.0)
        return dX, dW, db

    check = mh.compare_gradients(X, W, b, Y, R, 2.0, grad_fn=no_reg)
    assert check.rel_error["X"] > 1e-3 and check.rel_error["W"] > 1e-3
    assert check.rel_error["b"] < 1e-6  # b is not regularized, so its gradient is still right
    assert not check.agree()
    assert "dX" in str(check) and "relative error" in str(check)


def test_compare_gradients_reports_a_nan_block_as_infinite(rng):
    X, W, b, Y, R = random_problem(rng, 5, 4, 2)

    def nan_dW(*args):
        dX, dW, db = mh.gradients(*args)
        return dX, np.full_like(dW, np.nan), db

    check = mh.compare_gradients(X, W, b, Y, R, 0.5, grad_fn=nan_dW)
    assert check.rel_error["W"] == np.inf and check.max_abs_diff["W"] == np.inf
    assert check.rel_error["X"] < 1e-6 and check.rel_error["b"] < 1e-6
    assert check.worst == np.inf
    assert not check.agree()
    assert "inf" in str(check)


def test_init_params_shapes_and_reproducibility():
    X, W, b = mh.init_params(5, 4, 3, np.random.default_rng(7))
    assert X.shape == (5, 3) and W.shape == (4, 3) and b.shape == (4,)
    assert np.all(b == 0)
    X2, W2, _ = mh.init_params(5, 4, 3, np.random.default_rng(7))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(W, W2)


def test_gradient_descent_lowers_cost_and_learns_the_toy_picture():
    toy = mh.load_toy()
    res = mh.gradient_descent(
        toy.Y, toy.R, k=2, alpha=0.05, lambda_=0.3, epochs=2000, rng=np.random.default_rng(0)
    )
    assert not res.diverged
    assert res.epochs_run == 2000 and res.cost_history.shape == (2001,)
    assert res.cost_history[-1] < 0.1 * res.cost_history[0]
    assert np.all(np.diff(res.cost_history) <= 1e-12)  # a small enough alpha never goes uphill
    P = res.predict()
    alice, bob, carol, dave = range(4)
    love, romance, puppies, cars, swords = range(5)
    assert P[puppies, alice] >= 4.0  # Alice likes romance; she did not rate the puppies movie
    assert P[romance, carol] <= 1.0  # Carol likes action, not "Romance Forever"
    assert P[romance, bob] >= 4.0 and P[swords, dave] >= 3.5
    # romance fans and action fans: the users' preference vectors point in two directions
    cos = res.W @ res.W.T / np.outer(np.linalg.norm(res.W, axis=1), np.linalg.norm(res.W, axis=1))
    assert cos[alice, bob] > 0.9 and cos[carol, dave] > 0.9 and cos[alice, carol] < 0.1
    # the observed ratings are reproduced
    assert np.max(np.abs((P - np.nan_to_num(toy.Y)) * toy.R)) < 0.5


def test_gradient_descent_is_reproducible_and_uses_the_rng():
    toy = mh.load_toy()
    a = mh.gradient_descent(toy.Y, toy.R, 2, 0.05, 0.3, 50, np.random.default_rng(1))
    b = mh.gradient_descent(toy.Y, toy.R, 2, 0.05, 0.3, 50, np.random.default_rng(1))
    c = mh.gradient_descent(toy.Y, toy.R, 2, 0.05, 0.3, 50, np.random.default_rng(2))
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.allclose(a.X, c.X)


def test_gradient_descent_flags_divergence():
    toy = mh.load_toy()
    res = mh.gradient_descent(
        toy.Y, toy.R, k=2, alpha=0.5, lambda_=0.3, epochs=500, rng=np.random.default_rng(0)
    )
    assert res.diverged
    assert "diverged" in res.message and "alpha = 0.5" in res.message and "smaller alpha" in res.message
    assert res.message.endswith("for example a third of it, 0.17.")  # not a tenth: too timid a hint
    assert np.all(np.isfinite(res.cost_history)) and res.epochs_run < 500
    assert np.all(np.isfinite(res.X)) and np.all(np.isfinite(res.W)) and np.all(np.isfinite(res.b))


def test_gradient_descent_snapshots():
    toy = mh.load_toy()
    res = mh.gradient_descent(toy.Y, toy.R, 2, 0.05, 0.3, 105, np.random.default_rng(0), snapshot_every=25)
    assert [s.epoch for s in res.snapshots] == [0, 25, 50, 75, 100, 105]
    last = res.snapshots[-1]
    np.testing.assert_array_equal(last.X, res.X)
    assert last.cost == pytest.approx(res.cost_history[-1])
    assert res.snapshots[0].cost == pytest.approx(res.cost_history[0])


def test_gradient_descent_zero_epochs_and_init():
    toy = mh.load_toy()
    init = mh.init_params(5, 4, 2, np.random.default_rng(3))
    res = mh.gradient_descent(toy.Y, toy.R, 2, 0.05, 0.3, 0, np.random.default_rng(0), init=init)
    np.testing.assert_array_equal(res.X, init[0])
    assert res.cost_history.shape == (1,)
    assert res.cost_history[0] == pytest.approx(mh.cost(*init, toy.Y, toy.R, 0.3))


def test_normalize_ratings_and_a_new_user():
    toy = mh.load_toy()
    Y_norm, mu = mh.normalize_ratings(toy.Y, toy.R)
    np.testing.assert_allclose(mu, [2.5, 2.5, 2.0, 2.25, 1.66666667])
    assert np.all(np.isnan(Y_norm[toy.R == 0]))
    np.testing.assert_allclose(np.nansum(Y_norm, axis=1), 0, atol=1e-12)
    # add a user with no ratings: after training on normalized data, they get the movie means
    Y = np.column_stack([toy.Y, np.full(5, np.nan)])
    R = np.column_stack([toy.R, np.zeros(5)])
    Y_norm, mu = mh.normalize_ratings(Y, R)
    res = mh.gradient_descent(Y_norm, R, 2, 0.05, 0.3, 2000, np.random.default_rng(0))
    P = res.predict() + mu[:, None]
    np.testing.assert_allclose(P[:, -1], mu, atol=1e-3)


def test_normalize_movie_without_ratings():
    Y = np.array([[np.nan, np.nan], [1.0, 3.0]])
    R = np.array([[0.0, 0.0], [1.0, 1.0]])
    Y_norm, mu = mh.normalize_ratings(Y, R)
    np.testing.assert_allclose(mu, [0.0, 2.0])
    np.testing.assert_allclose(Y_norm[1], [-1.0, 1.0])


def test_predictions_table():
    toy = mh.load_toy()
    P = np.arange(20, dtype=float).reshape(5, 4) / 4
    table = mh.predictions_table(P, toy.R, toy.movies, toy.users, Y=toy.Y)
    lines = table.splitlines()
    assert len(lines) == 6 and lines[0].split() == toy.users
    assert lines[1].startswith("Love at Last") and "0.0 (5)" in lines[1]
    assert "(" not in lines[3].split("Love")[-1].split()[1]  # Alice did not rate the puppies movie


def test_plot_helpers_return_their_axes():
    import matplotlib.pyplot as plt

    toy = mh.load_toy()
    res = mh.gradient_descent(toy.Y, toy.R, 2, 0.05, 0.3, 100, np.random.default_rng(0))
    fig, axes = plt.subplots(1, 4)
    assert mh.plot_cost_history(axes[0], res.cost_history, label="train") is axes[0]
    assert axes[0].get_yscale() == "log"
    assert mh.plot_feature_space(axes[1], res.X, toy.movies, lim=3) is axes[1]
    assert axes[1].get_xlim() == (-3, 3)
    assert len(axes[1].texts) == 5
    X1 = res.X[:, :1]
    assert mh.plot_feature_space(axes[2], X1, toy.movies) is axes[2]
    assert mh.plot_ratings_heatmap(axes[3], res.predict(), toy.R, toy.movies, toy.users, Y=toy.Y) is axes[3]
    assert len(axes[3].texts) == 20 and len(axes[3].patches) == 15  # one frame per observed rating
    plt.close(fig)
    fig, ax = plt.subplots()
    assert mh.plot_rmse_bars(ax, 0.7, 0.85, {"biases": 0.87, "movie mean": 0.95}, title="t") is ax
    assert [round(p.get_width(), 2) for p in ax.patches] == [0.85, 0.7] and len(ax.lines) == 2
    plt.close(fig)


def test_set_style_is_explicit():
    import subprocess
    import sys

    code = (
        "import matplotlib as mpl; before = dict(mpl.rcParams); import mlite_helpers as mh; "
        "assert dict(mpl.rcParams) == before, 'import changed rcParams'; "
        "mh.set_style(); assert mpl.rcParams['axes.grid']"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
