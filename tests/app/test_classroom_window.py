"""The window at classroom sizes: nothing clipped, the canvas fits, presenter mode, the
appearance preferences reaching every panel, and the marks of what a step changed."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractScrollArea, QDockWidget, QWidget

from mlp_studio.app.widgets.appearance import appearance

SIZES = [(1024, 700), (1280, 800), (1280, 720)]


@pytest.fixture
def make_window(qtbot):
    from mlp_studio.app.shell.main import _initial_document
    from mlp_studio.app.shell.main_window import MainWindow

    def make(width: int, height: int, example: str = ""):
        win = MainWindow(_initial_document([]))
        qtbot.addWidget(win)
        win.resize(width, height)
        win.show()
        qtbot.waitExposed(win)
        if example:
            win.open_example(f"{example}.mlp.json")
        qtbot.wait(50)
        return win
    return make


def _inside_scroll_area(widget: QWidget, dock: QDockWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not dock:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def clipped_widgets(dock: QDockWidget) -> list[str]:
    """Visible widgets of ``dock`` that reach outside its rectangle (a scroll area's
    content scrolls by design and is not counted)."""
    out = []
    area = dock.rect()
    for child in dock.widget().findChildren(QWidget):
        if not child.isVisibleTo(dock) or _inside_scroll_area(child, dock) or child.width() <= 1:
            continue
        rect = QRect(child.mapTo(dock, child.rect().topLeft()), child.size())
        if not area.contains(rect):
            out.append(f"{type(child).__name__} {child.objectName()!r} {rect} outside {area}")
    return out


def canvas_items_outside(canvas) -> QRect:
    """The part of the drawn network outside the canvas's viewport (empty when it fits)."""
    drawn = canvas.mapFromScene(canvas.scene().itemsBoundingRect()).boundingRect()
    return drawn.subtracted(canvas.viewport().rect()) if hasattr(drawn, "subtracted") else \
        (QRect() if canvas.viewport().rect().contains(drawn) else drawn)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("example", ["reference", "two_moons"])
def test_nothing_is_clipped_and_the_canvas_fits(make_window, size, example):
    win = make_window(*size, example=example if example != "reference" else "")
    assert (win.width(), win.height()) == size  # the docks did not widen the window
    for dock in win.findChildren(QDockWidget):
        if dock.isVisible() and not dock.visibleRegion().isEmpty():
            assert clipped_widgets(dock) == [], dock.objectName()
    win.step_controller.step_update()
    win.canvas.fit_to_window()
    viewport = win.canvas.viewport().rect()
    drawn = win.canvas.mapFromScene(win.canvas.scene().itemsBoundingRect()).boundingRect()
    assert viewport.contains(drawn), (drawn, viewport)
    assert not win.canvas.horizontalScrollBar().isVisible()
    assert not win.canvas.verticalScrollBar().isVisible()


def test_presenter_mode_shows_canvas_and_math_large_and_leaves_as_it_was(make_window, qtbot):
    win = make_window(1280, 720)
    math = win.step_views.docks["math"]
    before = {d.objectName() for d in win.findChildren(QDockWidget) if d.isVisible()}
    size_before = win.canvas.nodes[("node", 0, 0)].value_text.font().pixelSize()
    win.presenter.action.trigger()
    assert appearance().presenter and win.presenter.action.isChecked()
    assert [d for d in win.findChildren(QDockWidget) if d.isVisible()] == [math]
    assert win.canvas.nodes[("node", 0, 0)].value_text.font().pixelSize() >= 1.5 * size_before
    assert math.width() >= 0.4 * win.width()
    # one key per step: Space takes a sub-step, Left undoes it
    revealed, index = win.document.revealed, win.document.undo_stack.index()
    win.presenter._keys[0].activated.emit()  # Space
    assert win.document.revealed == revealed + 1
    win.presenter._keys[2].activated.emit()  # Left
    assert win.document.undo_stack.index() == index
    win.presenter._keys[3].activated.emit()  # Esc
    assert not appearance().presenter and not win.presenter.action.isChecked()
    assert {d.objectName() for d in win.findChildren(QDockWidget) if d.isVisible()} == before
    assert win.canvas.nodes[("node", 0, 0)].value_text.font().pixelSize() == size_before


