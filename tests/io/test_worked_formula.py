"""The quiz's worked formula for a trace path ends in that path's value."""

import pytest

from mlp_studio.core.quiz import number_at
from mlp_studio.core.trace import step_trace
from mlp_studio.io.formula_text import format_number
from mlp_studio.io.project_file import load_project
from mlp_studio.io.resources import resource_path
from mlp_studio.io.worked_formula import worked_formula


@pytest.fixture(scope="module")
def trace():
    p = load_project(resource_path("reference.mlp.json"))
    return step_trace(p.network, p.data.X[:1], p.data.Z[:1], p.loss, 0.1)


@pytest.mark.parametrize("path, symbol", [
    ("layers.0.a.1", "h[0][1]"), ("layers.0.s.2", "h[0][2]"), ("layers.1.delta.0", "o[0]"),
    ("layers.0.delta.0", "h[0][0]"), ("layers.1.grad_weights.0.1", "o[0][1]"),
    ("layers.0.grad_biases.2", "h[0][2]"), ("layers.0.weights_after.2.1", "h[0][2][1]"),
    ("layers.1.biases_after.0", "o[0]"), ("loss_before", "o[0]"),
])
def test_formula_names_the_value_and_works_it_out(trace, path, symbol):
    text = worked_formula(trace, path, "latex")
    assert symbol in text
    value = number_at(trace, path) if path != "loss_before" else trace.loss_before
    assert f"= {format_number(value)}" in text


def test_paths_without_a_formula_give_none(trace):
    assert worked_formula(trace, "output.0") is None
    assert worked_formula(trace, "layers.5.a.0") is None
