"""The slider explorers of the series (ipywidgets).

Every slider is built explicitly with ``continuous_update=False`` (so a drag retrains once,
on release) and drawn into one fixed-size output area, one redraw at a time. Each explorer
keeps one figure (outside pyplot) and redraws into it on each change, shown as a PNG;
training runs are cached per setting, so going back to a setting is instant. A notebook
cell shows an explorer by ending with it.

The values every slider offers are the named constants just below: change them here.
"""

from __future__ import annotations

import io
import math
import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from IPython.display import Image, clear_output, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import mlite_helpers as mh
from mlite_support import validate
from mlite_support.plots import (
    plot_factors,
    plot_movie_predictions,
    plot_rmse_bars,
    plot_training_summary,
    top_n_table,
)

# -- slider values (03_training and 04_visualization) ------------------------------------
#: lambda: a log scale with 0 reachable.
LAMBDA_CHOICES: tuple[float, ...] = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: alpha: a log scale whose top values diverge on the toy data.
ALPHA_CHOICES: tuple[float, ...] = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 1.0)
#: k, the number of latent features.
K_CHOICES: tuple[int, ...] = (1, 2, 3, 4, 5)
#: epochs of the training explorer.
EPOCH_CHOICES: tuple[int, ...] = (10, 30, 100, 300, 1000, 3000)
#: Milliseconds between frames when the factor explorer's Play button runs.
PLAY_INTERVAL_MS = 400

# -- slider values (01_cost_function: be the optimizer) ----------------------------------
#: The two feature sliders run from -FEATURE_LIMIT to FEATURE_LIMIT in FEATURE_STEP steps.
FEATURE_LIMIT = 1.5
FEATURE_STEP = 0.05
#: Their labels, in words: the toy data's first feature comes out as "romance".
FEATURE_NAMES: tuple[str, str] = ("romance", "action")

# -- slider values (05_movielens) ---------------------------------------------------------
#: lambda and k of the MovieLens explorer.
MOVIELENS_LAMBDAS: tuple[float, ...] = (0.0, 1.0, 3.0, 10.0, 30.0)
MOVIELENS_KS: tuple[int, ...] = (2, 5, 10, 20)
#: Stars a new user can give (0 stands for "not seen": MovieLens ratings start at 0.5).
STAR_CHOICES: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)

# -- slider values (06_choosing_and_judging) ----------------------------------------------
#: The user slider runs over every user; lambda and k over the cached runs. Lists are this long:
TOP_LIST_LENGTH = 10
#: A held-out movie rated this many stars or more is one the user liked (a hit if listed).
LIKED_STARS = 4.0

_LAYOUT = {"style": {"description_width": "70px"}, "layout": {"width": "330px"}}


