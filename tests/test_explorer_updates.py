"""An explorer always ends up drawing the sliders' final position.

A change that arrives while a drawing runs (keys pressed in a row in the browser) used to
be dropped, leaving the figure of an earlier setting under the moved slider.
"""

from __future__ import annotations

import ipywidgets as widgets

from mlite_support.explorers import Explorer


def test_a_change_during_a_drawing_is_drawn_afterwards():
    slider = widgets.IntSlider(value=0, max=10)
    drawn = []

    def draw(values):
        drawn.append(values["a"])
        if len(drawn) == 2:  # the user presses a key while this drawing runs
            slider.value = 7
        return {"a": values["a"]}

    ex = Explorer({"a": slider}, draw)
    slider.value = 3
    assert drawn == [0, 3, 7] and ex.state == {"a": 7} and ex.n_draws == 3


def test_a_control_moved_by_the_drawing_itself_is_not_drawn_twice():
    slider = widgets.IntSlider(value=0, max=10)
    drawn = []

    def draw(values):
        drawn.append(values["a"])
        if values["a"] > 5:
            slider.value = 5  # e.g. the factor explorer's scrubber, clamped to the run's snapshots
            values["a"] = 5
        return dict(values)

    ex = Explorer({"a": slider}, draw)
    slider.value = 9
    assert drawn == [0, 9] and ex.state == {"a": 5} and ex.n_draws == 2
