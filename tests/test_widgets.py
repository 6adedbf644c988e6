"""The slider explorers, headless: build each, move every slider, the output changes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mlite_helpers as mh
from mlite_support import explorers
from mlite_support.explorers import ALPHA_CHOICES


@pytest.fixture
def toy():
    return mh.load_toy()


@pytest.fixture(autouse=True)
def no_figure_pile_up():
    before = len(plt.get_fignums())
    yield
    assert len(plt.get_fignums()) == before, "an explorer left figures open"


def hand_params():
    X = np.array([[1.0, 0.0], [0.0, 0.0], [0.8, 0.0], [0.0, 1.0], [0.0, 1.0]])
    W = np.array([[5.0, 0.0], [5.0, 0.0], [0.0, 5.0], [0.0, 5.0]])
    return X, W, np.zeros(4)


def test_optimizer_explorer(toy, capsys):
    X, W, b = hand_params()
    ex = mh.optimizer_explorer(X, W, b, toy.Y, toy.R, toy.movies, toy.users, movie=1)
    assert list(ex.controls) == ["romance", "action"]  # sliders named in words
    assert all(c.continuous_update is False for c in ex.controls.values())
    assert ex.n_draws == 1 and ex.state["J"] == pytest.approx(13.0)
    ex.controls["romance"].value = 1.0  # Romance Forever becomes pure romance: Alice 5, Dave 0
    assert ex.n_draws == 2 and ex.state["J"] == pytest.approx(0.5)
    np.testing.assert_allclose(ex.state["y_hat"], [5, 5, 0, 0])
    ex.controls["action"].value = 0.5
    assert ex.n_draws == 3 and ex.state["J"] == pytest.approx(0.5 + 0.5 * 2.5**2)
    assert "J = " in capsys.readouterr().out
    assert X[1, 0] == 0.0, "the explorer must not change the caller's X"
    assert "application/vnd.jupyter.widget-view+json" in ex._repr_mimebundle_()


def test_optimizer_explorer_bad_input(toy):
    X, W, b = hand_params()
    with pytest.raises(ValueError, match="k = 2"):
        mh.optimizer_explorer(np.zeros((5, 3)), np.zeros((4, 3)), b, toy.Y, toy.R, toy.movies, toy.users, 1)
    with pytest.raises(ValueError, match=r"movie \(row of the movie\) must be an integer from 0 to 4"):
        mh.optimizer_explorer(X, W, b, toy.Y, toy.R, toy.movies, toy.users, movie=7)


def test_training_explorer_moves_every_slider(toy, capsys):
    ex = mh.training_explorer(toy.Y, toy.R, toy.movies, toy.users)
    assert list(ex.controls) == ["lambda_", "alpha", "k", "epochs"]
    assert all(c.continuous_update is False for c in ex.controls.values())
    assert 0.0 in ex.controls["lambda_"].options[0]  # lambda = 0 is reachable
    first = ex.state["result"]
    assert not first.diverged
    draws = ex.n_draws
    for name, value in [("lambda_", 3.0), ("alpha", 0.01), ("k", 4), ("epochs", 30)]:
        before = ex.state["result"]
        ex.controls[name].value = value
        assert ex.n_draws == draws + 1, f"{name} did not redraw exactly once"
        draws = ex.n_draws
        after = ex.state["result"]
        assert not np.array_equal(before.predict(), after.predict()), f"moving {name} changed nothing"
    assert ex.state["result"].X.shape == (5, 4)
    out = capsys.readouterr().out
    assert "Traceback" not in out


def test_training_explorer_reports_divergence(toy, capsys):
    ex = mh.training_explorer(toy.Y, toy.R, toy.movies, toy.users)
    ex.controls["alpha"].value = max(ALPHA_CHOICES)
    res = ex.state["result"]
    assert res.diverged and np.all(np.isfinite(res.cost_history))
    out = capsys.readouterr().out
    assert "WARNING: Training diverged" in out and "Try a smaller alpha" in out
    assert "nan" not in out.lower().replace("nonstop", "")


def test_training_explorer_caches_runs(toy):
    ex = mh.training_explorer(toy.Y, toy.R, toy.movies, toy.users)
    first = ex.state["result"]
    ex.controls["lambda_"].value = 1.0
    ex.controls["lambda_"].value = 0.3
    assert ex.state["result"] is first, "going back to a setting must reuse the cached run"


def test_factor_explorer_scrubs_and_retrains(toy, capsys):
    ex = mh.factor_explorer(toy.Y, toy.R, toy.movies, toy.users, epochs=200, snapshot_every=20)
    assert list(ex.controls) == ["lambda_", "alpha", "k", "frame"]
    assert all(c.continuous_update is False for c in ex.controls.values())
    frame = ex.controls["frame"]
    assert frame.max == 10 and frame.value == 10
    assert ex.state["snapshot"].epoch == 200
    last = ex.state["snapshot"]
    frame.value = 2
    assert ex.state["snapshot"].epoch == 40
    assert not np.allclose(ex.state["snapshot"].X, last.X)
    for name, value in [("lambda_", 1.0), ("alpha", 0.01), ("k", 3)]:
        before = ex.state["snapshot"]
        ex.controls[name].value = value
        snap = ex.state["snapshot"]
        assert snap.epoch == 200 and frame.value == frame.max, "a new run starts at its trained state"
        assert before.X.shape != snap.X.shape or not np.allclose(before.X, snap.X), name
    assert ex.state["snapshot"].X.shape == (5, 3)
    play = [w for w in ex.widget.children if type(w).__name__ == "Play"]
    assert play and play[0].max == frame.max


def test_factor_explorer_divergence(toy, capsys):
    ex = mh.factor_explorer(toy.Y, toy.R, toy.movies, toy.users)
    ex.controls["alpha"].value = max(ALPHA_CHOICES)
    assert ex.state["result"].diverged
    assert ex.controls["frame"].max == len(ex.state["result"].snapshots) - 1
    assert "WARNING: Training diverged" in capsys.readouterr().out
    ex.controls["alpha"].value = 0.03
    assert not ex.state["result"].diverged and ex.controls["frame"].value == ex.controls["frame"].max


def test_explorer_bad_seed(toy):
    with pytest.raises(TypeError, match=r"seed \(seed of the starting values.*must be an integer >= 0"):
        mh.training_explorer(toy.Y, toy.R, toy.movies, toy.users, np.random.default_rng(0))
    with pytest.raises(ValueError, match="seed"):
        mh.factor_explorer(toy.Y, toy.R, toy.movies, toy.users, seed=-1)


@pytest.mark.parametrize(
    ("explorer", "options"),
    [(mh.training_explorer, dict(epochs=1000)), (mh.factor_explorer, dict(epochs=600, snapshot_every=20))],
)
def test_the_default_run_is_the_static_figures_run(toy, explorer, options):
    """Notebooks 03 and 04 draw the explorer's default above it with the same call and seed."""
    ex = explorer(toy.Y, toy.R, toy.movies, toy.users, seed=1)
    figure = mh.gradient_descent(toy.Y, toy.R, 2, 0.03, 0.3, rng=np.random.default_rng(1), **options)
    np.testing.assert_array_equal(ex.state["result"].X, figure.X)
    np.testing.assert_array_equal(ex.state["result"].cost_history, figure.cost_history)
    if "snapshot_every" in options:
        assert [s.epoch for s in ex.state["result"].snapshots] == [s.epoch for s in figure.snapshots]