def _choice(name: str, value: Any, choices: Sequence[Any]) -> Any:
    """The entry of the slider's ``choices`` equal to ``value``; else a ValueError listing them."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(
            f"{name} must be a number, one of the slider's values {tuple(choices)}; got {value!r}."
        )
    for choice in choices:
        if choice == value:
            return choice
    raise ValueError(
        f"{name} = {value!r} is not one of the slider's values {tuple(choices)}; pick one of them "
        "(or change the constants at the top of mlite_support/explorers.py)."
    )


def _selection_slider(
    description: str, options: Sequence[Any], value: Any, name: str | None = None
) -> widgets.SelectionSlider:
    return widgets.SelectionSlider(
        description=description,
        options=[(f"{v:g}", v) for v in options],
        value=_choice(name or description, value, options),
        continuous_update=False,
        **_LAYOUT,
    )


def _model_sliders(lambda_: float, alpha: float, k: int) -> dict[str, Any]:
    """The lambda, alpha and k sliders shared by the training and factor explorers."""
    return {
        "lambda_": _selection_slider("lambda", LAMBDA_CHOICES, lambda_, "lambda_"),
        "alpha": _selection_slider("alpha", ALPHA_CHOICES, alpha),
        "k": _selection_slider("k", K_CHOICES, k),
    }


def _training_report(result: mh.TrainResult) -> str:
    """What an explorer prints about a training run: a WARNING if it diverged, a NOTE if J bounced.

    Divergence follows the one rule of :func:`mh.descend` (J not finite, or above its
    start). A run that did not diverge but whose J rose between epochs took steps too long
    for plain gradient descent: J bounces instead of settling, and the note says so.

    Parameters
    ----------
    result : mh.TrainResult

    Returns
    -------
    str
        One or two lines.
    """
    if not isinstance(result, mh.TrainResult):
        raise TypeError(f"result must be a TrainResult (mh.gradient_descent), got {type(result).__name__}.")
    if result.diverged:
        return "WARNING: " + result.message
    history = result.cost_history
    rises = int(np.sum(np.diff(history) > 1e-9 * history[0]))
    if rises == 0:
        return result.message
    return (
        f"{result.message}\nNOTE: J rose in {rises} of {result.epochs_run} epochs and ends at "
        f"{history[-1]:.4g}, above its lowest value {history.min():.4g}: alpha is too large, the steps "
        "overshoot and J bounces instead of settling. Try a smaller alpha."
    )


def _names(movies: Any, users: Any, Y: np.ndarray) -> tuple[list[str], list[str]]:
    return validate.names("movies", movies, Y.shape[0], "movie"), validate.names(
        "users", users, Y.shape[1], "user"
    )


def _seed(seed: Any) -> int:
    """The seed every run of a toy explorer starts from: an integer >= 0."""
    return validate.integer(
        "seed", seed, 0, "seed of the starting values: every run starts from np.random.default_rng(seed)"
    )


def _cached_training(
    Y: np.ndarray, R: np.ndarray, seed: int, snapshot_every: int | None = None
) -> Callable[[float, float, int, int], mh.TrainResult]:
    """``train(lambda_, alpha, k, epochs)``: each setting run once, from ``np.random.default_rng(seed)``.

    The run of a setting is ``mh.gradient_descent(Y, R, k, alpha, lambda_, epochs,
    np.random.default_rng(seed))``: the same call in a notebook draws the same run.
    """
    cache: dict[tuple[float, float, int, int], mh.TrainResult] = {}

    def train(lambda_: float, alpha: float, k: int, epochs: int) -> mh.TrainResult:
        key = (lambda_, alpha, k, epochs)
        if key not in cache:
            rng = np.random.default_rng(seed)
            cache[key] = mh.gradient_descent(
                Y, R, k, alpha, lambda_, epochs, rng, snapshot_every=snapshot_every
            )
        return cache[key]

    return train


class Explorer:
    """Sliders and one fixed-size output area that is redrawn once per change.

    The explorers of the series are built by :func:`optimizer_explorer`,
    :func:`training_explorer` and :func:`factor_explorer`; a notebook cell shows one by
    ending with it. ``state`` holds the numbers behind the current drawing (tests and
    readers can look at them) and ``n_draws`` counts redraws.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        The sliders, by parameter name.
    output : ipywidgets.Output
        The output area the figure and messages are drawn into.
    widget : ipywidgets.VBox
        Controls above output: what the notebook displays.
    state : dict
        Numbers behind the current drawing.
    """

    def __init__(
        self,
        controls: dict[str, Any],
        draw: Callable[[dict[str, Any]], dict[str, Any]],
        height: str = "420px",
        extra: Sequence[Any] = (),
    ) -> None:
        if not isinstance(controls, dict) or not controls:
            raise TypeError("controls must be a non-empty dict of name -> ipywidgets control.")
        for name, control in controls.items():
            if not isinstance(name, str) or not isinstance(control, widgets.ValueWidget):
                raise TypeError(
                    f"controls[{name!r}] must be an ipywidgets control with a value, such as a slider."
                )
        draw = validate.function("draw", draw, "(values: dict) -> dict")
        height = validate.text("height", height, "CSS height of the output area")
        if not re.fullmatch(r"\d+(\.\d+)?(px|em|rem|vh|%)", height):
            raise ValueError(f"height must be a CSS length such as '420px', got {height!r}.")
        if not isinstance(extra, (list, tuple)) or not all(isinstance(w, widgets.Widget) for w in extra):
            raise TypeError("extra must be a list of ipywidgets widgets shown above the output area.")
        self.controls = controls
        self._draw = draw
        self._drawing = False
        # JupyterLab 4.4+ with ipykernel 7 can deliver a slider change on a second kernel
        # thread (a subshell) while a redraw runs on the first: one redraw at a time.
        self._lock = threading.RLock()
        self._drawn: dict[str, Any] | None = None  # the values behind the current drawing
        self.state: dict[str, Any] = {}
        self.n_draws = 0
        self.output = widgets.Output(layout=widgets.Layout(min_height=height))
        for control in controls.values():
            control.observe(self._update, "value")
        boxes = [widgets.HBox(list(controls.values())[i : i + 2]) for i in range(0, len(controls), 2)]
        self.widget = widgets.VBox([*boxes, *extra, self.output])
        self._update()

    def _update(self, _change: Any = None) -> None:
        """Draw the controls' values; draw again while they changed during the drawing.

        A change from another thread waits for the running drawing, then draws the newest
        values. A change that arrives while a drawing runs on the same thread (a fast drag,
        keys pressed in a row, or a draw that moves a control itself) is not drawn on its
        own: when the drawing ends, the controls are compared with the values it drew (a
        draw that moves a control records the new value in ``values``), and any difference
        is drawn, so the figure always ends up showing the sliders' final position.
        """
        with self._lock:
            if self._drawing:  # a change made by this thread's own drawing
                return
            self._drawing = True
            try:
                with self.output:  # captures this thread's prints and figures
                    for _ in range(20):  # a bound against controls that never settle
                        values = {name: control.value for name, control in self.controls.items()}
                        if values == self._drawn:  # already on screen (drawn by another thread)
                            break
                        clear_output(wait=True)
                        self.state = self._draw(values)
                        self._drawn = values
                        self.n_draws += 1
            finally:
                self._drawing = False

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


class _Canvas:
    """One figure that an explorer redraws on every change, shown as a PNG.

    Made outside pyplot: with JupyterLab 4.4+ and ipykernel 7, widget messages can be
    handled on a second kernel thread, and the end of each one runs matplotlib-inline's
    ``flush_figures``, which displays (under that message, so the explorer never shows it)
    and closes every open pyplot figure. Laid out once at the first draw and rendered by its
    own Agg canvas, whose renderer (and its caches of text and math layouts) lives as long
    as the figure: a new figure, ``tight_layout`` and a fresh renderer on every change took
    longer than the drawing itself.
    """

    def __init__(self, figsize: tuple[float, float], ncols: int = 1, **subplots: Any) -> None:
        self.fig = Figure(figsize=figsize)
        FigureCanvasAgg(self.fig)  # the figure's own canvas: savefig reuses its renderer
        self.axes = list(np.atleast_1d(self.fig.subplots(1, ncols, **subplots)))
        self._laid_out = False

    def clear(self) -> list[Any]:
        """Empty every axes (their positions stay) and return them."""
        for ax in self.axes:
            ax.clear()
        return self.axes

    def show(self) -> None:
        """Display the figure once in the current output area."""
        if not self._laid_out:
            self.fig.tight_layout()
            self.fig.set_layout_engine(None)  # else every savefig lays out (draws) the figure again
            self._laid_out = True
        png = io.BytesIO()
        self.fig.savefig(png, format="png", pil_kwargs={"compress_level": 1})  # shown once, never stored
        display(Image(png.getvalue()))


def optimizer_explorer(
    X: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    Y: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    movie: int,
    lambda_: float = 0.0,
) -> Explorer:
    """Be the optimizer: sliders set one movie's two features; see its predictions and J.

    Taught in 01_cost_function. Everything but ``X[movie]`` stays fixed.

    Parameters
    ----------
    X : np.ndarray, shape (n_movies, 2)
        Movie features; row ``movie`` is the starting point of the sliders.
    W : np.ndarray, shape (n_users, 2)
        User preferences (fixed).
    b : np.ndarray, shape (n_users,)
        User biases (fixed).
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    movie : int
        Index of the movie whose features the sliders set.
    lambda_ : float, default 0.0
        Regularization strength used in J.

    Returns
    -------
    Explorer
        With one control per name in ``FEATURE_NAMES``; ``state`` holds ``y_hat`` (n_users,) and ``J``.
    """
    X, W, b = validate.params(X, W, b)
    Y, R = validate.ratings(Y, R, (X.shape[0], W.shape[0]))
    lambda_ = validate.lambda_(lambda_)
    if X.shape[1] != 2:
        raise ValueError(f"X must have k = 2 features for the two sliders, got k = {X.shape[1]}.")
    movie = validate.integer("movie", movie, 0, "row of the movie", X.shape[0] - 1)
    movies, users = _names(movies, users, Y)
    if np.any(np.abs(X[movie]) > FEATURE_LIMIT):
        raise ValueError(
            f"X[{movie}] = {X[movie].round(2).tolist()} lies outside the sliders' range, "
            f"-{FEATURE_LIMIT:g} to {FEATURE_LIMIT:g}: the sliders could not start there. Pass X "
            "with that row inside the range (zeros, for example)."
        )
    sliders = {
        name: widgets.FloatSlider(
            value=float(X[movie, f]),
            min=-FEATURE_LIMIT,
            max=FEATURE_LIMIT,
            step=FEATURE_STEP,
            description=name,
            continuous_update=False,
            readout_format=".2f",
        )
        for f, name in enumerate(FEATURE_NAMES)
    }

    canvas = _Canvas((6.4, 3.2))

    def draw(values: dict[str, Any]) -> dict[str, Any]:
        X_now = X.copy()
        X_now[movie] = [values[name] for name in FEATURE_NAMES]
        y_hat = X_now[movie] @ W.T + b
        J = mh.cost(X_now, W, b, Y, R, lambda_)
        J_movie = 0.5 * float(np.sum(np.where(R[movie] == 1, y_hat - Y[movie], 0.0) ** 2))
        print(f"J = {J:.2f}   (of which this movie's errors: {J_movie:.2f})")
        shown = ", ".join(f"{name} {values[name]:.2f}" for name in FEATURE_NAMES)
        (ax,) = canvas.clear()
        plot_movie_predictions(ax, y_hat, Y[movie], R[movie], users, title=f"{movies[movie]}: {shown}")
        canvas.show()
        return {"y_hat": y_hat, "J": J}

    return Explorer(sliders, draw, height="300px")


def training_explorer(
    Y: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    seed: int = 1,
    lambda_: float = 0.3,
    alpha: float = 0.03,
    k: int = 2,
    epochs: int = 1000,
) -> Explorer:
    """Sliders for lambda, alpha, k and epochs retrain and redraw the cost and predictions.

    Taught in 03_training. Every setting trains from the same starting values, those of
    ``np.random.default_rng(seed)``: the run the sliders show for a setting is
    ``mh.gradient_descent(Y, R, k, alpha, lambda_, epochs, np.random.default_rng(seed))``, so
    a static figure drawn from that call shows the explorer's default. Each result is cached,
    so going back to a setting is instant. A diverging alpha shows a message and the cost up
    to the divergence, never NaN plots.

    Parameters
    ----------
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    seed : int, default 1
        Every run starts from ``np.random.default_rng(seed)``.
    lambda_, alpha, k, epochs
        Starting slider values (one of :data:`LAMBDA_CHOICES`, :data:`ALPHA_CHOICES`,
        1 to 5, :data:`EPOCH_CHOICES`).

    Returns
    -------
    Explorer
        Controls ``lambda_``, ``alpha``, ``k``, ``epochs``; ``state`` holds the
        :class:`mh.TrainResult` as ``result``.
    """
    Y, R = validate.ratings(Y, R)
    movies, users = _names(movies, users, Y)
    train = _cached_training(Y, R, _seed(seed))
    controls = {
        **_model_sliders(lambda_, alpha, k),
        "epochs": _selection_slider("epochs", EPOCH_CHOICES, epochs),
    }
    canvas = _Canvas((11, 3.6), 2, width_ratios=(1, 1.3))

    def draw(values: dict[str, Any]) -> dict[str, Any]:
        start = time.perf_counter()
        res = train(values["lambda_"], values["alpha"], values["k"], values["epochs"])
        compute = time.perf_counter() - start
        print(_training_report(res))
        plot_training_summary(canvas.clear(), res, Y, R, movies, users)
        canvas.show()
        return {"result": res, "compute_seconds": compute}

    return Explorer(controls, draw, height="330px")


def factor_explorer(
    Y: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    seed: int = 1,
    lambda_: float = 0.3,
    alpha: float = 0.03,
    k: int = 2,
    epochs: int = 600,
    snapshot_every: int = 20,
    movie_colors: Sequence[str] | None = None,
    user_colors: Sequence[str] | None = None,
) -> Explorer:
    """Watch the factors move: the movie and user feature spaces through training.

    Taught in 04_visualization. Sliders for lambda, alpha and k choose a training run
    (cached), ``mh.gradient_descent(Y, R, k, alpha, lambda_, epochs,
    np.random.default_rng(seed), snapshot_every=snapshot_every)``: a static figure drawn from
    that call shows the explorer's default run. The epoch scrubber and its Play button step
    through the saved snapshots, drawn on fixed axes so that only the points move.

    Parameters
    ----------
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    seed : int, default 1
        Every run starts from ``np.random.default_rng(seed)``.
    lambda_, alpha, k
        Starting slider values.
    epochs : int, default 600
        Epochs of each training run.
    snapshot_every : int, default 20
        Epochs between snapshots (frames of the scrubber).
    movie_colors, user_colors : sequence of str, optional
        A colour per movie and per user.

    Returns
    -------
    Explorer
        Controls ``lambda_``, ``alpha``, ``k`` and ``frame`` (the scrubber); ``state``
        holds the ``snapshot`` shown and the ``result``.
    """
    Y, R = validate.ratings(Y, R)
    movies, users = _names(movies, users, Y)
    movie_colors = validate.colors("movie_colors", movie_colors, Y.shape[0], "movie")
    user_colors = validate.colors("user_colors", user_colors, Y.shape[1], "user")
    epochs = validate.integer("epochs", epochs, 1, "number of gradient steps", 100_000)
    snapshot_every = validate.integer("snapshot_every", snapshot_every, 1, "epochs between snapshots", epochs)
    train = _cached_training(Y, R, _seed(seed), snapshot_every)
    n_frames = len(range(0, epochs + 1, snapshot_every)) + (epochs % snapshot_every > 0)
    frame = widgets.IntSlider(
        value=n_frames - 1,
        min=0,
        max=n_frames - 1,
        description="snapshot",
        continuous_update=False,
        **_LAYOUT,
    )
    play = widgets.Play(
        value=n_frames - 1, min=0, max=n_frames - 1, interval=PLAY_INTERVAL_MS, description="Play"
    )
    widgets.jslink((play, "value"), (frame, "value"))
    controls = {**_model_sliders(lambda_, alpha, k), "frame": frame}
    shown_run: list[tuple[float, float, int] | None] = [None]
    canvas = _Canvas((10, 4.4), 2)

    def draw(values: dict[str, Any]) -> dict[str, Any]:
        start = time.perf_counter()
        run = (values["lambda_"], values["alpha"], values["k"])
        res = train(*run, epochs)
        compute = time.perf_counter() - start
        last = len(res.snapshots) - 1
        index = min(values["frame"], last)
        if run != shown_run[0]:  # a new run starts at its trained state
            shown_run[0], index = run, last
        if frame.max != last:  # a diverged run has fewer snapshots
            play.max = frame.max = last
        if frame.value != index:
            play.value = frame.value = index
        values["frame"] = index  # moved by this drawing: nothing left to draw
        snap = res.snapshots[index]
        print(_training_report(res))
        print(f"snapshot {index} of {last}: epoch {snap.epoch}, J = {snap.cost:.2f}")
        lim = 1.15 * max(
            max(float(np.max(np.abs(s.X[:, :2]))), float(np.max(np.abs(s.W[:, :2])))) for s in res.snapshots
        )
        plot_factors(canvas.clear(), snap.X, snap.W, movies, users, movie_colors, user_colors, lim=lim)
        canvas.show()
        return {"snapshot": snap, "result": res, "compute_seconds": compute}

    return Explorer(controls, draw, height="420px", extra=[play])


def movielens_explorer(
    train: mh.Ratings,
    test: mh.Ratings,
    n_movies: int,
    n_users: int,
    rng: np.random.Generator,
    runs: dict[tuple[float, int], mh.RatingsModel] | None = None,
    lambdas: Sequence[float] = MOVIELENS_LAMBDAS,
    ks: Sequence[int] = MOVIELENS_KS,
    lambda_: float = 10.0,
    k: int = 10,
    alpha: float = 0.5,
    epochs: int = 100,
    shrink: float = 3.0,
    baselines: dict[str, float] | None = None,
    *,
    momentum: float = 0.0,
    init_scale: float = 0.1,
    held_out: str = "test",
) -> Explorer:
    """Sliders for lambda and k over trained MovieLens models: training and held-out RMSE.

    Taught in 05_movielens. ``runs`` is a cache of models by ``(lambda_, k)`` (the
    notebook passes the runs of its sweeps); a setting not yet in it is trained once
    (about a second) and added.

    Parameters
    ----------
    train, test : Ratings
        Training ratings and the held-out ratings the RMSE is measured on (05_movielens
        passes its validation part).
    n_movies, n_users : int
    rng : np.random.Generator
        Gives the seed of the starting values of new runs.
    runs : dict, optional
        Cache of :class:`mh.RatingsModel` by ``(lambda_, k)``; filled as the sliders move.
    lambdas, ks : sequences
        The values the sliders offer.
    lambda_, k : starting values
    alpha, epochs, shrink, momentum, init_scale
        Training settings of new runs (see :func:`fit_ratings`); use the settings of the
        cached runs.
    baselines : dict of str to float, optional
        Held-out RMSE of simpler predictors, drawn as reference lines.
    held_out : str, default "test"
        Name of the held-out part in the printout and the figure ("validation", "test").

    Returns
    -------
    Explorer
        Controls ``lambda_`` and ``k``; ``state`` holds ``model``, ``train_rmse`` and
        ``test_rmse``.
    """
    n_movies = validate.integer("n_movies", n_movies, 1, "number of movies")
    n_users = validate.integer("n_users", n_users, 1, "number of users")
    for name, data in (("train", train), ("test", test)):
        validate.ratings_triplets(name, data, n_movies, n_users)
    seed = int(validate.generator(rng).integers(2**32))
    lambdas, ks = validate.lambda_grid("lambdas", lambdas), validate.k_grid("ks", ks)
    runs = {} if runs is None else _runs(runs, n_movies, n_users)
    alpha = validate.alpha(alpha)
    epochs = validate.integer("epochs", epochs, 1, "number of gradient steps", 100_000)
    shrink = validate.number("shrink", shrink, low=0.0, meaning="weight of the global mean", example="3.0")
    momentum = validate.momentum(momentum)
    init_scale = validate.number(
        "init_scale", init_scale, low=0.0, strict=True, meaning="spread of the start"
    )
    held_out = validate.held_out_name(held_out)
    if baselines is not None:
        _check_baselines(baselines)
    controls = {
        "lambda_": _selection_slider("lambda", lambdas, lambda_, "lambda_"),
        "k": _selection_slider("k", ks, k),
    }
    canvas = _Canvas((7, 3.4))

    def draw(values: dict[str, Any]) -> dict[str, Any]:
        key = (values["lambda_"], values["k"])
        if key not in runs:
            rng = np.random.default_rng(seed)
            runs[key] = mh.fit_ratings(
                train,
                n_movies,
                n_users,
                key[1],
                alpha,
                key[0],
                epochs,
                rng,
                shrink=shrink,
                momentum=momentum,
                init_scale=init_scale,
            )
        model = runs[key]
        if model.diverged:
            print("WARNING: " + model.message)
            return {"model": model, "train_rmse": math.nan, "test_rmse": math.nan}
        train_rmse = mh.rmse(model.predict(train.users, train.movies), train.ratings)
        test_rmse = mh.rmse(model.predict(test.users, test.movies), test.ratings)
        print(
            f"lambda = {key[0]:g}, k = {key[1]}: train RMSE {train_rmse:.3f}, {held_out} RMSE {test_rmse:.3f}"
        )
        (ax,) = canvas.clear()
        title = f"lambda = {key[0]:g}, k = {key[1]}"
        plot_rmse_bars(ax, train_rmse, test_rmse, baselines, title=title, held_out=held_out)
        canvas.show()
        return {"model": model, "train_rmse": train_rmse, "test_rmse": test_rmse}

    return Explorer(controls, draw, height="300px")


def _runs(
    runs: Any, n_movies: int | None = None, n_users: int | None = None
) -> dict[tuple[float, int], mh.RatingsModel]:
    """Trained models by (lambda_, k), all of one size: the given one, or else the first model's."""
    if not isinstance(runs, dict):
        raise TypeError(f"runs must be a dict of (lambda_, k) -> RatingsModel, got {type(runs).__name__}.")
    for key, model in runs.items():
        if not isinstance(model, mh.RatingsModel) or not (isinstance(key, tuple) and len(key) == 2):
            raise TypeError(f"runs[{key!r}] must be a RatingsModel stored under (lambda_, k).")
        validate.number(f"lambda_ of runs key {key!r}", key[0], low=0.0, meaning="regularization strength")
        validate.integer(f"k of runs key {key!r}", key[1], 1, "number of latent features")
        n_movies, n_users = (model.X.shape[0], model.W.shape[0]) if n_movies is None else (n_movies, n_users)
        if model.X.shape != (n_movies, key[1]) or model.W.shape[0] != n_users:
            raise ValueError(
                f"runs[{key!r}] has X {model.X.shape} and W {model.W.shape}, which do not fit n_movies = "
                f"{n_movies}, n_users = {n_users} and k = {key[1]}: it was trained on other data or stored "
                "under another k. Pass only models trained on these ratings, each under its own (lambda_, k)."
            )
    return runs


