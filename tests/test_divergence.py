"""Divergence is always reported, by one rule, and plots never cut off the value being taught.

The rule lives in ``mh.descend``, the one training loop behind ``gradient_descent`` (03, 04
and their explorers) and ``fit_ratings`` (05 and its explorer): a step whose J is not
finite, or above J before training, ends training; the run keeps the parameters from
before that step, sets ``diverged`` and says which alpha to try.
"""

from __future__ import annotations

import functools
import itertools
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mlite_helpers as mh
from mlite_support import explorers
from mlite_support.explorers import ALPHA_CHOICES, EPOCH_CHOICES, K_CHOICES, LAMBDA_CHOICES


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def sweep(seed: int) -> dict[tuple[float, float, int], mh.TrainResult]:
    """Every lambda, alpha and k of the toy explorers, trained for the largest epochs choice.

    A run of E epochs is the first E steps of this run (same start, same steps), and the
    snapshots every 10 epochs hold its parameters at every epochs choice.
    """
    toy = mh.load_toy()
    return {
        (lam, alpha, k): mh.gradient_descent(
            toy.Y, toy.R, k, alpha, lam, max(EPOCH_CHOICES), np.random.default_rng(seed), snapshot_every=10
        )
        for lam, alpha, k in itertools.product(LAMBDA_CHOICES, ALPHA_CHOICES, K_CHOICES)
    }


SEED = 1  # the toy explorers' default seed, which notebooks 03 and 04 pass


@functools.cache
def runs() -> dict[tuple[float, float, int], mh.TrainResult]:
    return sweep(SEED)


def test_every_slider_combination_is_sound_or_reported():
    combos = len(runs()) * len(EPOCH_CHOICES)
    assert combos == 1_920
    reported = 0
    largest_prediction = 0.0
    for (lam, alpha, k), run in runs().items():
        history = run.cost_history
        assert np.all(np.isfinite(history)) and np.all(history <= history[0]), (lam, alpha, k)
        assert np.all(np.isfinite(run.X)) and np.all(np.isfinite(run.W))
        for epochs in EPOCH_CHOICES:
            if run.diverged and run.epochs_run < epochs:  # the explorer's run of `epochs` diverged too
                reported += 1
                assert explorers._training_report(run).startswith("WARNING: Training diverged at epoch")
                continue
            snap = next(s for s in run.snapshots if s.epoch == epochs)
            prediction = np.abs(snap.X @ snap.W.T + snap.b)
            largest_prediction = max(largest_prediction, float(prediction.max()))
            assert snap.cost <= history[0], (lam, alpha, k, epochs)
    # the runs (J 78.6 -> 2.2e5 in 10 epochs, predictions of 468 stars) cannot occur:
    # every run that is not reported keeps J below its start and predictions near the scale
    assert largest_prediction < 12, largest_prediction
    assert 0 < reported < combos


def test_prefix_runs_equal_the_explorers_runs():
    """The sweep's shortcut holds: a run of E epochs is the first E steps of the long run."""
    toy = mh.load_toy()
    for key in [(0.0, 0.2, 1), (0.3, 0.2, 2), (10.0, 0.3, 3), (1.0, 0.03, 5)]:
        lam, alpha, k = key
        for epochs in (10, 100):
            short = mh.gradient_descent(toy.Y, toy.R, k, alpha, lam, epochs, np.random.default_rng(SEED))
            n = min(epochs, runs()[key].epochs_run) + 1
            np.testing.assert_array_equal(short.cost_history, runs()[key].cost_history[:n])
            assert short.diverged == (runs()[key].diverged and runs()[key].epochs_run < epochs)


def test_the_explorers_warn_for_every_diverging_alpha(capsys):
    toy = mh.load_toy()
    diverging = sorted({a for (lam, a, k), run in runs().items() if run.diverged and lam == 0.3 and k == 2})
    assert diverging, "some alpha must diverge on the toy data"
    training = mh.training_explorer(toy.Y, toy.R, toy.movies, toy.users, seed=SEED)
    factors = mh.factor_explorer(toy.Y, toy.R, toy.movies, toy.users, seed=SEED)
    for alpha in diverging:
        for ex in (training, factors):
            capsys.readouterr()
            ex.controls["alpha"].value = alpha
            assert ex.state["result"].diverged
            out = capsys.readouterr().out
            assert "WARNING: Training diverged" in out and "Try a smaller alpha" in out, out
            assert "nan" not in out.lower().replace("nonstop", "")


