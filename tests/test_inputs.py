"""Every bad input gets a clear error that names the problem and the fix (issue 2)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import mlite_helpers as mh


@pytest.fixture
def toy_params():
    toy = mh.load_toy()
    X, W, b = mh.init_params(5, 4, 2, np.random.default_rng(0))
    return X, W, b, toy.Y.copy(), toy.R.copy()


@pytest.mark.parametrize(
    "fn", [mh.cost, mh.cost_loops, mh.gradients, mh.gradients_loops, mh.numerical_gradients]
)
@pytest.mark.parametrize(
    ("change", "exc", "pattern"),
    [
        (lambda X, W, b, Y, R: (X[:, :1], W, b, Y, R), ValueError, r"X has k=1 columns but W has k=2"),
        (lambda X, W, b, Y, R: (X.ravel(), W, b, Y, R), ValueError, r"X must be 2-D .*\(n_movies, k\)"),
        (lambda X, W, b, Y, R: (X, W[0], b, Y, R), ValueError, r"W must be 2-D"),
        (lambda X, W, b, Y, R: (X, W, b[:3], Y, R), ValueError, r"b has 3 entries but W has 4 rows"),
        (lambda X, W, b, Y, R: (X, W, b[:, None], Y, R), ValueError, r"b must be 1-D .*b.ravel\(\)"),
        (lambda X, W, b, Y, R: (X, W, 0.5, Y, R), ValueError, r"b must be 1-D .*np.full"),
        (
            lambda X, W, b, Y, R: (X, W, b, Y.T, R.T),
            ValueError,
            r"imply \(n_movies, n_users\) = \(5, 4\)\. Did you pass Y.T",
        ),
        (
            lambda X, W, b, Y, R: (X, W, b, Y, R[:, :3]),
            ValueError,
            r"Y has shape \(5, 4\) but R has shape \(5, 3\)",
        ),
        (lambda X, W, b, Y, R: (X, W, b, Y[0], R), ValueError, r"Y must be 2-D"),
        (
            lambda X, W, b, Y, R: (X, W, b, Y, R * 0.5),
            ValueError,
            r"R must contain only 0 .* and 1 .*np.isnan",
        ),
        (
            lambda X, W, b, Y, R: (X, W, b, Y, np.where(R == 1, 2.0, 0.0)),
            ValueError,
            r"R must contain only 0",
        ),
        (
            lambda X, W, b, Y, R: (X, W, b, Y, np.ones_like(R)),
            ValueError,
            r"Y is nan at index \(1, 1\) but R marks",
        ),
        (lambda X, W, b, Y, R: (X, W, b, np.where(R == 1, np.inf, Y), R), ValueError, r"Y is inf at index"),
        (
            lambda X, W, b, Y, R: (np.full_like(X, np.nan), W, b, Y, R),
            ValueError,
            r"X contains NaN or inf.*lower alpha",
        ),
        (lambda X, W, b, Y, R: (X, W, np.full_like(b, np.inf), Y, R), ValueError, r"b contains NaN or inf"),
        (lambda X, W, b, Y, R: (None, W, b, Y, R), TypeError, r"X must be a numeric array"),
        (lambda X, W, b, Y, R: (X, W, b, "ratings", R), TypeError, r"Y must be a numeric array"),
        (lambda X, W, b, Y, R: (X, [["a", "b"]] * 4, b, Y, R), TypeError, r"W must be a numeric array"),
    ],
)
def test_bad_arrays(toy_params, fn, change, exc, pattern):
    with pytest.raises(exc, match=pattern):
        fn(*change(*toy_params), 1.0)


@pytest.mark.parametrize("fn", [mh.cost, mh.gradients])
@pytest.mark.parametrize(
    ("lambda_", "exc", "pattern"),
    [
        (-0.1, ValueError, r"lambda_ must be a finite number >= 0"),
        (np.nan, ValueError, r"lambda_"),
        ("1", TypeError, r"lambda_ must be a number"),
        (None, TypeError, r"lambda_"),
    ],
)
def test_bad_lambda(toy_params, fn, lambda_, exc, pattern):
    with pytest.raises(exc, match=pattern):
        fn(*toy_params, lambda_)


def test_predict_checks_shapes(toy_params):
    X, W, b, _, _ = toy_params
    with pytest.raises(ValueError, match="b has 2 entries but W has 4 rows"):
        mh.predict(X, W, b[:2])


def test_bool_R_is_accepted(toy_params):
    X, W, b, Y, R = toy_params
    assert mh.cost(X, W, b, Y, R.astype(bool), 1.0) == mh.cost(X, W, b, Y, R, 1.0)


@pytest.mark.parametrize(
    ("kwargs", "exc", "pattern"),
    [
        ({"alpha": 0.0}, ValueError, r"alpha must be a finite number > 0 \(the learning rate\)"),
        ({"alpha": -0.01}, ValueError, r"alpha .* > 0"),
        ({"alpha": np.inf}, ValueError, r"alpha"),
        ({"alpha": "fast"}, TypeError, r"alpha must be a number"),
        ({"lambda_": -1.0}, ValueError, r"lambda_ must be a finite number >= 0"),
        ({"k": 0}, ValueError, r"k \(number of latent features\) must be an integer >= 1"),
        ({"k": 2.5}, TypeError, r"k .* must be an integer"),
        ({"k": True}, TypeError, r"k .* must be an integer"),
        ({"epochs": -1}, ValueError, r"epochs .* must be an integer >= 0"),
        ({"epochs": 10.0}, TypeError, r"epochs"),
        ({"rng": 42}, TypeError, r"rng must be a np.random.Generator.*default_rng"),
        ({"snapshot_every": 0}, ValueError, r"snapshot_every"),
    ],
)
def test_bad_training_arguments(kwargs, exc, pattern):
    toy = mh.load_toy()
    args = {"k": 2, "alpha": 0.05, "lambda_": 0.3, "epochs": 10, "rng": np.random.default_rng(0)}
    args.update(kwargs)
    with pytest.raises(exc, match=pattern):
        mh.gradient_descent(toy.Y, toy.R, **args)


def test_bad_init_for_training():
    toy = mh.load_toy()
    init = mh.init_params(5, 4, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"init has \(n_movies, n_users, k\) = \(5, 4, 3\) but .* k = 2"):
        mh.gradient_descent(toy.Y, toy.R, 2, 0.05, 0.3, 1, np.random.default_rng(0), init=init)
    init = mh.init_params(4, 4, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"init has \(n_movies, n_users, k\) = \(4, 4, 2\)"):
        mh.gradient_descent(toy.Y, toy.R, 2, 0.05, 0.3, 1, np.random.default_rng(0), init=init)


def test_bad_init_params():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"k \(number of latent features\) must be an integer >= 1"):
        mh.init_params(5, 4, 0, rng)
    with pytest.raises(ValueError, match="n_movies"):
        mh.init_params(0, 4, 2, rng)
    with pytest.raises(TypeError, match="rng must be a np.random.Generator"):
        mh.init_params(5, 4, 2, np.random.RandomState(0))
    with pytest.raises(ValueError, match="scale"):
        mh.init_params(5, 4, 2, rng, scale=-1)


def test_numerical_gradients_bad_eps(toy_params):
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        mh.numerical_gradients(*toy_params, 1.0, eps=0)


def test_compare_gradients_wrong_shape(toy_params):
    def transposed(*args):
        dX, dW, db = mh.gradients(*args)
        return dX.T, dW, db

    with pytest.raises(ValueError, match=r"dX has shape \(2, 5\) but must have shape \(5, 2\)"):
        mh.compare_gradients(*toy_params, 1.0, grad_fn=transposed)


def test_load_toy_missing_and_corrupted(tmp_path):
    with pytest.raises(FileNotFoundError, match="path: no toy ratings file at .*Call load_toy"):
        mh.load_toy(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("movie,A,B\nFilm,5,x\n")
    with pytest.raises(ValueError, match=r"line 2: a rating is not a number"):
        mh.load_toy(bad)
    bad.write_text("movie,A,B\nFilm,5\n")
    with pytest.raises(ValueError, match=r"line 2: expected 3 fields"):
        mh.load_toy(bad)
    bad.write_text("movie\n")
    with pytest.raises(ValueError, match="header"):
        mh.load_toy(bad)


def test_table_and_plot_shape_errors():
    import matplotlib.pyplot as plt

    toy = mh.load_toy()
    with pytest.raises(ValueError, match="do not fit together"):
        mh.predictions_table(np.zeros((4, 5)), toy.R, toy.movies, toy.users)
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="F has 5 rows but 4 labels"):
        mh.plot_feature_space(ax, np.zeros((5, 2)), toy.users)
    with pytest.raises(ValueError, match="do not fit together"):
        mh.plot_ratings_heatmap(ax, np.zeros((5, 3)), toy.R, toy.movies, toy.users)
    plt.close(fig)


@pytest.mark.parametrize(
    ("call", "shown"),
    [
        (lambda p: mh.cost(*p[:4], np.where(p[4] == 1, 5.0, 0.0), 1.0), "found 5 at index (0, 0)"),
        (lambda p: mh.cost(*p, np.float64(-1.5)), "got -1.5."),
        (
            lambda p: mh.gradient_descent(
                *p[3:], k=2, alpha=0.03, lambda_=0.3, epochs=np.int64(-2), rng=np.random.default_rng(0)
            ),
            "got -2.",
        ),
        (lambda p: mh.init_params(5, 4, np.float32(2.5), np.random.default_rng(0)), "got 2.5 (a float)."),
    ],
)
def test_messages_show_numpy_numbers_plainly(toy_params, call, shown):
    """NumPy 2 writes np.float64(5.0) for repr(5.0 as a NumPy number): messages show 5."""
    with pytest.raises((TypeError, ValueError)) as err:
        call(toy_params)
    message = str(err.value)
    assert shown in message and not re.search(r"np\.(float|int)\d+\(", message), message


# -- messages found by a learner's review of the helpers -----------------------------------


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (
            lambda: mh.split_ratings(np.array([0, -1]), 0.2, np.random.default_rng(0)),
            r"users must be 0-based .*-1",
        ),
        (
            lambda: mh.movie_means([0, 1], [4.0], 5),
            r"movies \(2,\) and ratings \(1,\) must have the same length",
        ),
        (
            lambda: mh.mae(np.array([1e300]), np.array([1.0])),
            r"predicted holds 1e\+300: far too large for a rating",
        ),
        (
            lambda: mh.descend(lambda X: 1.0, mh.init_params(5, 4, 2, np.random.default_rng(0)), 0.1, 3),
            r"cost_and_gradients is called as .* with 3 arguments",
        ),
        (
            lambda: mh.compare_gradients(
                *mh.init_params(5, 4, 2, np.random.default_rng(0)),
                *mh.load_toy()[:2],
                1.0,
                grad_fn=lambda X, W, b: 0,
            ),
            r"grad_fn is called as .* with 6 arguments",
        ),
        (
            lambda: mh.descend(
                lambda X, W, b: (0.0, X, W, b),
                mh.init_params(5, 4, 2, np.random.default_rng(0)),
                0.1,
                3,
                scale=(1, 1),
            ),
            r"scale must be the step multipliers for X, W and b .* got a tuple of 2 item\(s\)",
        ),
    ],
)
def test_review_messages(call, pattern):
    with pytest.raises((TypeError, ValueError), match=pattern):
        call()


def test_fold_in_length_mismatch_names_its_own_arguments():
    toy = mh.load_toy()
    users, movies = np.nonzero(toy.R.T)
    data = mh.Ratings(users, movies, toy.Y.T[users, movies])
    model = mh.fit_ratings(data, 5, 4, k=2, alpha=0.5, lambda_=1.0, epochs=5, rng=np.random.default_rng(0))
    with pytest.raises(
        ValueError, match=r"movies \(2,\) and ratings \(1,\) must have the same length"
    ) as info:
        mh.fold_in(model, [0, 1], [4.0])
    assert "users" not in str(info.value)


def test_recommend_ranks_before_clipping():
    """Predictions above the top of the scale keep their order: 9 stars beats 7 stars."""
    model = mh.RatingsModel(
        X=np.array([[1.0], [2.0], [3.0], [0.0]]),
        W=np.ones((1, 1)),
        b=np.zeros(1),
        mu=np.full(4, 3.0),
        lambda_=1.0,
        cost_history=np.zeros(1),
        diverged=False,
        message="",
        rating_range=(0.5, 5.0),
    )
    movies, predicted = mh.recommend(model, np.array([2.0]), 0.0, np.array([], int), np.full(4, 50), top=2)
    assert movies.tolist() == [2, 1]
    assert predicted.tolist() == [5.0, 5.0]
