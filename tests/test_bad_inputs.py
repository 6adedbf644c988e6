"""Every public function, tried as a hostile user would: each bad input gets a clear error.

One catalogue per public function (mlite_helpers and every ``mh.<name>`` support function:
plots, explorers, loaders, checkers), several bad values per argument. Each must raise a
TypeError or ValueError whose message names the argument and says what to do: never a
numpy or traitlets internal error, a silent NaN, a wrap-around or a clamp. Data faults
(missing or corrupted files, caches) are tested in test_movielens.py and test_cache.py.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

import mlite_helpers as mh
from mlite_support import exercises, explorers, movielens, plots, results, selection, versions
from mlite_support import spark as spark_support

NAN, INF, HUGE = float("nan"), float("inf"), 1e200
FIX = re.compile(
    r"\b(use|pass|try|create|build|pick|set|call|give|lower|convert|rate|drop|fill|remove|rescale|"
    r"leave|make|define|must|should|need|needs)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Bad:
    """A bad value, and (when the message names a part of it) the text the message must hold."""

    value: Any
    names: str | None = None


@functools.cache
def world() -> dict[str, Any]:
    """Small, valid inputs every catalogue entry starts from."""
    toy = mh.load_toy()
    rng = np.random.default_rng(0)
    X, W, b = mh.init_params(5, 4, 2, rng)
    users = np.array([0, 1, 2, 0, 1, 2, 0, 1, 3, 3])
    movies = np.array([0, 0, 0, 1, 1, 2, 3, 4, 4, 2])
    ratings = np.array([4.0, 3.0, 5.0, 2.0, 1.0, 4.0, 3.0, 4.5, 0.5, 2.5])
    data = mh.Ratings(users, movies, ratings)
    model = mh.fit_ratings(data, 5, 4, 2, 0.5, 1.0, 20, np.random.default_rng(1))
    model_k1 = mh.fit_ratings(data, 5, 4, 1, 0.5, 3.0, 20, np.random.default_rng(1))
    result = mh.gradient_descent(toy.Y, toy.R, 2, 0.03, 0.3, 20, np.random.default_rng(2))
    ml = movielens.MovieLens(
        users=users,
        movies=movies,
        ratings=ratings,
        timestamps=np.zeros(10, dtype=np.int64),
        user_ids=np.arange(1, 5),
        movie_ids=np.arange(1, 6),
        titles=["Alpha", "Beta", "Gamma", "Delta", "Toy Story"],
        years=np.array([1999, 0, 2001, 2002, 1995]),
        genres=[()] * 5,
        folder=Path("."),
    )
    selection = mh.select_settings(
        data, 5, 4, np.random.default_rng(3), lambdas=(1.0, 3.0), ks=(1, 2), max_epochs=10
    )
    return dict(
        selection=selection,
        toy=toy,
        X=X,
        W=W,
        b=b,
        Y=toy.Y,
        R=toy.R,
        data=data,
        model=model,
        model_k1=model_k1,
        result=result,
        ml=ml,
        counts=np.bincount(movies, minlength=5),
        comparison=mh.compare_gradients(X, W, b, toy.Y, toy.R, 1.0),
    )


def ax() -> Any:
    return plt.subplots()[1]


def two_axes() -> Any:
    return plt.subplots(1, 2)[1]


def nan_at(array: np.ndarray, where: tuple[int, ...] = (0, 0)) -> np.ndarray:
    out = np.array(array, dtype=float)
    out[where] = np.nan
    return out


def features_outside_the_sliders() -> np.ndarray:
    X = world()["X"].copy()
    X[1] = [3.0, 0.0]  # the optimizer explorer's sliders run from -1.5 to 1.5
    return X


def rated_nan(Y: np.ndarray, R: np.ndarray) -> np.ndarray:
    return np.where(R == 1, np.inf, Y)


def dense() -> dict[str, Any]:
    w = world()
    return dict(X=w["X"], W=w["W"], b=w["b"], Y=w["Y"], R=w["R"], lambda_=1.0)


def bad_params() -> dict[str, list[Any]]:
    w = world()
    X, W, b = w["X"], w["W"], w["b"]
    return {
        "X": [None, "X", X.ravel(), X[:, :1], nan_at(X), X * 1e60, X + 1j],
        "W": [None, W[0], W[:, :1], nan_at(W), [["a", "b"]] * 4],
        "b": [None, b[:3], b[:, None], 0.5, nan_at(b, (0,)), b + HUGE],
    }


def bad_ratings() -> dict[str, list[Any]]:
    w = world()
    Y, R = w["Y"], w["R"]
    return {
        "Y": ["ratings", Y.T, Y[0], rated_nan(Y, R), np.where(R == 1, HUGE, Y), Bad(Y[:, :3], "Y has shape")],
        "R": [None, R * 0.5, R[:, :3], np.where(R == 1, 2.0, 0.0), Bad(np.ones_like(R), r"\bY is nan")],
    }


BAD_LAMBDA = [-0.1, NAN, INF, "1", None, 1j, HUGE, True]
BAD_ALPHA = [0.0, -0.01, INF, "fast", None, HUGE]
BAD_K = [0, -1, 2.5, True, "2"]
BAD_EPOCHS = [-1, 10.0, None, "100"]
BAD_RNG = [42, None, np.random.RandomState(0)]
BAD_SEED = [-1, 1.5, "1", None, True, np.random.default_rng(0)]
BAD_FLAG = ["yes", 1, None]
BAD_TEXT = [42, None, ["a"]]
BAD_COUNT = [0, -3, 2.5, "5", True]
#: ALS needs lambda_ > 0, and one that does not vanish in rounding next to the squared features.
BAD_ALS_LAMBDA = [0.0, -0.1, NAN, INF, "1", None, 1j, HUGE, True, Bad(1e-300, "lambda_ is lost in rounding")]
#: A stand-in for a running Spark session or a trained ALSModel: the catalogues of the Spark
#: functions only reach checks made before Spark is used (Spark itself: test_spark.py).
RUNNING_SPARK = object()


def bad_data() -> list[Any]:
    """Ratings that do not fit the world's 5 movies and 4 users, or are not Ratings at all."""
    return [
        None,
        "ratings",
        (np.array([0]), np.array([0])),
        mh.Ratings(np.array([0]), np.array([0]), np.array([NAN])),
        mh.Ratings(np.array([4]), np.array([0]), np.array([3.0])),  # user 4 of users 0..3
        mh.Ratings(np.array([0]), np.array([5]), np.array([3.0])),  # movie 5 of movies 0..4
        mh.Ratings(np.array([0]), np.array([0.5]), np.array([3.0])),
        mh.Ratings(np.array([0, 1]), np.array([0]), np.array([3.0])),
        mh.Ratings(np.array([], int), np.array([], int), np.array([])),
    ]


