"""Plots and text tables of the series: one palette, one style, ax in and ax out.

Every ``plot_*`` function draws into the ``ax`` (or pair of axes) it is given and returns
it, so a notebook can combine and decorate them. :func:`set_style` applies the series'
look; nothing is styled on import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.patches import Rectangle

from mlite_support import validate

if TYPE_CHECKING:  # pragma: no cover - type hints only
    from matplotlib.axes import Axes

    from mlite_support.results import TrainResult
    from mlite_support.selection import Selection

#: Colour-blind-safe colours (Okabe-Ito) used by every plot in the series.
PALETTE: dict[str, str] = {
    "observed": "#000000",
    "predicted": "#0072B2",
    "train": "#0072B2",
    "test": "#D55E00",
    "romance": "#CC79A7",
    "action": "#009E73",
    "neutral": "#999999",
    "highlight": "#E69F00",
}


def ratings_table(Y: np.ndarray, movies: Sequence[str], users: Sequence[str]) -> str:
    """A plain-text table of ratings, ``?`` where not rated.

    Taught in 01_cost_function.

    Parameters
    ----------
    Y : np.ndarray, shape (n_movies, n_users)
        Ratings, NaN where not rated.
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users

    Returns
    -------
    str
        The table, one line per movie.
    """
    Y = _table("Y", Y, allow_nan=True)
    movies = validate.names("movies", movies, Y.shape[0], "movie")
    users = validate.names("users", users, Y.shape[1], "user")
    title_width = max(len(m) for m in movies)
    width = max(len(u) for u in users) + 2
    lines = [" " * title_width + "".join(f"{u:>{width}}" for u in users)]
    for title, row in zip(movies, Y):
        cells = "".join(f"{'?' if np.isnan(v) else f'{v:g}':>{width}}" for v in row)
        lines.append(f"{title:<{title_width}}{cells}")
    return "\n".join(lines)


def predictions_table(
    Y_pred: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    Y: np.ndarray | None = None,
    decimals: int = 1,
) -> str:
    """A plain-text table of predicted ratings; observed ratings shown beside them.

    Taught in 03_training. A cell reads ``4.9`` where the user did not rate the movie and
    ``4.9 (5)`` where they did, the observed rating in brackets.

    Parameters
    ----------
    Y_pred : np.ndarray, shape (n_movies, n_users)
        Predicted ratings.
    R : np.ndarray, shape (n_movies, n_users)
        1 where rated, 0 elsewhere.
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    Y : np.ndarray, shape (n_movies, n_users), optional
        Observed ratings to show in brackets where R = 1.
    decimals : int, default 1
        Decimals of the predictions.

    Returns
    -------
    str
        The table, one line per movie.
    """
    show_observed = Y is not None
    Y_pred, R, Y, movies, users = _predictions(Y_pred, R, movies, users, Y)
    decimals = validate.integer("decimals", decimals, 0, "decimals of the predictions", 6)
    title_width = max(len(m) for m in movies)
    cells = []
    for i in range(len(movies)):
        row = []
        for j in range(len(users)):
            text = f"{round(float(Y_pred[i, j]), decimals) + 0.0:.{decimals}f}"  # no "-0.0"
            if show_observed and R[i, j] == 1:
                text += f" ({Y[i, j]:g})"
            row.append(text)
        cells.append(row)
    width = max([len(u) for u in users] + [len(c) for row in cells for c in row]) + 2
    lines = [" " * title_width + "".join(f"{u:>{width}}" for u in users)]
    for title, row in zip(movies, cells):
        lines.append(f"{title:<{title_width}}" + "".join(f"{c:>{width}}" for c in row))
    return "\n".join(lines)


def _table(name: str, value: object, allow_nan: bool = False) -> np.ndarray:
    """A 2-D float table (n_movies, n_users), finite (NaN allowed where ``allow_nan``)."""
    table = validate.float_array(name, value, "(n_movies, n_users)")
    if table.ndim != 2 or 0 in table.shape:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (n_movies, n_users), got shape {table.shape}."
        )
    checked = np.nan_to_num(table, nan=0.0, posinf=np.inf, neginf=-np.inf) if allow_nan else table
    if not np.all(np.isfinite(checked)):
        what = "inf" if allow_nan else "NaN or inf"
        raise ValueError(
            f"{name} contains {what}; every {'rating' if allow_nan else 'value'} must be a number."
        )
    return table


def _predictions(
    Y_pred: object, R: object, movies: object, users: object, Y: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[str], list[str]]:
    """Checked predictions (n_movies, n_users), R, optional Y, and the movie and user names."""
    Y_pred = _table("Y_pred", Y_pred)
    R = validate.float_array("R", R, "(n_movies, n_users)")
    if R.shape != Y_pred.shape:
        raise ValueError(
            f"Y_pred {Y_pred.shape} and R {R.shape} do not fit together: both must be (n_movies, n_users)."
        )
    Y, R = validate.ratings(np.where(R == 1, 0.0, np.nan) if Y is None else Y, R, Y_pred.shape)
    movies = validate.names("movies", movies, Y_pred.shape[0], "movie")
    users = validate.names("users", users, Y_pred.shape[1], "user")
    return Y_pred, R, Y, movies, users


def set_style() -> None:
    """Apply the series' plot style (call it once in a notebook's setup cell).

    Sets matplotlib's rcParams (sizes, grid, the :data:`PALETTE` colour cycle) and, inside
    IPython, stores inline figures as PNG without the matplotlib version in their metadata,
    so re-running a notebook does not rewrite every image.
    """

    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": "medium",
            "axes.prop_cycle": cycler(
                color=[PALETTE[c] for c in ("train", "test", "action", "romance", "highlight")]
            ),
            "legend.frameon": False,
            "image.cmap": "viridis",
        }
    )
    try:
        from IPython import get_ipython  # only inside IPython, where it exists
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "run_line_magic"):
        shell.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
        shell.run_line_magic(
            "config",
            "InlineBackend.print_figure_kwargs = {'bbox_inches': 'tight', 'metadata': {'Software': None}}",
        )


def plot_cost_history(
    ax: Axes, cost_history: np.ndarray, label: str | None = None, color: str | None = None, log: bool = True
) -> Axes:
    """Plot J against the epoch.

    Taught in 03_training.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    cost_history : np.ndarray, shape (epochs_run + 1,)
        J before training and after every step, as in ``TrainResult.cost_history``.
    label : str, optional
        Legend label.
    color : str, optional
        Line colour; defaults to the "train" colour.
    log : bool, default True
        Log scale on the J axis.

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    ax = validate.axes("ax", ax)
    history = validate.float_array("cost_history", cost_history, "(epochs_run + 1,)")
    if history.ndim != 1 or history.size == 0:
        raise ValueError(
            f"cost_history must be a non-empty 1-D array of J values, got shape {history.shape} "
            "(use result.cost_history)."
        )
    validate.vector("cost_history", history, history.size, "J values")
    label = validate.text("label", label, "legend label", optional=True)
    color = validate.color("color", color)
    log = validate.flag("log", log)
    ax.plot(np.arange(history.size), history, label=label, color=color or PALETTE["train"])
    if log and np.all(history > 0):
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost J")
    if label is not None:
        ax.legend()
    return ax


