"""The model on rating triplets: equal to the dense math, training, evaluation helpers (issue 4)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import random_problem
from test_movielens import REAL_ZIP, needs_zip

import mlite_helpers as mh


def triplets_of(Y, R):
    movies, users = np.nonzero(R == 1)
    return users, movies, Y[movies, users]


@pytest.mark.parametrize("shape", [(1, 1, 1), (6, 5, 2), (30, 20, 4), (50, 7, 10)])
@pytest.mark.parametrize("lambda_", [0.0, 1.7])
def test_sparse_equals_dense(rng, shape, lambda_):
    X, W, b, Y, R = random_problem(rng, *shape, density=0.3)
    users, movies, ratings = triplets_of(Y, R)
    J, dX, dW, db = mh.sparse_cost_and_gradients(X, W, b, users, movies, ratings, lambda_)
    assert J == pytest.approx(mh.cost(X, W, b, Y, R, lambda_), rel=1e-12)
    for sparse, dense in zip((dX, dW, db), mh.gradients(X, W, b, Y, R, lambda_)):
        np.testing.assert_allclose(sparse, dense, rtol=1e-10, atol=1e-12)


def test_sparse_gradients_match_numerical(rng):
    X, W, b, Y, R = random_problem(rng, 7, 6, 3, density=0.5)
    users, movies, ratings = triplets_of(Y, R)

    def grads(X, W, b, Y, R, lambda_):
        return mh.sparse_cost_and_gradients(X, W, b, users, movies, ratings, lambda_)[1:]

    assert mh.compare_gradients(X, W, b, Y, R, 0.9, grad_fn=grads).agree(1e-6)


def test_to_dense_round_trip(rng):
    _, _, _, Y, R = random_problem(rng, 8, 5, 1, density=0.4)
    Y2, R2 = mh.to_dense(*triplets_of(Y, R), n_users=5, n_movies=8)
    np.testing.assert_array_equal(R2, R)
    np.testing.assert_array_equal(Y2, Y)


def test_bad_triplets():
    X, W, b = mh.init_params(4, 3, 2, np.random.default_rng(0))
    u, m, y = np.array([0, 1]), np.array([2, 3]), np.array([4.0, 5.0])
    with pytest.raises(ValueError, match=r"movies must hold movie indices from 0 to 3; found 2..4"):
        mh.sparse_cost_and_gradients(X, W, b, u, np.array([2, 4]), y, 1.0)
    with pytest.raises(ValueError, match=r"users must hold user indices from 0 to 2; found -1..0"):
        mh.sparse_cost_and_gradients(X, W, b, np.array([-1, 0]), m, y, 1.0)
    with pytest.raises(TypeError, match="users must be a 1-D array of integer user indices"):
        mh.sparse_cost_and_gradients(X, W, b, u.astype(float), m, y, 1.0)
    with pytest.raises(ValueError, match=r"must have the same shape \(n_ratings,\)"):
        mh.sparse_cost_and_gradients(X, W, b, u, m, y[:1], 1.0)
    with pytest.raises(ValueError, match="ratings contains NaN or inf"):
        mh.sparse_cost_and_gradients(X, W, b, u, m, np.array([np.nan, 1.0]), 1.0)
    with pytest.raises(ValueError, match="lambda_"):
        mh.sparse_cost_and_gradients(X, W, b, u, m, y, -1.0)


def test_plain_fit_ratings_is_the_dense_gradient_descent(rng):
    _, _, _, Y, R = random_problem(rng, 12, 9, 1, density=0.5)
    users, movies, ratings = triplets_of(Y, R)
    sparse = mh.fit_ratings(
        mh.Ratings(users, movies, ratings),
        12,
        9,
        k=3,
        alpha=0.01,
        lambda_=0.5,
        epochs=200,
        rng=np.random.default_rng(4),
        scaled_steps=False,
        normalize=False,
    )
    dense = mh.gradient_descent(Y, R, k=3, alpha=0.01, lambda_=0.5, epochs=200, rng=np.random.default_rng(4))
    np.testing.assert_allclose(sparse.X, dense.X, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sparse.W, dense.W, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sparse.b, dense.b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sparse.cost_history, dense.cost_history, rtol=1e-10)


def test_fit_ratings_scaled_steps_lower_the_cost_and_report_divergence(rng):
    _, _, _, Y, R = random_problem(rng, 40, 30, 1, density=0.3)
    data = mh.Ratings(*triplets_of(Y, R))
    model = mh.fit_ratings(data, 40, 30, k=3, alpha=0.5, lambda_=2.0, epochs=100, rng=rng)
    assert not model.diverged and model.cost_history[-1] < 0.6 * model.cost_history[0]
    assert np.all(np.diff(model.cost_history) < 1e-9)
    bad = mh.fit_ratings(data, 40, 30, k=3, alpha=50.0, lambda_=2.0, epochs=100, rng=rng)
    assert bad.diverged and "alpha = 50" in bad.message and np.all(np.isfinite(bad.X))
    pred = model.predict(data.users, data.movies)
    assert pred.min() >= data.ratings.min() and pred.max() <= data.ratings.max()


def test_fit_ratings_bad_input(rng):
    data = mh.Ratings(np.array([0, 1]), np.array([0, 0]), np.array([3.0, 4.0]))
    with pytest.raises(ValueError, match="alpha"):
        mh.fit_ratings(data, 1, 2, k=2, alpha=0, lambda_=1.0, epochs=1, rng=rng)
    with pytest.raises(ValueError, match="k .* must be an integer >= 1"):
        mh.fit_ratings(data, 1, 2, k=0, alpha=0.1, lambda_=1.0, epochs=1, rng=rng)
    with pytest.raises(ValueError, match="users must hold user indices"):
        mh.fit_ratings(data, 1, 1, k=1, alpha=0.1, lambda_=1.0, epochs=1, rng=rng)
    with pytest.raises(ValueError, match="at least one"):
        mh.fit_ratings(
            data.take(np.array([], dtype=int)), 1, 2, k=1, alpha=0.1, lambda_=1.0, epochs=1, rng=rng
        )


def test_split_ratings_keeps_every_user(rng):
    users = np.repeat(np.arange(50), rng.integers(1, 40, size=50))
    rng.shuffle(users)
    train, test = mh.split_ratings(users, 0.25, np.random.default_rng(1))
    assert np.intersect1d(train, test).size == 0 and train.size + test.size == users.size
    assert set(users[train]) == set(users), "every user keeps ratings in training"
    counts = np.bincount(users)
    test_counts = np.bincount(users[test], minlength=50)
    np.testing.assert_array_equal(test_counts, np.minimum(np.round(0.25 * counts), counts - 1))
    again = mh.split_ratings(users, 0.25, np.random.default_rng(1))
    np.testing.assert_array_equal(again[1], test)
    with pytest.raises(ValueError, match="test_fraction must be below 1"):
        mh.split_ratings(users, 1.0, rng)


def test_movie_means_and_shrinkage():
    movies = np.array([0, 0, 1])
    ratings = np.array([4.0, 2.0, 5.0])
    mu, g = mh.movie_means(movies, ratings, 3)
    assert g == pytest.approx(11 / 3)
    np.testing.assert_allclose(mu, [3.0, 5.0, 11 / 3])
    mu, _ = mh.movie_means(movies, ratings, 3, shrink=1.0)
    np.testing.assert_allclose(mu, [(6 + g) / 3, (5 + g) / 2, g])
    assert mh.rmse(np.array([1.0, 3.0]), np.array([2.0, 2.0])) == 1.0
    assert mh.mae(np.array([1.0, 4.0]), np.array([2.0, 2.0])) == 1.5


def test_fold_in_solves_the_users_least_squares(rng):
    _, _, _, Y, R = random_problem(rng, 30, 20, 1, density=0.4)
    model = mh.fit_ratings(
        mh.Ratings(*triplets_of(Y, R)), 30, 20, k=4, alpha=0.5, lambda_=1.0, epochs=50, rng=rng
    )
    movies, stars = np.array([1, 4, 7, 9, 12]), np.array([5.0, 1.0, 4.0, 2.5, 3.0])
    w, b = mh.fold_in(model, movies, stars, lambda_=0.7)
    e = model.X[movies] @ w + b + model.mu[movies] - stars
    np.testing.assert_allclose(model.X[movies].T @ e + 0.7 * w, 0, atol=1e-8)  # dJ/dw = 0
    assert abs(e.sum()) < 1e-6  # dJ/db = 0
    w0, b0 = mh.fold_in(model, np.array([], dtype=int), np.array([]))
    assert np.all(w0 == 0) and b0 == 0
    counts = np.bincount(triplets_of(Y, R)[1], minlength=30)
    best, predicted = mh.recommend(model, w, b, exclude=movies, counts=counts, min_ratings=3, top=5)
    assert not set(best) & set(movies) and np.all(counts[best] >= 3) and np.all(np.diff(predicted) <= 0)
    similar, sims = mh.similar_movies(model.X, 2, counts, min_ratings=1, top=4)
    assert 2 not in similar and np.all(np.diff(sims) <= 1e-12) and np.all(np.abs(sims) <= 1 + 1e-12)


@needs_zip
def test_full_model_beats_the_biases_on_movielens(tmp_path):
    ml = mh.load_movielens(data_dir=REAL_ZIP.parent, cache_dir=tmp_path)
    data = mh.Ratings(ml.users, ml.movies, ml.ratings)
    train_idx, test_idx = mh.split_ratings(ml.users, 0.2, np.random.default_rng(0))
    train, test = data.take(train_idx), data.take(test_idx)
    mu, _ = mh.movie_means(train.movies, train.ratings, ml.n_movies, shrink=3.0)
    bias = np.bincount(train.users, weights=train.ratings - mu[train.movies]) / np.bincount(train.users)
    biases_rmse = mh.rmse(np.clip(mu[test.movies] + bias[test.users], 0.5, 5), test.ratings)
    model = mh.fit_ratings(
        train,
        ml.n_movies,
        ml.n_users,
        k=10,
        alpha=0.5,
        lambda_=10.0,
        epochs=60,
        rng=np.random.default_rng(0),
        shrink=3.0,
    )
    full_rmse = mh.rmse(model.predict(test.users, test.movies), test.ratings)
    assert full_rmse < biases_rmse < mh.rmse(mu[test.movies], test.ratings)
    assert full_rmse < 0.88


@needs_zip
def test_movielens_explorers(tmp_path, capsys):
    ml = mh.load_movielens(data_dir=REAL_ZIP.parent, cache_dir=tmp_path)
    data = mh.Ratings(ml.users, ml.movies, ml.ratings)
    train_idx, test_idx = mh.split_ratings(ml.users, 0.2, np.random.default_rng(0))
    train, test = data.take(train_idx), data.take(test_idx)
    runs = {}
    ex = mh.movielens_explorer(
        train,
        test,
        ml.n_movies,
        ml.n_users,
        np.random.default_rng(0),
        runs=runs,
        lambdas=(3.0, 10.0),
        ks=(1, 2),
        lambda_=10.0,
        k=2,
        epochs=20,
    )
    assert set(runs) == {(10.0, 2)} and ex.state["test_rmse"] < 1.0
    assert all(c.continuous_update is False for c in ex.controls.values())
    first = ex.state["test_rmse"]
    ex.controls["lambda_"].value = 3.0
    assert set(runs) == {(10.0, 2), (3.0, 2)} and ex.state["test_rmse"] != first
    ex.controls["k"].value = 1
    assert (3.0, 1) in runs and ex.state["model"].X.shape == (ml.n_movies, 1)
    ex.controls["lambda_"].value = 10.0
    ex.controls["k"].value = 2
    assert ex.state["model"] is runs[10.0, 2], "cached runs are reused"

    counts = np.bincount(train.movies, minlength=ml.n_movies)
    offered = np.argsort(-counts, kind="stable")[:4]
    nu = mh.new_user_explorer(runs[10.0, 2], ml.titles, offered, counts, lambda_=1.0)
    popular = list(nu.state["recommended"])
    assert "Rate a few movies" in capsys.readouterr().out
    nu.controls[f"movie_{offered[0]}"].value = 5.0
    nu.controls[f"movie_{offered[1]}"].value = 0.5
    assert offered[0] not in nu.state["recommended"] and offered[1] not in nu.state["recommended"]
    assert list(nu.state["recommended"]) != popular
    assert "You rated 2 movie(s)" in capsys.readouterr().out


def test_momentum_descends_faster_and_is_checked(rng):
    _, _, _, Y, R = random_problem(rng, 60, 40, 1, density=0.3)
    data = mh.Ratings(*triplets_of(Y, R))
    common = dict(k=4, alpha=0.2, lambda_=3.0, epochs=40, init_scale=0.5)
    plain = mh.fit_ratings(data, 60, 40, rng=np.random.default_rng(2), **common)
    heavy = mh.fit_ratings(data, 60, 40, rng=np.random.default_rng(2), momentum=0.9, **common)
    assert not heavy.diverged and heavy.cost_history[-1] < plain.cost_history[-1]
    np.testing.assert_allclose(heavy.cost_history[:2], plain.cost_history[:2])  # the first step is the same
    for bad in (1.0, -0.1, "0.9", float("nan")):
        with pytest.raises((TypeError, ValueError), match=r"momentum"):
            mh.fit_ratings(data, 60, 40, rng=rng, momentum=bad, **common)


def test_movielens_explorer_names_the_held_out_part_and_trains_with_momentum(rng, capsys):
    """05 passes its validation part: the printout and the bars must say so, and a run the
    explorer trains itself must use the momentum and start scale of the cached runs."""
    _, _, _, Y, R = random_problem(rng, 30, 20, 1, density=0.5)
    data = mh.Ratings(*triplets_of(Y, R))
    fit_idx, valid_idx = mh.split_ratings(data.users, 0.2, np.random.default_rng(0))
    fit, valid = data.take(fit_idx), data.take(valid_idx)
    settings = dict(alpha=0.1, epochs=15, shrink=3.0, momentum=0.9, init_scale=0.5)
    ex = mh.movielens_explorer(
        fit,
        valid,
        30,
        20,
        np.random.default_rng(1),
        lambdas=(3.0,),
        ks=(2,),
        lambda_=3.0,
        k=2,
        held_out="validation",
        **settings,
    )
    assert "validation RMSE" in capsys.readouterr().out
    seed = int(np.random.default_rng(1).integers(2**32))  # how the explorer seeds its runs
    expected = mh.fit_ratings(fit, 30, 20, k=2, lambda_=3.0, rng=np.random.default_rng(seed), **settings)
    np.testing.assert_allclose(ex.state["model"].cost_history, expected.cost_history)

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    mh.plot_rmse_bars(ax, 0.7, 0.9, held_out="validation")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["validation", "train"]
    plt.close(fig)
