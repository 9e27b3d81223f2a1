"""The network canvas: layout, colours, values from a core trace, tooltips, clicks, zoom."""

from __future__ import annotations


import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from mlp_studio.app.document.document import Document
from mlp_studio.app.editor.network_canvas import NetworkCanvas, negative_colour, positive_colour
from mlp_studio.core.network import Network
from mlp_studio.core.project import Project
from mlp_studio.core.trace import step_trace
from tests.core.reference_net import reference_dataset, reference_network


def sigmoid(s):
    return 1.0 / (1.0 + np.exp(-s))


@pytest.fixture
def doc(qapp):
    return Document(Project(reference_network(), data=reference_dataset()))


@pytest.fixture
def canvas(doc, qtbot):
    view = NetworkCanvas(doc)
    qtbot.addWidget(view)
    view.resize(900, 560)
    view.show()
    qtbot.waitExposed(view)
    return view


def step_row0(doc):
    net = doc.network.copy()
    data = doc.project.data
    trace = step_trace(net, data.X[0], data.Z[0], "half_squared_error", 0.1)
    doc.apply_step(trace.network_after(), trace, "Step row 0")
    return trace


def test_reference_layout_and_edge_colours(canvas):
    assert sorted(canvas.nodes) == [("input", 0), ("input", 1), ("node", 0, 0), ("node", 0, 1),
                                    ("node", 0, 2), ("node", 1, 0)]
    assert len(canvas.edges) == 2 * 3 + 3 * 1
    xs = {key: item.pos().x() for key, item in canvas.nodes.items()}
    assert xs[("input", 0)] < xs[("node", 0, 0)] < xs[("node", 1, 0)]
    # reference weights: w[0][0][0] = -0.5 (negative), w[0][2][0] = 1.0 (positive, widest)
    neg, pos = canvas.edges[("edge", 0, 0, 0)].pen(), canvas.edges[("edge", 0, 2, 0)].pen()
    assert neg.color() == negative_colour() and pos.color() == positive_colour()
    assert pos.widthF() > neg.widthF() > canvas.edges[("edge", 0, 2, 1)].pen().widthF()  # |w| 1 > 0.5 > 0


def test_values_and_tooltips_come_from_the_trace(doc, canvas):
    step_row0(doc)
    # hand calculation for row 0 (inputs 70, 98 -> 1, 1 after min-max scaling)
    x = np.array([1.0, 1.0])
    s_h = np.array([[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]]) @ x + 0.5
    a_h = sigmoid(s_h)
    y = sigmoid(np.array([0.5, -1.0, 0.0]) @ a_h + 0.5)
    np.testing.assert_allclose(a_h, [0.2689, 0.6225, 0.8176], atol=5e-5)  # the reference's numbers
    assert [canvas.nodes[("node", 0, j)].value_text.text() for j in range(3)] == \
        ["0.2689", "0.6225", "0.8176"]
    assert canvas.nodes[("node", 1, 0)].value_text.text() == "0.5030"
    tip = canvas.tooltip_for(("node", 0, 0))
    assert tip.startswith("node 0 of hidden layer 0 (sigmoid)\n")
    assert "sh[0][0] = \u22121.0000" in tip and "ah[0][0] = 0.2689" in tip and "δh[0][0] = " in tip
    delta_o = y * (1 - y) * (y - 1.0)  # target 91 scales to 1
    grad = delta_o * a_h[1]
    tip = canvas.tooltip_for(("edge", 1, 0, 1))
    assert f"gradient = {grad:.4f}".replace("-", "\u2212") in tip
    assert f"last change = {-0.1 * grad:+.6f}" in tip
    assert tip.startswith("weight wo[0][1]: from node 1 of hidden layer 0 to node 0 of output layer\n")
    assert "wo[0][1] = " + f"{-1.0 - 0.1 * grad:.4f}".replace("-", "\u2212") in tip


def test_undo_of_the_step_clears_the_shown_values(doc, canvas):
    step_row0(doc)
    doc.undo_stack.undo()
    assert canvas.nodes[("node", 0, 0)].value_text.text() == ""
    assert "ah[0][0] = –" in canvas.tooltip_for(("node", 0, 0))


def test_wide_layers_are_drawn_collapsed(qtbot):
    doc = Document(Project(Network.create([784, 128, 64, 10], "sigmoid", "he", 0)))
    view = NetworkCanvas(doc)
    qtbot.addWidget(view)
    inputs = [k for k in view.nodes if k[0] == "input"]
    assert [k[1] for k in inputs] == [0, 1, 2, 3, 4, 781, 782, 783]
    assert len([k for k in view.nodes if k[:2] == ("node", 2)]) == 10  # 10 outputs: all drawn
    assert len(view.edges) == 8 * 8 + 8 * 8 + 10 * 8
    texts = [item.text() for item in view.scene().items()
             if isinstance(item, QGraphicsSimpleTextItem) and "more" in item.text()]
    assert sorted(texts) == ["… 120 more", "… 56 more", "… 776 more"]