def plot_feature_space(
    ax: Axes,
    F: np.ndarray,
    labels: Sequence[str],
    title: str = "",
    colors: Sequence[str] | None = None,
    lim: float | None = None,
    xlabel: str = "feature 1",
    ylabel: str = "feature 2",
) -> Axes:
    """Scatter the first two columns of a feature matrix, one labelled point per row.

    Taught in 04_visualization. Use it for movies (X) and for users (W). With k = 1 the
    points lie on the horizontal axis.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    F : np.ndarray, shape (n_items, k)
        Features of the items (X for movies, W for users).
    labels : sequence of str, length n_items
        One label per point.
    title : str, optional
    colors : sequence of str, length n_items, optional
        One colour per point; defaults to the "predicted" colour.
    lim : float, optional
        Fix both axes to ``[-lim, lim]`` (so animations do not rescale).
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    ax = validate.axes("ax", ax)
    F = validate.matrix("F", F, "(n_items, k)")
    if isinstance(labels, (list, tuple, np.ndarray)) and len(labels) != F.shape[0]:
        raise ValueError(
            f"F has {F.shape[0]} rows but {len(labels)} labels were given: give one label per row."
        )
    labels = validate.names("labels", labels, F.shape[0], "point")
    title = validate.text("title", title, "the panel's title")
    colors = validate.colors("colors", colors, F.shape[0], "point")
    xlabel = validate.text("xlabel", xlabel, "label of the horizontal axis")
    ylabel = validate.text("ylabel", ylabel, "label of the vertical axis")
    if lim is not None:
        lim = validate.number(
            "lim", lim, low=0.0, strict=True, meaning="half-width of the axes", example="2.0"
        )
        lim = max(lim, 1.05 * float(np.max(np.abs(F[:, :2]))))  # never cut a point off
    x = F[:, 0]
    y = F[:, 1] if F.shape[1] > 1 else np.zeros_like(x)
    cols = list(colors) if colors is not None else [PALETTE["predicted"]] * len(x)
    ax.axhline(0, color=PALETTE["neutral"], lw=0.8)
    ax.axvline(0, color=PALETTE["neutral"], lw=0.8)
    ax.scatter(x, y, c=cols, s=60, zorder=3)
    span = max(float(np.ptp(x)), float(np.ptp(y)), lim or 0.0, 1e-9)
    for n, (xi, yi, text) in enumerate(zip(x, y, labels)):
        # stagger the labels of points that (nearly) coincide, so that each stays readable
        # (labels run to the right, so "near" is a wide, flat box around the point)
        crowd = int(np.sum((np.abs(y[:n] - yi) < 0.07 * span) & (np.abs(x[:n] - xi) < 0.5 * span)))
        ax.annotate(text, (xi, yi), textcoords="offset points", xytext=(6, 4 - 11 * crowd), fontsize=9)
    if lim is not None:
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
    ax.set_aspect("equal", adjustable="datalim" if lim is None else "box")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel if F.shape[1] > 1 else "(k = 1: one feature only)")
    ax.set_title(title)
    return ax


def plot_ratings_heatmap(
    ax: Axes,
    Y_pred: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    Y: np.ndarray | None = None,
    title: str = "predicted ratings",
    vmin: float = 0.0,
    vmax: float = 5.0,
) -> Axes:
    """Heatmap of predicted ratings; observed cells framed and their rating shown.

    Taught in 04_visualization. Each cell shows the prediction; where the user rated the
    movie the cell is framed in black and the observed rating follows in brackets.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    Y_pred : np.ndarray, shape (n_movies, n_users)
        Predicted ratings.
    R : np.ndarray, shape (n_movies, n_users)
        1 where rated, 0 elsewhere.
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    Y : np.ndarray, shape (n_movies, n_users), optional
        Observed ratings, shown in brackets where R = 1.
    title : str, optional
    vmin, vmax : float
        Colour scale limits (stars).

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    ax = validate.axes("ax", ax)
    show_observed = Y is not None
    Y_pred, R, Y, movies, users = _predictions(Y_pred, R, movies, users, Y)
    title = validate.text("title", title, "the panel's title")
    vmin = validate.number("vmin", vmin, low=-validate.LARGEST, meaning="bottom of the colour scale")
    vmax = validate.number("vmax", vmax, low=-validate.LARGEST, meaning="top of the colour scale")
    if vmin >= vmax:
        raise ValueError(f"vmin ({vmin:g}) must be below vmax ({vmax:g}), e.g. vmin=0.0, vmax=5.0 stars.")
    ax.imshow(Y_pred, cmap="viridis", vmin=vmin, vmax=vmax, aspect="auto")
    ax.grid(False)
    for i in range(Y_pred.shape[0]):
        for j in range(Y_pred.shape[1]):
            value = Y_pred[i, j]
            text = f"{round(float(value), 1) + 0.0:.1f}"
            if R[i, j] == 1:
                if show_observed:
                    text += f"\n({Y[i, j]:g})"
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="black", lw=2))
            shade = (value - vmin) / (vmax - vmin) if vmax > vmin else 0.5
            ax.text(
                j, i, text, ha="center", va="center", fontsize=9, color="black" if shade > 0.6 else "white"
            )
    ax.set_xticks(range(len(users)), labels=list(users))
    ax.set_yticks(range(len(movies)), labels=list(movies))
    ax.set_title(title)
    return ax


