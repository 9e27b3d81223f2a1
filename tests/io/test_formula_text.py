"""Formula text: the reference document's numbers, read back out of the text."""

import math
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from mlp_studio.core.gradcheck import numeric_gradients
from mlp_studio.core.optimizers import Optimizer, OptimizerState, Penalty
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.trace import (
    PHASE_FORWARD,
    PHASE_HIDDEN_DELTA,
    PHASE_OUTPUT_DELTA,
    PHASE_UPDATE,
    Phase,
    PhasedStep,
    phases_for,
    step_trace,
)
from mlp_studio.io.formula_text import (
    format_number, gradient_formulas, loss_formulas, phase_formulas, update_formulas)
from tests.core.reference_net import reference_dataset, reference_network

NUMBER = re.compile(r"[-\u2212]?\d+\.\d+")


def numbers(text: str) -> list[float]:
    """Every decimal number printed in ``text`` (either minus sign)."""
    return [float(m.replace("\u2212", "-")) for m in NUMBER.findall(text)]


def sig(s: float) -> float:
    return 1.0 / (1.0 + math.exp(-s))


def braces_balance(text: str) -> bool:
    depth = 0
    for i, c in enumerate(text):
        if c in "{}" and i > 0 and text[i - 1] == "\\":
            continue  # \{ and \} are literal braces
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag, attrs):
        if tag != "br":
            self.stack.append(tag)

    def handle_endtag(self, tag):
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag


def html_well_formed(text: str) -> bool:
    checker = _TagChecker()
    checker.feed(text)
    return checker.ok and not checker.stack


