"""Notebook 06: early stopping, select_settings, top-N lists and their metrics, the explorer."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mlite_helpers as mh
from mlite_support import movielens

# -- data ---------------------------------------------------------------------------------


def synthetic(seed: int = 0, n_movies: int = 60, n_users: int = 80, k: int = 3, noise: float = 0.3):
    """Ratings from a known rank-k model plus noise, about half of all cells rated."""
    rng = np.random.default_rng(seed)
    X, W = rng.normal(size=(n_movies, k)), rng.normal(size=(n_users, k))
    Y = np.clip(3 + 0.6 * X @ W.T + noise * rng.normal(size=(n_movies, n_users)), 0.5, 5)
    movies, users = np.nonzero(rng.random((n_movies, n_users)) < 0.5)
    return mh.Ratings(users, movies, Y[movies, users]), n_movies, n_users


@pytest.fixture(scope="module")
def chosen():
    data, n_movies, n_users = synthetic()
    selection = mh.select_settings(
        data, n_movies, n_users, np.random.default_rng(1), lambdas=(0.3, 3.0, 30.0), ks=(1, 3)
    )
    return data, n_movies, n_users, selection


# -- early stopping in descend and fit_ratings --------------------------------------------------


def test_descend_callback_stops_early_without_calling_it_divergence():
    data, n_movies, n_users = synthetic()
    seen = []

    def stop_at_7(epoch, model):
        seen.append((epoch, model))
        return epoch == 7

    model = mh.fit_ratings(
        data, n_movies, n_users, 3, 0.5, 1.0, 50, np.random.default_rng(0), callback=stop_at_7
    )
    assert [e for e, _ in seen] == list(range(1, 8))
    assert not model.diverged and model.cost_history.size == 8
    assert "Stopped early after 7 epochs" in model.message
    np.testing.assert_array_equal(seen[-1][1].X, model.X)  # the callback saw the parameters returned
    np.testing.assert_array_equal(seen[-1][1].mu, model.mu)
    full = mh.fit_ratings(data, n_movies, n_users, 3, 0.5, 1.0, 7, np.random.default_rng(0))
    np.testing.assert_array_equal(full.X, model.X)  # stopping at 7 is training for 7 epochs


def test_descend_without_callback_is_unchanged_and_still_reports_divergence():
    data, n_movies, n_users = synthetic()
    bad = mh.fit_ratings(
        data, n_movies, n_users, 3, 50.0, 1.0, 30, np.random.default_rng(0), scaled_steps=False
    )
    assert bad.diverged and "diverged" in bad.message


# -- select_settings -----------------------------------------------------------------------


def test_selection_picks_the_true_number_of_features(chosen):
    data, n_movies, n_users, selection = chosen
    assert set(selection.results) == {(lam, k) for lam in (0.3, 3.0, 30.0) for k in (1, 3)}
    assert selection.k == 3, selection.message  # the ratings were made with k = 3
    assert selection.lambda_ < 30.0
    best = min(selection.results.values(), key=lambda r: r.validation_rmse)
    assert (selection.epochs, selection.validation_rmse) == (best.epochs, best.validation_rmse)
    assert selection.message.startswith(
        f"Chose lambda_ = {selection.lambda_:g}, k = 3, {selection.epochs} epochs"
    )


def test_selection_curves_and_early_stopping(chosen):
    *_, selection = chosen
    for result in selection.results.values():
        epochs, errors = result.curve.T
        np.testing.assert_array_equal(epochs, np.arange(5, 5 * len(epochs) + 1, 5))  # a check every 5 epochs
        assert (
            result.validation_rmse in errors and errors[epochs == result.epochs][0] == result.validation_rmse
        )
        later = errors[epochs > result.epochs]
        assert np.all(later >= result.validation_rmse - 5e-4)  # nothing later beat it by more than tol
        assert (
            epochs[-1] == 200 or epochs[-1] - result.epochs == 4 * 5
        )  # stopped after 4 checks, or at the limit


def test_selection_model_is_the_winner_trained_on_all_the_data(chosen):
    data, n_movies, n_users, selection = chosen
    again = selection.refit(data, n_movies, n_users)
    np.testing.assert_array_equal(again.X, selection.model.X)
    assert selection.model.cost_history.size == selection.epochs + 1
    rng = np.random.default_rng(1)  # same seed, same choice
    twice = mh.select_settings(data, n_movies, n_users, rng, lambdas=(0.3, 3.0, 30.0), ks=(1, 3))
    assert twice.message == selection.message
    np.testing.assert_array_equal(twice.model.W, selection.model.W)


def test_selection_beats_simple_predictors_on_fresh_ratings():
    data, n_movies, n_users = synthetic(seed=3)
    train_idx, test_idx = mh.split_ratings(data.users, 0.2, np.random.default_rng(0))
    train, test = data.take(train_idx), data.take(test_idx)
    selection = mh.select_settings(train, n_movies, n_users, np.random.default_rng(0), ks=(1, 3))
    mu, global_mean = mh.movie_means(train.movies, train.ratings, n_movies, shrink=3.0)
    model_rmse = mh.rmse(selection.model.predict(test.users, test.movies), test.ratings)
    simple = min(
        mh.rmse(mu[test.movies], test.ratings), mh.rmse(np.full(test.ratings.size, global_mean), test.ratings)
    )
    assert model_rmse < 0.7 * simple, (model_rmse, simple)  # the features carry most of the signal


def test_selection_accepts_another_fit_function():
    data, n_movies, n_users = synthetic()
    calls = []

    def my_fit(data, n_movies, n_users, k, alpha, lambda_, epochs, rng, *, callback=None, **options):
        calls.append((k, lambda_, epochs, callback is not None, options))
        return mh.fit_ratings(
            data, n_movies, n_users, k, alpha, lambda_, epochs, rng, callback=callback, **options
        )

    selection = mh.select_settings(
        data,
        n_movies,
        n_users,
        np.random.default_rng(0),
        lambdas=(1.0,),
        ks=(2, 3),
        max_epochs=40,
        fit=my_fit,
        fit_options={"shrink": 1.0},
    )
    assert [c[:2] for c in calls] == [(2, 1.0), (3, 1.0), (selection.k, 1.0)]  # two runs, then the winner
    assert [c[2] for c in calls] == [40, 40, selection.epochs] and all(c[4] == {"shrink": 1.0} for c in calls)
    assert calls[0][3] and calls[1][3]


def test_selection_with_fit_als_chooses_and_refits():
    data, n_movies, n_users = synthetic()
    train_idx, test_idx = mh.split_ratings(data.users, 0.2, np.random.default_rng(0))
    train, test = data.take(train_idx), data.take(test_idx)
    selection = mh.select_settings(
        train,
        n_movies,
        n_users,
        np.random.default_rng(1),
        lambdas=(1.0, 10.0, 100.0),
        ks=(1, 3),
        alpha=None,  # ALS has no learning rate
        max_epochs=30,
        every=1,
        patience=3,
        fit=mh.fit_als,
        fit_options={"shrink": 3.0},
    )
    assert set(selection.results) == {(lam, k) for lam in (1.0, 10.0, 100.0) for k in (1, 3)}
    assert selection.k == 3 and selection.lambda_ < 100.0, selection.message  # made with k = 3
    assert (
        selection.alpha is None and selection.fit is mh.fit_als and selection.fit_options == {"shrink": 3.0}
    )
    for result in selection.results.values():  # a check after every sweep, stopped after 3 without gain
        epochs, errors = result.curve.T
        np.testing.assert_array_equal(epochs, np.arange(1, len(epochs) + 1))
        assert epochs[-1] == 30 or epochs[-1] - result.epochs == 3
    assert 0 < selection.epochs < 30 and selection.message.startswith(
        f"Chose lambda_ = {selection.lambda_:g}, k = 3, {selection.epochs} epochs"
    )
    # the model: fit_als with the chosen settings on all of train, from the selection's start
    again = mh.fit_als(
        train,
        n_movies,
        n_users,
        3,
        selection.lambda_,
        selection.epochs,
        np.random.default_rng(selection.seed),
        shrink=3.0,
    )
    np.testing.assert_array_equal(again.X, selection.model.X)
    assert selection.model.cost_history.size == selection.epochs + 1
    other = selection.refit(train, n_movies, n_users, (100.0, 1))
    assert (
        other.X.shape == (n_movies, 1) and other.cost_history.size == selection.results[100.0, 1].epochs + 1
    )
    mu, _ = mh.movie_means(train.movies, train.ratings, n_movies, shrink=3.0)
    model_rmse = mh.rmse(selection.model.predict(test.users, test.movies), test.ratings)
    assert model_rmse < 0.7 * mh.rmse(mu[test.movies], test.ratings), model_rmse  # it learned the features


def test_selection_default_fit_options_are_for_fit_ratings_only():
    data, n_movies, n_users = synthetic()
    seen = []

    def my_fit(data, n_movies, n_users, *, k, alpha, lambda_, epochs, rng, callback=None, **options):
        seen.append(options)
        return mh.fit_ratings(data, n_movies, n_users, k, alpha, lambda_, epochs, rng, callback=callback)

    mh.select_settings(data, n_movies, n_users, np.random.default_rng(0), ks=(2,), max_epochs=10, fit=my_fit)
    assert seen and all(
        options == {} for options in seen
    )  # called with keywords, without fit_ratings' options
    with pytest.raises(TypeError, match="fit has no learning rate .* pass alpha=None"):
        mh.select_settings(data, n_movies, n_users, np.random.default_rng(0), fit=mh.fit_als)
    with pytest.raises(TypeError, match=r"fit_options \{'momentum': 0.9\} do not fit"):
        mh.select_settings(
            data,
            n_movies,
            n_users,
            np.random.default_rng(0),
            alpha=None,
            fit=mh.fit_als,
            fit_options={"momentum": 0.9},
        )


def test_selection_notes_the_edge_of_the_grid_and_the_epoch_limit():
    data, n_movies, n_users = synthetic()
    rng = np.random.default_rng(0)
    selection = mh.select_settings(
        data, n_movies, n_users, rng, lambdas=(30.0, 100.0), ks=(3,), max_epochs=10
    )
    assert f"lambda_ = {selection.lambda_:g} is at the edge of the grid (30.0, 100.0)" in selection.message
    assert "k = 3 is at the edge" not in selection.message  # a grid of one value has no edge to move
    assert "still improving after 10 epochs" in selection.message


def test_selection_progress_goes_to_stderr_only_when_asked(capsys):
    data, n_movies, n_users = synthetic()
    kwargs = dict(lambdas=(1.0, 10.0), ks=(2,), max_epochs=20)
    mh.select_settings(data, n_movies, n_users, np.random.default_rng(0), **kwargs)
    assert capsys.readouterr() == ("", "")
    mh.select_settings(data, n_movies, n_users, np.random.default_rng(0), progress=True, **kwargs)
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 2 and "lambda_ = 10, k = 2: validation RMSE" in err


def test_selection_reports_when_every_run_fails():
    data, n_movies, n_users = synthetic()
    with pytest.raises(ValueError, match="lower alpha"):
        mh.select_settings(
            data,
            n_movies,
            n_users,
            np.random.default_rng(0),
            ks=(2,),
            alpha=500.0,
            fit_options={"momentum": 0.9},
        )

    def never_calls_back(data, n_movies, n_users, k, alpha, lambda_, epochs, rng, **options):
        return mh.fit_ratings(data, n_movies, n_users, k, alpha, lambda_, epochs, rng)

    with pytest.raises(ValueError, match=r"never calls callback\(epoch, model\)"):
        mh.select_settings(
            data, n_movies, n_users, np.random.default_rng(0), fit=never_calls_back, max_epochs=10
        )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"rng": 0}, TypeError, "rng must be a np.random.Generator"),
        (
            {"data": (np.zeros(3, int), np.zeros(3, int))},
            TypeError,
            r"data must be a Ratings\(users, movies, ratings\)",
        ),
        ({"lambdas": 3.0}, TypeError, "lambdas must be a list or tuple of the values to try"),
        ({"ks": ()}, ValueError, "ks is empty: give at least one value to try"),
        (
            {"ks": (0, 2)},
            ValueError,
            r"ks\[0\] \(number of latent features, at most min\(n_movies, n_users\)\)",
        ),
        ({"lambdas": (-1.0,)}, ValueError, r"lambdas\[0\] must be a finite number >= 0"),
        ({"every": 0}, ValueError, r"every \(epochs between validation checks, at most max_epochs\)"),
        ({"every": 50, "max_epochs": 20}, ValueError, "must be an integer from 1 to 20"),
        ({"patience": 0}, ValueError, "patience"),
        ({"tol": -1e-3}, ValueError, "tol must be a finite number >= 0"),
        ({"validation_fraction": 1.0}, ValueError, "validation_fraction must be below 1"),
        ({"validation_fraction": "a"}, TypeError, "validation_fraction must be a number"),
        ({"n_users": 3}, ValueError, "users must hold user indices from 0 to 2"),
    ],
)
def test_selection_bad_input(kwargs, error, match):
    data, n_movies, n_users = synthetic()
    args = {"data": data, "n_movies": n_movies, "n_users": n_users, "rng": np.random.default_rng(0)}
    args.update(kwargs)
    positional = [args.pop(name) for name in ("data", "n_movies", "n_users", "rng")]
    with pytest.raises(error, match=match):
        mh.select_settings(*positional, **args)


def test_refit_refuses_a_setting_outside_the_grid(chosen):
    data, n_movies, n_users, selection = chosen
    with pytest.raises(ValueError, match=r"setting must be a \(lambda_, k\) of the grid"):
        selection.refit(data, n_movies, n_users, (1.0, 3))
    with pytest.raises(ValueError, match="one of"):
        selection.refit(data, n_movies, n_users, [0.3, 3])


def whole_stars_half_the_users():
    """A MovieLens data set select_settings has never seen: every second user of
    ml-latest-small, ratings rounded up to whole stars (1 to 5, as in ml-100k), users and
    movies numbered afresh."""
    ml = mh.load_movielens()
    keep = ml.users % 2 == 1
    users, user_index = np.unique(ml.users[keep], return_inverse=True)
    movies, movie_index = np.unique(ml.movies[keep], return_inverse=True)
    data = mh.Ratings(user_index, movie_index, np.ceil(ml.ratings[keep]))
    return data, movies.size, users.size


needs_movielens = pytest.mark.skipif(
    not (movielens.DATA_DIR / "ml-latest-small.zip").exists()
    and not (movielens.DATA_DIR / "ml-latest-small").exists(),
    reason="MovieLens is not in data/: put ml-latest-small.zip there (see README, Troubleshooting)",
)


@needs_movielens
def test_selection_on_an_unseen_movielens_data_set_with_its_defaults_only():
    data, n_movies, n_users = whole_stars_half_the_users()
    assert set(np.unique(data.ratings)) == {1.0, 2.0, 3.0, 4.0, 5.0}
    train_idx, test_idx = mh.split_ratings(data.users, 0.2, np.random.default_rng(7))
    train, test = data.take(train_idx), data.take(test_idx)
    selection = mh.select_settings(
        train, n_movies, n_users, np.random.default_rng(7)
    )  # nothing chosen by hand
    assert selection.lambda_ in (3.0, 10.0, 30.0) and selection.k in (2, 10) and 0 < selection.epochs < 200
    mu, _ = mh.movie_means(train.movies, train.ratings, n_movies, shrink=3.0)
    residual = train.ratings - mu[train.movies]
    bias = np.bincount(train.users, residual, n_users) / np.bincount(train.users, minlength=n_users)
    biases = np.clip(mu[test.movies] + bias[test.users], 1, 5)
    model_rmse = mh.rmse(selection.model.predict(test.users, test.movies), test.ratings)
    assert model_rmse < mh.rmse(biases, test.ratings) < mh.rmse(mu[test.movies], test.ratings)
    assert selection.model.rating_range == (1.0, 5.0)


# -- top-N lists ---------------------------------------------------------------------------


def hand_lists():
    """4 movies, 3 users. User 0 rated movie 1 in training; user 2 rated movies 0 and 3."""
    scores = np.array(
        [
            [0.9, 0.1, 5.0],
            [0.8, 0.2, 1.0],
            [0.1, 0.3, 2.0],
            [0.5, 0.3, 3.0],
        ]
    )
    train = mh.Ratings(np.array([0, 2, 2]), np.array([1, 0, 3]), np.array([4.0, 3.0, 5.0]))
    return scores, train


def test_top_n_by_hand():
    scores, train = hand_lists()
    top = mh.top_n(scores, train, n=2)
    np.testing.assert_array_equal(top, [[0, 3], [2, 3], [2, 1]])  # user 1: a tie at 0.3, movie 2 first


def test_top_n_excludes_training_movies_and_breaks_ties_by_index(rng):
    n_movies, n_users = 40, 25
    scores = rng.integers(0, 4, size=(n_movies, n_users)).astype(float)  # many ties
    movies, users = np.nonzero(rng.random((n_movies, n_users)) < 0.3)
    train = mh.Ratings(users, movies, np.ones(users.size))
    top = mh.top_n(scores, train, n=7)
    assert top.shape == (n_users, 7)
    for j in range(n_users):
        allowed = np.setdiff1d(np.arange(n_movies), movies[users == j])
        expected = allowed[np.argsort(-scores[allowed, j], kind="stable")][:7]
        np.testing.assert_array_equal(top[j], expected)


def test_popularity_scores():
    _, train = hand_lists()
    pop = mh.popularity_scores(train, 4, 3)
    assert pop.shape == (4, 3) and not pop.flags.writeable
    np.testing.assert_array_equal(pop[:, 1], [1, 1, 0, 1])
    np.testing.assert_array_equal(mh.top_n(pop, train, n=2), [[0, 3], [0, 1], [1, 2]])


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((np.zeros(4),), ValueError, r"scores must be 2-D with shape \(n_movies, n_users\)"),
        ((np.full((4, 3), np.nan),), ValueError, "scores contains NaN or inf"),
        (("scores",), TypeError, "scores must be a numeric array"),
        ((np.zeros((4, 3)), "train"), TypeError, "train must be a Ratings"),
        ((np.zeros((4, 2)),), ValueError, "users must hold user indices from 0 to 1"),
        ((np.zeros((4, 3)), None, 3), ValueError, r"n \(length of each list, at most the fewest unrated"),
        ((np.zeros((4, 3)), None, 0), ValueError, "n .* must be an integer from 1 to 2"),
    ],
)
def test_top_n_bad_input(args, error, match):
    _, train = hand_lists()
    scores, given, *rest = (*args, None) if len(args) == 1 else args
    with pytest.raises(error, match=match):
        mh.top_n(scores, train if given is None else given, *rest)


def per_user_reference(top, test, n_movies, min_rating=4.0):
    """precision, recall and NDCG user by user, straight from the formulas."""
    out = {}
    for j, listed in enumerate(top):
        liked = set(test.movies[(test.users == j) & (test.ratings >= min_rating)].tolist())
        if not liked:
            continue
        hits = [int(m) in liked for m in listed]
        dcg = sum(1 / math.log2(r + 1) for r, h in enumerate(hits, start=1) if h)
        idcg = sum(1 / math.log2(r + 1) for r in range(1, min(len(listed), len(liked)) + 1))
        out[j] = (sum(hits) / len(listed), sum(hits) / len(liked), dcg / idcg)
    return out


def test_top_n_scores_by_hand():
    top = np.array([[0, 3, 5], [1, 2, 4], [5, 4, 3]])
    # user 0 liked 3 and 7 (and gave 5 only 2 stars); user 1 liked 1; user 2 liked nothing
    test = mh.Ratings(
        np.array([0, 0, 0, 1, 2]), np.array([3, 7, 5, 1, 4]), np.array([4.0, 5.0, 2.0, 4.5, 3.5])
    )
    s = mh.top_n_scores(top, test, n_movies=8)
    np.testing.assert_array_equal(s.users, [0, 1])
    np.testing.assert_array_equal(s.hits, [[False, True, False], [True, False, False], [False, False, False]])
    np.testing.assert_allclose(s.precision, [1 / 3, 1 / 3])
    np.testing.assert_allclose(s.recall, [1 / 2, 1])
    # user 0: one hit at rank 2: DCG = 1/log2(3); two liked movies: IDCG = 1 + 1/log2(3)
    np.testing.assert_allclose(s.ndcg, [(1 / math.log2(3)) / (1 + 1 / math.log2(3)), 1.0])
    every = mh.top_n_scores(top, test, n_movies=8, min_rating=0.5)  # every held-out movie counts
    np.testing.assert_array_equal(every.users, [0, 1, 2])
    np.testing.assert_allclose(every.precision, [2 / 3, 1 / 3, 1 / 3])


def test_top_n_scores_agree_with_the_formulas_user_by_user(rng):
    n_movies, n_users = 50, 30
    top = np.array([rng.permutation(n_movies)[:10] for _ in range(n_users)])
    users, movies = np.nonzero(rng.random((n_users, n_movies)) < 0.2)
    test = mh.Ratings(users, movies, rng.integers(1, 11, users.size) / 2)
    s = mh.top_n_scores(top, test, n_movies)
    reference = per_user_reference(top, test, n_movies)
    assert list(s.users) == sorted(reference)
    for at, j in enumerate(s.users):
        np.testing.assert_allclose((s.precision[at], s.recall[at], s.ndcg[at]), reference[j], rtol=1e-12)
    assert np.all((s.ndcg >= 0) & (s.ndcg <= 1))


def test_top_n_scores_perfect_and_empty_lists():
    test = mh.Ratings(np.array([0, 0, 1]), np.array([2, 4, 0]), np.array([5.0, 4.0, 4.0]))
    perfect = mh.top_n_scores(np.array([[4, 2, 1], [0, 1, 2]]), test, 5)
    np.testing.assert_allclose(perfect.ndcg, [1.0, 1.0])
    np.testing.assert_allclose(perfect.recall, [1.0, 1.0])
    miss = mh.top_n_scores(np.array([[0, 1, 3], [1, 2, 3]]), test, 5)
    np.testing.assert_array_equal(miss.ndcg, [0.0, 0.0])


@pytest.mark.parametrize(
    ("top", "match"),
    [
        (np.array([1, 2, 3]), r"top must be an \(n_users, n\) array"),
        (np.zeros((2, 0), int), r"top must be an \(n_users, n\) array"),
        (np.array([[0, 9], [1, 2]]), "top must hold movie indices from 0 to 4"),
        (np.array([[0.5, 1.0], [1, 2]]), "top must hold integer movie indices"),
    ],
)
def test_top_n_scores_bad_input(top, match):
    test = mh.Ratings(np.array([0, 1]), np.array([2, 4]), np.array([5.0, 4.0]))
    with pytest.raises((ValueError, TypeError), match=match):
        mh.top_n_scores(top, test, 5)


def test_coverage():
    assert mh.coverage(np.array([[0, 1], [1, 2], [2, 0]]), 10) == pytest.approx(0.3)
    assert mh.coverage(np.array([[0, 1], [1, 0]]), 2) == 1.0
    with pytest.raises(ValueError, match="top must hold movie indices from 0 to 1"):
        mh.coverage(np.array([[0, 5]]), 2)
    with pytest.raises(TypeError, match="n_movies"):
        mh.coverage(np.array([[0, 1]]), 2.0)


# -- plots and the table -------------------------------------------------------------------


def test_plots_of_notebook_06(chosen):
    *_, selection = chosen
    fig, (ax1, ax2) = plt.subplots(1, 2)
    try:
        assert mh.plot_validation_curves(ax1, selection) is ax1
        assert len(ax1.lines) == 6 + 6 + 1  # a curve and a best-check dot per setting, and the star
        low, high = ax1.get_ylim()
        assert low < selection.validation_rmse < high
        table = {"model": {"P@10": 0.1, "NDCG@10": 0.2}, "random": {"P@10": 0.0, "NDCG@10": 0.01}}
        assert mh.plot_top_n_bars(ax2, table) is ax2
        assert len(ax2.patches) == 4 and [t.get_text() for t in ax2.get_xticklabels()] == ["P@10", "NDCG@10"]
        with pytest.raises(ValueError, match="same metrics"):
            mh.plot_top_n_bars(ax2, {"a": {"P@10": 0.1}, "b": {"R@10": 0.1}})
    finally:
        plt.close(fig)


def test_top_n_table():
    titles = [f"movie {i}" for i in range(8)]
    lists = {"model": np.array([3, 1, 0]), "popularity": np.array([5, 6, 7])}
    text = mh.top_n_table(lists, np.array([1, 4, 5, 2]), np.array([4.5, 2.0, 5.0, 3.0]), titles)
    lines = text.splitlines()
    assert lines[0].split() == ["held", "out", "(4),", "stars", "model", "popularity"]
    assert lines[1].startswith("5.0 movie 5") and "✓ movie 5" in lines[1]  # liked, and listed by popularity
    assert "✓ movie 1" in lines[2] and "  movie 3" in lines[1]  # a hit of the model, and a miss
    assert lines[3].startswith("... and 2 more") and len(lines) == 4
    short = mh.top_n_table(
        {"m": np.array([0])}, np.array([0]), np.array([4.0]), ["a very long title indeed"], width=10
    )
    assert "✓ a very …" in short and "a very long" not in short
    with pytest.raises(ValueError, match="same length"):
        mh.top_n_table({"a": np.array([0]), "b": np.array([0, 1])}, np.array([0]), np.array([4.0]), titles)


# -- the explorer, headless ----------------------------------------------------------------


@pytest.fixture
def explorer_inputs(chosen):
    data, n_movies, n_users, selection = chosen
    train_idx, test_idx = mh.split_ratings(data.users, 0.2, np.random.default_rng(2))
    train, test = data.take(train_idx), data.take(test_idx)
    runs = {setting: selection.refit(train, n_movies, n_users, setting) for setting in selection.results}
    return runs, train, test, [f"movie {i}" for i in range(n_movies)]


def test_top_n_explorer_moves_every_slider(explorer_inputs, capsys):
    runs, train, test, titles = explorer_inputs
    before = len(plt.get_fignums())
    ex = mh.top_n_explorer(runs, train, test, titles, user=4, setting=(3.0, 3))
    assert list(ex.controls) == ["user", "lambda_", "k"]
    assert all(c.continuous_update is False for c in ex.controls.values())
    assert ex.controls["lambda_"].value == 3.0 and ex.controls["k"].value == 3
    assert ex.n_draws == 1 and ex.state["user"] == 4
    first = capsys.readouterr().out
    assert (
        "user 4: 23 training ratings" in first
        and "model (lambda = 3, k = 3)" in first
        and "popularity" in first
    )
    for name, value in [("user", 5), ("lambda_", 30.0), ("k", 1)]:
        draws, lists = ex.n_draws, ex.state["lists"]
        ex.controls[name].value = value
        assert ex.n_draws == draws + 1, f"{name} did not redraw exactly once"
        out = capsys.readouterr().out
        assert out and out != first, f"moving {name} changed nothing"
        first = out
        if name != "user":
            model_lists = [v for k, v in ex.state["lists"].items() if k.startswith("model")]
            assert model_lists and "popularity" in ex.state["lists"], lists
    assert ex.state["setting"] == (30.0, 1) and "model (lambda = 30, k = 1)" in first
    assert len(plt.get_fignums()) == before, "the explorer must not leave figures open"
    assert "application/vnd.jupyter.widget-view+json" in ex._repr_mimebundle_()


def test_top_n_explorer_lists_and_hits_agree_with_the_helpers(explorer_inputs, capsys):
    runs, train, test, titles = explorer_inputs
    n_movies, n_users = len(titles), next(iter(runs.values())).W.shape[0]
    ex = mh.top_n_explorer(runs, train, test, titles, user=0, setting=(0.3, 3))
    popular = mh.top_n(mh.popularity_scores(train, n_movies, n_users), train)
    judged = mh.top_n_scores(popular, test, n_movies)
    for j in range(n_users):
        ex.controls["user"].value = j
        np.testing.assert_array_equal(ex.state["lists"]["popularity"], popular[j])
        assert ex.state["hits"]["popularity"] == judged.hits[j].sum()
    out = capsys.readouterr().out
    assert judged.hits.any() and "✓" in out
    unjudged = n_users - judged.users.size
    assert unjudged > 0 and out.count("not judged (no liked held-out movie)") == 2 * unjudged  # both lists


def test_top_n_explorer_bad_input(explorer_inputs):
    runs, train, test, titles = explorer_inputs
    with pytest.raises(ValueError, match="runs is empty"):
        mh.top_n_explorer({}, train, test, titles)
    partial = {key: model for key, model in runs.items() if key != (3.0, 1)}
    with pytest.raises(ValueError, match=r"missing \[\(3.0, 1\)\]"):
        mh.top_n_explorer(partial, train, test, titles)
    with pytest.raises(ValueError, match="titles has 3 entries"):
        mh.top_n_explorer(runs, train, test, titles[:3])
    with pytest.raises(ValueError, match="user .* must be an integer from 0 to 79"):
        mh.top_n_explorer(runs, train, test, titles, user=80)
    with pytest.raises(
        ValueError, match=r"setting must be a \(lambda_, k\) of runs, one of .*; got \(3.0, 2\)"
    ):
        mh.top_n_explorer(runs, train, test, titles, setting=(3.0, 2))
