"""Layer strips, sensitivity view, output surface and exports, driven through the
main window on the bundled reference example. Expected numbers are the
reference document's or computed by hand here."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from PySide6.QtGui import QImage

from mlp_studio.app.stepping.decision_surface import DecisionSurface
from mlp_studio.app.document.document import Document
from mlp_studio.core.notation import LECTURE, REFERENCE, Notation
from mlp_studio.core.network import Network
from mlp_studio.core.project import Project
from tests.core.reference_net import reference_dataset

A_HIDDEN = [0.2689, 0.6225, 0.8176]
Y = 0.5030
LO, HI = 68.0, 91.0  # the target column's min and max


@pytest.fixture
def views(window):
    return window.step_views


def test_strips_show_the_reference_activations_and_the_canvas_the_same(window, views):
    views.controller.step_forward()
    strips = views.strips
    strips.flush()  # behind the Data tab: it redraws when shown, or now
    np.testing.assert_allclose(strips.activations[0].values, [1.0, 1.0])
    np.testing.assert_allclose(strips.activations[1].values, A_HIDDEN, atol=5e-5)
    np.testing.assert_allclose(strips.activations[2].values, [Y], atol=5e-5)
    assert [l.toPlainText() for l in strips.activations[1].labels] == ["0.2689", "0.6225", "0.8176"]
    assert strips.deltas[1].values is None  # not revealed yet
    # The canvas shows the very same numbers (one trace).
    canvas = [window.canvas.nodes[("node", 0, j)].value_text.text() for j in range(3)]
    assert canvas == ["0.2689", "0.6225", "0.8176"]
    # Output against target in the data's units: 68 + 23 y, and the target 91.
    y_units, z_units = strips.output_units
    assert y_units[0] == pytest.approx(LO + (HI - LO) * 0.50300281, abs=1e-4)
    assert z_units[0] == pytest.approx(91.0)
    views.controller.sub_step()  # output delta
    strips.flush()
    d_out = Y * (1 - Y) * (Y - 1.0)
    np.testing.assert_allclose(strips.deltas[1].values, [d_out], atol=5e-5)
    assert strips.deltas[1].labels[0].toPlainText() == f"{d_out:.4f}".replace("-", "\u2212")


def test_sensitivity_of_the_output_bias_is_y_times_one_minus_y(views):
    views.controller.step_forward()
    views.sensitivity.flush()
    rows = {name: (value, sens, neg) for name, value, sens, neg in views.sensitivity.rows}
    assert len(rows) == 13
    # dy/db_o = sigma'(s_o) = y (1 - y); dy/dw_o[0][i] = y (1 - y) a_i (by hand)
    assert rows["bo[0]"][1] == pytest.approx(Y * (1 - Y), abs=5e-5)
    for i, a in enumerate(A_HIDDEN):
        assert rows[f"wo[0][{i}]"][1] == pytest.approx(Y * (1 - Y) * a, abs=5e-5)
    # dy/dw_h[0][1][0] = y(1-y) * w_o[0][1] * a1 (1 - a1) * x0
    a1 = A_HIDDEN[1]
    assert rows["wh[0][1][0]"][1] == pytest.approx(Y * (1 - Y) * -1.0 * a1 * (1 - a1) * 1.0, abs=5e-5)
    # Sorted by size, largest first; no gradient before the update sub-step.
    sizes = [abs(r[2]) for r in views.sensitivity.rows]
    assert sizes == sorted(sizes, reverse=True) and views.sensitivity.rows[0][0] == "bo[0]"
    assert all(r[3] is None for r in views.sensitivity.rows)
    assert views.sensitivity.table.item(0, 0).text() == "bo[0]"
    views.controller.step_update()
    views.sensitivity.flush()
    rows = {name: (value, sens, neg) for name, value, sens, neg in views.sensitivity.rows}
    # -dL/db_o = -delta_o = -y (1 - y)(y - z), z = 1
    assert rows["bo[0]"][2] == pytest.approx(-Y * (1 - Y) * (Y - 1.0), abs=5e-5)


def test_parameter_names_follow_the_reference_or_the_lecture_notation():
    """weights[l][j][i] as the reference writes it, and as w^(l+1)_(j+1)(i+1)."""
    ref, lecture = Notation(REFERENCE, 2), Notation(LECTURE, 2)
    assert ref.weight(0, 2, 1) == "wh[0][2][1]" and lecture.weight(0, 2, 1) == "w⁽¹⁾₃₂"
    assert ref.bias(0, 1) == "bh[0][1]" and lecture.bias(0, 1) == "b⁽¹⁾₂"
    assert ref.weight(1, 0, 2) == "wo[0][2]" and lecture.weight(1, 0, 2) == "w⁽²⁾₁₃"
    assert Notation(REFERENCE, 3).bias(1, 0) == "bh[1][0]"
    assert Notation(LECTURE, 2).weight(0, 11, 0) == "w⁽¹⁾₁₂,₁"  # two-digit index: a comma
    assert ref.weight_words(0, 1, 0, "I0") == \
        "weight wh[0][1][0]: from input x[0] (I0) to node 1 of hidden layer 0"
    assert lecture.weight_words(1, 0, 2) == \
        "weight w⁽²⁾₁₃: from node 3 of layer 1 (hidden) to node 1 of layer 2 (output)"


def _sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


def _reference_output(net: Network, x0: float, x1: float) -> float:
    """The 2-3-1 sigmoid network by hand, one node at a time."""
    hidden = [_sigmoid(net.layers[0].weights[j, 0] * x0 + net.layers[0].weights[j, 1] * x1
                       + net.layers[0].biases[j]) for j in range(3)]
    s = sum(net.layers[1].weights[0, j] * hidden[j] for j in range(3)) + net.layers[1].biases[0]
    return _sigmoid(s)


def test_output_surface_matches_the_network_and_follows_each_step(views, window):
    surface = views.surface
    doc = window.document
    surface.flush()  # behind another dock's tab it draws when its tab comes to the front
    assert surface.currentIndex() == 1

    def check():
        net = doc.project.network
        for iy, ix in ((0, 0), (13, 77), (50, 50), (100, 100), (100, 0)):
            y = _reference_output(net, surface.xs[ix], surface.ys[iy])
            assert surface.values[iy, ix] == pytest.approx(LO + (HI - LO) * y, abs=1e-9)
        assert np.array_equal(surface.image.image, surface.values)

    check()
    # The grid covers the scaled data (0..1) with a 10% margin.
    assert surface.xs[0] == pytest.approx(-0.1) and surface.ys[-1] == pytest.approx(1.1)
    before = surface.values.copy()
    views.controller.step_update()
    surface.flush()
    assert not np.array_equal(before, surface.values)
    check()
    # The data points sit at the raw inputs.
    px, py = surface.points.getData()
    np.testing.assert_array_equal(px, [70, 50, 65, 25])
    np.testing.assert_array_equal(py, [98, 85, 67, 95])


def test_output_surface_says_why_when_there_are_not_two_inputs(qtbot):
    data = reference_dataset()
    doc = Document(Project(Network.create([3, 2, 1]), data=None))
    surface = DecisionSurface(doc)
    qtbot.addWidget(surface)
    surface.flush()
    assert surface.currentIndex() == 0 and "3" in surface.message.text()
    doc2 = Document(Project(Network.create([2, 2, 1])))
    surface2 = DecisionSurface(doc2)
    qtbot.addWidget(surface2)
    surface2.flush()
    assert surface2.currentIndex() == 0 and "Load data" in surface2.message.text()
    doc2.set_dataset(data)
    surface2.flush()  # not shown: it redraws when shown, or now
    assert surface2.currentIndex() == 1


def test_exports_write_markdown_and_pngs(views, tmp_path):
    assert views.export_worked_example(tmp_path / "none.md") is None  # no step yet
    views.controller.step_update()
    md = views.export_worked_example(tmp_path / "step.md")
    text = md.read_text(encoding="utf-8")
    assert "0.2689" in text and "0.5030" in text
    written = views.export_plots(tmp_path / "plots.png")
    assert [p.name for p in written] == ["plots_layers.png", "plots_surface.png", "plots_sensitivity.png"]
    for path in written:
        image = QImage(str(path))
        assert not image.isNull() and image.width() > 50 and image.height() > 50


def test_step_menu_holds_the_actions(window, views):
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Step" in titles
    texts = [a.text() for a in views.menu.actions()]
    for wanted in ("Forward", "Sub-step", "Update", "Epoch", "Reset weights",
                   "Export step as worked example (Markdown)…", "Export step plots as PNG…"):
        assert wanted in texts


def test_a_big_epoch_runs_on_the_training_worker(window, views, qtbot, monkeypatch):
    from mlp_studio.app.stepping import controller as stepping
    from mlp_studio.core.training import Trainer

    monkeypatch.setattr(stepping, "BIG_EPOCH", 0)  # treat the reference data as big
    doc = window.document
    expected = doc.project.network.copy()
    Trainer(expected, doc.project.data.X, doc.project.data.Z, doc.project.loss,
            doc.project.training).run_epoch()
    session = window.training_panel.session
    with qtbot.waitSignal(session.finished, timeout=10000):
        views.controller.run_epoch()
        assert session.is_active  # the GUI thread did not train
    assert not session.is_active
    assert doc.undo_stack.count() == 1
    for a, b in zip(doc.project.network.layers, expected.layers):
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-6)


def test_output_surface_of_a_chosen_output_in_its_own_units(qtbot):
    from mlp_studio.core.dataset import Dataset

    rng = np.random.default_rng(4)
    values = np.column_stack([rng.uniform(0, 10, 12), rng.uniform(-5, 5, 12), rng.uniform(0, 1, 12),
                              rng.uniform(100, 200, 12)])
    data = Dataset(["a", "b", "p", "q"], values, ["a", "b"], ["p", "q"], target_scaling="zscore")
    net = Network.create([2, 4, 2], ["tanh", "identity"], "xavier", seed=3)
    doc = Document(Project(net, data=data))
    surface = DecisionSurface(doc, grid=5)
    qtbot.addWidget(surface)
    surface.flush()
    assert not surface.chooser.isHidden() and surface.chooser.box.currentText() == "p"
    surface.chooser.box.setCurrentIndex(1)
    surface.chooser.box.activated.emit(1)  # what a user's choice emits
    assert surface.chooser.index == 1 and "output q" in surface.title.text()
    q = values[:, 3]
    for iy in (0, 4):
        for ix in (0, 2):  # by hand: output 1 on the scaled grid point, z-score undone with q's
            y = net.forward(np.array([[surface.xs[ix], surface.ys[iy]]]))[0, 1]
            assert surface.values[iy, ix] == pytest.approx(q.mean() + q.std() * y, rel=1e-12)
    single = DecisionSurface(Document(Project(Network.create([2, 2, 1]), data=reference_dataset())))
    qtbot.addWidget(single)
    single.flush()
    assert single.chooser.isHidden()  # one output: no box


def test_sensitivities_of_a_chosen_output_match_finite_differences(qtbot):
    from mlp_studio.app.stepping.sensitivity_view import SensitivityView
    from mlp_studio.app.stepping.controller import StepController
    from mlp_studio.core.dataset import Dataset

    rng = np.random.default_rng(5)
    data = Dataset(["a", "b", "p", "q"], rng.uniform(0, 1, (6, 4)), ["a", "b"], ["p", "q"])
    net = Network.create([2, 3, 2], "sigmoid", "xavier", seed=2)
    doc = Document(Project(net, data=data))
    view = SensitivityView(doc)
    qtbot.addWidget(view)
    StepController(doc).step_forward()
    view.flush()
    assert not view.chooser.isHidden() and view.chooser.box.currentText() == "p"
    view.chooser.box.setCurrentIndex(1)
    view.chooser.box.activated.emit(1)  # what a user's choice emits
    assert "y<sub>o[1]</sub>" in view.caption.text()
    x, h = data.X[0:1], 1e-6

    def q_after(layer: int, node: int, inp: int | None, step: float) -> float:
        moved = net.copy()
        target = moved.layers[layer].biases if inp is None else moved.layers[layer].weights[node]
        target[node if inp is None else inp] += step
        return float(moved.forward(x)[0, 1])

    for name, _value, dy, _neg in view.rows[:4]:  # the four largest, by central differences
        numbers = [int(v) for v in re.findall(r"\[(\d+)\]", name)]  # wh[0][node][input], bo[node]
        layer, numbers = (0, numbers[1:]) if name[1] == "h" else (1, numbers)
        node, inp = numbers[0], (numbers[1] if name[0] == "w" else None)
        expected = (q_after(layer, node, inp, h) - q_after(layer, node, inp, -h)) / (2 * h)
        assert dy == pytest.approx(expected, rel=1e-6, abs=1e-9), name