def plot_movie_predictions(
    ax: Axes,
    y_hat: np.ndarray,
    y: np.ndarray,
    r: np.ndarray,
    users: Sequence[str],
    title: str = "",
) -> Axes:
    """Bars of one movie's predicted ratings, dots for the ratings users gave.

    Taught in 01_cost_function ("be the optimizer").

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    y_hat : np.ndarray, shape (n_users,)
        Predicted ratings of the movie.
    y : np.ndarray, shape (n_users,)
        Observed ratings (any value where ``r`` is 0).
    r : np.ndarray, shape (n_users,)
        1 where the user rated the movie.
    users : sequence of str, length n_users
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    ax = validate.axes("ax", ax)
    if isinstance(users, (str, bytes)) or not isinstance(users, (list, tuple, np.ndarray)):
        raise TypeError(f"users must be a list of user names (strings), got {users!r:.60}.")
    n = len(users)
    y_hat = validate.vector("y_hat", y_hat, n, "predicted ratings, one per user")
    users = validate.names("users", users, n, "user")
    r = validate.float_array("r", r, f"({n},)")
    y = validate.float_array("y", y, f"({n},)")
    for name, values in (("r", r), ("y", y)):
        if values.shape != (n,):
            raise ValueError(f"{name} must have shape (n_users,) = ({n},) like y_hat, got {values.shape}.")
    if not np.all((r == 0) | (r == 1)):
        raise ValueError("r must hold only 0 (not rated) and 1 (rated), e.g. R[movie].")
    rated = r == 1
    y = np.where(rated, y, 0.0)
    validate.vector("y", y, n, "ratings where r = 1")
    title = validate.text("title", title, "the panel's title")
    positions = np.arange(len(users))
    ax.bar(positions, y_hat, color=PALETTE["predicted"], alpha=0.8, label="predicted")
    ax.scatter(positions[rated], y[rated], color=PALETTE["observed"], zorder=3, s=60, label="rated")
    for p in positions[~rated]:
        ax.text(p, 5.6, "not rated", ha="center", fontsize=8, color=PALETTE["neutral"])
    ax.set_xticks(positions, labels=list(users))
    shown = np.concatenate([y_hat, y[rated]])
    ax.set_ylim(min(-2.0, float(shown.min()) - 0.5), max(6.2, float(shown.max()) + 0.8))
    ax.set_ylabel("stars")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


def plot_training_summary(
    axes: Sequence[Axes],
    result: TrainResult,
    Y: np.ndarray,
    R: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
) -> Sequence[Axes]:
    """The cost curve and the predicted-ratings heatmap of one training run.

    Taught in 03_training; the training explorer draws the same two panels. A diverged
    run shows its cost up to the divergence and a message instead of predictions.

    Parameters
    ----------
    axes : pair of matplotlib.axes.Axes
        Where to draw the cost curve and the heatmap.
    result : TrainResult
        What :func:`gradient_descent` returned.
    Y : np.ndarray, shape (n_movies, n_users)
    R : np.ndarray, shape (n_movies, n_users)
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users

    Returns
    -------
    pair of matplotlib.axes.Axes
        The same ``axes``.
    """
    from mlite_support.results import TrainResult

    ax_cost, ax_pred = validate.axes("axes", axes, 2)
    validate.instance("result", result, TrainResult, "Pass what mh.gradient_descent returned.")
    Y, R = validate.ratings(Y, R, (result.X.shape[0], result.W.shape[0]))
    movies = validate.names("movies", movies, Y.shape[0], "movie")
    users = validate.names("users", users, Y.shape[1], "user")
    color = PALETTE["test"] if result.diverged else PALETTE["train"]
    plot_cost_history(ax_cost, result.cost_history, color=color)
    ax_cost.set_title("cost J during training" + (" (diverged)" if result.diverged else ""))
    if result.diverged:
        ax_pred.axis("off")
        ax_pred.text(
            0.5,
            0.5,
            "no predictions:\ntraining diverged.\nLower alpha.",
            ha="center",
            va="center",
            fontsize=13,
            color=PALETTE["test"],
        )
    else:
        plot_ratings_heatmap(
            ax_pred, result.predict(), R, movies, users, Y=Y, title="predicted ratings (framed: rated)"
        )
    return axes


def plot_factors(
    axes: Sequence[Axes],
    X: np.ndarray,
    W: np.ndarray,
    movies: Sequence[str],
    users: Sequence[str],
    movie_colors: Sequence[str] | None = None,
    user_colors: Sequence[str] | None = None,
    lim: float | None = None,
) -> Sequence[Axes]:
    """The movie feature space and the user preference space side by side.

    Taught in 04_visualization; the factor explorer draws the same two panels.

    Parameters
    ----------
    axes : pair of matplotlib.axes.Axes
    X : np.ndarray, shape (n_movies, k)
    W : np.ndarray, shape (n_users, k)
    movies : sequence of str, length n_movies
    users : sequence of str, length n_users
    movie_colors, user_colors : sequence of str, optional
    lim : float, optional
        Fix all axes to ``[-lim, lim]``; by default both panels share one limit that fits.

    Returns
    -------
    pair of matplotlib.axes.Axes
        The same ``axes``.
    """
    ax_x, ax_w = validate.axes("axes", axes, 2)
    X = validate.matrix("X", X, "(n_movies, k)")
    W = validate.matrix("W", W, "(n_users, k)")
    if X.shape[1] != W.shape[1]:
        raise ValueError(f"X has k={X.shape[1]} columns but W has k={W.shape[1]}: pass X and W of one model.")
    movies = validate.names("movies", movies, X.shape[0], "movie")
    users = validate.names("users", users, W.shape[0], "user")
    movie_colors = validate.colors("movie_colors", movie_colors, X.shape[0], "movie")
    user_colors = validate.colors("user_colors", user_colors, W.shape[0], "user")
    if lim is not None:
        lim = validate.number("lim", lim, low=0.0, strict=True, meaning="half-width of the axes")
    if lim is None:
        lim = 1.15 * max(float(np.max(np.abs(X[:, :2]))), float(np.max(np.abs(W[:, :2]))), 1e-3)
    plot_feature_space(ax_x, X, movies, title="movies: x(i)", colors=movie_colors, lim=lim)
    plot_feature_space(ax_w, W, users, title="users: w(j)", colors=user_colors, lim=lim)
    return axes


def plot_rmse_bars(
    ax: Axes,
    train_rmse: float,
    test_rmse: float,
    baselines: dict[str, float] | None = None,
    title: str = "",
    held_out: str = "test",
) -> Axes:
    """Training and held-out RMSE as bars, with simpler predictors' held-out RMSE as dashed lines.

    Taught in 05_movielens; the MovieLens explorer draws the same picture.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    train_rmse, test_rmse : float
        Errors of the model on the training and the held-out ratings, in stars.
    baselines : dict of str to float, optional
        Held-out RMSE of simpler predictors, by name.
    title : str, optional
    held_out : str, default "test"
        Label of the held-out bar ("validation" when choosing settings, "test" once at the end).

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    ax = validate.axes("ax", ax)
    train_rmse = validate.number(
        "train_rmse", train_rmse, low=0.0, meaning="training error in stars", high=10
    )
    test_rmse = validate.number("test_rmse", test_rmse, low=0.0, meaning="test error in stars", high=10)
    if baselines is not None and not isinstance(baselines, dict):
        raise TypeError(f"baselines must be a dict of name -> test RMSE, got {type(baselines).__name__}.")
    baselines = {
        validate.text("baselines key", name, "a predictor's name"): validate.number(
            f"baselines[{name!r}]", value, low=0.0, meaning="test RMSE of a simpler predictor", high=10
        )
        for name, value in (baselines or {}).items()
    }
    title = validate.text("title", title, "the panel's title")
    held_out = validate.held_out_name(held_out)
    ax.barh([held_out, "train"], [test_rmse, train_rmse], color=[PALETTE["test"], PALETTE["train"]])
    for name, value in baselines.items():
        ax.axvline(value, color=PALETTE["neutral"], ls="--", lw=1)
        ax.text(value, 1.45, name, rotation=90, va="top", ha="right", fontsize=8)
    ax.set_xlim(*_rmse_axis_limits([train_rmse, test_rmse, *baselines.values()]))
    ax.set_xlabel("RMSE (stars)")
    ax.set_title(title)
    return ax