def test_bouncing_runs_get_a_note():
    """Not diverged by the rule, but J rose between epochs: the explorer says alpha is too large."""
    bouncing = [
        key
        for key, run in runs().items()
        if not run.diverged and np.any(np.diff(run.cost_history) > 1e-9 * run.cost_history[0])
    ]
    assert bouncing
    for key in bouncing:
        report = explorers._training_report(runs()[key])
        assert "NOTE: J rose in" in report and "alpha is too large" in report, key
        assert key[1] >= 0.1, "only large steps bounce"
    calm = runs()[0.3, 0.03, 2]
    assert "NOTE" not in explorers._training_report(calm) and "WARNING" not in explorers._training_report(
        calm
    )


def movielens_like(seed: int = 0, n_users: int = 300, n_movies: int = 500) -> tuple[mh.Ratings, int, int]:
    """Ratings with MovieLens's shape: a few users and movies with many ratings, most with few."""
    rng = np.random.default_rng(seed)
    user_weight = rng.pareto(1.2, n_users) + 1
    movie_weight = rng.pareto(1.0, n_movies) + 1
    users = rng.choice(n_users, size=40_000, p=user_weight / user_weight.sum())
    movies = rng.choice(n_movies, size=40_000, p=movie_weight / movie_weight.sum())
    pairs = np.unique(users * n_movies + movies)
    users, movies = pairs // n_movies, pairs % n_movies
    taste, features = rng.normal(size=(n_users, 3)), rng.normal(size=(n_movies, 3))
    stars = 3.5 + 0.4 * np.sum(taste[users] * features[movies], axis=1) + rng.normal(0, 0.8, users.size)
    return mh.Ratings(users, movies, np.clip(np.round(stars * 2) / 2, 0.5, 5.0)), n_movies, n_users


@pytest.mark.parametrize(
    ("alpha", "scaled_steps", "momentum"),
    [(1e-2, False, 0.0), (2e-2, False, 0.0), (2.0, True, 0.0), (5.0, True, 0.0), (3.0, True, 0.9)],
)
def test_fit_ratings_reports_large_alphas(alpha, scaled_steps, momentum):
    data, n_movies, n_users = movielens_like()
    model = mh.fit_ratings(
        data, n_movies, n_users, k=10, alpha=alpha, lambda_=10.0, epochs=100, rng=np.random.default_rng(0),
        scaled_steps=scaled_steps, shrink=3.0, momentum=momentum,
    )  # fmt: skip
    assert model.diverged, model.message
    assert model.message.startswith("Training diverged at epoch") and f"alpha = {alpha:g}" in model.message
    history = model.cost_history
    assert np.all(np.isfinite(history)) and np.all(history <= history[0])
    assert np.all(np.isfinite(model.X)) and np.all(np.isfinite(model.W)) and np.all(np.isfinite(model.b))
    predicted = model.predict(data.users, data.movies)
    assert predicted.min() >= 0.5 and predicted.max() <= 5.0


def test_fit_ratings_good_alphas_descend():
    data, n_movies, n_users = movielens_like()
    for alpha, scaled in [(3e-3, False), (0.5, True), (1.0, True)]:
        model = mh.fit_ratings(
            data, n_movies, n_users, k=10, alpha=alpha, lambda_=10.0, epochs=60, rng=np.random.default_rng(0),
            scaled_steps=scaled, shrink=3.0,
        )  # fmt: skip
        history = model.cost_history
        assert not model.diverged and history[-1] < 0.9 * history[0]
        assert np.all(np.diff(history) <= 1e-9 * history[0]), "plain steps of a good alpha only go down"


def test_parameters_too_large_to_square_count_as_divergence():
    """A step so long that the parameters overflow when squared ends like any divergence."""
    toy = mh.load_toy()
    run = mh.gradient_descent(toy.Y, toy.R, 2, 1e50, 0.3, 5, np.random.default_rng(0))
    assert run.diverged and run.epochs_run == 0 and "above where it started" in run.message
    assert np.all(np.abs(run.X) < 1)


