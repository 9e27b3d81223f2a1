"""Worked-example export: the reference step as Markdown + LaTeX, every formula filled in."""

import math
import re

import numpy as np
import pytest

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.optimizers import Optimizer
from mlp_studio.core.project import Project
from mlp_studio.core.trace import PhasedStep, step_trace
from mlp_studio.io.worked_example import worked_example_markdown
from tests.core.reference_net import reference_dataset, reference_network
from tests.io.test_formula_text import braces_balance, numbers, sig

BLOCK = re.compile(r"^\$\$\n(.*?)\n\$\$$", re.S | re.M)


def reference_markdown(scaling: str = "minmax01", rows: int = 1, reduction: str = "mean"):
    ds = reference_dataset(scaling)
    trace = step_trace(reference_network(), ds.X[:rows], ds.Z[:rows], "half_squared_error", 0.1,
                       reduction, rows=list(range(rows)))
    return worked_example_markdown(trace, Project(reference_network(), data=ds)), trace


def check_latex(text: str) -> list[str]:
    """Every display block balanced and aligned; inline math paired; returns the blocks."""
    blocks = BLOCK.findall(text)
    assert text.count("$$") == 2 * len(blocks)
    for block in blocks:
        assert braces_balance(block), block
        assert block.count(r"\begin{aligned}") == block.count(r"\end{aligned}") == 1
        assert block.count(r"\left") == block.count(r"\right")
    prose = BLOCK.sub("", text)
    for line in prose.splitlines():
        assert line.count("$") % 2 == 0, line
        for inline in re.findall(r"\$([^$]+)\$", line):
            assert braces_balance(inline), inline
    return blocks


