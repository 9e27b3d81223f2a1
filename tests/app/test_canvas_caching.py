"""What the canvas caches for a quick step redraw stays right: the change glows (painted
by one cached layer) follow every change, palette and theme; a step's marks are drawn
once and still go when the next change moves nothing; the colours are made once per
palette and theme; painting stays on the GUI thread."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QLineF, QPointF
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QGraphicsItem

from mlp_studio.app.editor.glow_layer import GlowLayer
from mlp_studio.app.editor.network_canvas import NetworkCanvas
from mlp_studio.app.widgets.appearance import appearance
from tests.app.test_canvas import canvas, doc, step_row0  # noqa: F401 - fixtures

GLOW_ALPHA = 120  # the glows' alpha: the change colour over the background


@pytest.fixture(autouse=True)
def system_palette(qapp):
    """The application's palette as it was (a dark theme sets the application's palette)."""
    from PySide6.QtGui import QPalette

    palette = QPalette(qapp.palette())
    yield
    qapp.setPalette(palette)


def changed_edges(before, after) -> set[tuple]:
    """The edges whose weight differs between two networks."""
    return {("edge", li, j, i) for li, (b, a) in enumerate(zip(before.layers, after.layers))
            for j, i in zip(*np.nonzero(a.weights != b.weights))}


def layer_of(canvas: NetworkCanvas) -> GlowLayer:
    (layer,) = [i for i in canvas.scene().items() if isinstance(i, GlowLayer)]
    return layer


def glowing(canvas: NetworkCanvas) -> set[tuple]:
    return {k for k, e in canvas.edges.items() if e.glow.isVisible()}


def grab(canvas: NetworkCanvas) -> QImage:
    return canvas.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def pixels(image: QImage) -> np.ndarray:
    bits = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    bgra = bits.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width()]
    return bgra[:, :, 2::-1].astype(int)  # red, green, blue


def uncached(canvas: NetworkCanvas) -> np.ndarray:
    """The canvas as it looks with the glow layer painting straight to the screen."""
    layer = layer_of(canvas)
    layer.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        return pixels(grab(canvas))
    finally:
        layer.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def assert_as_uncached(canvas: NetworkCanvas) -> None:
    """The cached picture is the one painted afresh, but for rounding (a stale one is not)."""
    assert np.abs(pixels(grab(canvas)) - uncached(canvas)).max() <= 2


def only_glow_point(canvas: NetworkCanvas, key: tuple) -> QPointF:
    """A scene point inside ``key``'s glow, beside its edge's own line, that nothing else covers."""
    edge = canvas.edges[key]
    line = edge.glow.line()
    normal = QLineF(line).normalVector().unitVector()
    side = normal.p2() - normal.p1()
    inner, outer = edge.pen().widthF() / 2, edge.glow.pen().widthF() / 2
    assert outer - inner > 4  # room for a point clear of both lines' antialiased borders
    offset = (inner + outer) / 2
    mine = {id(layer_of(canvas)), id(edge.glow), id(edge)}  # the edge's own hit band is wider than its line
    for t in np.linspace(0.15, 0.85, 57):
        point = line.pointAt(float(t)) + side * offset
        under = [i for i in canvas.scene().items(point) if id(i) not in mine]
        if not under:
            return point
    raise AssertionError(f"no point of {key}'s glow is clear of other items")


def expected_glow(colours) -> np.ndarray:
    """The change colour at alpha GLOW_ALPHA over the background, by hand."""
    a = GLOW_ALPHA / 255
    change, background = colours.change, colours.background
    return np.array([c * a + b * (1 - a) for c, b in zip(
        (change.red(), change.green(), change.blue()),
        (background.red(), background.green(), background.blue()))])


def colour_at(canvas: NetworkCanvas, scene_point: QPointF) -> np.ndarray:
    device = canvas.mapFromScene(scene_point)
    return pixels(grab(canvas))[device.y(), device.x()]


def test_glows_are_drawn_by_one_cached_layer_that_follows_each_change(doc, canvas):
    layer = layer_of(canvas)
    assert layer.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache
    assert all(e.glow.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents for e in canvas.edges.values())
    assert layer.boundingRect().isEmpty()  # nothing changed yet
    before = doc.network.copy()
    step_row0(doc)
    marked = glowing(canvas)
    assert marked == changed_edges(before, doc.network) and len(marked) >= 2
    widest = max(marked, key=lambda k: canvas.edges[k].glow.pen().widthF())
    point = only_glow_point(canvas, widest)
    np.testing.assert_allclose(colour_at(canvas, point), expected_glow(appearance().colours()), atol=4)
    assert_as_uncached(canvas)
    # A hand edit of one weight: that edge alone glows; the cached picture is drawn again.
    other = next(k for k in sorted(marked) if k != widest)
    doc.set_weight(other[1], other[2], other[3], 0.25)
    assert glowing(canvas) == {other}
    background = appearance().colours().background
    np.testing.assert_allclose(colour_at(canvas, point),
                               [background.red(), background.green(), background.blue()], atol=4)
    assert_as_uncached(canvas)


def test_the_layer_paints_again_when_a_glow_changes_within_the_same_bounds(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPainter, QPen
    from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsScene, QGraphicsView

    scene = QGraphicsScene()
    view = QGraphicsView(scene)
    qtbot.addWidget(view)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.resize(300, 200)
    layer = GlowLayer(0.5)
    scene.addItem(layer)
    glows = [QGraphicsLineItem(10, 20 + 60 * k, 250, 40 + 60 * k) for k in range(2)]
    for glow in glows:
        glow.setPen(QPen(QColor(155, 48, 217, GLOW_ALPHA), 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        scene.addItem(glow)
        layer.add(glow)
    layer.refresh()
    view.show()
    qtbot.waitExposed(view)
    centre = view.mapFromScene(glows[1].line().center())

    def colour() -> np.ndarray:
        return pixels(view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32))[
            centre.y(), centre.x()]

    a = GLOW_ALPHA / 255
    np.testing.assert_allclose(colour(), [155 * a + 255 * (1 - a), 48 * a + 255 * (1 - a),
                                          217 * a + 255 * (1 - a)], atol=3)
    glows[1].setPen(QPen(QColor(0, 160, 0, GLOW_ALPHA), 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    layer.refresh()  # same bounds, another colour
    np.testing.assert_allclose(colour(), [255 * (1 - a), 160 * a + 255 * (1 - a), 255 * (1 - a)], atol=3)
    glows[1].hide()
    layer.refresh()
    np.testing.assert_allclose(colour(), [255, 255, 255], atol=3)


def test_a_palette_or_theme_change_reaches_the_cached_glows(doc, canvas):
    step_row0(doc)
    marked = glowing(canvas)
    key = max(marked, key=lambda k: canvas.edges[k].glow.pen().widthF())
    light = colour_at(canvas, only_glow_point(canvas, key))
    appearance().update(theme="dark")  # the canvas rebuilds: a new layer, new colours
    assert glowing(canvas) == marked  # the marks stay
    key = max(glowing(canvas), key=lambda k: canvas.edges[k].glow.pen().widthF())
    dark = colour_at(canvas, only_glow_point(canvas, key))
    np.testing.assert_allclose(dark, expected_glow(appearance().colours()), atol=4)
    assert np.abs(dark - light).max() > 50
    assert_as_uncached(canvas)


def test_a_step_is_drawn_once_and_its_marks_go_with_the_next_change(doc, canvas, monkeypatch):
    calls = []
    redraw = canvas.refresh
    monkeypatch.setattr(canvas, "refresh", lambda: (calls.append(1), redraw()))
    before = doc.network.copy()
    step_row0(doc)
    assert len(calls) == 1  # network_changed and the undo stack's move: one redraw
    marked = changed_edges(before, doc.network)
    assert glowing(canvas) == marked
    assert "Δ" in canvas.edges[("edge", 1, 0, 0)].label.text.text()
    # A training snapshot comes and goes: the step's marks stay.
    doc.show_snapshot(doc.project.network.copy())
    doc.show_snapshot(None)
    assert glowing(canvas) == marked
    # A settings change moves the undo stack but no parameter: the marks go.
    doc.set_loss("cross_entropy")
    assert glowing(canvas) == set()
    assert "Δ" not in canvas.edges[("edge", 1, 0, 0)].label.text.text()
    assert not any(n.ring.isVisible() for n in canvas.nodes.values())
    # Undo of the settings change: nothing moved, nothing marked; undo of the step: marked again.
    doc.undo_stack.undo()
    assert glowing(canvas) == set()
    doc.undo_stack.undo()
    assert glowing(canvas) == marked


def test_colours_are_made_once_per_palette_and_theme(qapp):
    look = appearance()
    look.update(theme="light")
    first = look.colours()
    assert look.colours() is first
    look.update(palette="colour_blind")
    assert look.colours().positive.name() == "#0072b2" and look.colours().dashed_negative
    look.update(palette="default", theme="dark")
    assert look.colours().background.name() == "#1e1f22"
    look.update(theme="light")
    assert look.colours().positive.name() == "#1f6fb4" and look.colours().background.name() == "#ffffff"


def test_painting_stays_on_the_gui_thread(monkeypatch):
    from mlp_studio.app.shell.main import prefer_serial_painting

    monkeypatch.delenv("QT_NO_GUI_THREADPOOL", raising=False)
    prefer_serial_painting()
    import os

    assert os.environ["QT_NO_GUI_THREADPOOL"] == "1"
