"""Redraw behaviour of the step-through views: one redraw per view for one change
(coalesced), none while a view is behind another dock's tab, the layer strips
following the network drawn (a training snapshot), and the default layout's room
for the math panel and the loss plot at 1280x800."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QDockWidget

from mlp_studio.app.document.document import Document
from mlp_studio.app.stepping.layer_strips import LayerStrips
from mlp_studio.core.network import Network
from mlp_studio.core.project import Project
from tests.core.reference_net import reference_dataset, reference_network

A_HIDDEN = [0.2689, 0.6225, 0.8176]  # the reference document's hidden activations, row 0


def _counts(views) -> dict[str, int]:
    return {name: getattr(views, name).refresher.count
            for name in ("math", "strips", "surface", "sensitivity")}


def test_one_step_redraws_each_shown_view_once_and_hidden_views_when_shown(window, qtbot):
    views = window.step_views
    docks = views.docks
    docks["strips"].raise_()  # the layer strips in front of their tab group
    qtbot.waitUntil(lambda: views.strips.refresher.on_screen(), timeout=2000)
    qtbot.wait(20)
    before = _counts(views)
    shown_before = views.strips.activations[1].values
    window.step_controller.act_update.trigger()  # network_changed, then trace_changed
    assert _counts(views) == before  # nothing redrawn inside the signals
    qtbot.wait(50)
    after = _counts(views)
    # shown: redrawn once (the strips hear three signals of the step); behind the tab: not at all
    assert after["math"] == before["math"] + 1
    assert after["strips"] == before["strips"] + 1
    assert after["surface"] == before["surface"] and after["sensitivity"] == before["sensitivity"]
    assert shown_before is None  # no step before
    np.testing.assert_allclose(views.strips.activations[1].values, A_HIDDEN, atol=5e-5)
    # Brought to the front, a view redraws once, with the step's numbers.
    docks["sensitivity"].raise_()
    qtbot.waitUntil(lambda: views.sensitivity.refresher.count == after["sensitivity"] + 1,
                    timeout=2000)
    assert views.sensitivity.rows[0][0] == "bo[0]"
    qtbot.wait(50)
    assert views.sensitivity.refresher.count == after["sensitivity"] + 1


def test_views_behind_a_tab_are_first_drawn_when_their_tab_comes_to_the_front(window, qtbot):
    """Opening the window draws the shown views only: the plots of the docks behind the
    Data tab are built when the user brings one forward (start-up time)."""
    views = window.step_views
    qtbot.wait(20)
    behind = ("strips", "surface", "sensitivity", "neuron_maps")
    assert {name: getattr(views, name).refresher.count for name in behind} == dict.fromkeys(behind, 0)
    assert views.strips.activations == [] and views.surface.values is None
    views.docks["strips"].raise_()
    qtbot.waitUntil(lambda: views.strips.refresher.count == 1, timeout=2000)
    assert [s.n for s in views.strips.activations] == [2, 3, 1]
    views.docks["surface"].raise_()
    qtbot.waitUntil(lambda: views.surface.refresher.count == 1, timeout=2000)
    assert views.surface.values.shape == (views.surface.grid, views.surface.grid)
    qtbot.wait(50)
    assert views.strips.refresher.count == 1 and views.neuron_maps.refresher.count == 0


def test_several_changes_in_one_turn_redraw_once(window, qtbot):
    views = window.step_views
    qtbot.wait(20)
    before = views.math.refresher.count
    for _ in range(3):
        window.step_controller.act_update.trigger()
    qtbot.wait(50)
    assert views.math.refresher.count == before + 1
    # The math panel lays its text out a chunk per turn; in the end it is the whole step.
    qtbot.waitUntil(lambda: "Output against target" in views.math.toPlainText(), timeout=2000)
    progressive = " ".join(views.math.toPlainText().split())
    views.math.refresh()  # all at once
    assert progressive == " ".join(views.math.toPlainText().split())
    assert "5. Update weights and biases" in progressive


def test_layer_strips_follow_the_training_snapshot(qtbot):
    doc = Document(Project(reference_network(), data=reference_dataset()))
    strips = LayerStrips(doc)
    qtbot.addWidget(strips)
    assert strips.activations == []  # hidden: nothing built until shown or flushed
    strips.flush()
    assert [s.n for s in strips.activations] == [2, 3, 1]
    wider = Network.create([2, 5, 1], "sigmoid", "uniform", seed=1)
    doc.show_snapshot(wider)  # what a training run shows while it runs
    strips.flush()
    assert [s.n for s in strips.activations] == [2, 5, 1]
    assert [s.n for s in strips.deltas] == [5, 1]
    doc.show_snapshot(None)
    strips.flush()
    assert [s.n for s in strips.activations] == [2, 3, 1]


def test_default_layout_gives_the_math_panel_and_the_loss_plot_room(window, qtbot):
    window.resize(1280, 800)
    qtbot.wait(50)
    math = window.findChild(QDockWidget, "dock_math")
    assert math.isVisible() and math.height() >= 400  # most of the right column
    assert window.inspector_dock.height() < math.height()
    window.findChild(QDockWidget, "training_dock").raise_()
    qtbot.wait(50)
    assert window.training_panel.plot.plot_widget.height() >= 200
    assert window.width() == 1280 and window.canvas.width() >= 600
