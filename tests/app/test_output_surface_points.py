"""The output surface keeps the data visible: pale surface, points filled by their target with
a ring, held-out rows hollow, and the plane's shape kept."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

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
