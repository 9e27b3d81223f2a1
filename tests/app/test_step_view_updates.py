"""The layer strips and the sensitivity view update their plot items and table cells in
place: a press (F11) redraws and paints each once, keeps the same items, and shows the
step's numbers, also after undo and a change of notation or decimals. Expected numbers
are the reference example's, worked by hand (as in ``test_step_panels``)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject

from mlp_studio.app.widgets.appearance import appearance
from mlp_studio.core.network import Network

A_HIDDEN = [0.2689, 0.6225, 0.8176]  # hidden activations of the reference example, row 0
Y = 0.5030  # its output for row 0, before the first update
PRESSES = 5


class PaintCounter(QObject):
    """Counts the paint events of one widget."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _in_front(window, qtbot, name: str):
    view = getattr(window.step_views, name)
    window.step_views.docks[name].raise_()
    qtbot.waitUntil(lambda: view.refresher.count >= 1, timeout=2000)
    qtbot.wait(50)
    return view


def _press(window, qtbot) -> None:
    window.step_controller.act_update.trigger()
    qtbot.wait(50)  # the coalesced redraw, then the paint (and any paint it causes)


def _cell(view, name: str) -> list[str]:
    """The table's texts in the row of parameter ``name``."""
    table = view.table
    for r in range(table.rowCount()):
        if table.item(r, 0).text() == name:
            return [table.item(r, c).text() for c in range(table.columnCount())]
    raise AssertionError(f"{name} not in the table")


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


def test_a_press_redraws_and_paints_the_layer_strips_once_keeping_their_items(window, qtbot):
    strips = _in_front(window, qtbot, "strips")
    paints = PaintCounter(strips.viewport())
    _press(window, qtbot)  # the output plot's title changes: laid out again
    _press(window, qtbot)
    items = len(strips.scene().items())
    bars = [s.bars for s in strips.activations + strips.deltas]
    for _ in range(PRESSES - 1):
        redraws, painted = strips.refresher.count, paints.count
        _press(window, qtbot)
        assert strips.refresher.count == redraws + 1
        assert paints.count == painted + 1
        assert len(strips.scene().items()) == items
        assert [s.bars for s in strips.activations + strips.deltas] == bars
    for _ in range(PRESSES):  # back to the first step, on row 0
        window.document.undo_stack.undo()
    qtbot.wait(50)
    np.testing.assert_allclose(strips.activations[1].values, A_HIDDEN, atol=5e-5)
    assert [label.toPlainText() for label in strips.activations[1].labels] == ["0.2689", "0.6225", "0.8176"]
    np.testing.assert_allclose(strips.activations[2].values, [Y], atol=5e-5)
    # the output delta: (y - z) y (1 - y) with z = 1 (scaled target of row 0)
    np.testing.assert_allclose(strips.deltas[1].values, [(Y - 1.0) * Y * (1 - Y)], atol=5e-5)
    appearance().update(decimals=2)  # new fonts and number formats: the strips are built again
    qtbot.wait(50)
    assert [label.toPlainText() for label in strips.activations[1].labels] == ["0.27", "0.62", "0.82"]


def test_a_press_rewrites_the_sensitivity_table_in_its_cells_and_paints_the_chart_once(window, qtbot):
    view = _in_front(window, qtbot, "sensitivity")
    paints = PaintCounter(view.chart.viewport())
    _press(window, qtbot)
    _press(window, qtbot)
    cells = [[view.table.item(r, c) for c in range(4)] for r in range(view.table.rowCount())]
    items = len(view.chart.scene().items())
    assert len(cells) == 13  # 3 x (2 + 1) hidden and 3 + 1 output parameters
    for _ in range(PRESSES - 1):
        redraws, painted = view.refresher.count, paints.count
        _press(window, qtbot)
        assert view.refresher.count == redraws + 1
        assert paints.count == painted + 1
        assert [[view.table.item(r, c) for c in range(4)] for r in range(13)] == cells
        assert len(view.chart.scene().items()) == items
    for _ in range(PRESSES):
        window.document.undo_stack.undo()
    qtbot.wait(50)
    # dy/db_o = y (1 - y); -dL/db_o = -y (1 - y)(y - z), z = 1; dy/dw_o[0][i] = y (1 - y) a_i
    name, _value, sens, neg = _cell(view, "bo[0]")
    assert _number(sens) == pytest.approx(Y * (1 - Y), abs=5e-5)
    assert _number(neg) == pytest.approx(-Y * (1 - Y) * (Y - 1.0), abs=5e-5)
    for i, a in enumerate(A_HIDDEN):
        assert _number(_cell(view, f"wo[0][{i}]")[2]) == pytest.approx(Y * (1 - Y) * a, abs=5e-5)
    appearance().update(notation="lecture", decimals=2)
    qtbot.wait(50)
    name, value, sens, _neg = _cell(view, "b⁽²⁾₁")  # bo[0] in the lecture notation
    assert _number(sens) == pytest.approx(Y * (1 - Y), abs=5e-5)  # derivatives keep 6 decimals
    assert len(value.split(".")[1]) == 2  # values take the chosen decimals
    assert not any(view.table.item(r, 0).text().startswith(("wh", "wo", "bh", "bo")) for r in range(13))


def test_the_sensitivity_table_follows_a_change_of_shape_and_its_undo(window, qtbot):
    view = _in_front(window, qtbot, "sensitivity")
    _press(window, qtbot)
    assert view.table.rowCount() == 13
    doc = window.document
    doc.set_network(Network.create([2, 5, 1], "sigmoid", "xavier", seed=3))
    _press(window, qtbot)
    assert view.table.rowCount() == 5 * 3 + 6  # (2 weights + 1 bias) per hidden node, 5 + 1 at the output
    names = [view.table.item(r, 0).text() for r in range(21)]
    assert len(set(names)) == 21 and "bh[0][4]" in names and "wo[0][4]" in names
    y = float(np.ravel(doc.trace.output)[0])
    assert _number(_cell(view, "bo[0]")[2]) == pytest.approx(y * (1 - y), abs=5e-6)  # dy/db_o
    doc.undo()  # the step
    doc.undo()  # the new shape
    _press(window, qtbot)  # a step of the reference network again
    assert view.table.rowCount() == 13
    assert "bh[0][4]" not in [view.table.item(r, 0).text() for r in range(13)]


def test_numbers_on_the_bars_show_only_where_they_can_be_read(window, qtbot):
    strips = _in_front(window, qtbot, "strips")
    window.step_controller.step_update()
    strips.flush()
    hidden = strips.activations[1]  # the reference example's 3 hidden activations
    dock = window.step_views.docks["strips"]
    dock.setFloating(True)
    for height, readable in ((700, True), (150, False), (700, True)):
        dock.resize(700, height)
        qtbot.waitUntil(lambda: hidden.numbers_shown == readable, timeout=2000)
        assert all(label.isVisible() == readable for label in hidden.labels)
        # the numbers are kept up to date either way (the next resize shows them)
        assert [_number(label.toPlainText()) for label in hidden.labels] == pytest.approx(A_HIDDEN, abs=1e-4)
    dock.setFloating(False)