def test_weight_edit_updates_in_place_and_shape_change_rebuilds(doc, canvas):
    item = canvas.nodes[("node", 0, 0)]
    doc.set_weight(0, 0, 0, 0.75)
    assert canvas.nodes[("node", 0, 0)] is item
    assert canvas.edges[("edge", 0, 0, 0)].pen().color() == positive_colour()
    doc.set_network(Network.create([2, 4, 1], seed=3), "wider")
    assert ("node", 0, 3) in canvas.nodes and canvas.nodes[("node", 0, 0)] is not item


def test_click_selects_node_edge_and_nothing(doc, canvas, qtbot):
    node = canvas.nodes[("node", 0, 1)]
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=canvas.mapFromScene(node.pos()))
    assert doc.selection == ("node", 0, 1)
    line = canvas.edges[("edge", 1, 0, 2)].line()
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=canvas.mapFromScene((line.p1() + line.p2()) / 2))
    assert doc.selection == ("edge", 1, 0, 2)
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.viewport().rect().topLeft()
                     + canvas.viewport().rect().center() * 0.05)
    assert doc.selection is None


def test_zoom_and_fit(canvas):
    scale = canvas.transform().m11()
    canvas.zoom_in()
    assert canvas.transform().m11() == pytest.approx(scale * 1.25)
    canvas.zoom_out()
    canvas.zoom_out()
    assert canvas.transform().m11() < scale
    canvas.fit_to_window()
    visible = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert visible.contains(canvas.scene().itemsBoundingRect())


def test_hover_shows_the_tooltip_text(doc, canvas, qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    step_row0(doc)
    pos = canvas.mapFromScene(canvas.nodes[("node", 0, 2)].pos())
    event = QHelpEvent(QEvent.Type.ToolTip, pos, canvas.viewport().mapToGlobal(pos))
    QApplication.sendEvent(canvas.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert QToolTip.text() == canvas.tooltip_for(("node", 0, 2))
    assert "ah[0][2] = 0.8176" in QToolTip.text()
    QToolTip.hideText()


def test_the_step_toolbar_forward_pass_shows_the_reference_activations(window):
    """Integration with the step-through controller: F10 on row 0 of the example."""
    window.step_controller.step_forward()
    canvas = window.canvas
    assert [canvas.nodes[("node", 0, j)].value_text.text() for j in range(3)] == \
        ["0.2689", "0.6225", "0.8176"]
    assert canvas.nodes[("node", 1, 0)].value_text.text() == "0.5030"  # reference y
    assert "yo[0] = 0.5030" in canvas.tooltip_for(("node", 1, 0))


def test_ctrl_wheel_zooms_and_plain_wheel_does_not(canvas):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    def wheel(modifiers):
        centre = QPointF(canvas.viewport().rect().center())
        event = QWheelEvent(centre, QPointF(canvas.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                            QPoint(0, 120), Qt.MouseButton.NoButton, modifiers,
                            Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(canvas.viewport(), event)

    scale = canvas.transform().m11()
    wheel(Qt.KeyboardModifier.NoModifier)
    assert canvas.transform().m11() == scale
    wheel(Qt.KeyboardModifier.ControlModifier)
    assert canvas.transform().m11() == pytest.approx(scale * 1.15)


def test_a_training_snapshot_redraws_the_nodes_once_and_a_new_trace_still_shows(doc, canvas, monkeypatch):
    calls = []
    redraw = canvas.refresh_nodes
    monkeypatch.setattr(canvas, "refresh_nodes", lambda: (calls.append(1), redraw()))
    snap = doc.project.network.copy()
    snap.layers[0].biases[:] = 0.0
    doc.show_snapshot(snap)  # network_changed and trace_changed: one node redraw
    assert len(calls) == 1
    s = np.array([[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]]) @ np.ones(2)  # row 0 under the snapshot
    assert [canvas.nodes[("node", 0, j)].value_text.text() for j in range(3)] == \
        [f"{v:.4f}" for v in sigmoid(s)]
    doc.show_snapshot(None)
    calls.clear()
    step_row0(doc)  # a step's trace: the nodes show it
    assert calls and canvas.nodes[("node", 1, 0)].value_text.text() == "0.5030"
