"""Plots, surfaces, maps and tables follow the appearance: a dark theme (chosen or the
system's), the colour-blind palette, and presenter mode's larger text and lines."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDockWidget

from mlp_studio.app.lab.hessian_dialog import HessianDialog
from mlp_studio.app.lab.loss_landscape_view import training_objective
from mlp_studio.app.teaching.timeline import TimelineStrip
from mlp_studio.app.widgets.appearance import _dark_palette, appearance
from mlp_studio.core.hessian import hessian_report
from mlp_studio.core.loss_landscape import parameters

OKABE_ITO_BLUE, OKABE_ITO_VERMILLION = "#0072b2", "#d55e00"  # Okabe & Ito (2008), colour-blind safe


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def pixels(image: QImage) -> np.ndarray:
    """(h, w, 3) RGB of ``image``."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return raw[:, : image.width() * 3].reshape(image.height(), image.width(), 3)


def dominant_and_farthest(rgb: np.ndarray) -> tuple[QColor, QColor]:
    """The most common colour of ``rgb`` (the background) and the one contrasting most with it."""
    flat = rgb.reshape(-1, 3)
    colours, counts = np.unique(flat, axis=0, return_counts=True)
    background = QColor(*map(int, colours[counts.argmax()]))
    ink = max((QColor(*map(int, c)) for c in colours), key=lambda c: contrast(c, background))
    return background, ink


def plot_widgets(window, landscape):
    views = window.step_views
    return {"loss plot": window.training_panel.plot.plot_widget, "output surface": views.surface.plot,
            "neuron maps": views.neuron_maps.maps, "neuron map (large)": views.neuron_maps.large,
            "layer strips": views.strips, "sensitivity": views.sensitivity.chart,
            "landscape contour": landscape.contour, "landscape slice": landscape.slice_plot}


def axes(widget) -> list[pg.AxisItem]:
    return [item for item in widget.scene().items() if isinstance(item, pg.AxisItem) and item.isVisible()]


def assert_dark_plots(window, landscape) -> None:
    for name, widget in plot_widgets(window, landscape).items():
        assert widget.backgroundBrush().color().lightness() < 60, name
        assert axes(widget) or name == "neuron maps", name
        for axis in axes(widget):
            assert axis.pen().color().lightness() > 150, name
            assert axis.textPen().color().lightness() > 200, name
        for label in (i for i in widget.scene().items() if isinstance(i, pg.LabelItem) and i.text):
            assert QColor(label.opts["color"]).lightness() > 200, (name, label.text)
        # as drawn: around the plotted areas (images are data, in their own colours) the
        # widget's pixels are mostly dark
        widget.repaint()
        rgb = pixels(widget.grab().toImage())
        around = np.ones(rgb.shape[:2], bool)
        for box in (i for i in widget.scene().items() if isinstance(i, pg.ViewBox) and i.isVisible()):
            r = widget.mapFromScene(box.sceneBoundingRect()).boundingRect()
            around[max(r.top(), 0):r.bottom() + 1, max(r.left(), 0):r.right() + 1] = False
        assert around.sum() > 1000 and np.median(rgb[around].mean(axis=1)) < 80, name


@pytest.fixture
def stepped(window, qtbot):
    """The window on two_moons after one update, every step view drawn, the landscape open."""
    window.open_example("two_moons.mlp.json")
    window.step_controller.step_update()
    landscape = window.show_loss_landscape()
    qtbot.waitExposed(landscape)
    return window, landscape


def flush(window, landscape) -> None:
    views = window.step_views
    for view in (views.surface, views.neuron_maps, views.strips, views.sensitivity):
        view.refresher.flush()
    landscape.refresher.flush()
    window.training_panel.plot.redraw()