#: The RMSE axis of :func:`plot_rmse_bars`: this range unless a value drawn lies outside it.
RMSE_AXIS: tuple[float, float] = (0.4, 1.1)


def _rmse_axis_limits(values: Sequence[float]) -> tuple[float, float]:
    """The x-axis of :func:`plot_rmse_bars`: :data:`RMSE_AXIS`, widened in 0.1 steps to show every value.

    A fixed axis makes explorer frames comparable; widening it keeps a bar end or a baseline
    that falls outside (a training RMSE below 0.4 when the model overfits) in view.

    Parameters
    ----------
    values : sequence of float
        Every RMSE drawn (bars and baselines).

    Returns
    -------
    low, high : float
    """
    low, high = RMSE_AXIS
    smallest, largest = min(values, default=low), max(values, default=high)
    if smallest < low + 0.02:
        low = max(0.0, np.floor((smallest - 0.02) * 10) / 10)
    if largest > high - 0.02:
        high = np.ceil((largest + 0.02) * 10) / 10
    return float(low), float(high)


# -- 06_choosing_and_judging ---------------------------------------------------------------


def plot_validation_curves(ax: Axes, selection: Selection) -> Axes:
    """Validation RMSE against the epoch for every setting of a grid, each best check marked.

    Taught in 06_choosing_and_judging. Colour: lambda; line style: k; a dot marks where
    each run was best (early stopping ended it a few checks later), a star the chosen one.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    selection : mlite_helpers.Selection
        What :func:`mlite_helpers.select_settings` returned.

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    from mlite_support.selection import Selection

    ax = validate.axes("ax", ax)
    validate.instance("selection", selection, Selection, "Pass what mh.select_settings returned.")
    if not isinstance(selection.results, dict) or not any(r.epochs for r in selection.results.values()):
        raise ValueError(
            "selection holds no trained setting (its results are empty): pass what mh.select_settings "
            "returned."
        )
    lambdas = sorted({lambda_ for lambda_, _ in selection.results})
    ks = sorted({k for _, k in selection.results})
    colors = [PALETTE[c] for c in ("train", "test", "action", "romance", "highlight", "neutral")]
    for (lambda_, k), result in selection.results.items():
        color = colors[lambdas.index(lambda_) % len(colors)]
        style = ("-", "--", ":", "-.")[ks.index(k) % 4]
        epochs, errors = result.curve.T
        ax.plot(epochs, errors, color=color, ls=style, label=f"lambda = {lambda_:g}, k = {k}")
        if result.epochs:
            ax.plot(result.epochs, result.validation_rmse, "o", color=color, ms=5)
    ax.plot(
        selection.epochs, selection.validation_rmse, "*", color=PALETTE["observed"], ms=14, label="chosen"
    )
    worst = max(r.validation_rmse for r in selection.results.values() if r.epochs)
    ax.set_ylim(selection.validation_rmse - 0.005, worst + 0.01)  # every best check in view
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation RMSE (stars)")
    ax.legend(fontsize=8, ncols=2)
    return ax


def plot_top_n_bars(ax: Axes, table: dict[str, dict[str, float]]) -> Axes:
    """Grouped bars: one group per metric (P@10, R@10, ...), one bar per ranking.

    Taught in 06_choosing_and_judging.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    table : dict of str to dict of str to float
        ``table[ranking][metric]``, e.g. ``{"popularity": {"P@10": 0.12, ...}, ...}``; every
        ranking must have the same metrics, each value a mean from 0 to 1.

    Returns
    -------
    matplotlib.axes.Axes
        The same ``ax``.
    """
    ax = validate.axes("ax", ax)
    names, metrics = _metric_table(table)
    colors = [PALETTE[c] for c in ("train", "action", "highlight", "neutral", "romance", "test")]
    width = 0.8 / max(len(names), 1)
    for n, name in enumerate(names):
        x = np.arange(len(metrics)) + (n - (len(names) - 1) / 2) * width
        ax.bar(x, [table[name][m] for m in metrics], width, label=name, color=colors[n % len(colors)])
    ax.set_xticks(np.arange(len(metrics)), labels=metrics)
    ax.set_ylabel("mean over users")
    ax.legend(fontsize=8)
    return ax


def _metric_table(table: object) -> tuple[list[str], list[str]]:
    """The rankings and the metrics of :func:`plot_top_n_bars`' table, every value checked."""
    example = "{'popularity': {'P@10': 0.12, 'NDCG@10': 0.15}}"
    if not isinstance(table, dict) or not table:
        raise TypeError(f"table must be a non-empty dict of ranking -> {{metric: value}}, e.g. {example}.")
    names = [validate.text("table key", name, "the name of a ranking") for name in table]
    if not all(isinstance(row, dict) and row for row in table.values()):
        raise TypeError(
            f"table must map each ranking to a non-empty dict of metric -> value, e.g. {example}."
        )
    metrics = [validate.text("table metric", metric, "the name of a metric") for metric in table[names[0]]]
    if any(list(row) != metrics for row in table.values()):
        raise ValueError("every ranking in table must list the same metrics, in the same order.")
    for name, row in table.items():
        for metric, value in row.items():
            validate.number(
                f"table[{name!r}][{metric!r}]",
                value,
                low=0.0,
                high=1.0,
                meaning="a mean from 0 to 1",
                example="0.12",
            )
    return names, metrics


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _lists(lists: object, n_movies: int, of: str) -> dict[str, np.ndarray]:
    """The named top lists of :func:`top_n_table`: movie indices, all of one length."""
    if not isinstance(lists, dict) or not lists:
        raise TypeError(
            f"lists must be a non-empty dict of name -> movie indices, e.g. {{'model': top[j]}}; got "
            f"{lists!r:.60}."
        )
    checked = {
        validate.text("lists key", name, "the name of a list"): validate.index_array(
            f"lists[{name!r}]", movies, n_movies, "movie", of
        )
        for name, movies in lists.items()
    }
    if len({v.size for v in checked.values()}) != 1 or not next(iter(checked.values())).size:
        raise ValueError("lists must all have the same length, at least one movie (e.g. 10 movies each).")
    return checked