def _check_baselines(baselines: Any) -> None:
    if not isinstance(baselines, dict):
        raise TypeError(f"baselines must be a dict of name -> test RMSE, got {type(baselines).__name__}.")
    for name, value in baselines.items():
        validate.text("baselines key", name, "a predictor's name")
        validate.number(f"baselines[{name!r}]", value, low=0.0, meaning="test RMSE of a predictor", high=10)


def new_user_explorer(
    model: mh.RatingsModel,
    titles: Sequence[str],
    to_rate: Sequence[int],
    counts: np.ndarray,
    min_ratings: int = 20,
    top: int = 10,
    lambda_: float | None = None,
) -> Explorer:
    """Rate a few movies: a slider per movie, and recommendations by fold-in.

    Taught in 05_movielens. Each slider is "not seen" or 0.5 to 5 stars; every change
    solves the new user's preferences with the movie features fixed (:func:`fold_in`) and
    lists the top movies (:func:`recommend`).

    Parameters
    ----------
    model : mh.RatingsModel
    titles : sequence of str, length n_movies
    to_rate : sequence of int
        Movies offered for rating.
    counts : np.ndarray of int, shape (n_movies,)
        Ratings per movie in training (for the minimum-ratings filter).
    min_ratings, top : int
        See :func:`recommend`.
    lambda_ : float, optional
        Regularization of the fold-in (see :func:`fold_in`); defaults to the model's.

    Returns
    -------
    Explorer
        One control per offered movie (named ``movie_<index>``); ``state`` holds
        ``recommended`` (movie indices) and ``predicted``.
    """
    n_movies = validate.instance("model", model, mh.RatingsModel, "Train one with mh.fit_ratings.").X.shape[0]
    titles = validate.names("titles", titles, n_movies, "movie")
    to_rate = validate.index_array("to_rate", to_rate, n_movies, "movie")
    if to_rate.size == 0 or np.unique(to_rate).size != to_rate.size:
        raise ValueError("to_rate must list at least one movie to rate, each movie once.")
    counts = validate.counts(counts, n_movies)
    min_ratings, top = validate.top_list(min_ratings, top, n_movies)
    if lambda_ is not None:
        lambda_ = validate.lambda_(lambda_)
    options = [("not seen" if s == 0 else f"{s:g}", s) for s in STAR_CHOICES]
    controls = {
        f"movie_{i}": widgets.SelectionSlider(
            options=options,
            value=0.0,
            description=titles[i][:28],
            continuous_update=False,
            style={"description_width": "200px"},
            layout=widgets.Layout(width="400px"),
        )
        for i in to_rate
    }

    def draw(values: dict[str, Any]) -> dict[str, Any]:
        rated = [(int(name.split("_")[1]), v) for name, v in values.items() if v > 0]
        movies = np.array([m for m, _ in rated], dtype=int)
        stars = np.array([v for _, v in rated], dtype=float)
        w, b = mh.fold_in(model, movies, stars, lambda_)
        best, predicted = mh.recommend(model, w, b, movies, counts, min_ratings, top)
        print(
            f"You rated {len(rated)} movie(s). Recommended for you:"
            if rated
            else "Rate a few movies to get recommendations. With no ratings, the best-rated movies:"
        )
        for rank, (i, p) in enumerate(zip(best, predicted), start=1):
            print(f"{rank:3}. {p:.1f}  {titles[i]}")
        return {"recommended": best, "predicted": predicted, "w": w, "b": b}

    return Explorer(controls, draw, height="260px")