@pytest.fixture
def ref_trace():
    ds = reference_dataset()
    assert list(ds.X[0]) == [1.0, 1.0]  # row 0 of the min-max scaled data
    return step_trace(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", 0.1, rows=[0])


# The reference document's printed numbers (forward pass for input (1, 1)).
REF_SUMS = [-1.0, 0.5, 1.5]
REF_ACTS = [0.2689, 0.6225, 0.8176]
REF_OUT_SUM, REF_Y = 0.0120, 0.5030


@pytest.mark.parametrize("style", ["latex", "html"])
def test_hidden_forward_shows_reference_numbers(ref_trace, style):
    entries = phase_formulas(ref_trace, Phase(PHASE_FORWARD, 0), style)
    assert len(entries) == 3
    minus = "-" if style == "latex" else "\u2212"
    first = entries[0].replace("&nbsp;", " ")
    # s_{h[0][0]} = (1.0000 . (-0.5000)) + (1.0000 . (-1.0000)) + 0.5000 = -1.0000, then sigma:
    # a negative factor is bracketed.
    dot = r" \cdot " if style == "latex" else " · "
    assert f"(1.0000{dot}({minus}0.5000)) + (1.0000{dot}({minus}1.0000)) + 0.5000" in first
    sigma = r"\sigma\left(" if style == "latex" else "σ("
    assert f"{sigma}{minus}1.0000" in first
    for entry, s, a in zip(entries, REF_SUMS, REF_ACTS):
        values = numbers(entry)
        assert values[-1] == a
        assert s in values  # the weighted sum, printed before the activation
        assert entry.count(f"{a:.4f}") == 1
    names = ("s_{h[0][1]}", "w_{h[0][1][0]}", "b_{h[0][1]}", "a_{h[0][1]}", "x_{[0]}") if style == "latex" \
        else ("<sub>h[0][1]</sub>", "<sub>h[0][1][0]</sub>", "<sub>[0]</sub>")
    for name in names:
        assert name in entries[1]


@pytest.mark.parametrize("style", ["latex", "html"])
def test_output_forward_shows_reference_numbers(ref_trace, style):
    (entry,) = phase_formulas(ref_trace, Phase(PHASE_FORWARD, 1), style)
    values = numbers(entry)
    assert values[-1] == REF_Y
    assert REF_OUT_SUM in values
    # The products of the reference: 0.2689 * 0.5 = 0.1345, 0.6225 * -1.0 = -0.6225.
    minus = "-" if style == "latex" else "\u2212"
    assert f"0.1345 {minus} 0.6225 + 0.0000 + 0.5000" in entry
    assert ("y_{o[0]}" if style == "latex" else "<i>y</i><sub>o[0]</sub>") in entry


def test_output_delta_sigmoid_half_squared_error(ref_trace):
    (entry,) = phase_formulas(ref_trace, Phase(PHASE_OUTPUT_DELTA, 1), "latex")
    y = sig(0.5 * sig(-1.0) - 1.0 * sig(0.5) + 0.5)
    z = 1.0  # the scaled target (the reference uses the raw 91 here)
    assert r"y_{o[0]}(1 - y_{o[0]}) \cdot \left(y_{o[0]} - z_{[0]}\right)" in entry
    assert r"0.5030(1 - 0.5030) \cdot \left(0.5030 - 1.0000\right)" in entry
    values = numbers(entry)
    assert values[-3] == round(y * (1 - y), 4) == 0.2500  # not the reference's 0.2494
    assert values[-2] == round(y - z, 4)
    assert values[-1] == round(y * (1 - y) * (y - z), 4)


@pytest.mark.parametrize("style", ["latex", "html"])
def test_hidden_delta_by_hand(ref_trace, style):
    entries = phase_formulas(ref_trace, Phase(PHASE_HIDDEN_DELTA, 0), style)
    a = [sig(-1.0), sig(0.5), sig(1.5)]
    wo = [0.5, -1.0, 0.0]
    y = sig(sum(ai * wi for ai, wi in zip(a, wo)) + 0.5)
    d_o = y * (1 - y) * (y - 1.0)
    for j, entry in enumerate(entries):
        values = numbers(entry)
        assert values[-3] == round(a[j] * (1 - a[j]), 4)
        assert values[-2] == round(wo[j] * d_o, 4) or abs(values[-2]) == 0.0
        assert values[-1] == round(a[j] * (1 - a[j]) * wo[j] * d_o, 4) + 0.0
    assert ("a_{h[0][0]}(1 - a_{h[0][0]})" if style == "latex" else "(1 − <i>a</i>") in entries[0]


@pytest.mark.parametrize("style", ["latex", "html"])
def test_update_results_equal_weights_after_for_every_parameter(ref_trace, style):
    entries = phase_formulas(ref_trace, Phase(PHASE_UPDATE, 1), style)
    assert len(entries) == 3 * 3 + 4  # 9 hidden parameters, 4 output parameters
    eta = 0.1
    expected = []
    for lt in ref_trace.layers:
        for j in range(lt.weights_after.shape[0]):
            expected += [(lt.weights_before[j, i], lt.weights_after[j, i])
                         for i in range(lt.weights_after.shape[1])]
            expected.append((lt.biases_before[j], lt.biases_after[j]))
    for entry, (old, new) in zip(entries, expected):
        values = numbers(entry)
        assert values[-1] == round(new, 4) + 0.0  # the result printed is the updated weight
        grad, shown_old, shown_eta, shown_grad = values[-5:-1]
        assert (shown_old, shown_eta) == (round(old, 4), eta)
        assert shown_grad == grad  # the gradient computed above is the one used
        assert shown_old - eta * shown_grad == pytest.approx(values[-1], abs=2e-4)
    # An independent hand calculation of one update: w_o[0][0] - eta * delta_o * a_h[0][0].
    a0 = sig(-1.0)
    y = sig(0.5 * a0 - 1.0 * sig(0.5) + 0.5)
    by_hand = 0.5 - eta * (y * (1 - y) * (y - 1.0)) * a0
    assert numbers(entries[9])[-1] == round(by_hand, 4)
    assert ("w_{o[0][0]}^{\\text{new}}" if style == "latex" else "<sup>new</sup>") in entries[9]


def test_latex_braces_balance_and_html_is_well_formed(ref_trace):
    for phase in phases_for(2):
        for entry in phase_formulas(ref_trace, phase, "latex"):
            assert braces_balance(entry), entry
            assert entry.startswith("\\begin{aligned}") and entry.endswith("\\end{aligned}")
        for entry in phase_formulas(ref_trace, phase, "html"):
            assert html_well_formed(entry), entry
            assert "\\" not in entry and "{" not in entry and "$" not in entry
    assert braces_balance(loss_formulas(ref_trace, "latex")[0])


def test_loss_formula(ref_trace):
    (latex,) = loss_formulas(ref_trace, "latex")
    y = sig(0.5 * sig(-1.0) - 1.0 * sig(0.5) + 0.5)
    assert r"\frac{1}{2}(0.5030 - 1.0000)^{2}" in latex
    assert numbers(latex)[-1] == round(0.5 * (y - 1.0) ** 2, 4)


def _two_layer(hidden_act: str, out_act: str, n_out: int = 1) -> Network:
    w1 = np.array([[0.4, -0.7], [-0.3, 0.2]])
    w2 = np.array([[0.6, -0.5], [0.1, 0.9]])[:n_out]
    return Network(2, [Layer(w1, np.array([0.1, -0.2]), hidden_act),
                       Layer(w2, np.array([0.05, -0.1])[:n_out], out_act)])


@pytest.mark.parametrize("act, symbolic, derivative", [
    ("sigmoid", "a_{h[0][0]}(1 - a_{h[0][0]})", lambda s: sig(s) * (1 - sig(s))),
    ("tanh", "1 - a_{h[0][0]}^{2}", lambda s: 1 - math.tanh(s) ** 2),
    ("relu", "[s_{h[0][0]} > 0]", lambda s: float(s > 0)),
    ("leaky_relu", r"\text{ if }s_{h[0][0]} > 0\text{, else }0.01", lambda s: 1.0 if s > 0 else 0.01),
    ("identity", r"\delta_{h[0][0]} &= f'(s_{h[0][0]}) \cdot \left(w_{o[0][0]} \delta_{o[0]}\right) \\" "\n&= 1",
     lambda s: 1.0),
])
def test_hidden_derivative_text_per_activation(act, symbolic, derivative):
    x = np.array([[0.8, -0.6]])
    trace = step_trace(_two_layer(act, "identity"), x, np.array([[0.3]]), "half_squared_error", 0.5)
    entries = phase_formulas(trace, Phase(PHASE_HIDDEN_DELTA, 0), "latex")
    for j, entry in enumerate(entries):
        s = 0.8 * [0.4, -0.3][j] - 0.6 * [-0.7, 0.2][j] + [0.1, -0.2][j]
        assert numbers(entry)[-3] == round(derivative(s), 4)
        assert braces_balance(entry)
    assert symbolic in entries[0]


@pytest.mark.parametrize("loss, factor_text, factor", [
    ("half_squared_error", r"\left(y_{o[0]} - z_{[0]}\right)", 1.0),
    ("squared_error", r"2\left(y_{o[0]} - z_{[0]}\right)", 2.0),
])
def test_output_delta_per_loss_with_identity_output(loss, factor_text, factor):
    x, z = np.array([[0.8, -0.6]]), np.array([[0.3]])
    trace = step_trace(_two_layer("tanh", "identity"), x, z, loss, 0.5)
    (entry,) = phase_formulas(trace, Phase(PHASE_OUTPUT_DELTA, 1), "latex")
    h = [math.tanh(0.8 * 0.4 - 0.6 * -0.7 + 0.1), math.tanh(0.8 * -0.3 - 0.6 * 0.2 - 0.2)]
    y = 0.6 * h[0] - 0.5 * h[1] + 0.05
    assert factor_text in entry and r"1 \cdot " in entry
    assert numbers(entry)[-1] == round(factor * (y - 0.3), 4)


def test_cross_entropy_sigmoid_output_delta_is_y_minus_z():
    trace = step_trace(_two_layer("tanh", "sigmoid"), np.array([[0.8, -0.6]]), np.array([[1.0]]),
                       "cross_entropy", 0.5)
    (entry,) = phase_formulas(trace, Phase(PHASE_OUTPUT_DELTA, 1), "html")
    h = [math.tanh(0.8 * 0.4 - 0.6 * -0.7 + 0.1), math.tanh(0.8 * -0.3 - 0.6 * 0.2 - 0.2)]
    y = sig(0.6 * h[0] - 0.5 * h[1] + 0.05)
    assert "<i>y</i><sub>o[0]</sub> − <i>z</i><sub>[0]</sub>" in entry and "cross-entropy" in entry
    assert numbers(entry)[-1] == round(y - 1.0, 4)


def test_softmax_forward_and_delta():
    trace = step_trace(_two_layer("sigmoid", "softmax", n_out=2), np.array([[0.8, -0.6]]),
                       np.array([[0.0, 1.0]]), "cross_entropy", 0.5)
    entries = phase_formulas(trace, Phase(PHASE_FORWARD, 1), "latex")
    h = [sig(0.8 * 0.4 - 0.6 * -0.7 + 0.1), sig(0.8 * -0.3 - 0.6 * 0.2 - 0.2)]
    s = [0.6 * h[0] - 0.5 * h[1] + 0.05, 0.1 * h[0] + 0.9 * h[1] - 0.1]
    y = [math.exp(v) / sum(math.exp(u) for u in s) for v in s]
    for j, entry in enumerate(entries):
        assert rf"\frac{{e^{{{s[j]:.4f}}}}}{{e^{{{s[0]:.4f}}} + e^{{{s[1]:.4f}}}}}" in entry
        assert numbers(entry)[-1] == round(y[j], 4)
        assert braces_balance(entry)
    deltas = phase_formulas(trace, Phase(PHASE_OUTPUT_DELTA, 1), "latex")
    assert [numbers(d)[-1] for d in deltas] == [round(y[0] - 0.0, 4), round(y[1] - 1.0, 4)]


def test_wide_layer_sum_is_truncated_but_value_exact():
    rng = np.random.default_rng(5)
    w = rng.uniform(-1, 1, (2, 20))
    net = Network(20, [Layer(w.copy(), np.array([0.25, -0.25]), "identity")])
    x = rng.uniform(0, 1, (1, 20))
    trace = step_trace(net, x, np.zeros((1, 2)), "half_squared_error", 0.1)
    entries = phase_formulas(trace, Phase(PHASE_FORWARD, 0), "latex", max_terms=8)
    html = phase_formulas(trace, Phase(PHASE_FORWARD, 0), "html", max_terms=8)
    for j in range(2):
        assert entries[j].count(r"\ldots\ \text{(12 more)}") == 3  # symbols, products, values
        assert "… (12 more)" in html[j]
        assert f"w_{{o[{j}][7]}}" in entries[j] and f"w_{{o[{j}][8]}}" not in entries[j]
        exact = float(x[0] @ w[j]) + [0.25, -0.25][j]
        assert numbers(entries[j])[-1] == round(exact, 4) + 0.0
        assert braces_balance(entries[j])


def _batch_trace(reduction: str, rows: int):
    ds = reference_dataset()
    X = np.tile(ds.X, (rows // 4 + 1, 1))[:rows]
    Z = np.tile(ds.Z, (rows // 4 + 1, 1))[:rows]
    return step_trace(reference_network(), X, Z, "half_squared_error", 0.1, reduction,
                      rows=list(range(rows))), X, Z


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_batch_shows_first_row_and_reduced_gradient(reduction):
    trace, X, Z = _batch_trace(reduction, 4)
    assert trace.is_batch
    forward = phase_formulas(trace, Phase(PHASE_FORWARD, 0), "latex")
    assert "the first of the batch's 4 rows" in forward[0]
    assert [numbers(e)[-1] for e in forward] == REF_ACTS  # row 0 is the reference's (1, 1)
    updates = phase_formulas(trace, Phase(PHASE_UPDATE, 1), "latex")
    assert all(f"{reduction} over the batch's 4 rows" in e for e in updates)
    assert all((r"\frac{1}{4}" in e) == (reduction == "mean") for e in updates)
    fd = numeric_gradients(reference_network(), X, Z, "half_squared_error", reduction)
    expected = [g for gw, gb in fd for j in range(gw.shape[0]) for g in [*gw[j], gb[j]]]
    for entry, g in zip(updates, expected):
        gradient_printed = numbers(entry)[-5]  # ... = gradient; old - eta * gradient = new
        assert gradient_printed == pytest.approx(g, abs=1.5e-4)


def test_large_batch_lists_a_few_rows_only():
    trace, _, _ = _batch_trace("mean", 20)
    (entry,) = [e for e in phase_formulas(trace, Phase(PHASE_UPDATE, 1), "html")][-1:]
    assert "(1/20)" in entry and "… (12 more)" in entry
    assert entry.count("·") < 20
    loss = loss_formulas(trace, "latex")[0]
    assert r"\frac{1}{20} \sum_{r} L^{(r)}" in loss
    assert numbers(loss)[-1] == round(trace.loss_before, 4)


def test_momentum_update_uses_previous_velocity():
    ds = reference_dataset()
    velocity = ([np.full((3, 2), 0.02), np.full((1, 3), -0.01)], [np.full(3, 0.03), np.full(1, 0.04)])
    step = PhasedStep(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", 0.1,
                      optimizer=Optimizer(momentum=0.9),
                      state=OptimizerState(1, 0, {"velocity": velocity}))
    trace = step.run()
    entries = phase_formulas(trace, Phase(PHASE_UPDATE, 1), "latex")
    # w_h[0][0][0]: v = 0.9 * 0.02 - 0.1 * grad, new = -0.5 + v; grad by hand.
    a0 = sig(-1.0)
    y = sig(0.5 * a0 - 1.0 * sig(0.5) + 0.5)
    grad = a0 * (1 - a0) * 0.5 * y * (1 - y) * (y - 1.0) * 1.0
    v = 0.9 * 0.02 - 0.1 * grad
    assert r"0.9000 \cdot 0.0200 - 0.1000 \cdot " in entries[0]
    assert numbers(entries[0])[-1] == round(-0.5 + v, 4)
    assert r"\mu \cdot v_{h[0][0][0]}^{\text{prev}}" in entries[0]
    assert numbers(entries[-1])[-1] == round(trace.layers[1].biases_after[0], 4)


def test_partial_trace_and_max_entries(ref_trace):
    step = PhasedStep(reference_network(), np.ones((1, 2)), np.ones((1, 1)), "half_squared_error", 0.1)
    step.advance()
    assert len(phase_formulas(step.trace, Phase(PHASE_FORWARD, 0), "html")) == 3
    with pytest.raises(ValueError, match="run that sub-step first"):
        phase_formulas(step.trace, Phase(PHASE_FORWARD, 1), "html")
    capped = phase_formulas(ref_trace, Phase(PHASE_UPDATE, 1), "latex", max_entries=3)
    assert len(capped) == 4 and capped[-1] == r"\ldots\ \text{(10 more)}"
    with pytest.raises(ValueError):
        phase_formulas(ref_trace, Phase(PHASE_FORWARD, 0), "rtf")


def test_number_formatting():
    assert format_number(-0.00001) == "0.0000"  # no negative zero
    assert format_number(-0.5, "html") == "\u22120.5000"
    assert format_number(0.12345, digits=2) == "0.12"
    assert format_number(float("nan"), "html") == "NaN"
    assert format_number(float("-inf")) == r"-\infty"
    assert format_number(12345678.0) == r"1.2346 \times 10^{7}"


def test_batch_bias_gradient_folds_signs():
    trace, _, _ = _batch_trace("mean", 4)
    bias = phase_formulas(trace, Phase(PHASE_UPDATE, 1), "latex")[2]  # b_{h[0][0]}
    d = trace.layers[0].delta[:, 0]
    terms = f"{d[0]:.4f}" + "".join(f" {'-' if v < 0 else '+'} {abs(v):.4f}" for v in d[1:])
    assert rf"\frac{{1}}{{4}}\left({terms}\right)" in bias and "+ -" not in bias
    assert numbers(bias)[-5] == round(d.mean(), 4)


def test_wide_update_is_capped_by_default():
    net = Network.create([30, 20, 1], ["tanh", "sigmoid"], "xavier", seed=1)
    trace = step_trace(net, np.full((1, 30), 0.5), np.ones((1, 1)), "half_squared_error", 0.1)
    entries = phase_formulas(trace, Phase(PHASE_UPDATE, 1), "html")
    assert len(entries) == 257 and entries[-1] == f"… ({20 * 31 + 21 - 256} more)"
    assert len(phase_formulas(trace, Phase(PHASE_UPDATE, 1), "html", max_entries=None)) == 20 * 31 + 21


def test_lecture_notation_names_the_reference_weights_by_layer_and_one_based_nodes(ref_trace):
    """weights[0][1][0] (wh[0][1][0]) is w^(1)_21 in lecture notation; sums are z, targets y."""
    (entry,) = phase_formulas(ref_trace, Phase(PHASE_UPDATE, 0), "latex", max_entries=None,
                              notation="lecture")[3:4]  # node 1's weight from input 0
    assert r"w_{21}^{(1)\,\text{new}}" in entry
    assert "h[0]" not in entry
    forward = phase_formulas(ref_trace, Phase(PHASE_FORWARD, 1), "latex", notation="lecture")[0]
    # z^(2)_1 = a^(1)_1 w^(2)_11 + a^(1)_2 w^(2)_12 + a^(1)_3 w^(2)_13 + b^(2)_1
    assert forward.startswith(r"\begin{aligned}" "\n" r"z_{1}^{(2)} &= a_{1}^{(1)} w_{11}^{(2)} + "
                              r"a_{2}^{(1)} w_{12}^{(2)} + a_{3}^{(1)} w_{13}^{(2)} + b_{1}^{(2)}")
    (delta,) = phase_formulas(ref_trace, Phase(PHASE_OUTPUT_DELTA, 1), "latex", notation="lecture")
    assert r"a_{1}^{(2)} - y_{1}" in delta and r"\delta_{1}^{(2)}" in delta


def test_a_long_backpropagated_sum_gets_its_own_line(ref_trace):
    """With two outputs, hidden node 0's delta first sums w delta over both (hand-checked),
    then multiplies: the product line holds one number, not a sum that could wrap."""
    import copy

    trace = copy.deepcopy(ref_trace)
    out = trace.layers[1]
    out.weights_before = np.vstack([out.weights_before, [[-0.25, 0.5, 1.0]]])
    out.delta = np.array([0.1, -0.2])
    (entry, *_) = phase_formulas(trace, Phase(PHASE_HIDDEN_DELTA, 0), "latex")
    # w_o[0][0] delta_o[0] + w_o[1][0] delta_o[1] = 0.5 * 0.1 + (-0.25) * (-0.2) = 0.1
    assert r"(0.5000 \cdot 0.1000) + (-0.2500 \cdot (-0.2000))" in entry
    lines = entry.splitlines()
    sum_line = next(k for k, line in enumerate(lines) if r"(-0.2500 \cdot (-0.2000))" in line)
    assert lines[sum_line + 1] == r"&= 0.1000 \\"
    assert any(line.endswith(r"\cdot \left(0.1000\right) \\") for line in lines)


def _output_weight_gradient():
    """d L / d w_o[0][0] for the reference step on row 0 (target 1), by hand."""
    a0 = sig(-1.0)
    y = sig(0.5 * a0 - 1.0 * sig(0.5) + 0.5)
    return y * (1 - y) * (y - 1.0) * a0


def test_adam_update_shows_moments_and_the_bias_corrected_rate_by_hand():
    ds = reference_dataset()
    trace = step_trace(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", 0.1,
                       optimizer=Optimizer("adam"), with_sensitivity=False)
    g = _output_weight_gradient()
    m, v = 0.1 * g, 0.001 * g * g
    eta_t = 0.1 * math.sqrt(1 - 0.999) / (1 - 0.9)
    new = 0.5 - eta_t * m / (math.sqrt(v) + 1e-8)
    assert trace.layers[1].weights_after[0, 0] == pytest.approx(new, rel=1e-12)
    entry = update_formulas(trace, 1, "latex")[0]
    assert r"\beta_{1} \cdot m_{o[0][0]}^{\text{prev}}" in entry and r"\sqrt{v_{o[0][0]}}" in entry
    values = numbers(entry)
    assert round(m, 4) in values and round(eta_t, 4) in values and values[-1] == round(new, 4)
    html = update_formulas(trace, 1, "html")[0]
    assert "√(" in html and "<i>β</i><sub>2</sub>" in html


def test_rmsprop_and_nesterov_updates_by_hand():
    ds = reference_dataset()
    g = _output_weight_gradient()
    rms = step_trace(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", 0.1,
                     optimizer=Optimizer("rmsprop", rho=0.9), with_sensitivity=False)
    r = 0.1 * g * g
    entry = update_formulas(rms, 1, "latex")[0]
    assert numbers(entry)[-1] == round(0.5 - 0.1 * g / (math.sqrt(r) + 1e-8), 4)
    assert r"\rho \cdot r_{o[0][0]}^{\text{prev}}" in entry
    velocity = ([np.full((3, 2), 0.02), np.full((1, 3), -0.01)], [np.full(3, 0.03), np.full(1, 0.04)])
    nag = step_trace(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", 0.1,
                     optimizer=Optimizer("nesterov", momentum=0.9),
                     state=OptimizerState(1, 0, {"velocity": velocity}), with_sensitivity=False)
    v = 0.9 * -0.01 - 0.1 * g
    entry = update_formulas(nag, 1, "latex")[0]
    assert numbers(entry)[-1] == round(0.5 + 0.9 * v - 0.1 * g, 4)
    assert round(v, 4) in numbers(entry)


def test_penalty_enters_the_gradient_and_the_loss_with_its_numbers():
    ds = reference_dataset()
    trace = step_trace(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", 0.1,
                       penalty=Penalty(l1=0.01, l2=0.1), with_sensitivity=False)
    g = _output_weight_gradient() + 0.1 * 0.5 + 0.01 * 1.0  # w_o[0][0] = 0.5
    entry = gradient_formulas(trace, 1, "latex")[0]
    assert r"\lambda_{2} \cdot w_{o[0][0]}" in entry and r"0.1000 \cdot 0.5000" in entry
    assert numbers(entry)[-1] == round(g, 4)
    assert gradient_formulas(trace, 1, "latex")[-1].count(r"\lambda") == 0  # the bias: no penalty
    squares = (0.25 + 1 + 0.25 + 0.25 + 1 + 0) + (0.25 + 1 + 0)  # hidden, then output weights
    absolute = (0.5 + 1 + 0.5 + 0.5 + 1 + 0) + (0.5 + 1 + 0)
    penalty = 0.05 * squares + 0.01 * absolute
    block = loss_formulas(trace, "latex")[-1]
    assert trace.penalty_before == pytest.approx(penalty, rel=1e-15)
    assert numbers(block)[-1] == round(trace.loss_before + penalty, 4)
    assert round(penalty, 4) in numbers(block)