def bad_names(n: int) -> list[Any]:
    return ["abc", ["x"] * (n + 1), list(range(n)), None]


def bad_index(limit: int) -> list[Any]:
    return [[-1], [limit], [0.5], "0", None]


def fn_cases() -> list[Any]:
    return [42, None, "my_cost", 3.5]


def dense_entry(fn: Callable[..., Any], extra: dict[str, Any] | None = None) -> Entry:
    return Entry(fn, dense, {**bad_params(), **bad_ratings(), "lambda_": BAD_LAMBDA, **(extra or {})})


@dataclass
class Entry:
    """A public function, how to call it with good arguments, and its bad values per argument."""

    target: Callable[..., Any]
    good: Callable[[], dict[str, Any]]
    bad: dict[str, list[Any]]
    call: Callable[..., Any] | None = None

    def run(self, **kwargs: Any) -> Any:
        return (self.call or self.target)(**kwargs)


def _sparse_good() -> dict[str, Any]:
    w = world()
    d = w["data"]
    return dict(X=w["X"], W=w["W"], b=w["b"], users=d.users, movies=d.movies, ratings=d.ratings, lambda_=1.0)


def _fit_good() -> dict[str, Any]:
    return dict(
        data=world()["data"],
        n_movies=5,
        n_users=4,
        k=2,
        alpha=0.5,
        lambda_=1.0,
        epochs=2,
        rng=np.random.default_rng(0),
    )


def _descend_good() -> dict[str, Any]:
    w = world()

    def cost_and_gradients(X, W, b):
        return mh.cost(X, W, b, w["Y"], w["R"], 1.0), *mh.gradients(X, W, b, w["Y"], w["R"], 1.0)

    return dict(cost_and_gradients=cost_and_gradients, params=(w["X"], w["W"], w["b"]), alpha=0.01, epochs=2)


def _explorer_good() -> dict[str, Any]:
    toy = world()["toy"]
    return dict(Y=toy.Y, R=toy.R, movies=toy.movies, users=toy.users, seed=1)


def _movielens_explorer_good() -> dict[str, Any]:
    w = world()
    return dict(
        train=w["data"],
        test=w["data"],
        n_movies=5,
        n_users=4,
        rng=np.random.default_rng(0),
        runs={(1.0, 2): w["model"]},
        lambdas=(1.0, 3.0),
        ks=(1, 2),
        lambda_=1.0,
        k=2,
        epochs=5,
    )


def _select_good() -> dict[str, Any]:
    return dict(
        data=world()["data"],
        n_movies=5,
        n_users=4,
        rng=np.random.default_rng(3),
        lambdas=(1.0, 3.0),
        ks=(1, 2),
        max_epochs=10,
    )


def _top_n_explorer_good() -> dict[str, Any]:
    w = world()
    return dict(runs={(1.0, 2): w["model"]}, train=w["data"], test=w["data"], titles=w["ml"].titles, n=2)


def fit_without_callback(data, n_movies, n_users, k, alpha, lambda_, epochs, rng):
    """A fit with the arguments of fit_ratings but no callback parameter."""
    return mh.fit_ratings(data, n_movies, n_users, k, alpha, lambda_, epochs, rng)


def fit_calling_back_wrongly(data, n_movies, n_users, k, alpha, lambda_, epochs, rng, *, callback=None, **kw):
    """A fit that calls callback as descend does, callback(epoch, X, W, b), not callback(epoch, model)."""
    model = mh.fit_ratings(data, n_movies, n_users, k, alpha, lambda_, epochs, rng, **kw)
    callback(1, model.X, model.W, model.b)
    return model


def fit_returning_nothing(data, n_movies, n_users, k, alpha, lambda_, epochs, rng, *, callback=None, **kw):
    mh.fit_ratings(data, n_movies, n_users, k, alpha, lambda_, epochs, rng, callback=callback, **kw)


def selection_with(**changes: Any) -> Any:
    """The world's selection with some fields replaced (a Selection taken apart by hand)."""
    return dataclasses.replace(W_()["selection"], **changes)


def top_lists() -> np.ndarray:
    """Every world user's top two movies among those the user did not rate."""
    return np.array([[2, 4], [2, 3], [1, 3], [0, 1]])


def _loader_good() -> dict[str, Any]:
    return dict(data_dir=None, cache_dir=Path("unused-cache"), url="http://127.0.0.1:1/ml-latest-small.zip")


BAD_PATHS = [42, "", b"bytes", ["folder"], 3.5]
BAD_URLS = [
    42,
    None,
    "ftp://example.org/ml-latest-small.zip",
    "http://example.org/ml-latest-small.zip",
    "https://",
    "ml-latest-small.zip",
]
W_ = world