def test_the_dark_theme_reaches_every_plot_surface_and_the_hessian(stepped, qtbot):
    window, landscape = stepped
    appearance().update(theme="dark")
    flush(window, landscape)
    assert_dark_plots(window, landscape)
    # the surface's scale is dark in the middle (no white plane in a dark window), the points
    # ringed in a light colour
    surface = window.step_views.surface
    assert surface.colorbar.colorMap().map(0.5, mode="qcolor").lightness() < 80
    assert surface.points.points()[0].pen().color().lightness() > 200
    assert surface.boundary.pen.color().lightness() > 200
    # the Hessian dialog's table and text are light on dark
    report = hessian_report(training_objective(window.document))
    dialog = HessianDialog(report, parameters(window.document.project.network), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    background, ink = dominant_and_farthest(pixels(dialog.table.viewport().grab().toImage()))
    assert background.lightness() < 80 and contrast(background, ink) >= 4.5
    dialog.close()
    # back to light: white plots with dark axes again
    appearance().update(theme="light")
    flush(window, landscape)
    for name, widget in plot_widgets(window, landscape).items():
        assert widget.backgroundBrush().color().lightness() > 240, name
        for axis in axes(widget):
            assert axis.textPen().color().lightness() < 60, name


def test_a_dark_system_palette_reaches_the_plots(qtbot, isolated_settings):
    system = QApplication.palette()
    QApplication.setPalette(_dark_palette())  # the system's, before the app reads it
    try:
        from mlp_studio.app.shell.main import _initial_document
        from mlp_studio.app.shell.main_window import MainWindow

        assert appearance().prefs.theme == "system" and appearance().is_dark()
        window = MainWindow(_initial_document([]))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.open_example("two_moons.mlp.json")
        window.step_controller.step_update()
        landscape = window.show_loss_landscape()
        flush(window, landscape)
        assert_dark_plots(window, landscape)
        assert window.canvas.backgroundBrush().color().lightness() < 60
        window.close()
    finally:
        QApplication.setPalette(system)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_data_row_in_use_is_readable(window, qtbot, theme):
    appearance().update(theme=theme)
    window.open_example("two_moons.mlp.json")
    window.data_dock.raise_()
    window.document.set_row(3)
    view = window.data_panel.view
    qtbot.waitUntil(lambda: view.isVisible())
    view.viewport().repaint()
    index = window.data_panel.model.index(3, 0)
    rect = view.visualRect(index)
    assert view.selectionModel().isRowSelected(3)
    cell = pixels(view.viewport().grab(rect).toImage())
    background, ink = dominant_and_farthest(cell[2:-2, 2:-2])
    assert contrast(background, ink) >= 4.5, (background.name(), ink.name())
    # and the row stands out from the others
    other = pixels(view.viewport().grab(view.visualRect(window.data_panel.model.index(5, 0))).toImage())
    assert dominant_and_farthest(other[2:-2, 2:-2])[0] != background
    # the colours the model gives: fill and text, WCAG AA contrast
    fill = window.data_panel.model.data(index, Qt.ItemDataRole.BackgroundRole).color()
    text = window.data_panel.model.data(index, Qt.ItemDataRole.ForegroundRole).color()
    assert contrast(fill, text) >= 4.5


def presenter_sizes(window) -> dict[str, float]:
    """Tick font sizes, line widths and table fonts of the plots and tables shown."""
    views, plot = window.step_views, window.training_panel.plot
    loss_axis = plot.plot_widget.getPlotItem().getAxis("bottom")
    surface_axis = views.surface.plot.getPlotItem().getAxis("bottom")
    strip_axis = views.strips.activations[0].plot.getAxis("bottom")
    timeline = window.findChild(TimelineStrip)
    return {
        "loss ticks": loss_axis.style["tickFont"].pixelSize(),
        "loss axis pen": loss_axis.pen().widthF(),
        "loss curve": plot.train_curve.opts["pen"].widthF(),
        "surface ticks": surface_axis.style["tickFont"].pixelSize(),
        "surface boundary": views.surface.boundary.pen.widthF(),
        "colour bar axis": views.surface.colorbar.axis.fixedWidth,
        "loss right axis": plot.plot_widget.getPlotItem().getAxis("right").fixedWidth,
        "strip ticks": strip_axis.style["tickFont"].pixelSize(),
        "strip title": float(views.strips.activations[0].plot.titleLabel.opts["size"].removesuffix("px")),
        "data table font": window.data_panel.view.font().pointSizeF(),
        "data table rows": window.data_panel.view.verticalHeader().defaultSectionSize(),
        "timeline font": timeline.font().pointSizeF(),
        "step toolbar font": views.toolbar.font().pointSizeF(),
    }


def test_presenter_mode_enlarges_plots_and_tables_and_leaving_restores_them(window, qtbot):
    window.resize(1280, 720)
    window.open_example("two_moons.mlp.json")
    window.step_controller.step_update()
    for _ in range(3):  # a long line in the step toolbar: "… · next: Delta of the hidden layer 0"
        window.step_controller.act_substep.trigger()
    views = window.step_views

    def measure():
        views.surface.refresher.flush()
        views.strips.refresher.flush()
        return presenter_sizes(window)
    before = measure()
    window.presenter.action.trigger()
    during = measure()
    qtbot.wait(20)
    assert views.toolbar.status.isVisible()  # the step's line stays on the larger toolbar
    window.presenter.action.trigger()
    after = measure()
    for key in before:  # text 1.6 times as large; rows as high as that text and a margin
        assert during[key] >= (1.3 if key == "data table rows" else 1.5) * before[key], \
            (key, before[key], during[key])
    assert after == before


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_colour_blind_palette_reaches_curves_surfaces_and_maps(stepped, qtbot, theme):
    window, landscape = stepped
    appearance().update(theme=theme)
    window.training_panel.session.set_delay(0.0)
    window.training_panel.start(3)
    qtbot.waitUntil(lambda: not window.training_panel.session.is_active, timeout=20_000)
    plot = window.training_panel.plot
    plot.updates_box.setChecked(True)
    default_train = plot.train_curve.opts["pen"].color().name()
    appearance().update(palette="colour_blind")
    flush(window, landscape)
    views = window.step_views
    if theme == "light":  # the Okabe-Ito pair itself on white
        blue, vermillion = OKABE_ITO_BLUE, OKABE_ITO_VERMILLION
        assert default_train != blue
    else:  # on a dark background: a lighter blue and orange of the same set
        blue, vermillion = "#56b4e9", "#e69f00"
    train, val = plot.train_curve.opts["pen"], plot.val_curve.opts["pen"]
    assert train.color().name() == blue and val.color().name() == vermillion
    assert val.style() == Qt.PenStyle.DashLine and train.style() == Qt.PenStyle.SolidLine
    assert f"color:{blue}" in plot.legend.text()
    # the output surface: points of class 0 filled blue, class 1 vermillion; its scale runs
    # between paler versions of the same two colours
    surface, data = views.surface, window.document.project.data
    fills = {p.brush().color().name() for p, t in zip(surface.points.points(), data.raw_targets[:, 0])
             if p.brush().style() != Qt.BrushStyle.NoBrush and t == 0}
    assert fills == {blue}
    low, high = (surface.colorbar.colorMap().map(v, mode="qcolor") for v in (0.0, 1.0))
    # blue-ish at the low end, orange-ish at the high end, as the points
    assert low.hslHueF() == pytest.approx(QColor(blue).hslHueF(), abs=0.03)
    assert high.hslHueF() == pytest.approx(QColor(vermillion).hslHueF(), abs=0.03)
    # the neuron maps: an activation's lowest value drawn blue, its highest vermillion
    scale = views.neuron_maps.images[(0, 0)].getColorMap()
    assert scale.map(0.0, mode="qcolor").name() == blue
    assert scale.map(1.0, mode="qcolor").name() == vermillion
    # the large map, under the data points, in the surface's paler colours
    large = views.neuron_maps.large_image.getColorMap()
    assert large.map(0.0, mode="qcolor").hslHueF() == pytest.approx(QColor(blue).hslHueF(), abs=0.03)
    assert large.map(1.0, mode="qcolor").hslHueF() == pytest.approx(QColor(vermillion).hslHueF(), abs=0.03)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_warnings_and_errors_are_readable_in_either_theme(window, qtbot, theme):
    appearance().update(theme="light" if theme == "dark" else "dark")  # switched while shown
    window.document.new_project()  # no data: Run fails with a reason
    window.training_panel.start(5)
    window.document.lock_edits("Edits wait for the training run")
    appearance().update(theme=theme)
    qtbot.wait(50)  # the application's palette reaches the widgets through the event loop
    window.findChild(QDockWidget, "training_dock").raise_()
    labels = {"run error": window.training_panel.reason, "status bar lock": window.lock_note,
              "inspector lock": window.inspector.lock_note}
    qtbot.waitUntil(lambda: all(label.isVisible() for label in labels.values()))
    for name, label in labels.items():  # as drawn in the window, on its panel
        shown = window.grab(QRect(label.mapTo(window, QPoint(0, 0)), label.size()))
        background, ink = dominant_and_farthest(pixels(shown.toImage()))
        assert (background.lightness() < 80) == (theme == "dark"), name
        assert contrast(background, ink) >= 4.5, (name, background.name(), ink.name())
    window.document.lock_edits(None)


def test_the_system_switching_to_dark_redraws_the_plots(window, qtbot):
    assert appearance().prefs.theme == "system" and not appearance().is_dark()
    plot = window.training_panel.plot.plot_widget
    assert plot.backgroundBrush().color().lightness() > 240
    system = QApplication.palette()
    try:
        QApplication.setPalette(_dark_palette())  # what the platform does when its scheme turns dark
        with qtbot.waitSignal(appearance().changed):
            QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert appearance().is_dark()
        assert plot.backgroundBrush().color().lightness() < 60
        assert all(axis.textPen().color().lightness() > 200 for axis in axes(plot))
    finally:
        QApplication.setPalette(system)