def top_n_explorer(
    runs: dict[tuple[float, int], mh.RatingsModel],
    train: mh.Ratings,
    test: mh.Ratings,
    titles: Sequence[str],
    user: int = 0,
    setting: tuple[float, int] | None = None,
    n: int = TOP_LIST_LENGTH,
    min_rating: float = LIKED_STARS,
) -> Explorer:
    """Pick a user and a trained model: held-out movies, the model's and the popularity top lists.

    Taught in 06_choosing_and_judging. ``runs`` holds one model per (lambda_, k) of a full
    grid, all trained on ``train``; each model's lists for every user are ranked once
    (:func:`mlite_helpers.top_n`), on first use, and kept.

    Parameters
    ----------
    runs : dict of (lambda_, k) to mh.RatingsModel
        Trained models, one for every combination of the lambdas and ks they use.
    train, test : Ratings
        Training ratings (their movies are never listed) and held-out ratings.
    titles : sequence of str, length n_movies
    user : int, default 0
        The user shown first.
    setting : tuple (lambda_, k), optional
        The run shown first; default the first in ``runs``.
    n : int
        Length of the lists.
    min_rating : float
        Stars from which a held-out movie counts as liked (a hit if listed).

    Returns
    -------
    Explorer
        Controls ``user``, ``lambda_`` and ``k``; ``state`` holds ``user``, ``setting`` and
        ``lists`` (movie indices by list name) and ``hits`` (hits per list name).
    """
    if isinstance(runs, dict) and not runs:
        raise ValueError("runs is empty: pass at least one trained model, by (lambda_, k).")
    runs = _runs(runs)
    lambdas, ks = sorted({key[0] for key in runs}), sorted({key[1] for key in runs})
    missing = [(lam, k) for lam in lambdas for k in ks if (lam, k) not in runs]
    if missing:
        raise ValueError(f"runs must hold every (lambda_, k) of its grid; missing {missing}. Train them too.")
    n_movies, n_users = next(iter(runs.values())).X.shape[0], next(iter(runs.values())).W.shape[0]
    titles = validate.names("titles", titles, n_movies, "movie")
    train = mh.Ratings(*validate.ratings_triplets("train", train, n_movies, n_users, "the models' sizes"))
    test = mh.Ratings(*validate.ratings_triplets("test", test, n_movies, n_users, "the models' sizes"))
    user = validate.integer("user", user, 0, "user index", n_users - 1)
    setting = validate.grid_key("setting", next(iter(runs)) if setting is None else setting, runs, "runs")
    n = validate.list_length(n, train.users, train.movies, n_movies, n_users)
    min_rating = validate.liked_threshold(min_rating, test.ratings)
    cache: dict[Any, tuple[np.ndarray, mh.TopNScores]] = {}

    def lists_of(key: Any) -> tuple[np.ndarray, mh.TopNScores]:
        """Every user's top list and how it scores, for one run (or "popularity")."""
        if key not in cache:
            if key == "popularity":
                scores = mh.popularity_scores(train, n_movies, n_users)
            else:
                model = runs[key]
                scores = mh.predict(model.X, model.W, model.b) + model.mu[:, None]
            top = mh.top_n(scores, train, n)
            cache[key] = top, mh.top_n_scores(top, test, n_movies, min_rating)
        return cache[key]

    controls = {
        "user": widgets.IntSlider(
            value=user, min=0, max=n_users - 1, description="user", continuous_update=False, **_LAYOUT
        ),
        "lambda_": _selection_slider("lambda", lambdas, setting[0]),
        "k": _selection_slider("k", ks, setting[1]),
    }
    n_train = np.bincount(train.users, minlength=n_users)

    def draw(values: dict[str, Any]) -> dict[str, Any]:
        j, key = values["user"], (values["lambda_"], values["k"])
        mine = test.users == j
        held_out, stars = test.movies[mine], test.ratings[mine]
        sources = {f"model (lambda = {key[0]:g}, k = {key[1]})": key, "popularity": "popularity"}
        ranked = {
            name: lists_of(source) for name, source in sources.items()
        }  # rank first, then print at once
        lines = [
            f"user {j}: {n_train[j]} training ratings; {held_out.size} held out, "
            f"{int(np.sum(stars >= min_rating))} of them liked ({min_rating:g} stars or more)"
        ]
        lists, hits = {}, {}
        for name, (top, scores) in ranked.items():
            lists[name], hits[name] = top[j], int(scores.hits[j].sum())
            at = np.searchsorted(scores.users, j)
            numbers = "not judged (no liked held-out movie)"
            if at < scores.users.size and scores.users[at] == j:
                p, r, g = scores.precision[at], scores.recall[at], scores.ndcg[at]
                numbers = f"P@{n} {p:.2f}, R@{n} {r:.2f}, NDCG@{n} {g:.2f}"
            lines.append(f"  {name:30} {hits[name]} hit(s): {numbers}")
        print("\n".join([*lines, "", top_n_table(lists, held_out, stars, titles, min_rating)]))
        return {"user": j, "setting": key, "lists": lists, "hits": hits}

    return Explorer(controls, draw, height="330px")