CATALOGUE: dict[str, Entry] = {
    # -- 01_cost_function -----------------------------------------------------------------
    "load_toy": Entry(mh.load_toy, lambda: {}, {"path": BAD_PATHS}),
    "predict": Entry(mh.predict, lambda: {k: dense()[k] for k in "XWb"}, bad_params()),
    "cost_loops": dense_entry(mh.cost_loops),
    "cost": dense_entry(mh.cost),
    # -- 02_gradients ---------------------------------------------------------------------
    "gradients_loops": dense_entry(mh.gradients_loops),
    "gradients": dense_entry(mh.gradients),
    "numerical_gradients": dense_entry(mh.numerical_gradients, {"eps": [0, -1e-6, 1.0, "small", NAN, None]}),
    "compare_gradients": dense_entry(
        mh.compare_gradients,
        {"grad_fn": [42, "gradients", Bad(lambda *a: (1, 2), "grad_fn")], "eps": [0, 2.0, "1e-6", INF]},
    ),
    "GradientComparison.agree": Entry(
        mh.GradientComparison.agree,
        lambda: {},
        {"tol": [0, -1, NAN, "1e-6", 2.0, None]},
        call=lambda **kw: W_()["comparison"].agree(**kw),
    ),
    # -- 03_training ----------------------------------------------------------------------
    "init_params": Entry(
        mh.init_params,
        lambda: dict(n_movies=5, n_users=4, k=2, rng=np.random.default_rng(0)),
        {
            "n_movies": BAD_COUNT,
            "n_users": BAD_COUNT,
            "k": BAD_K,
            "rng": BAD_RNG,
            "scale": [0, -0.1, INF, "0.1", HUGE, None],
        },
    ),
    "descend": Entry(
        mh.descend,
        _descend_good,
        {
            "cost_and_gradients": [
                42,
                None,
                Bad(lambda X, W, b: (1.0, X, W), "cost_and_gradients must return four"),
                Bad(lambda X, W, b: (1.0, X.T, W, b), "cost_and_gradients returned dX"),
                Bad(lambda X, W, b: ("J", X, W, b), "cost_and_gradients must return J"),
                Bad(lambda X, W, b: (NAN, X, W, b), "cost_and_gradients returned J = nan"),
            ],
            "params": [
                None,
                Bad((1, 2), "params must be"),
                Bad((W_()["X"], W_()["W"], W_()["b"][:2]), r"\bb has"),
            ],
            "alpha": BAD_ALPHA,
            "epochs": BAD_EPOCHS,
            "scale": [(np.ones(3), 1, 1), (1, 1), (0, 1, 1), (-1.0, 1, 1), ("x", 1, 1), (INF, 1, 1)],
            "momentum": [1.0, -0.1, "0.9", NAN, None],
            "snapshot_every": [0, -5, 2.5, "10"],
            "progress": BAD_FLAG,
            "callback": [42, "stop", True, Bad(lambda epoch, model: True, "callback is called as")],
        },
    ),
    "gradient_descent": Entry(
        mh.gradient_descent,
        lambda: dict(
            Y=W_()["Y"], R=W_()["R"], k=2, alpha=0.03, lambda_=0.3, epochs=2, rng=np.random.default_rng(0)
        ),
        {
            **bad_ratings(),
            "k": BAD_K,
            "alpha": BAD_ALPHA,
            "lambda_": BAD_LAMBDA,
            "epochs": BAD_EPOCHS,
            "rng": BAD_RNG,
            "snapshot_every": [0, -1, 2.5],
            "init": [42, (W_()["X"], W_()["W"]), mh.init_params(5, 4, 3, np.random.default_rng(0)), "init"],
        },
    ),
    "normalize_ratings": Entry(mh.normalize_ratings, lambda: dict(Y=W_()["Y"], R=W_()["R"]), bad_ratings()),
    # -- 05_movielens ---------------------------------------------------------------------
    "Ratings.take": Entry(
        mh.Ratings.take,
        lambda: dict(index=np.array([0, 1])),
        {"index": [[0.5], np.array([True, False]), [99], "0", [-1], None]},
        call=lambda **kw: W_()["data"].take(**kw),
    ),
    "to_dense": Entry(
        mh.to_dense,
        lambda: dict(**W_()["data"]._asdict(), n_movies=5, n_users=4),
        {
            "users": [*bad_index(4), Bad([0] * 10, "list the pair")],
            "movies": [*bad_index(5), Bad(np.arange(3), "must have the same shape")],
            "ratings": [nan_at(W_()["data"].ratings, (0,)), np.ones(3), "x", None, np.full(10, HUGE)],
            "n_movies": [*BAD_COUNT, Bad(3, "movies must hold")],
            "n_users": [*BAD_COUNT, Bad(2, "users must hold")],
        },
    ),
    "sparse_cost_and_gradients": Entry(
        mh.sparse_cost_and_gradients,
        _sparse_good,
        {
            **bad_params(),
            "users": bad_index(4),
            "movies": bad_index(5),
            "ratings": [nan_at(W_()["data"].ratings, (0,)), np.ones(3), "x", None],
            "lambda_": BAD_LAMBDA,
        },
    ),
    "split_ratings": Entry(
        mh.split_ratings,
        lambda: dict(users=W_()["data"].users, test_fraction=0.2, rng=np.random.default_rng(0)),
        {
            "users": [[], [-1], [0.5], None, "0"],
            "test_fraction": [0, 1, 1.5, "0.2", NAN, None],
            "rng": BAD_RNG,
        },
    ),
    "movie_means": Entry(
        mh.movie_means,
        lambda: dict(movies=W_()["data"].movies, ratings=W_()["data"].ratings, n_movies=5),
        {
            "movies": [*bad_index(5), Bad([], "same length")],
            "ratings": [nan_at(W_()["data"].ratings, (0,)), np.ones(3), "x", None],
            "n_movies": [*BAD_COUNT, Bad(3, "movies must hold")],
            "shrink": [-1, INF, "3", None, HUGE],
        },
    ),
    "rmse": Entry(
        mh.rmse,
        lambda: dict(predicted=np.ones(3), actual=np.zeros(3)),
        {
            "predicted": [Bad(np.ones((3, 1)), "predicted"), None, [], [NAN, 1, 1], np.full(3, HUGE), "x"],
            "actual": [Bad(np.ones(4), "actual"), None, [INF, 1, 1], np.full(3, HUGE), np.ones(3) + 1j],
        },
    ),
    "mae": Entry(
        mh.mae,
        lambda: dict(predicted=np.ones(3), actual=np.zeros(3)),
        {
            "predicted": [np.ones((3, 1)), None, [], [NAN, 1, 1]],
            "actual": [np.ones(4), None, [INF, 1, 1], "x"],
        },
    ),
    "RatingsModel.predict": Entry(
        mh.RatingsModel.predict,
        lambda: dict(users=np.array([0, 1]), movies=np.array([2, 3])),
        {
            "users": [*bad_index(4), Bad(np.array([0]), "same length")],
            "movies": [*bad_index(5), Bad(np.array([0, 1, 2]), "same length")],
        },
        call=lambda **kw: W_()["model"].predict(**kw),
    ),
    "fit_ratings": Entry(
        mh.fit_ratings,
        _fit_good,
        {
            "data": [
                None,
                (np.array([0]), np.array([0])),
                mh.Ratings(np.array([0]), np.array([0]), np.array([NAN])),
                mh.Ratings(np.array([9]), np.array([0]), np.array([3.0])),
                mh.Ratings(np.array([], int), np.array([], int), np.array([])),
            ],
            "n_movies": BAD_COUNT,
            "n_users": BAD_COUNT,
            "k": BAD_K,
            "alpha": BAD_ALPHA,
            "lambda_": BAD_LAMBDA,
            "epochs": BAD_EPOCHS,
            "rng": BAD_RNG,
            "scaled_steps": BAD_FLAG,
            "shrink": [-1, INF, "3", None],
            "normalize": BAD_FLAG,
            "momentum": [1.0, -0.1, "0.9", NAN],
            "init_scale": [0, -1, HUGE, "0.1"],
            "progress": BAD_FLAG,
            "callback": [42, "stop", Bad(lambda epoch, X, W, b: True, "callback is called as")],
        },
    ),
    "fold_in": Entry(
        mh.fold_in,
        lambda: dict(model=W_()["model"], movies=np.array([0, 1]), ratings=np.array([4.0, 2.0])),
        {
            "model": [None, "model", W_()["result"]],
            "movies": [*bad_index(5), Bad([0, 0], "twice")],
            "ratings": [[NAN, 3.0], [9.0, 3.0], [-1.0, 3.0], Bad([3.0], "same length"), "x", None],
            "lambda_": [-1, NAN, "1", 1j, Bad(0.0, "leaves w undetermined")],
        },
    ),
    "recommend": Entry(
        mh.recommend,
        lambda: dict(model=W_()["model"], w=np.zeros(2), b=0.0, exclude=[], counts=W_()["counts"], top=3),
        {
            "model": [None, "model", W_()["result"]],
            "w": [np.zeros(3), [NAN, 0], None, "w", np.full(2, HUGE)],
            "b": [NAN, "0", None, HUGE, np.zeros(1)],
            "exclude": [[1.9], [-1], [99], "x", None],
            "counts": [np.ones(3, int), -np.ones(5, int), np.ones(5) * 1.5, None],
            "min_ratings": [-1, 2.5, "20", None],
            "top": [0, -1, 999, 2.5, "10"],
        },
    ),
    "similar_movies": Entry(
        mh.similar_movies,
        lambda: dict(X=W_()["model"].X, movie=0, counts=W_()["counts"], min_ratings=0, top=2),
        {
            "X": [None, np.ones(5), nan_at(np.ones((5, 2))), np.ones((5, 2)) * HUGE, np.zeros((0, 2))],
            "movie": [-1, 5, 1.5, "0", None],
            "counts": [np.ones(3, int), -np.ones(5, int), None],
            "min_ratings": [-1, 2.5, None],
            "top": [0, 5, -1, "2"],
        },
    ),
    # -- loaders (mlite_support.movielens) ------------------------------------------------
    "fetch_movielens": Entry(
        mh.fetch_movielens,
        _loader_good,
        {"data_dir": BAD_PATHS, "cache_dir": BAD_PATHS, "url": BAD_URLS},
    ),
    "load_movielens": Entry(
        mh.load_movielens,
        _loader_good,
        {"data_dir": BAD_PATHS, "cache_dir": BAD_PATHS, "url": BAD_URLS},
    ),
    "MovieLens.label": Entry(
        movielens.MovieLens.label,
        lambda: dict(movie=0),
        {"movie": [-1, 5, 1.5, "0", None]},
        call=lambda **kw: W_()["ml"].label(**kw),
    ),
    "MovieLens.find": Entry(
        movielens.MovieLens.find,
        lambda: dict(text="toy"),
        {"text": ["", "   ", 42, None]},
        call=lambda **kw: W_()["ml"].find(**kw),
    ),
    # -- plots ----------------------------------------------------------------------------
    "ratings_table": Entry(
        mh.ratings_table,
        lambda: dict(Y=W_()["Y"], movies=W_()["toy"].movies, users=W_()["toy"].users),
        {
            "Y": [None, W_()["Y"][0], rated_nan(W_()["Y"], W_()["R"]), Bad(W_()["Y"].T, "movies has"), "Y"],
            "movies": bad_names(5),
            "users": bad_names(4),
        },
    ),
    "predictions_table": Entry(
        mh.predictions_table,
        lambda: dict(Y_pred=np.ones((5, 4)), R=W_()["R"], movies=W_()["toy"].movies, users=W_()["toy"].users),
        {
            "Y_pred": [None, nan_at(np.ones((5, 4))), np.ones((4, 5)), np.ones(5)],
            "R": [W_()["R"] * 0.5, W_()["R"][:, :3], None],
            "movies": bad_names(5),
            "users": bad_names(4),
            "Y": [rated_nan(W_()["Y"], W_()["R"]), W_()["Y"].T, "Y"],
            "decimals": [-1, 2.5, 99, "1"],
        },
    ),
    "plot_cost_history": Entry(
        mh.plot_cost_history,
        lambda: dict(ax=ax(), cost_history=np.array([3.0, 2.0, 1.0])),
        {
            "ax": [None, "ax", Bad(plt.figure, "ax")],
            "cost_history": [[], [[1.0, 2.0]], [NAN, 1.0], None, "J"],
            "label": [*BAD_TEXT[:1], ["a"]],
            "color": ["notacolor", 42],
            "log": BAD_FLAG,
        },
    ),
    "plot_feature_space": Entry(
        mh.plot_feature_space,
        lambda: dict(ax=ax(), F=np.ones((3, 2)), labels=["a", "b", "c"]),
        {
            "ax": [None, "ax"],
            "F": [np.ones(3), nan_at(np.ones((3, 2))), None, np.ones((3, 2)) * HUGE],
            "labels": [Bad(["a"], "3 rows but 1 labels"), "abc", [1, 2, 3], None],
            "title": BAD_TEXT,
            "colors": [["red"], ["nocolor"] * 3, "red"],
            "lim": [0, -1, "2", NAN],
            "xlabel": BAD_TEXT,
            "ylabel": BAD_TEXT,
        },
    ),
    "plot_ratings_heatmap": Entry(
        mh.plot_ratings_heatmap,
        lambda: dict(
            ax=ax(), Y_pred=np.ones((5, 4)), R=W_()["R"], movies=W_()["toy"].movies, users=W_()["toy"].users
        ),
        {
            "ax": [None, "ax"],
            "Y_pred": [nan_at(np.ones((5, 4))), np.ones((5, 3)), None],
            "R": [W_()["R"] * 0.5, W_()["R"][:, :3], None],
            "movies": bad_names(5),
            "users": bad_names(4),
            "Y": [rated_nan(W_()["Y"], W_()["R"]), W_()["Y"].T, "Y"],
            "title": BAD_TEXT,
            "vmin": ["0", NAN, Bad(9.0, "vmin")],
            "vmax": [Bad(-1.0, "vmax"), INF, "5"],
        },
    ),
    "plot_movie_predictions": Entry(
        mh.plot_movie_predictions,
        lambda: dict(ax=ax(), y_hat=np.ones(4), y=W_()["Y"][1], r=W_()["R"][1], users=W_()["toy"].users),
        {
            "ax": [None, "ax"],
            "y_hat": [[NAN, 1, 1, 1], np.ones(3), np.ones((4, 1)), None],
            "y": [[INF, 1, 1, 1], np.ones(3), "y"],
            "r": [np.full(4, 0.5), np.ones(3), None],
            "users": ["abcd", None, [1, 2, 3, 4]],
            "title": BAD_TEXT,
        },
    ),
    "plot_training_summary": Entry(
        mh.plot_training_summary,
        lambda: dict(
            axes=two_axes(),
            result=W_()["result"],
            Y=W_()["Y"],
            R=W_()["R"],
            movies=W_()["toy"].movies,
            users=W_()["toy"].users,
        ),
        {
            "axes": [None, Bad(ax, "axes"), "axes"],
            "result": [None, "result", W_()["model"]],
            **bad_ratings(),
            "movies": bad_names(5),
            "users": bad_names(4),
        },
    ),
    "plot_factors": Entry(
        mh.plot_factors,
        lambda: dict(
            axes=two_axes(), X=W_()["X"], W=W_()["W"], movies=W_()["toy"].movies, users=W_()["toy"].users
        ),
        {
            "axes": [None, Bad(ax, "axes")],
            "X": [None, nan_at(W_()["X"]), W_()["X"][:, :1]],
            "W": [None, nan_at(W_()["W"]), W_()["W"].ravel()],
            "movies": bad_names(5),
            "users": bad_names(4),
            "movie_colors": [["red"], ["nocolor"] * 5, "red"],
            "user_colors": [["red"], ["nocolor"] * 4],
            "lim": [0, -1, "2"],
        },
    ),
    "plot_rmse_bars": Entry(
        mh.plot_rmse_bars,
        lambda: dict(ax=ax(), train_rmse=0.7, test_rmse=0.85),
        {
            "ax": [None, "ax"],
            "train_rmse": [NAN, -0.1, "0.8", 1e9, None],
            "test_rmse": [INF, -1, "0.8", None],
            "baselines": [[0.9], {"mean": NAN}, {1: 0.9}, {"mean": -1}],
            "title": BAD_TEXT,
            "held_out": [42, None, "", "train"],
        },
    ),
    # -- explorers ------------------------------------------------------------------------
    "Explorer": Entry(
        explorers.Explorer.__init__,
        lambda: dict(controls={"a": widgets.IntSlider()}, draw=lambda values: {}),
        {
            "controls": [{}, {"a": 1}, None, [widgets.IntSlider()]],
            "draw": [42, None],
            "height": [42, "tall", None],
            "extra": [None, [1]],
        },
        call=lambda **kw: explorers.Explorer(**kw),
    ),
    "optimizer_explorer": Entry(
        mh.optimizer_explorer,
        lambda: dict(
            **{k: v for k, v in dense().items() if k != "lambda_"},
            movies=W_()["toy"].movies,
            users=W_()["toy"].users,
            movie=1,
        ),
        {
            **bad_params(),
            "X": [
                *bad_params()["X"],
                Bad(features_outside_the_sliders(), r"X\[1\] = \[3.0, 0.0\] lies outside"),
            ],
            **bad_ratings(),
            "movies": bad_names(5),
            "users": bad_names(4),
            "movie": [7, -1, 1.5, "1"],
            "lambda_": BAD_LAMBDA,
        },
    ),
    "training_explorer": Entry(
        mh.training_explorer,
        _explorer_good,
        {
            **bad_ratings(),
            "movies": bad_names(5),
            "users": bad_names(4),
            "seed": BAD_SEED,
            "lambda_": [0.5, "0.3", None, NAN, True],
            "alpha": [0.5, -1, "0.03"],
            "k": [7, 2.5, 0],
            "epochs": [50, -1, "1000"],
        },
    ),
    "factor_explorer": Entry(
        mh.factor_explorer,
        _explorer_good,
        {
            **bad_ratings(),
            "movies": bad_names(5),
            "users": bad_names(4),
            "seed": BAD_SEED,
            "lambda_": [0.5, "0.3"],
            "alpha": [0.5, None],
            "k": [7, "2"],
            "epochs": [0, 2.5, -10],
            "snapshot_every": [0, 601, 2.5],
            "movie_colors": [["red"] * 3, ["nocolor"] * 5, "red"],
            "user_colors": [["red"] * 3, ["nocolor"] * 4],
        },
    ),
    "movielens_explorer": Entry(
        mh.movielens_explorer,
        _movielens_explorer_good,
        {
            "train": [
                None,
                (np.array([0]), np.array([0])),
                mh.Ratings(np.array([9]), np.array([0]), np.array([3.0])),
            ],
            "test": [None, mh.Ratings(np.array([0]), np.array([0]), np.array([NAN]))],
            "n_movies": BAD_COUNT,
            "n_users": BAD_COUNT,
            "rng": BAD_RNG,
            "runs": [[], {(1.0, 2): "model"}, Bad({(1.0, 3): W_()["model"]}, "runs")],
            "lambdas": [[], "1", [1.0, 1.0], [-1.0]],
            "ks": [[0], [], [1.5]],
            "lambda_": [2.0, "1"],
            "k": [7, None],
            "alpha": BAD_ALPHA[:3],
            "epochs": [0, 2.5],
            "shrink": [-1, INF],
            "baselines": [[1], {"a": NAN}],
            "momentum": [1.0, -0.1, "0.9", None],
            "init_scale": [0, -1, HUGE, "0.1"],
            "held_out": [42, None, "  ", "train"],
        },
    ),
    "new_user_explorer": Entry(
        mh.new_user_explorer,
        lambda: dict(
            model=W_()["model"], titles=W_()["ml"].titles, to_rate=[0, 1], counts=W_()["counts"], top=3
        ),
        {
            "model": [None, W_()["result"]],
            "titles": bad_names(5),
            "to_rate": [[], [-1], [0.5], [0, 0], None],
            "counts": [np.ones(3, int), None],
            "min_ratings": [-1, 2.5],
            "top": [0, 99],
            "lambda_": [-1, "1"],
        },
    ),
    # -- 06_choosing_and_judging ----------------------------------------------------------
    "select_settings": Entry(
        mh.select_settings,
        _select_good,
        {
            "data": [
                *bad_data(),
                Bad(mh.Ratings(np.arange(4), np.arange(4), np.full(4, 3.0)), "validation part is empty"),
            ],
            "n_movies": [*BAD_COUNT, Bad(3, "movies must hold"), None],
            "n_users": [*BAD_COUNT, Bad(2, "users must hold"), None],
            "rng": BAD_RNG,
            "lambdas": [3.0, "3", None, [], [-1.0], [NAN], [INF], [1.0, 1.0], [True], [[1.0]]],
            "ks": [2, "2", [], [0], [1.5], [1, 1], [True], Bad([5], r"min\(n_movies, n_users\)")],
            "alpha": BAD_ALPHA,
            "max_epochs": [0, -1, 2.5, "200", True, None, 10**9, Bad(3, "every")],
            "every": [0, -1, 2.5, "5", None, Bad(11, "at most max_epochs")],
            "patience": [0, -1, 2.5, "4", None, True],
            "tol": [-1e-3, NAN, INF, "5e-4", None, HUGE],
            "validation_fraction": [0, 1, 1.5, -0.2, "0.2", NAN, None, True],
            "fit": [
                42,
                None,
                "fit_ratings",
                mh.fit_ratings(W_()["data"], 5, 4, 1, 0.5, 1.0, 1, np.random.default_rng(0)),
                mh.gradient_descent,
                Bad(fit_without_callback, "unexpected keyword argument 'callback'"),
                Bad(mh.fit_als, "fit has no learning rate .* pass alpha=None"),
                Bad(fit_calling_back_wrongly, r"callback\(epoch, model\)"),
                Bad(fit_returning_nothing, "fit must return"),
                Bad(lambda *args, **kwargs: None, r"never calls callback\(epoch, model\)"),
            ],
            "fit_options": [
                "momentum=0.9",
                [("momentum", 0.9)],
                {1: 0.9},
                {"momentm": 0.9},
                {"k": 3},
                {"callback": print},
                Bad({"momentum": 2.0}, "momentum"),
                Bad({"init_scale": -1.0}, "init_scale"),
            ],
            "progress": BAD_FLAG,
        },
    ),
    "Selection.refit": Entry(
        mh.Selection.refit,
        lambda: dict(data=W_()["data"], n_movies=5, n_users=4),
        {
            "data": bad_data(),
            "n_movies": [*BAD_COUNT, Bad(3, "movies must hold")],
            "n_users": [*BAD_COUNT, Bad(2, "users must hold")],
            "setting": [
                [1.0, 2],
                (9.0, 1),
                "best",
                (1.0,),
                (),
                (NAN, 2),
                (1.0, [2]),
                (1.0, np.array([1, 2])),
                (True, 2),
            ],
        },
        call=lambda **kw: W_()["selection"].refit(**kw),
    ),
    "top_n": Entry(
        mh.top_n,
        lambda: dict(scores=np.random.default_rng(0).random((5, 4)), train=W_()["data"], n=2),
        {
            "scores": [
                None,
                "scores",
                np.ones(5),
                np.ones((5, 4, 1)),
                np.zeros((0, 4)),
                nan_at(np.ones((5, 4))),
                np.full((5, 4), -INF),
                np.ones((5, 4)) + 1j,
                [["a"] * 4] * 5,
                Bad(np.ones((4, 5)), "from the shape of scores"),
                Bad(np.ones((5, 3)), "from the shape of scores"),
            ],
            "train": [
                *bad_data(),
                Bad(mh.Ratings(np.zeros(5, int), np.arange(5), np.ones(5)), "rated all 5 movies"),
            ],
            "n": [0, -1, 2.5, "10", True, None, Bad(3, "fewest unrated movies")],
        },
    ),
    "popularity_scores": Entry(
        mh.popularity_scores,
        lambda: dict(train=W_()["data"], n_movies=5, n_users=4),
        {
            "train": bad_data(),
            "n_movies": [*BAD_COUNT, None, Bad(3, "movies must hold")],
            "n_users": [*BAD_COUNT, None, Bad(2, "users must hold")],
        },
    ),
    "top_n_scores": Entry(
        mh.top_n_scores,
        lambda: dict(top=top_lists(), test=W_()["data"], n_movies=5),
        {
            "top": [
                None,
                "top",
                top_lists()[0],
                np.zeros((4, 0), int),
                top_lists()[:, :, None],
                top_lists() + 0.5,
                top_lists() > 1,
                Bad(top_lists() * 3, "from 0 to 4"),
                -top_lists(),
                [[0, 1], [2]],
                Bad(np.array([[2, 2], [2, 3], [1, 3], [0, 1]]), "twice"),
                Bad(top_lists()[:2], "the rows of top"),
            ],
            "test": bad_data(),
            "n_movies": [*BAD_COUNT, None, Bad(3, "n_movies = 3")],
            "min_rating": [NAN, INF, -INF, "4", None, True, Bad(6.0, "above every held-out rating")],
        },
    ),
    "coverage": Entry(
        mh.coverage,
        lambda: dict(top=top_lists(), n_movies=5),
        {
            "top": [
                None,
                "top",
                [0, 1],
                [[0.5, 1.0]],
                [[-1, 0]],
                [[5, 0]],
                np.zeros((2, 0), int),
                [[[0]]],
                Bad([[0, 0]], "twice"),
                [[True, False]],
            ],
            "n_movies": [*BAD_COUNT, None, Bad(3, "n_movies = 3")],
        },
    ),
    "plot_validation_curves": Entry(
        mh.plot_validation_curves,
        lambda: dict(ax=ax(), selection=W_()["selection"]),
        {
            "ax": [None, "ax", Bad(plt.figure, "ax")],
            "selection": [
                None,
                "selection",
                W_()["model"],
                W_()["selection"].results,
                Bad(selection_with(results={}), "results are empty"),
            ],
        },
    ),
    "plot_top_n_bars": Entry(
        mh.plot_top_n_bars,
        lambda: dict(
            ax=ax(), table={"model": {"P@10": 0.1, "NDCG@10": 0.2}, "random": {"P@10": 0.0, "NDCG@10": 0.01}}
        ),
        {
            "ax": [None, "ax", Bad(plt.figure, "ax")],
            "table": [
                None,
                {},
                [("model", {"P@10": 0.1})],
                {"model": 0.1},
                {"model": {}},
                {1: {"P@10": 0.1}},
                {"model": {1: 0.1}},
                {"model": {"P@10": NAN}},
                {"model": {"P@10": "0.1"}},
                {"model": {"P@10": 12.0}},
                {"model": {"P@10": -0.1}},
                {"model": {"P@10": True}},
                Bad({"a": {"P@10": 0.1}, "b": {"R@10": 0.1}}, "same metrics"),
            ],
        },
    ),
    "top_n_table": Entry(
        mh.top_n_table,
        lambda: dict(
            lists={"model": np.array([0, 1]), "popularity": np.array([2, 3])},
            held_out=np.array([1, 4]),
            stars=np.array([4.5, 2.0]),
            titles=W_()["ml"].titles,
        ),
        {
            "lists": [
                None,
                {},
                [np.array([0, 1])],
                {"model": [0.5, 1.0]},
                {"model": [-1, 0]},
                {"model": [9, 0]},
                {"model": np.zeros((2, 2), int)},
                {"model": []},
                {"model": "01"},
                {1: [0, 1]},
                Bad({"model": [0, 1], "popularity": [0]}, "same length"),
            ],
            "held_out": [*bad_index(5), [[1, 4]]],
            "stars": [[NAN, 4.0], [INF, 4.0], [4.0], None, "x", [[4.5, 2.0]]],
            "titles": [None, "abcde", [], [1, 2, 3, 4, 5], {"a": 1}, Bad(["a", "b"], r"len\(titles\) = 2")],
            "min_rating": [NAN, INF, "4", None, True],
            "width": [0, -1, 2.5, "36", True, None, 10**9],
        },
    ),
    "top_n_explorer": Entry(
        mh.top_n_explorer,
        _top_n_explorer_good,
        {
            "runs": [
                None,
                {},
                [W_()["model"]],
                {(1.0, 2): "model"},
                {(1.0, 2): W_()["result"]},
                {"best": W_()["model"]},
                {(NAN, 2): W_()["model"]},
                {(1.0, 2.5): W_()["model"]},
                Bad({(1.0, 3): W_()["model"]}, "runs"),
                Bad({(1.0, 2): W_()["model"], (3.0, 1): W_()["model_k1"]}, "missing"),
            ],
            "train": bad_data(),
            "test": bad_data(),
            "titles": bad_names(5),
            "user": [-1, 4, 1.5, "0", None, True],
            "setting": [(9.0, 2), [1.0, 2], "x", (1.0,), (1.0, [2]), (NAN, 2), (True, 2)],
            "n": [0, -1, 2.5, "10", True, None, Bad(10, "fewest unrated movies")],
            "min_rating": [NAN, INF, "4", None, True, Bad(6.0, "above every held-out rating")],
        },
    ),
    # -- 07_als_and_spark -----------------------------------------------------------------
    "als_user_step": Entry(
        mh.als_user_step,
        lambda: dict(X=W_()["X"], data=W_()["data"], n_users=4, lambda_=1.0),
        {
            "X": [
                None,
                "X",
                W_()["X"].ravel(),
                W_()["X"][:, :0],
                W_()["X"][:0],
                nan_at(W_()["X"]),
                W_()["X"] * 1e60,
                W_()["X"] + 1j,
                [["a", "b"]] * 5,
                Bad(W_()["X"][:3], r"\(n_movies = 3 from the rows of X, n_users = 4\)"),
                Bad(W_()["X"] * 1e10, "lambda_ is lost in rounding"),
                Bad(W_()["X"].T, r"X has shape \(2, 5\).*transposed\? Pass X\.T"),
            ],
            "data": bad_data(),
            "n_users": [
                *BAD_COUNT,
                None,
                Bad(2, "users must hold"),
                Bad(4.0, r"n_users .*got 4\.0 \(a float\)\. Pass int\(n_users\)"),
                Bad(W_()["data"], r"n_users .*got a Ratings\. Are the arguments in the order"),
            ],
            "lambda_": BAD_ALS_LAMBDA,
            "scaled_lambda": BAD_FLAG,
        },
    ),
    "als_movie_step": Entry(
        mh.als_movie_step,
        lambda: dict(W=W_()["W"], b=W_()["b"], data=W_()["data"], n_movies=5, lambda_=1.0),
        {
            "W": [
                None,
                "W",
                W_()["W"].ravel(),
                W_()["W"][:, :0],
                nan_at(W_()["W"]),
                W_()["W"] * 1e60,
                [["a", "b"]] * 4,
                Bad(W_()["W"][:3], "b .*must have shape \\(3,\\)"),
                Bad(W_()["W"] * 1e10, "lambda_ is lost in rounding"),
                Bad(W_()["W"].T, r"W has shape \(2, 4\).*transposed\? Pass W\.T"),
            ],
            "b": [
                None,
                "b",
                0.5,
                W_()["b"][:3],
                W_()["b"][:, None],
                nan_at(W_()["b"], (0,)),
                W_()["b"] + HUGE,
            ],
            "data": bad_data(),
            "n_movies": [*BAD_COUNT, None, Bad(3, "movies must hold")],
            "lambda_": BAD_ALS_LAMBDA,
            "scaled_lambda": BAD_FLAG,
        },
    ),
    "fit_als": Entry(
        mh.fit_als,
        lambda: dict(
            data=W_()["data"], n_movies=5, n_users=4, k=2, lambda_=1.0, epochs=2, rng=np.random.default_rng(0)
        ),
        {
            "data": bad_data(),
            "n_movies": [*BAD_COUNT, None, Bad(3, "movies must hold")],
            "n_users": [*BAD_COUNT, None, Bad(2, "users must hold")],
            "k": BAD_K,
            "lambda_": BAD_ALS_LAMBDA,
            "epochs": BAD_EPOCHS,
            "rng": BAD_RNG,
            "shrink": [-1, INF, "3", None, HUGE],
            "normalize": BAD_FLAG,
            "init_scale": [0, -1, NAN, HUGE, "0.1", None, Bad(1e40, "smaller init_scale")],
            "scaled_lambda": BAD_FLAG,
            "callback": [42, "stop", True, Bad(lambda epoch, X, W, b: True, "callback is called as")],
        },
    ),
    # -- Spark (mlite_support.spark): every check runs before Spark does any work -----------
    "start_spark": Entry(
        spark_support.start_spark, lambda: dict(cores=2), {"cores": [0, -1, 2.5, "2", True, None, 10**12]}
    ),
    "ratings_frame": Entry(
        spark_support.ratings_frame,
        lambda: dict(spark=RUNNING_SPARK, data=W_()["data"]),
        {
            "spark": [
                None,
                "spark",
                42,
                Bad(spark_support.start_spark, "got function"),
                Bad(W_()["data"], "must be a pyspark SparkSession"),
            ],
            "data": [
                None,
                "ratings",
                (np.array([0]), np.array([0])),
                mh.Ratings(np.array([0]), np.array([0]), np.array([NAN])),
                mh.Ratings(np.array([0]), np.array([0.5]), np.array([3.0])),
                mh.Ratings(np.array([0, 1]), np.array([0]), np.array([3.0])),
                mh.Ratings(np.array([], int), np.array([], int), np.array([])),
                mh.Ratings(np.array([-1]), np.array([0]), np.array([3.0])),
                mh.Ratings(np.array([0]), np.array([0]), np.array([HUGE])),
                Bad(mh.Ratings(np.array([2**31]), np.array([0]), np.array([3.0])), "32-bit"),
            ],
        },
    ),
    "spark_factors": Entry(
        spark_support.spark_factors,
        lambda: dict(model=RUNNING_SPARK, n_movies=5, n_users=4),
        {
            "model": [
                None,
                "model",
                Bad(W_()["model"], "has X and W already"),
                W_()["result"],
                (W_()["X"], W_()["W"]),
            ],
            "n_movies": [*BAD_COUNT, None],
            "n_users": [*BAD_COUNT, None],
        },
    ),
    # -- exercise checkers ----------------------------------------------------------------
    **{
        name: Entry(getattr(exercises, name), lambda: dict(fn=lambda *a: 0.0), {"fn": fn_cases()})
        for name in (
            "check_cost",
            "check_gradients",
            "check_step",
            "check_rotation",
            "check_sparse_cost",
            "check_precision_at_k",
            "check_ndcg_at_k",
            "check_user_step",
        )
    },
}