def test_explorer_change_from_another_thread_waits_and_is_drawn():
    """JupyterLab 4.4+ with ipykernel 7 can deliver a slider change on a second kernel thread
    while a redraw runs: that change must be drawn after it, never dropped or drawn alongside."""
    import threading

    import ipywidgets as widgets

    a, b = widgets.IntSlider(value=0), widgets.IntSlider(value=0)
    a_drawing, b_changed = threading.Event(), threading.Event()
    b.observe(lambda _: b_changed.set(), "value")  # registered first, so it runs before the explorer's
    running, drawn = [], []

    def draw(values):
        running.append(values)
        assert len(running) == 1, f"two redraws at once: {running}"
        if values == {"a": 1, "b": 0}:  # the redraw for a's change is still running when b changes
            a_drawing.set()
            assert b_changed.wait(10), "b was never changed"
        drawn.append((values["a"], values["b"]))
        running.pop()
        return values

    ex = mh.Explorer({"a": a, "b": b}, draw)
    first = threading.Thread(target=lambda: setattr(a, "value", 1))
    second = threading.Thread(target=lambda: setattr(b, "value", 2))
    first.start()
    assert a_drawing.wait(10), "a's change was not drawn"
    second.start()
    first.join(20)
    second.join(20)
    assert not first.is_alive() and not second.is_alive(), "a redraw never finished"
    assert drawn[-1] == (1, 2) and ex.state == {"a": 1, "b": 2}, f"b's change was not drawn: {drawn}"
    assert ex.n_draws == len(drawn) == 3, drawn


def test_explorer_figures_are_not_pyplot_figures(toy, monkeypatch, capsys):
    """Another kernel thread's end-of-message flush displays and closes every pyplot figure:
    explorers draw on figures that pyplot does not track."""
    managers = []
    show = explorers._Canvas.show
    monkeypatch.setattr(
        explorers._Canvas, "show", lambda self: (managers.append(self.fig.canvas.manager), show(self))
    )
    X, W, b = hand_params()
    mh.optimizer_explorer(X, W, b, toy.Y, toy.R, toy.movies, toy.users, movie=1)
    mh.training_explorer(toy.Y, toy.R, toy.movies, toy.users, seed=0)
    mh.factor_explorer(toy.Y, toy.R, toy.movies, toy.users, seed=0)
    assert len(managers) == 3 and all(m is None for m in managers), managers
