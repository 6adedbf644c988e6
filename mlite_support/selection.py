"""The grid search of 06_choosing_and_judging: lambda_, k and epochs chosen on a validation part.

Notebook 06 explains the procedure (a validation part carved from the training ratings,
early stopping, the winner trained again on all of them); this module runs it for any fit
of the series. The notebooks call it as ``mh.select_settings``.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from mlite_helpers import Ratings, RatingsModel, _as_ratings, fit_ratings, rmse, split_ratings
from mlite_support import validate


class SettingResult(NamedTuple):
    """One (lambda_, k) of the grid on the validation part (06_choosing_and_judging).

    Attributes
    ----------
    epochs : int
        Epochs at its best validation RMSE (0 if it diverged before the first check).
    validation_rmse : float
        That best validation RMSE (inf if it diverged before the first check).
    curve : np.ndarray, shape (n_checks, 2)
        Epoch and validation RMSE of every check until the run stopped.
    """

    epochs: int
    validation_rmse: float
    curve: np.ndarray


@dataclass
class Selection:
    """What :func:`select_settings` returns (06_choosing_and_judging).

    Attributes
    ----------
    lambda_, k, epochs : float, int, int
        The chosen settings.
    validation_rmse : float
    results : dict of (lambda_, k) to SettingResult
        Every setting of the grid.
    model : RatingsModel
        Trained with the chosen settings on all the ratings given.
    fit, alpha, fit_options, seed
        How every run was trained (all from the same start), for :meth:`refit`; alpha is
        None for a fit without a learning rate (``mh.fit_als``).
    message : str
        The choice, and a note when it lies at the edge of the grid.
    """

    lambda_: float
    k: int
    epochs: int
    validation_rmse: float
    results: dict[tuple[float, int], SettingResult]
    fit: Callable[..., RatingsModel]
    alpha: float | None
    fit_options: dict[str, Any]
    seed: int
    message: str
    model: RatingsModel = field(init=False, repr=False)

    def refit(
        self, data: Ratings, n_movies: int, n_users: int, setting: tuple[float, int] | None = None
    ) -> RatingsModel:
        """Train on ``data`` with a setting of the grid (default: the chosen one) for its best epochs.

        Parameters
        ----------
        data : Ratings
        n_movies, n_users : int
        setting : tuple (lambda_, k), optional

        Returns
        -------
        RatingsModel
        """
        trained = [key for key, result in self.results.items() if result.epochs]
        setting = (self.lambda_, self.k) if setting is None else setting
        lambda_, k = validate.grid_key("setting", setting, trained, "the grid with trained epochs")
        data = _as_ratings("data", data, n_movies, n_users)
        epochs, rng = self.results[lambda_, k].epochs, np.random.default_rng(self.seed)
        settings = dict(k=k, lambda_=lambda_, epochs=epochs, rng=rng, **_rate(self.alpha), **self.fit_options)
        model = self.fit(data, n_movies, n_users, **settings)
        return validate.instance("the result of fit", model, RatingsModel, "fit must return its model.")


def _rate(alpha: float | None) -> dict[str, float]:
    """The keyword ``alpha`` for a fit with a learning rate; none for a fit without (alpha None)."""
    return {} if alpha is None else {"alpha": alpha}


def select_settings(
    data: Ratings,
    n_movies: int,
    n_users: int,
    rng: np.random.Generator,
    *,
    lambdas: tuple[float, ...] = (3.0, 10.0, 30.0),
    ks: tuple[int, ...] = (2, 10),
    alpha: float | None = 0.3,
    max_epochs: int = 200,
    every: int = 5,
    patience: int = 4,
    tol: float = 5e-4,
    validation_fraction: float = 0.2,
    fit: Callable[..., RatingsModel] = fit_ratings,
    fit_options: dict[str, Any] | None = None,
    progress: bool = False,
) -> Selection:
    """Choose lambda_, k and the number of epochs on a validation part carved from ``data``.

    Taught in 06_choosing_and_judging. ``validation_fraction`` of every user's ratings are
    held out (``mh.split_ratings``); each (lambda_, k) trains on the rest, all from the same
    start, its validation RMSE checked every ``every`` epochs, and stops early after
    ``patience`` checks that do not beat its best by more than ``tol`` stars. The winner,
    ``argmin over (lambda_, k, epochs) of RMSE(validation)``, is trained again on all of
    ``data`` from the same start (:meth:`Selection.refit`).

    Parameters
    ----------
    data : Ratings
        Training ratings (never the test part).
    n_movies, n_users : int
    rng : np.random.Generator
        For the validation split and the start shared by every run.
    lambdas, ks : tuple
        The grid: distinct lambdas >= 0, distinct ks from 1 to min(n_movies, n_users).
    alpha : float or None, default 0.3
        Learning rate of ``fit``, > 0; None for a fit without one, such as ``mh.fit_als``.
    max_epochs, every, patience, tol : int, int, int, float
        Most epochs of a run (up to 100,000), and early stopping as above.
    validation_fraction : float, default 0.2
    fit : callable, default fit_ratings
        Any ``fit(data, n_movies, n_users, k=..., alpha=..., lambda_=..., epochs=..., rng=...,
        callback=..., **fit_options)`` (without ``alpha`` when alpha is None) that calls
        ``callback(epoch, model)`` after every epoch and stops when it returns True:
        ``mh.fit_ratings`` or ``mh.fit_als``.
    fit_options : dict, optional
        Keyword options of ``fit``; for ``mh.fit_ratings`` by default ``momentum=0.9,
        init_scale=0.5, shrink=3.0`` (05_movielens), for any other fit none.
    progress : bool, default False
        A line per run on stderr (a selection takes seconds; off in the notebooks).

    Returns
    -------
    Selection
    """
    data, rng = _as_ratings("data", data, n_movies, n_users), validate.generator(rng)
    lambdas, ks = validate.lambda_grid("lambdas", lambdas), validate.k_grid("ks", ks, min(n_movies, n_users))
    alpha, progress = None if alpha is None else validate.alpha(alpha), validate.flag("progress", progress)
    max_epochs, every, patience, tol = validate.early_stopping(max_epochs, every, patience, tol)
    share = validate.fraction("validation_fraction", validation_fraction, "share of each user held out")
    if fit_options is None:  # notebook 05's fast settings, for fit_ratings
        fit_options = dict(momentum=0.9, init_scale=0.5, shrink=3.0) if fit is fit_ratings else {}
    fit, options = validate.fit_function(fit, fit_options, alpha)
    train, val = (data.take(part) for part in split_ratings(data.users, share, rng))
    if val.ratings.size == 0:
        raise ValueError("the validation part is empty: raise validation_fraction, or pass more ratings.")
    seed, results, start = int(rng.integers(2**32)), {}, time.perf_counter()

    def run(lambda_: float, k: int) -> None:
        curve: list[tuple[int, float]] = []
        best: list[Any] = [math.inf, 0]  # validation RMSE and epoch of the best check

        def check(epoch: int, model: RatingsModel) -> bool:
            if epoch % every == 0:
                curve.append((epoch, rmse(model.predict(val.users, val.movies), val.ratings)))
                if curve[-1][1] < best[0] - tol:  # a real improvement
                    best[:] = [curve[-1][1], epoch]
            return epoch - best[1] >= patience * every  # early stop: `patience` checks without one

        run_rng = np.random.default_rng(seed)  # the same start for every setting
        callback = validate.epoch_callback(check, RatingsModel)  # refuses a fit that calls it wrongly
        settings = dict(k=k, lambda_=lambda_, epochs=max_epochs, rng=run_rng, **_rate(alpha), **options)
        fit(train, n_movies, n_users, callback=callback, **settings)
        results[lambda_, k] = SettingResult(best[1], best[0], np.reshape(curve, (-1, 2)))
        line = f"lambda_ = {lambda_:g}, k = {k}: validation RMSE {best[0]:.4f} after {best[1]} epochs"
        if progress:
            print(f"{line}; {time.perf_counter() - start:.1f} s so far", file=sys.stderr, flush=True)

    for lambda_ in lambdas:
        for k in ks:
            run(lambda_, k)
    (lambda_, k), chosen = min(results.items(), key=lambda item: item[1].validation_rmse)
    if chosen.epochs == 0:
        diverged = "" if alpha is None else f"every run diverged (lower alpha, now {alpha:g}), or "
        raise ValueError(
            f"no run reached its first validation check: {diverged}fit never calls callback(epoch, model)."
        )
    notes = [
        f"{name} = {value:g} is at the edge of the grid {grid}: try values beyond it."
        for name, value, grid in (("lambda_", lambda_, lambdas), ("k", k, ks))
        if len(grid) > 1 and value in (min(grid), max(grid))
    ] + [f"It was still improving after {max_epochs} epochs: allow more."] * (
        chosen.epochs > max_epochs - every
    )
    msg = f"Chose lambda_ = {lambda_:g}, k = {k}, {chosen.epochs} epochs (validation RMSE {chosen[1]:.4f})."
    msg = " ".join([msg, *notes])
    selection = Selection(lambda_, k, *chosen[:2], results, fit, alpha, options, seed, msg)
    selection.model = selection.refit(data, n_movies, n_users)  # the winner, on all of data
    return selection
