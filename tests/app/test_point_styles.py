"""Scatter points keep their pens and brushes between redraws (pyqtgraph renders a symbol
per pen and brush object), and still take every new colour: palette, theme, target."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from mlp_studio.app.widgets import point_styles
from mlp_studio.app.widgets.appearance import appearance, colour_scale
from mlp_studio.app.widgets.point_styles import PointStyles


def test_one_pen_and_brush_per_colour_and_width(qapp, monkeypatch):
    styles = PointStyles()
    red = styles.brush(QColor("#d6401a"))
    assert styles.brush(QColor(214, 64, 26)) is red
    assert styles.brush(QColor("#1f6fb4")) is not red
    assert styles.brush(QColor("#1f6fb4")).color().name() == "#1f6fb4"
    assert styles.brush(None).style() == Qt.BrushStyle.NoBrush and styles.brush(None) is styles.brush(None)
    pen = styles.pen(QColor("#111111"), 1.5)
    assert styles.pen(QColor("#111111"), 1.5) is pen
    assert styles.pen(QColor("#111111"), 3.0) is not pen and styles.pen(QColor("#111111"), 3.0).widthF() == 3.0
    # a view that went through many colours starts afresh instead of growing
    monkeypatch.setattr(point_styles, "MAX_STYLES", 3)
    styles = PointStyles()
    first = styles.brush(QColor("red"))
    for name in ("green", "blue", "black"):
        styles.brush(QColor(name))
    assert styles.brush(QColor("red")) is not first


def test_surface_points_reuse_their_brushes_and_follow_the_palette(window):
    window.open_example("two_moons.mlp.json")
    surface = window.step_views.surface
    surface.refresh()
    before = list(surface.points.data["brush"])
    window.step_controller.step_update()
    surface.flush()
    after = list(surface.points.data["brush"])
    assert len(after) == 200 and all(a is b for a, b in zip(after, before))  # no symbol drawn again
    appearance().update(palette="colour_blind")
    surface.flush()
    targets = window.document.project.data.raw_targets[:, 0]
    scale = colour_scale(appearance().colours())
    want = {t: scale.map(float(t), mode="qcolor").name() for t in (0.0, 1.0)}
    assert [p.brush().color().name() for p in surface.points.points()] == [want[t] for t in targets]
    assert want[1.0] == appearance().colours().negative.name() == "#d55e00"


def test_neuron_map_points_follow_the_palette(window):
    window.open_example("two_moons.mlp.json")
    maps = window.step_views.neuron_maps
    maps.refresher.flush()
    points: pg.ScatterPlotItem = maps.large_points
    first = list(points.data["brush"])
    window.step_controller.step_update()
    maps.refresher.flush()
    assert len(first) == 200 and all(a is b for a, b in zip(points.data["brush"], first))
    appearance().update(palette="colour_blind")
    maps.refresher.flush()
    targets = window.document.project.data.raw_targets[:, 0]
    names = {p.brush().color().name() for p, t in zip(points.points(), targets) if t == 1}
    assert names == {appearance().colours().negative.name()}
