"""Alternating least squares (07_als_and_spark): the half-steps solve their normal equations,
J never increases, the result is the model of fit_ratings; bad inputs get clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import random_problem

import mlite_helpers as mh


def triplets(Y, R):
    movies, users = np.nonzero(R == 1)
    return mh.Ratings(users, movies, Y[movies, users])


@pytest.mark.parametrize("shape", [(5, 4, 2), (12, 9, 3), (30, 20, 1)])
@pytest.mark.parametrize("scaled_lambda", [False, True])
def test_user_step_zeroes_the_gradient_of_W_and_b(rng, shape, scaled_lambda):
    X, _, _, Y, R = random_problem(rng, *shape)
    W, b = mh.als_user_step(X, triplets(Y, R), shape[1], 0.7, scaled_lambda=scaled_lambda)
    _, dW, db = mh.gradients(X, W, b, Y, R, 0.0)
    n_j = R.sum(axis=0)
    penalty = 0.7 * (n_j if scaled_lambda else np.ones_like(n_j))
    np.testing.assert_allclose(dW + penalty[:, None] * W, 0.0, atol=1e-9)  # dJ/dW = E^T X + lambda W
    np.testing.assert_allclose(db, 0.0, atol=1e-9)


@pytest.mark.parametrize("shape", [(5, 4, 2), (12, 9, 3)])
def test_movie_step_zeroes_the_gradient_of_X(rng, shape):
    _, W, b, Y, R = random_problem(rng, *shape)
    X = mh.als_movie_step(W, b, triplets(Y, R), shape[0], 1.3)
    dX, _, _ = mh.gradients(X, W, b, Y, R, 1.3)
    np.testing.assert_allclose(dX, 0.0, atol=1e-9)


def test_user_step_is_fold_in_for_every_user():
    toy = mh.load_toy()
    X = np.random.default_rng(3).normal(size=(5, 2))
    W, b = mh.als_user_step(X, triplets(toy.Y, toy.R), 4, 1.0)
    model = mh.RatingsModel(X, W, b, np.zeros(5), 1.0, np.zeros(1), False, "", (0.0, 5.0))  # 0 to 5 stars
    for j in range(4):
        rated = np.flatnonzero(toy.R[:, j] == 1)
        w, b_j = mh.fold_in(model, rated, toy.Y[rated, j])  # the closed form for one user
        np.testing.assert_allclose(w, W[j], atol=1e-12)
        assert b_j == pytest.approx(b[j], abs=1e-12)


def test_users_and_movies_without_ratings_get_zeros():
    data = mh.Ratings(np.array([0, 0, 2]), np.array([0, 1, 1]), np.array([4.0, 2.0, 5.0]))
    W, b = mh.als_user_step(np.ones((3, 2)), data, 4, 1.0)
    assert np.all(W[[1, 3]] == 0) and np.all(b[[1, 3]] == 0)
    X = mh.als_movie_step(W, b, data, 3, 1.0)
    assert np.all(X[2] == 0)


@pytest.mark.parametrize("scaled_lambda", [False, True])
def test_fit_als_never_increases_J(rng, scaled_lambda):
    _, _, _, Y, R = random_problem(rng, 15, 12, 3)
    data = triplets(Y, R)
    model = mh.fit_als(data, 15, 12, 3, 0.5, 15, rng, scaled_lambda=scaled_lambda)
    assert model.cost_history.shape == (16,)
    assert np.all(np.diff(model.cost_history) <= 1e-9 * model.cost_history[0])
    assert not model.diverged and model.message.startswith("Trained 15 epochs of ALS (sweeps): J went from")


def test_fit_als_reports_J_of_the_model():
    toy = mh.load_toy()
    model = mh.fit_als(triplets(toy.Y, toy.R), 5, 4, 2, 1.0, 8, np.random.default_rng(0))
    Y_norm = toy.Y - model.mu[:, None]
    assert model.cost_history[-1] == pytest.approx(mh.cost(model.X, model.W, model.b, Y_norm, toy.R, 1.0))


def test_fit_als_reaches_the_J_of_gradient_descent_on_the_toy_data():
    toy = mh.load_toy()
    als = mh.fit_als(triplets(toy.Y, toy.R), 5, 4, 2, 1.0, 30, np.random.default_rng(0), normalize=False)
    gd = mh.gradient_descent(toy.Y, toy.R, 2, 0.03, 1.0, 5000, np.random.default_rng(0))
    assert als.cost_history[-1] == pytest.approx(gd.cost_history[-1], rel=1e-3)
    np.testing.assert_allclose(als.X @ als.W.T + als.b, gd.predict(), atol=0.05)
    assert als.predict(np.array([0]), np.array([1]))[0] > 4  # Alice on Romance Forever


def test_fit_als_and_fit_ratings_share_inputs_and_result(rng):
    _, _, _, Y, R = random_problem(rng, 8, 6, 2)
    data = triplets(Y, R)
    als = mh.fit_als(data, 8, 6, 2, 1.0, 5, np.random.default_rng(1), shrink=2.0)
    gd = mh.fit_ratings(data, 8, 6, 2, 0.5, 1.0, 5, np.random.default_rng(1), shrink=2.0)
    assert type(als) is type(gd)
    np.testing.assert_array_equal(als.mu, gd.mu)
    assert als.rating_range == gd.rating_range
    assert als.predict(data.users, data.movies).shape == data.ratings.shape


def test_callback_sees_every_sweep_and_stops_training(rng):
    _, _, _, Y, R = random_problem(rng, 12, 9, 2)
    data, seen = triplets(Y, R), []

    def stop_at_3(epoch, model):
        seen.append((epoch, model))
        return epoch == 3

    model = mh.fit_als(data, 12, 9, 2, 1.0, 10, np.random.default_rng(4), callback=stop_at_3)
    assert [epoch for epoch, _ in seen] == [1, 2, 3] and model.cost_history.shape == (4,)
    assert model.message.startswith("Stopped early after 3 epochs of ALS (sweeps)")
    np.testing.assert_array_equal(seen[-1][1].X, model.X)  # the callback saw the parameters returned
    assert seen[-1][1].cost_history.size == 0 and seen[-1][1].rating_range == model.rating_range
    three = mh.fit_als(data, 12, 9, 2, 1.0, 3, np.random.default_rng(4))
    np.testing.assert_array_equal(three.W, model.W)  # stopping after 3 sweeps is training for 3 epochs
    np.testing.assert_array_equal(three.cost_history, model.cost_history)


def test_zero_epochs_keep_the_start(rng):
    data = mh.Ratings(np.array([0, 1]), np.array([1, 0]), np.array([3.0, 4.0]))
    model = mh.fit_als(data, 2, 2, 2, 1.0, 0, np.random.default_rng(0), init_scale=0.3)
    X0, _, _ = mh.init_params(2, 2, 2, np.random.default_rng(0), scale=0.3)
    np.testing.assert_array_equal(model.X, X0)
    assert model.cost_history.shape == (1,)


GOOD = mh.Ratings(np.array([0, 1]), np.array([1, 0]), np.array([3.0, 4.0]))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lambda_": 0.0}, ValueError, r"lambda_ must be a finite number > 0 .*ALS needs it > 0"),
        ({"lambda_": -1.0}, ValueError, "lambda_"),
        ({"lambda_": "1"}, TypeError, "lambda_"),
        ({"epochs": -1}, ValueError, r"epochs \(number of sweeps\)"),
        ({"epochs": 2.5}, TypeError, "epochs"),
        ({"callback": lambda epoch, X, W, b: True}, TypeError, r"callback is called as \(epoch, model\)"),
        ({"k": 0}, ValueError, "k"),
        ({"n_users": 1}, ValueError, "users must hold user indices from 0 to 0"),
        ({"data": (np.array([0]), np.array([0]))}, TypeError, r"Ratings\(users, movies, ratings\)"),
        (
            {"data": mh.Ratings(np.array([], int), np.array([], int), np.array([]))},
            ValueError,
            "holds no ratings",
        ),
        (
            {"data": mh.Ratings(np.array([0]), np.array([0]), np.array([np.nan]))},
            ValueError,
            "ratings contains NaN",
        ),
        ({"rng": 0}, TypeError, "np.random.default_rng"),
        ({"shrink": -1.0}, ValueError, "shrink"),
    ],
)
def test_fit_als_bad_inputs(kwargs, error, match):
    args = {"data": GOOD, "n_movies": 2, "n_users": 2, "k": 2, "lambda_": 1.0, "epochs": 2}
    args["rng"] = np.random.default_rng(0)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        mh.fit_als(**args)


def test_half_steps_bad_inputs():
    with pytest.raises(ValueError, match="X contains NaN"):
        mh.als_user_step(np.full((2, 2), np.nan), GOOD, 2, 1.0)
    with pytest.raises(
        ValueError,
        match=r"movies must hold movie indices from 0 to 0.*\(n_movies = 1 from the rows of X, n_users = 2\)$",
    ):
        mh.als_user_step(np.ones((1, 1)), GOOD, 2, 1.0)  # only n_movies comes from X
    with pytest.raises(
        ValueError,
        match=r"users must hold user indices from 0 to 0.*\(n_movies = 2, n_users = 1 from the rows of W\)$",
    ):
        mh.als_movie_step(np.ones((1, 1)), np.zeros(1), GOOD, 2, 1.0)  # only n_users comes from W
    with pytest.raises(ValueError, match=r"X has shape \(1, 2\).*Is it transposed\? Pass X\.T"):
        mh.als_user_step(np.ones((1, 2)), GOOD, 2, 1.0)
    with pytest.raises(ValueError, match=r"W has shape \(2, 3\).*Is it transposed\? Pass W\.T"):
        mh.als_movie_step(np.ones((2, 3)), np.zeros(3), GOOD, 2, 1.0)
    with pytest.raises(TypeError, match=r"Ratings\(users, movies, ratings\)"):
        mh.als_user_step(np.ones((2, 2)), [1, 2], 2, 1.0)
    with pytest.raises(ValueError, match=r"b \(one bias per user, a row of W each\) must have shape \(2,\)"):
        mh.als_movie_step(np.ones((2, 2)), np.zeros(3), GOOD, 2, 1.0)
    with pytest.raises(ValueError, match="lambda_"):
        mh.als_movie_step(np.ones((2, 2)), np.zeros(2), GOOD, 2, 0.0)
    with pytest.raises(TypeError, match=r"n_movies \(number of movies\)"):
        mh.als_movie_step(np.ones((2, 2)), np.zeros(2), GOOD, 2.0, 1.0)
