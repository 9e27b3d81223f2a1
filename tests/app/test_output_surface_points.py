"""The output surface keeps the data visible: pale surface, points filled by their target with
a ring, held-out rows hollow, and the plane's shape kept."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from mlp_studio.app.widgets.appearance import appearance, colour_scale
from mlp_studio.core.evaluation import holdout_split


def test_held_out_rows_are_hollow_and_training_rows_filled_by_class(window):
    window.open_example("overfitting_moons.mlp.json")  # 40% held out
    surface = window.step_views.surface
    surface.refresh()
    data = window.document.project.data
    _, held = holdout_split(data.n_rows, 0.4, 0)
    drawn = surface.points.points()
    hollow = {i for i, p in enumerate(drawn) if p.brush().style() == Qt.BrushStyle.NoBrush}
    assert hollow == set(held.tolist())
    colours = appearance().colours()
    points, surface_scale = colour_scale(colours), colour_scale(colours, pale=True)
    blue, red = colours.positive.name(), colours.negative.name()
    assert (blue, red) == tuple(points.map(v, mode="qcolor").name() for v in (0.0, 1.0))
    for i, p in enumerate(drawn):
        colour = (p.pen() if i in hollow else p.brush()).color().name()
        assert colour == (red if data.raw_targets[i, 0] == 1 else blue)
    # the surface behind is paler than any point
    pale = surface_scale.map(0.0, mode="qcolor")
    assert pale.lightness() > points.map(0.0, mode="qcolor").lightness() + 40


def test_the_plane_keeps_its_shape(window):
    window.open_example("two_moons.mlp.json")  # inputs in like units: one unit of x as long as one of y
    surface = window.step_views.surface
    surface.refresh()
    vb = surface.plot.getPlotItem().vb
    assert vb.state["aspectLocked"] == 1.0


def test_in_a_wide_short_dock_the_axes_cover_the_data_one_to_one(window, qtbot):
    window.resize(1280, 800)
    window.open_example("two_moons.mlp.json")  # x and y in like units: drawn 1:1
    window.findChild(QDockWidget, "dock_output_surface").raise_()
    surface = window.step_views.surface
    surface.flush()
    frame = surface.frame  # the dock is wide and short, once laid out
    qtbot.waitUntil(lambda: frame.isVisible() and frame.width() > 2.5 * frame.height(), timeout=5000)
    qtbot.wait(50)  # the plot takes its place in the frame
    vb = surface.plot.getPlotItem().vb
    (x0, x1), (y0, y1) = vb.viewRange()
    raw = window.document.project.data.raw_inputs
    lo, hi = raw.min(axis=0), raw.max(axis=0)
    margin = 0.11 * (hi - lo)  # the surface's window, 10 % of the data's span each side, and a pixel or two
    assert lo[0] - margin[0] <= x0 <= lo[0] and hi[0] <= x1 <= hi[0] + margin[0]
    assert lo[1] - margin[1] <= y0 <= lo[1] and hi[1] <= y1 <= hi[1] + margin[1]
    px_per_x, px_per_y = vb.width() / (x1 - x0), vb.height() / (y1 - y0)
    assert px_per_x == pytest.approx(px_per_y, rel=0.05)
    # the plot is no wider than the plane needs: the dock's spare width lies outside it
    assert surface.plot.width() < 0.8 * frame.width()