def test_the_movielens_explorer_warns_and_draws_no_bars(capsys):
    data, n_movies, n_users = movielens_like()
    bad = mh.fit_ratings(data, n_movies, n_users, 2, 5.0, 1.0, 20, np.random.default_rng(0))
    assert bad.diverged
    ex = mh.movielens_explorer(
        data, data, n_movies, n_users, np.random.default_rng(0), runs={(1.0, 2): bad},
        lambdas=(1.0,), ks=(2,), lambda_=1.0, k=2,
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "WARNING: Training diverged" in out and "RMSE" not in out
    assert math.isnan(ex.state["test_rmse"])


# -- plots keep the taught value in view --------------------------------------------------------


def bar_ends(ax) -> list[float]:
    return [patch.get_x() + patch.get_width() for patch in ax.patches]


def test_rmse_bars_keep_an_overfit_training_error_in_view():
    """05's explorer at lambda = 1, k = 20: train RMSE 0.392, below the usual axis (0.4 to 1.1)."""
    _, ax = plt.subplots()
    mh.plot_rmse_bars(ax, 0.392, 0.952, {"movie mean": 0.954, "biases": 0.861})
    low, high = ax.get_xlim()
    assert low <= 0.392 - 0.02 and high >= 0.952
    assert all(low < end < high for end in bar_ends(ax))


def test_rmse_bars_keep_their_fixed_axis_when_everything_fits():
    """Frames stay comparable: notebook 05's figure (0.707, 0.851; baselines 0.954, 0.861) keeps 0.4 to 1.1."""
    _, ax = plt.subplots()
    mh.plot_rmse_bars(ax, 0.707, 0.851, {"movie mean": 0.954, "biases": 0.861})
    assert ax.get_xlim() == (0.4, 1.1)
    _, ax = plt.subplots()
    mh.plot_rmse_bars(ax, 0.9, 1.3, {"global mean": 1.5})
    assert ax.get_xlim()[1] >= 1.52


def test_the_movielens_explorer_draws_every_bar_inside_its_axis(monkeypatch):
    data, n_movies, n_users = movielens_like()
    overfit = mh.fit_ratings(data, n_movies, n_users, 20, 0.5, 0.01, 200, np.random.default_rng(0))
    shown = []
    show = explorers._Canvas.show
    monkeypatch.setattr(
        explorers._Canvas,
        "show",
        lambda self: (shown.append([tuple(a.get_xlim()) for a in self.fig.axes]), show(self)),
    )
    ex = mh.movielens_explorer(
        data, data, n_movies, n_users, np.random.default_rng(0), runs={(0.01, 20): overfit},
        lambdas=(0.01,), ks=(20,), lambda_=0.01, k=20,
    )  # fmt: skip
    assert ex.state["train_rmse"] < 0.4, "this model overfits: its training error is small"
    ((low, high),) = shown[-1]
    assert low < ex.state["train_rmse"] and high > ex.state["test_rmse"]


def test_movie_predictions_show_predictions_above_five_stars():
    toy = mh.load_toy()
    _, ax = plt.subplots()
    y_hat = np.array([7.5, 5.0, -3.0, 0.0])  # the optimizer explorer reaches 1.5 * 5 = 7.5 stars
    mh.plot_movie_predictions(ax, y_hat, toy.Y[1], toy.R[1], toy.users)
    low, high = ax.get_ylim()
    assert low < -3.0 and high > 7.5
    _, ax = plt.subplots()
    mh.plot_movie_predictions(ax, np.array([5.0, 2.5, 0.0, 1.0]), toy.Y[1], toy.R[1], toy.users)
    assert ax.get_ylim() == (-2.0, 6.2), "the usual axis when everything fits"


def test_feature_space_widens_a_too_small_limit():
    _, ax = plt.subplots()
    mh.plot_feature_space(ax, np.array([[3.0, 0.5], [-0.2, 0.1]]), ["a", "b"], lim=1.0)
    assert ax.get_xlim()[1] > 3.0