def test_notation_and_palette_reach_every_panel(make_window):
    win = make_window(1280, 800)
    views = win.step_views
    win.step_controller.step_update()
    win.document.select(("edge", 0, 1, 0))
    views.math.flush()
    views.sensitivity.flush()
    assert "wh[0][1][0]" in win.inspector.title.text()
    assert "h[0][1]" in views.math.toPlainText()
    win.document.select(None)
    win.document.select(("edge", 0, 1, 0))
    appearance().update(notation="lecture", palette="colour_blind", decimals=3)
    views.math.flush()
    views.sensitivity.flush()
    views.strips.flush()
    # weights[0][1][0] is w^(1)_21 in lecture notation, in every panel
    assert "w⁽¹⁾₂₁" in win.inspector.title.text()
    assert "w⁽¹⁾₂₁" in win.canvas.tooltip_for(("edge", 0, 1, 0))
    assert "h[0]" not in views.math.toPlainText() and "z" in views.math.toPlainText()
    assert "(1)" in views.math.toPlainText()
    names = {views.sensitivity.table.item(r, 0).text() for r in range(views.sensitivity.table.rowCount())}
    assert "w⁽¹⁾₂₁" in names and "b⁽²⁾₁" in names
    assert "layer 1 (hidden)" in views.strips.activations[1].plot.titleLabel.text
    # the colour-blind palette: Okabe-Ito blue and vermillion, negative edges dashed
    pos, neg = win.canvas.edges[("edge", 0, 2, 0)].pen(), win.canvas.edges[("edge", 0, 0, 0)].pen()
    assert pos.color().name() == "#0072b2" and neg.color().name() == "#d55e00"
    assert neg.dashPattern() and not pos.dashPattern()
    # three decimals everywhere numbers are shown
    assert win.canvas.nodes[("node", 0, 0)].value_text.text() == "0.269"
    assert win.canvas.nodes[("node", 1, 0)].value_text.text().count(".") == 1
    assert len(win.canvas.nodes[("node", 1, 0)].value_text.text().split(".")[1]) == 3


def test_the_canvas_marks_what_the_update_changed_until_the_next_step(make_window):
    win = make_window(1280, 800)
    canvas, doc = win.canvas, win.document
    before = [l.weights.copy() for l in doc.network.layers]
    assert not any(e.glow.isVisible() for e in canvas.edges.values())
    win.step_controller.step_update()
    after = [l.weights for l in doc.network.layers]
    change = {k: abs(after[k[1]][k[2], k[3]] - before[k[1]][k[2], k[3]]) for k in canvas.edges}
    glowing = {k for k, e in canvas.edges.items() if e.glow.isVisible()}
    assert glowing == {k for k, c in change.items() if c > 0}
    # the glow is wider where |delta w| is larger (hand: reference step, output weights)
    biggest = max(change, key=change.get)
    smallest = min((k for k in glowing), key=change.get)
    assert canvas.edges[biggest].glow.pen().widthF() > canvas.edges[smallest].glow.pen().widthF()
    assert "Δ" in canvas.edges[biggest].label.text.text()
    # undoing the update marks the way back: the same edges
    doc.undo_stack.undo()
    assert {k for k, e in canvas.edges.items() if e.glow.isVisible()} == glowing
    assert np.isfinite(change[biggest])


def _label_overlaps(canvas) -> list[tuple]:
    """Pairs of edge labels, and (label, node) pairs, whose drawn rectangles overlap."""
    labels = [(k, e.label.sceneBoundingRect()) for k, e in canvas.edges.items() if e.label is not None]
    out = [(a, b) for i, (a, ra) in enumerate(labels) for b, rb in labels[i + 1:]
           if ra.intersected(rb).width() > 1 and ra.intersected(rb).height() > 1]
    for node_key, node in canvas.nodes.items():
        rn = node.sceneBoundingRect()
        out += [(k, node_key) for k, r in labels if r.intersected(rn).width() > 1 and r.intersected(rn).height() > 1]
    return out


@pytest.mark.parametrize("size, presenter", [((1280, 800), False), ((1280, 720), True)])
def test_edge_labels_with_their_changes_overlap_neither_each_other_nor_nodes(make_window, size, presenter):
    win = make_window(*size)
    if presenter:
        win.presenter.action.trigger()
    win.step_controller.step_update()
    assert any("Δ" in e.label.text.text() for e in win.canvas.edges.values())
    assert _label_overlaps(win.canvas) == []
    if presenter:
        win.presenter.action.trigger()



@pytest.mark.parametrize("size", [(1366, 768), (1280, 800)])
def test_a_step_keeps_the_filled_in_node_texts_in_view_without_a_refit(make_window, size):
    win = make_window(*size)
    win.step_controller.step_update()  # the nodes' texts gain their δ lines
    viewport = win.canvas.viewport().rect()
    drawn = win.canvas.mapFromScene(win.canvas.scene().itemsBoundingRect()).boundingRect()
    assert viewport.contains(drawn), (drawn, viewport)
