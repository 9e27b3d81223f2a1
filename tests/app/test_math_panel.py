"""The math panel shows the shown sub-step's formulas with the reference's numbers,
the whole step once complete, the loss, and the output in the data's units."""

from __future__ import annotations

import re

import pytest

from mlp_studio.app.document.document import Document
from mlp_studio.app.stepping.math_panel import MathPanel, aligned
from mlp_studio.app.stepping.controller import StepController
from mlp_studio.core.project import Project
from mlp_studio.core.training import TrainingConfig
from tests.core.reference_net import reference_dataset, reference_network

HEADINGS = ["1. Forward through the hidden layer 0", "2. Forward through the output layer",
            "3. Output delta", "4. Delta of the hidden layer 0", "5. Update weights and biases"]


@pytest.fixture
def doc(qapp):
    return Document(Project(reference_network(), data=reference_dataset(),
                            training=TrainingConfig(learning_rate=0.1)))


@pytest.fixture
def panel(doc, qtbot):
    widget = MathPanel(doc)
    qtbot.addWidget(widget)
    return widget


def text(panel) -> str:
    """The panel's text, whitespace (table cells, lines) collapsed to single spaces."""
    panel.flush()  # it redraws lazily
    return " ".join(panel.toPlainText().replace("\u2212", "-").split())


def test_empty_states(qapp, qtbot):
    no_data = MathPanel(Document(Project(reference_network())))
    qtbot.addWidget(no_data)
    assert "Load data" in no_data.toPlainText()


def test_first_sub_step_shows_the_hidden_layer_as_in_the_reference(doc, panel):
    assert "No step shown" in text(panel)
    StepController(doc).sub_step()
    shown = text(panel)
    assert "1. Forward through the hidden layer 0" in shown and "2. Forward" not in shown
    # The reference document's three hidden sums and activations.
    for s, a in (("-1.0000", "0.2689"), ("0.5000", "0.6225"), ("1.5000", "0.8176")):
        assert f"σ({s})" in shown and f"= {a}" in shown
    assert "(1.0000 · (-0.5000)) + (1.0000 · (-1.0000)) + 0.5000" in shown  # negatives bracketed
    assert "scaled from I0 70, I1 98" in shown


def test_forward_pass_shows_the_output_and_the_loss(doc, panel):
    StepController(doc).step_forward()
    shown = text(panel)
    assert "2. Forward through the output layer" in shown
    assert "Done: Forward through the hidden layer 0" in shown
    assert "(0.2689 · 0.5000) + (0.6225 · (-1.0000)) + (0.8176 · 0.0000) + 0.5000" in shown
    assert "σ(0.0120)" in shown and "= 0.5030" in shown
    # L = 1/2 (0.5030 - 1)^2 = 0.1235 by hand (target 91 scales to 1).
    assert "= 0.1235" in shown
    # Output in the data's units: 68 + 0.50300 * (91 - 68) = 79.569; the target is 91.
    row = re.search(r"0\s+Z0\s+0\.5030\s+1\.0000\s+(\S+)\s+(\S+)\s+(\S+)", shown)
    assert row is not None, shown
    assert abs(float(row.group(1)) - (68 + 0.50300281 * 23)) < 1e-3
    assert row.group(2) == "91"
    assert abs(float(row.group(3)) - (68 + 0.50300281 * 23 - 91)) < 1e-3


def test_complete_step_shows_every_phase_in_order_and_the_loss_after(doc, panel):
    StepController(doc).step_update()
    shown = text(panel)
    positions = [shown.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    # delta_o = y(1-y)(y-z) = 0.5030 * 0.4970 * (-0.4970) = -0.1242 by hand
    assert "0.5030(1 - 0.5030) · (0.5030 - 1.0000)" in shown and "= -0.1242" in shown
    # w_o[0][0] new = 0.5 - 0.1 * (delta_o * 0.2689) = 0.5033
    assert "= 0.5033" in shown
    assert "Hidden layer 0" in shown and "Output layer" in shown
    assert "after the update" in shown and "change" in shown
    loss_after = float(re.search(r"after the update\s+(\S+)", shown).group(1))
    assert loss_after == pytest.approx(doc.trace.loss_after, rel=1e-5)
    assert loss_after < 0.1235  # the step went downhill on this row


def test_batch_step_has_a_batch_header(doc, panel):
    from dataclasses import replace

    doc.set_training(replace(doc.project.training, mode="batch"))
    stepper = StepController(doc)
    stepper.set_batch(True)
    stepper.step_update()
    shown = text(panel)
    assert "Step on a batch of 4 rows (mean of the gradients)" in shown
    for row in range(4):
        assert re.search(rf"(?<![\d.]){row} Z0 ", shown)


def test_equals_signs_line_up_in_one_table_column():
    block = "<i>s</i> = a + b<br>&nbsp;&nbsp;&nbsp;&nbsp;= 1 + 2<br>&nbsp;&nbsp;&nbsp;&nbsp;= 3"
    html = aligned(block)
    assert html.count("<tr>") == 3
    assert html.count("<td>=</td>") == 3
    assert '<td class="lhs"><i>s</i></td>' in html and '<td class="lhs"></td>' in html


@pytest.mark.parametrize("budget", [0.0, 60.0], ids=["a chunk a turn", "all in one turn"])
def test_the_rest_of_a_step_is_appended_within_a_layout_budget_per_turn(doc, panel, monkeypatch, budget):
    from mlp_studio.app.stepping import math_panel

    StepController(doc).step_update()
    whole = text(panel)  # laid out all at once
    monkeypatch.setattr(math_panel, "CHUNK_BUDGET_S", budget)
    trace = doc.trace
    doc.set_trace(None)
    doc.set_trace(trace)  # the same step shown again: laid out progressively
    panel.refresher.flush()  # the first chunk
    chunks = sum(1 for _ in math_panel.chunks(
        math_panel.math_parts(trace, doc.revealed, doc.project.data), math_panel.CHUNK_CHARS))
    assert chunks > 3
    turns = 0
    while panel._append_chunk():
        turns += 1
    assert turns == (chunks - 1 if budget == 0.0 else 1)
    assert " ".join(panel.toPlainText().replace("\u2212", "-").split()) == whole