def top_n_table(
    lists: dict[str, np.ndarray],
    held_out: np.ndarray,
    stars: np.ndarray,
    titles: Sequence[str],
    min_rating: float = 4.0,
    width: int = 36,
) -> str:
    """One user's held-out movies beside their top lists, side by side, hits marked ✓.

    Taught in 06_choosing_and_judging (the top-10 explorer prints the same table). A hit is
    a listed movie among the held-out movies rated ``min_rating`` stars or more. The first
    column shows the held-out movies, best rated first, as many as the lists are long.

    Parameters
    ----------
    lists : dict of str to np.ndarray of int, each shape (n,)
        The user's lists (movie indices, best first), by name; all of the same length.
    held_out, stars : np.ndarray, shape (n_held_out,)
        The user's held-out movies and their ratings.
    titles : sequence of str, length n_movies
    min_rating : float, default 4.0
    width : int, default 36
        Characters per column, 8 to 200.

    Returns
    -------
    str
        The table, one line per rank.
    """
    titles = validate.names("titles", titles, None, "movie")
    of = f"len(titles) = {len(titles)}"
    held_out = validate.index_array("held_out", held_out, len(titles), "movie", of)
    stars = validate.vector("stars", stars, held_out.size, "ratings of the held-out movies")
    lists = _lists(lists, len(titles), of)
    min_rating = validate.liked_threshold(min_rating, None)
    width = validate.integer("width", width, 8, "characters per column", 200)
    n = len(next(iter(lists.values())))
    liked = set(held_out[stars >= min_rating].tolist())
    order = np.argsort(-stars, kind="stable")
    first = [f"{stars[i]:.1f} {titles[held_out[i]]}" for i in order[:n]]
    if held_out.size > n:
        first[-1] = f"... and {held_out.size - n + 1} more"
    columns = [[f"held out ({held_out.size}), stars", *first]]
    for name, movies in lists.items():
        marks = ["✓" if int(i) in liked else " " for i in movies]
        columns.append([name, *(f"{m} {titles[int(i)]}" for m, i in zip(marks, movies))])
    lines = []
    for r in range(n + 1):
        cells = [col[r] if r < len(col) else "" for col in columns]
        lines.append("  ".join(f"{_cell(c, width):<{width}}" for c in cells).rstrip())
    return "\n".join(lines)