def section(text: str, title: str) -> str:
    """The text of the ``## n title`` section."""
    match = re.search(rf"^## \d+ {title}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no section {title!r}"
    return match.group(1)


def test_reference_step_sections_and_numbers():
    text, trace = reference_markdown()
    blocks = check_latex(text)
    titles = re.findall(r"^## (\d+) (.+)$", text, re.M)
    assert [t for _, t in titles] == ["Normalisation", "Forward pass", "Loss", "Output delta",
                                      "Hidden deltas", "Gradients", "Updates", "Loss before and after"]
    assert [int(n) for n, _ in titles] == list(range(1, 9))
    for macro in (r"\cdot", r"\sigma", r"\eta", r"\delta"):
        assert macro in text
    forward = section(text, "Forward pass")
    for value in ("-1.0000", "0.5000", "1.5000", "0.2689", "0.6225", "0.8176", "0.0120", "0.5030"):
        assert value in forward
    assert r"&= \sigma\left(-1.0000\right) \\" + "\n&= 0.2689" in forward
    assert len(blocks) == 1 + 4 + 1 + 1 + 3 + 13 + 13 + 1


def test_reference_normalisation_row():
    text, _ = reference_markdown()
    norm = section(text, "Normalisation")
    # The raw row 70, 98 -> 91 with the columns' min and max (the reference's table).
    assert "| raw | 70 | 98 |" in norm and "| min | 25 | 67 |" in norm and "| max | 70 | 98 |" in norm
    assert "| raw | 91 |" in norm and "| min | 68 |" in norm
    assert r"\frac{70 - 25}{70 - 25} = 1.0000" in norm
    assert r"\frac{98 - 67}{98 - 67} = 1.0000" in norm
    assert r"z_{[0]} \; (\text{Z0})" in norm
    assert "Warning" not in norm


def test_row_2_normalises_like_the_reference():
    ds = reference_dataset()
    trace = step_trace(reference_network(), ds.X[2:3], ds.Z[2:3], "half_squared_error", 0.1, rows=[2])
    norm = section(worked_example_markdown(trace, Project(reference_network(), data=ds)), "Normalisation")
    # The reference: (65 - 25) / (70 - 25) = 0.8888 (it truncates; rounded it is 0.8889).
    assert r"\frac{65 - 25}{70 - 25} = 0.8889" in norm
    assert r"\frac{67 - 67}{98 - 67} = 0.0000" in norm


def test_loss_gradients_updates_and_loss_after_by_hand():
    text, trace = reference_markdown()
    eta, z = 0.1, 1.0
    a = [sig(-1.0), sig(0.5), sig(1.5)]
    wo, bo = [0.5, -1.0, 0.0], 0.5
    y = sig(sum(ai * wi for ai, wi in zip(a, wo)) + bo)
    d_o = y * (1 - y) * (y - z)
    assert numbers(section(text, "Loss"))[-1] == round(0.5 * (y - z) ** 2, 4)
    assert numbers(section(text, "Output delta"))[-1] == round(d_o, 4)
    grads = BLOCK.findall(section(text, "Gradients"))
    assert [numbers(b)[-1] for b in grads[:4]] == [round(d_o * ai, 4) for ai in a] + [round(d_o, 4)]
    updates = BLOCK.findall(section(text, "Updates"))
    wo_new = [w - eta * d_o * ai for w, ai in zip(wo, a)]
    bo_new = bo - eta * d_o
    assert [numbers(b)[-1] for b in updates[:4]] == [round(v, 4) + 0.0 for v in wo_new + [bo_new]]
    # Hidden layer: w_new = w - eta * delta_h * x with x = (1, 1).
    W, b = [[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]], [0.5, 0.5, 0.5]
    d_h = [ai * (1 - ai) * wi * d_o for ai, wi in zip(a, wo)]
    hidden = [v for j in range(3) for v in (W[j][0] - eta * d_h[j], W[j][1] - eta * d_h[j], b[j] - eta * d_h[j])]
    assert [numbers(blk)[-1] for blk in updates[4:]] == [round(v, 4) + 0.0 for v in hidden]
    # Loss after: a forward pass with the new weights, by hand.
    a_new = [sig(W[j][0] - eta * d_h[j] + W[j][1] - eta * d_h[j] + b[j] - eta * d_h[j]) for j in range(3)]
    y_new = sig(sum(ai * wi for ai, wi in zip(a_new, wo_new)) + bo_new)
    before, after, change = numbers(section(text, "Loss before and after"))
    assert (before, after) == (round(0.5 * (y - z) ** 2, 4), round(0.5 * (y_new - z) ** 2, 4))
    assert change == round(0.5 * (y_new - z) ** 2 - 0.5 * (y - z) ** 2, 4)


def test_output_in_the_datas_own_units():
    text, _ = reference_markdown()
    y = sig(0.5 * sig(-1.0) - 1.0 * sig(0.5) + 0.5)
    raw = 68 + y * (91 - 68)  # the min-max inverse, by hand
    assert f"Z0: output {raw:.4f}, target 91" in text


def test_unscaled_target_warns():
    # The reference's slip: inputs scaled, the target 91 left raw.
    ds = reference_dataset()
    ds = Dataset(ds.columns, ds.values, ds.inputs, ds.targets, "minmax01", "none")
    trace = step_trace(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", 0.1, rows=[0])
    text = worked_example_markdown(trace, Project(reference_network(), data=ds))
    check_latex(text)
    norm = section(text, "Normalisation")
    assert r"z_{[0]} \; (\text{Z0}) &= 91 \quad \text{(not scaled)}" in norm
    assert "> **Warning:**" in norm and "91" in norm and "sigmoid" in norm
    # With z = 91 the output delta is y(1 - y)(y - 91): about -22.62, not the reference's -22.56.
    y = sig(0.5 * sig(-1.0) - 1.0 * sig(0.5) + 0.5)
    assert numbers(section(text, "Output delta"))[-1] == round(y * (1 - y) * (y - 91), 4)
    assert "-22.62" in section(text, "Output delta")


def test_minmax11_and_zscore_formulas():
    text, trace = reference_markdown("minmax11", rows=2)
    norm = section(text, "Normalisation")
    assert r"\frac{70 - 25}{70 - 25} \cdot 2 - 1 = 1.0000" in norm
    check_latex(text)
    ds = Dataset(["a", "b", "t"], np.array([[1.0, 4.0, 0.0], [3.0, 4.0, 1.0]]), ["a", "b"], ["t"],
                 input_scaling="zscore", target_scaling="minmax01")
    trace = step_trace(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", 0.1, rows=[0])
    norm = section(worked_example_markdown(trace, Project(reference_network(), data=ds)), "Normalisation")
    assert "| mean | 2 | 4 |" in norm and "| std | 1 | 0 |" in norm
    assert r"\frac{1 - 2}{1} = -1.0000" in norm
    assert r"\frac{4 - 4}{1} = 0.0000 \quad \text{(constant column: span taken as 1)}" in norm


def test_batch_step_says_mean_or_sum():
    for reduction in ("mean", "sum"):
        text, trace = reference_markdown(rows=4, reduction=reduction)
        check_latex(text)
        assert "a batch of 4 data rows (0, 1, 2, 3)" in text
        assert ("averaged (mean)" if reduction == "mean" else "summed") in text
        assert f"{reduction} over the batch's 4 rows" in section(text, "Gradients")
        assert "the first of the batch's 4 rows" in section(text, "Forward pass")
        before, after, _ = numbers(section(text, "Loss before and after"))
        assert before == round(trace.loss_before, 4) and after == round(trace.loss_after, 4)
        # The reduced loss by hand: the mean or sum of 1/2 (y - z)^2 over the 4 rows.
        ds = reference_dataset()
        losses = []
        for x, z in zip(ds.X, ds.Z[:, 0]):
            a = [sig(x[0] * w[0] + x[1] * w[1] + 0.5) for w in ([-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0])]
            losses.append(0.5 * (sig(0.5 * a[0] - a[1] + 0.5) - z) ** 2)
        assert before == round(sum(losses) / (4 if reduction == "mean" else 1), 4)


def test_without_project_and_partial_trace():
    ds = reference_dataset()
    trace = step_trace(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", 0.1, rows=[0])
    text = worked_example_markdown(trace)
    assert "Normalisation" not in text and re.search(r"^## 1 Forward pass$", text, re.M)
    check_latex(text)
    step = PhasedStep(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", 0.1, rows=[0])
    for _ in range(2):
        step.advance()  # forward through both layers only
    text = worked_example_markdown(step.trace)
    check_latex(text)
    assert "0.5030" in section(text, "Forward pass") and "Gradients" not in text
    assert text.rstrip().endswith("*The step has not reached the output delta yet.*")


def test_other_activations_momentum_and_awkward_column_names():
    net = Network(3, [Layer(np.array([[0.2, -0.4, 0.1], [0.3, 0.5, -0.2]]), np.array([0.1, 0.0]), "tanh"),
                      Layer(np.array([[0.7, -0.3], [-0.6, 0.4]]), np.array([0.0, 0.2]), "leaky_relu"),
                      Layer(np.array([[0.5, -0.5], [0.25, 0.75]]), np.array([0.1, -0.1]), "softmax")])
    columns = ["x_1", "50%", "{a}", "class A", "class|B"]
    values = np.array([[0.1, 2.0, -1.0, 1.0, 0.0], [0.5, 3.0, 1.0, 0.0, 1.0]])
    ds = Dataset(columns, values, columns[:3], columns[3:], target_scaling="none")
    trace = step_trace(net.copy(), ds.X[:1], ds.Z[:1], "cross_entropy", 0.2, rows=[0],
                       optimizer=Optimizer(momentum=0.9))
    text = worked_example_markdown(trace, Project(net, "cross_entropy", ds))
    check_latex(text)
    assert r"(\text{x\_1})" in text and r"(\text{50\%})" in text and r"(\text{\{a\}})" in text
    assert r"| inputs | x\_1 | 50% | {a} |" in text and r"class\|B" in text
    assert r"v = \mu v - \eta \nabla L" in text and r"\mu \cdot v_{" in text
    assert r"1 - a_{h[0][0]}^{2}" in section(text, "Hidden deltas")
    assert r"\text{ if }s_{h[1][0]} > 0" in section(text, "Hidden deltas")
    assert r"\frac{e^{s_{o[0]}}}{\sum_k e^{s_{o[k]}}}" in section(text, "Forward pass")
    loss = section(text, "Loss")
    y = trace.output
    assert numbers(loss)[-1] == round(-math.log(y[0]), 4)  # target class A: -log y_0