CASES = [
    (name, argument, index, case if isinstance(case, Bad) else Bad(case))
    for name, entry in CATALOGUE.items()
    for argument, cases in entry.bad.items()
    for index, case in enumerate(cases)
]


def _value(case: Bad) -> Any:
    # Bad(ax) and Bad(plt.figure) stand for fresh matplotlib objects, made when the case runs
    return case.value() if any(case.value is maker for maker in (ax, plt.figure)) else case.value


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    ("name", "argument", "index", "case"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_bad_input_gets_a_clear_error(name, argument, index, case, capsys):
    entry = CATALOGUE[name]
    kwargs = entry.good()
    kwargs[argument] = _value(case)
    with pytest.raises((TypeError, ValueError)) as info:
        entry.run(**kwargs)
    message = str(info.value)
    pattern = case.names or rf"(?<![A-Za-z0-9_]){re.escape(argument)}(?![A-Za-z0-9])"
    assert re.search(pattern, message), f"the message does not name {argument}: {message}"
    assert FIX.search(message) and len(message) > 30, f"the message says no fix: {message}"
    assert "Traceback" not in capsys.readouterr().out


#: Not run with their good inputs here: the loaders would download MovieLens, the Spark
#: functions need a running session (test_movielens.py and test_spark.py run them for real).
NOT_RUN_WITH_GOOD_INPUTS = {n for n in CATALOGUE if "movielens" in n} | {
    "start_spark",
    "ratings_frame",
    "spark_factors",
}


@pytest.mark.parametrize("name", [n for n in CATALOGUE if n not in NOT_RUN_WITH_GOOD_INPUTS])
def test_good_inputs_work(name, capsys):
    """The starting arguments of every catalogue are valid: each error above is the bad value's."""
    entry = CATALOGUE[name]
    entry.run(**entry.good())
    assert "Traceback" not in capsys.readouterr().out


def public_functions() -> dict[str, Callable[..., Any]]:
    """Every public function and method of mlite_helpers and of the support modules mh reaches."""
    found = {}
    for module in (mh, results, selection, plots, explorers, movielens, exercises, versions, spark_support):
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                found[name] = obj
            elif inspect.isclass(obj):
                for method, fn in vars(obj).items():
                    if inspect.isfunction(fn) and not method.startswith("_"):
                        found[f"{name}.{method}"] = fn
                if obj is explorers.Explorer:
                    found[name] = obj.__init__
    return found


# Data containers (NamedTuple and dataclass constructors) and functions without parameters
# take no user input to check.
NO_ARGUMENTS = {"set_style", "report_versions", "TrainResult.predict", "spark_missing"}


def test_every_public_function_has_a_catalogue():
    functions = public_functions()
    missing = sorted(set(functions) - set(CATALOGUE) - NO_ARGUMENTS)
    assert not missing, f"public functions without a catalogue of bad inputs: {missing}"
    for name in NO_ARGUMENTS:
        params = [p for p in inspect.signature(functions[name]).parameters if p != "self"]
        assert not params, f"{name} takes arguments: give it a catalogue"


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_every_argument_has_several_bad_values(name):
    entry = CATALOGUE[name]
    params = [p for p in inspect.signature(entry.target).parameters if p != "self"]
    assert set(entry.bad) == set(params), (
        f"{name}: arguments without bad values: {set(params) - set(entry.bad)}"
    )
    few = {argument: len(cases) for argument, cases in entry.bad.items() if len(cases) < 2}
    assert not few, f"{name}: give every argument at least two bad values: {few}"


def test_catalogue_size():
    """The counts the reliability report quotes (a floor: the catalogue only grows)."""
    n_functions = len(CATALOGUE)
    n_arguments = sum(len(e.bad) for e in CATALOGUE.values())
    assert n_functions >= 68 and n_arguments >= 335 and len(CASES) >= 1688, (
        n_functions,
        n_arguments,
        len(CASES),
    )
