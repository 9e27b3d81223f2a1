"""The gradient-descent lab driven through its real widgets (offscreen)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from mlp_studio.app.lab.minimize_lab import CONTOUR_POINTS, MinimizeLab
from mlp_studio.core.minimize import PRESETS

BOWL, QUARTIC, ROSENBROCK = range(3)


@pytest.fixture
def lab(qtbot):
    widget = MinimizeLab()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close()
    assert not widget.running


def choose_preset(lab: MinimizeLab, index: int) -> None:
    lab.preset_combo.setCurrentIndex(index)
    lab.preset_combo.activated.emit(index)


def cell(lab: MinimizeLab, row: int, col: int) -> str:
    return lab.model.data(lab.model.index(row, col))


def row_cells(lab: MinimizeLab, row: int) -> list[str]:
    return [cell(lab, row, c) for c in range(lab.model.columnCount())]


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.LeftButton)


def button(lab: MinimizeLab, text: str) -> QPushButton:
    return next(b for b in lab.findChildren(QPushButton) if b.text() == text)


def test_reference_table_by_stepping(lab, qtbot) -> None:
    choose_preset(lab, QUARTIC)
    choose_preset(lab, BOWL)
    for _ in range(3):
        click(qtbot, lab.step_button)
    assert lab.model.rowCount() == 4
    header = [lab.model.headerData(c, Qt.Horizontal) for c in range(lab.model.columnCount())]
    assert header == ["k", "x_old", "df/dx", "x_new", "y_old", "df/dy", "y_new", "f"]
    # the reference document's table, f of the new point in the last column
    assert row_cells(lab, 0) == ["0", "", "", "3.0000", "", "", "4.0000", "25.0000"]
    assert row_cells(lab, 1) == ["1", "3.0000", "6.0000", "2.4000", "4.0000", "8.0000", "3.2000", "16.0000"]
    assert row_cells(lab, 2) == ["2", "2.4000", "4.8000", "1.9200", "3.2000", "6.4000", "2.5600", "10.2400"]
    assert row_cells(lab, 3) == ["3", "1.9200", "3.8400", "1.5360", "2.5600", "5.1200", "2.0480", "6.5536"]
    assert "Iteration 3" in lab.status_label.text()
    # the derivative formulas are shown
    assert "∂f/∂x = 2*x" in lab.formula_label.text() and "∂f/∂y = 2*y" in lab.formula_label.text()
    # the path on the contour plot goes through the iterates
    xs, ys = lab.path_item.getData()
    np.testing.assert_allclose(np.c_[xs, ys], [[3, 4], [2.4, 3.2], [1.92, 2.56], [1.536, 2.048]])
    click(qtbot, lab.reset_button)
    assert lab.model.rowCount() == 1


def test_run_n_is_timer_driven_and_copies(lab, qtbot) -> None:
    choose_preset(lab, BOWL)
    assert lab.run_steps.value() == PRESETS[BOWL].steps == 10
    click(qtbot, lab.run_button)
    qtbot.waitUntil(lambda: not lab.running, timeout=5000)
    assert lab.model.rowCount() == 11
    # 3 * 0.8**10 = 0.3221, 4 * 0.8**10 = 0.4295, f = 25 * 0.64**10 = 0.2882
    assert row_cells(lab, 10)[-2:] == ["0.4295", "0.2882"] and cell(lab, 10, 3) == "0.3221"
    fx, fy = lab.f_plot.curve.getData()
    np.testing.assert_allclose(fy, 25 * 0.64 ** np.arange(11))
    click(qtbot, button(lab, "Copy as CSV"))
    text = QGuiApplication.clipboard().text()
    assert text.splitlines()[0] == "k,x_old,df/dx,x_new,y_old,df/dy,y_new,f"
    assert text.splitlines()[2] == "1,3.0,6.0,2.4,4.0,8.0,3.2,16.0"
    click(qtbot, button(lab, "Copy as Markdown"))
    md = QGuiApplication.clipboard().text().splitlines()
    assert [c.strip() for c in md[3].split("|")[1:-1]] == [
        "1", "3.0000", "6.0000", "2.4000", "4.0000", "8.0000", "3.2000", "16.0000"]


def test_stop_button_interrupts_a_long_run(lab, qtbot) -> None:
    choose_preset(lab, ROSENBROCK)
    lab.run_steps.setValue(100000)
    lab.tol_edit.setText("")
    lab.tol_edit.editingFinished.emit()
    click(qtbot, lab.run_button)
    assert lab.running and lab.run_button.text() == "Stop" and not lab.step_button.isEnabled()
    qtbot.waitUntil(lambda: lab.model.rowCount() > 50, timeout=5000)
    click(qtbot, lab.run_button)
    assert not lab.running and lab.run_button.text() == "Run"
    n = lab.model.rowCount()
    assert n < 100001 and n == len(lab.minimizer.iterations)


def quartic_minima() -> tuple[float, float]:
    roots = np.sort(np.roots([12.0, 15.0, -40.0, 8.0]).real)  # f' = 12x^3 + 15x^2 - 40x + 8
    return roots[0], roots[2]


def click_plot(qtbot, lab: MinimizeLab, x: float, y: float) -> None:
    vb = lab.main_plot.getPlotItem().getViewBox()
    scene_pos = vb.mapViewToScene(QPointF(x, y))
    pos = lab.main_plot.mapFromScene(scene_pos)
    qtbot.mouseClick(lab.main_plot.viewport(), Qt.LeftButton, pos=QPoint(pos.x(), pos.y()))


def test_quartic_click_to_start_on_either_side(lab, qtbot) -> None:
    left_min, right_min = quartic_minima()
    choose_preset(lab, QUARTIC)
    assert lab.curve_item is not None and lab.image is None
    cx, cy = lab.curve_item.getData()
    np.testing.assert_allclose(cy, 3 * cx**4 + 5 * cx**3 - 20 * cx**2 + 8 * cx + 10)
    lab.run_steps.setValue(500)
    click(qtbot, lab.run_button)
    qtbot.waitUntil(lambda: not lab.running, timeout=5000)
    assert lab.minimizer.last.x[0] == pytest.approx(right_min, abs=1e-6)
    assert "converged" in lab.status_label.text()
    # tangent lines at the iterates: slope f'(x) through (x, f(x))
    tx, ty = lab.tangent_item.getData()
    x, f, g = tx[0] / 2 + tx[1] / 2, ty[0] / 2 + ty[1] / 2, (ty[1] - ty[0]) / (tx[1] - tx[0])
    assert f == pytest.approx(3 * x**4 + 5 * x**3 - 20 * x**2 + 8 * x + 10)
    assert g == pytest.approx(12 * x**3 + 15 * x**2 - 40 * x + 8)

    click_plot(qtbot, lab, -1.0, 0.0)  # left of the hump at x = 0.22
    assert lab.start_point()[0] == pytest.approx(-1.0, abs=0.05)
    assert lab.model.rowCount() == 1
    click(qtbot, lab.run_button)
    qtbot.waitUntil(lambda: not lab.running, timeout=5000)
    assert lab.minimizer.last.x[0] == pytest.approx(left_min, abs=1e-6)


def test_newton_one_step_on_the_bowl(lab, qtbot) -> None:
    choose_preset(lab, BOWL)
    lab.method_combo.setCurrentIndex(lab.method_combo.findData("newton"))
    assert not lab.eta_edit.isEnabled()
    assert "∂²f/∂x∂y = 0" in lab.formula_label.text()
    click(qtbot, lab.step_button)
    assert row_cells(lab, 1) == ["1", "3.0000", "6.0000", "0.0000", "4.0000", "8.0000", "0.0000", "0.0000"]
    assert "converged after 1 iteration" in lab.status_label.text()


def test_expression_errors_point_at_the_column(lab, qtbot) -> None:
    choose_preset(lab, BOWL)
    lab.function_edit.clear()
    qtbot.keyClicks(lab.function_edit, "x**2 + )")
    qtbot.keyClick(lab.function_edit, Qt.Key_Return)
    assert lab.error_label.isVisible()
    assert "at column 8" in lab.error_label.text()
    assert lab.error_label.text().splitlines()[-1] == "  " + " " * 7 + "^"
    assert lab.function_edit.cursorPosition() == 7
    assert not lab.step_button.isEnabled() and not lab.run_button.isEnabled()

    lab.function_edit.setText("x.__class__")
    lab.apply_function()
    assert "attribute access" in lab.error_label.text()
    lab.function_edit.setText("open(x)")
    lab.apply_function()
    assert "unknown function 'open'" in lab.error_label.text()
    lab.function_edit.setText("a + b + c")
    lab.apply_function()
    assert "one or two variables" in lab.error_label.text()

    lab.function_edit.clear()
    qtbot.keyClicks(lab.function_edit, "(x - 2)**2")
    qtbot.waitUntil(lambda: not lab.error_label.isVisible(), timeout=2000)  # parsed as you type
    assert lab.step_button.isEnabled()
    assert "∂f/∂x = 2*(x - 2)" in lab.formula_label.text()
    assert len(lab.start_spins) == 1


def test_bad_settings_show_a_message(lab, qtbot) -> None:
    choose_preset(lab, BOWL)
    lab.eta_edit.setText("fast")
    lab.eta_edit.editingFinished.emit()
    assert "must be a number" in lab.status_label.text()
    assert not lab.step_button.isEnabled()
    lab.eta_edit.setText("0.1")
    lab.eta_edit.editingFinished.emit()
    assert lab.step_button.isEnabled()


def contour_points(item) -> np.ndarray:
    """The points of an isocurve as drawn: its path mapped into plot coordinates."""
    item.boundingRect()  # traces the curve if it has not been painted yet
    path, to_plot = item.path, item.transform()
    points = [to_plot.map(path.elementAt(k).x, path.elementAt(k).y) for k in range(path.elementCount())]
    return np.array(points)


def test_contours_drawn_lie_on_the_level_sets_of_the_bowl(lab) -> None:
    lab.function_edit.setText("x**2 + y**2")
    lab.apply_function(start=[3.0, 4.0], view=(-5.0, 5.0, -5.0, 5.0))
    (x0, x1), (y0, y1) = lab.main_plot.getPlotItem().getViewBox().viewRange()
    levels = [item.level for item in lab.contour_items if item.data is not None]
    assert len(levels) == 14 and np.all(np.diff(levels) > 0)
    h = max(x1 - x0, y1 - y0) / (CONTOUR_POINTS - 1)  # the grid the curves are traced on
    for item in lab.contour_items:
        points = contour_points(item)
        # a curve leaving the view is carried on to half a grid step outside it (hidden)
        assert points[:, 0].min() >= x0 - h / 2 - 1e-9 and points[:, 0].max() <= x1 + h / 2 + 1e-9
        assert points[:, 1].min() >= y0 - h / 2 - 1e-9 and points[:, 1].max() <= y1 + h / 2 + 1e-9
        inside = ((x0 <= points[:, 0]) & (points[:, 0] <= x1)
                  & (y0 <= points[:, 1]) & (points[:, 1] <= y1))
        r, radius = np.hypot(*points[inside].T), np.sqrt(item.level)
        # circles r = sqrt(level), up to linear interpolation between grid points: f = x^2
        # is off by at most h^2/4 along an edge, so r by h^2 / (8 r); twice that
        np.testing.assert_allclose(r, radius, rtol=0, atol=h**2 / (4 * radius))
    # the smallest circle is drawn all the way round: one closed loop, no gap in angle
    smallest = contour_points(lab.contour_items[0])
    assert np.array_equal(smallest[0], smallest[-1])
    angles = np.sort(np.arctan2(smallest[:, 1], smallest[:, 0]))
    # (neighbouring points are at most a cell's diagonal apart)
    radius = np.sqrt(lab.contour_items[0].level)
    assert np.max(np.diff(np.r_[angles, angles[0] + 2 * np.pi])) < np.sqrt(2) * h / radius


def test_contours_leave_out_where_f_is_undefined(lab) -> None:
    lab.function_edit.setText("log(x) + y**2")
    lab.apply_function(start=[2.0, 1.0], view=(-1.0, 3.0, -2.0, 2.0))
    drawn = [contour_points(item) for item in lab.contour_items if item.data is not None]
    assert drawn and all(np.isfinite(points).all() for points in drawn)


def test_rosenbrock_contour_plot(lab, qtbot) -> None:
    choose_preset(lab, ROSENBROCK)
    assert lab.image is not None and lab.image.image is not None
    assert sum(len(contour_points(item)) for item in lab.contour_items) > 100
    click_plot(qtbot, lab, 0.5, 2.0)
    assert lab.start_point() == pytest.approx([0.5, 2.0], abs=0.05)
    click(qtbot, lab.step_button)
    # one gradient step with eta 0.001 from the clicked point, by hand
    x, y = lab.start_point()
    gx, gy = -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)
    np.testing.assert_allclose(lab.minimizer.last.x, [x - 0.001 * gx, y - 0.001 * gy])


def test_copy_latex(lab, qtbot) -> None:
    choose_preset(lab, QUARTIC)
    click(qtbot, button(lab, "Copy as LaTeX"))
    assert QGuiApplication.clipboard().text().splitlines() == [
        "f = 3 x^{4} + 5 x^{3} - 20 x^{2} + 8 x + 10",
        r"\frac{\partial f}{\partial x} = 12 x^{3} + 15 x^{2} - 40 x + 8",
    ]


def test_preset_after_newton_restores_gradient_descent(lab, qtbot) -> None:
    choose_preset(lab, BOWL)
    lab.method_combo.setCurrentIndex(lab.method_combo.findData("newton"))
    choose_preset(lab, QUARTIC)
    assert lab.method_combo.currentData() == "gd" and lab.eta_edit.isEnabled()
    assert lab.eta_edit.text() == "0.01" and "hump" in lab.note_label.text()
    lab.function_edit.setText("x**4")
    lab.apply_function()
    assert lab.note_label.text() == ""  # the preset's note no longer applies


def test_lab_opens_from_the_main_window_tools_menu(window, qtbot):
    lab = window.show_minimize_lab()
    assert lab.isVisible() and lab.isWindow()
    assert window.show_minimize_lab() is lab  # one lab window per main window
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Tools" in titles


QUARTIC_TEXT = "3*x**4 + 5*x**3 - 20*x**2 + 8*x + 10"


def quartic(x: float) -> float:
    return 3 * x**4 + 5 * x**3 - 20 * x**2 + 8 * x + 10


def quartic_slope(x: float) -> float:
    return 12 * x**3 + 15 * x**2 - 40 * x + 8


def test_preset_box_says_custom_once_f_is_the_users(lab, qtbot) -> None:
    choose_preset(lab, QUARTIC)
    assert lab.preset_combo.currentText() == PRESETS[QUARTIC].name
    qtbot.keyClicks(lab.function_edit, " + x")  # at once, before the text is parsed
    assert lab.preset_combo.currentText() == "Custom"
    qtbot.waitUntil(lambda: lab.objective.text.endswith("+ x"), timeout=2000)
    assert lab.preset_combo.currentText() == "Custom" and lab.note_label.text() == ""
    # choosing Custom keeps the user's function
    lab.preset_combo.activated.emit(lab.preset_combo.currentIndex())
    assert lab.function_edit.text().endswith("+ x")
    # a function set from outside the box (as a lesson does) is matched to its preset or not
    lab.function_edit.setText(PRESETS[BOWL].text)
    lab.apply_function(start=[1.0, 1.0])
    assert lab.preset_combo.currentText() == PRESETS[BOWL].name
    lab.function_edit.setText("x**2 + 2*y**2")
    lab.apply_function()
    assert lab.preset_combo.currentText() == "Custom"


def view_of(plot) -> tuple[tuple[float, float], tuple[float, float]]:
    (x0, x1), (y0, y1) = plot.getPlotItem().getViewBox().viewRange()
    return (x0, x1), (y0, y1)


def no_scale_factors(plot) -> bool:
    """No axis label carries a "(x1e+27)" style factor and the ticks are the values."""
    axes = [plot.getPlotItem().getAxis(name) for name in ("left", "bottom")]
    return all(not a.autoSIPrefix and a.autoSIPrefixScale == 1.0 and "(x" not in a.labelString()
               for a in axes)


def test_one_point_gets_a_sensible_iteration_axis(lab, qtbot) -> None:
    choose_preset(lab, QUARTIC)  # only the start point: f(2) = 48 - 80 + 40 + 16 + 10 = 34
    (x0, x1), (y0, y1) = view_of(lab.f_plot)
    assert x0 <= 0.0 and 1.0 <= x1 <= 1.2 and x0 >= -0.2  # iteration 0 to 1
    assert y0 < quartic(2.0) == 34.0 < y1 and y1 - y0 < 0.2 * 34.0
    assert no_scale_factors(lab.f_plot) and no_scale_factors(lab.main_plot)
    click(qtbot, lab.step_button)
    (x0, x1), (y0, y1) = view_of(lab.f_plot)
    f1 = quartic(2.0 - 0.01 * quartic_slope(2.0))  # x1 = 2 - 0.01 * 84 = 1.16
    assert x0 <= 0.0 and 1.0 <= x1 <= 1.2 and y0 < f1 < 34.0 < y1 and y1 - y0 < 1.5 * (34.0 - f1)


def test_a_divergent_run_keeps_readable_axes_and_says_where(lab, qtbot) -> None:
    choose_preset(lab, QUARTIC)
    lab.eta_edit.setText("0.05")
    lab.eta_edit.editingFinished.emit()
    lab.run_steps.setValue(100)
    click(qtbot, lab.run_button)
    qtbot.waitUntil(lambda: not lab.running, timeout=5000)
    assert "diverged" in lab.status_label.text()  # shown, not raised
    assert not lab.step_button.isEnabled()
    # the same run by hand: x <- x - 0.05 f'(x) until a value passes 1e100
    xs, fs = [2.0], [quartic(2.0)]
    while max(abs(xs[-1]), abs(fs[-1]), abs(quartic_slope(xs[-1]))) <= 1e100:
        xs.append(xs[-1] - 0.05 * quartic_slope(xs[-1]))
        fs.append(quartic(xs[-1]))
    last = len(xs) - 1
    assert last == 6 and len(lab.minimizer.iterations) == 7
    # x: 2, -2.2, -4.24 stay near the function's minima; 19.16 is far past them
    assert xs[3] == pytest.approx(19.1594, abs=1e-4)
    (x0, x1), _ = view_of(lab.main_plot)
    assert x0 < xs[2] < xs[0] < x1 and x1 - x0 < 10
    _, (y0, y1) = view_of(lab.f_plot)
    assert y0 < min(fs[:3]) and max(fs[:3]) < y1 and y1 - y0 < 2 * (max(fs[:3]) - min(fs[:3]))
    assert no_scale_factors(lab.f_plot) and no_scale_factors(lab.main_plot)
    # the steps off the chart are marked on its top edge, and the plots say where it diverged
    ks, marks = lab.f_plot.off_chart.getData()
    assert list(ks) == [3, 4, 5, 6] and np.all((max(fs[:3]) < marks) & (marks < y1))
    assert "diverged at step 6" in lab.f_plot.getPlotItem().titleLabel.text
    assert lab.main_note.isVisible()
    assert lab.main_note.toPlainText() == "diverged at step 6: steps 3 to 6 are off the plot"


def test_first_view_of_the_quartic_shows_both_minima(lab) -> None:
    left_min, right_min = quartic_minima()
    choose_preset(lab, QUARTIC)
    (x0, x1), (y0, y1) = view_of(lab.main_plot)
    assert x0 < left_min < right_min < x1 and y0 < quartic(left_min) < quartic(right_min) < y1
    # opened on the quartic without a preset's view (as the lesson does), from x = 2 or 0
    for start in (2.0, 0.0):
        lab.function_edit.setText(QUARTIC_TEXT)
        lab.apply_function(start=[start])
        (x0, x1), (y0, y1) = view_of(lab.main_plot)
        assert x0 < left_min and right_min < x1 and x1 - x0 < 8 and y0 < quartic(left_min) < y1


def test_a_few_tangents_of_one_length_on_screen(lab, qtbot) -> None:
    choose_preset(lab, QUARTIC)
    lab.eta_edit.setText("0.02")  # overshoots and oscillates: tangents at many places
    lab.eta_edit.editingFinished.emit()
    lab.minimizer.run(100)
    lab.step()
    its = lab.minimizer.iterations
    vb = lab.main_plot.getPlotItem().getViewBox()

    def segments(item) -> list[np.ndarray]:
        x, y = item.getData()
        return [np.array([[x[k], y[k]], [x[k + 1], y[k + 1]]]) for k in range(0, len(x), 3)]

    current, faded = segments(lab.tangent_item), segments(lab.faded_tangents)
    assert len(current) == 1 and len(faded) == 2
    for seg, it in zip(faded + current, its[-3:]):
        x, f = seg.mean(axis=0)
        assert x == pytest.approx(it.x[0]) and f == pytest.approx(quartic(x))
        slope = (seg[1, 1] - seg[0, 1]) / (seg[1, 0] - seg[0, 0])
        assert slope == pytest.approx(quartic_slope(x), rel=1e-6, abs=1e-9)
        a, b = (vb.mapViewToScene(QPointF(*p)) for p in seg)
        assert np.hypot(b.x() - a.x(), b.y() - a.y()) == pytest.approx(120, abs=1.0)  # pixels


@pytest.fixture
def dark_theme():
    from mlp_studio.app.widgets.appearance import appearance

    appearance().update(theme="dark")
    yield appearance()
    appearance().update(theme="system")  # the application's palette back as it was


def test_the_lab_follows_the_dark_palette_and_presenter_fonts(lab, dark_theme) -> None:
    look = dark_theme
    background = look.colours().background
    assert background.lightness() < 64
    for plot in (lab.main_plot, lab.f_plot):
        assert plot.backgroundBrush().color() == background
        assert plot.getPlotItem().getAxis("left").textPen().color() == look.colours().text
    choose_preset(lab, QUARTIC)
    curve_colour = lab.curve_item.opts["pen"].color()
    assert curve_colour.lightness() - background.lightness() > 100  # a light curve on the dark plot
    assert pg.mkBrush(lab.start_item.opts["symbolBrush"]).color() == background
    look.set_presenter(True)
    for plot in (lab.main_plot, lab.f_plot):
        assert plot.getPlotItem().getAxis("bottom").style["tickFont"].pixelSize() == round(12 * 1.6)
    look.set_presenter(False)


def test_table_and_f_plot_fit_their_room_after_a_divergence(lab, qtbot) -> None:
    lab.resize(1024, 700)
    choose_preset(lab, ROSENBROCK)
    lab.eta_edit.setText("0.01")
    lab.eta_edit.editingFinished.emit()
    lab.minimizer.run(100)
    lab.step()
    assert lab.minimizer.stop.code == "diverged"
    # the f plot says so in a title short enough for the plot to stay inside its widget
    assert lab.f_plot.getPlotItem().sceneBoundingRect().width() <= lab.f_plot.viewport().width()
    metrics, margin = lab.table.fontMetrics(), 6  # the cell's padding on both sides
    for row in range(lab.model.rowCount()):
        for col in range(lab.model.columnCount()):
            text = cell(lab, row, col)
            assert metrics.horizontalAdvance(text) + margin <= lab.table.columnWidth(col), (row, col, text)
    # the tooltip keeps every digit: the x of the last point, as Python prints it
    tip = lab.model.data(lab.model.index(lab.model.rowCount() - 1, 3), Qt.ToolTipRole)
    assert float(tip) == lab.minimizer.last.x[0]
