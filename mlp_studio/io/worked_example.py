"""One training step written out as Markdown with LaTeX, in the reference document's style.

A teacher pastes the text into notes: every formula has the step's numbers
filled in (``$$\\begin{aligned} ... \\end{aligned}$$`` blocks, as in the
reference), from normalisation through the forward pass, loss, deltas,
gradients and updates to the loss before and after.
"""

from __future__ import annotations

from itertools import count

import numpy as np

from mlp_studio.core.activations import get_activation
from mlp_studio.core.losses import get_loss
from mlp_studio.core.notation import REFERENCE, Name, Notation
from mlp_studio.core.project import Project
from mlp_studio.core.scaling import Scaler
from mlp_studio.core.trace import (
    PHASE_FORWARD,
    PHASE_HIDDEN_DELTA,
    PHASE_OUTPUT_DELTA,
    Phase,
    StepTrace,
)
from mlp_studio.io.formula_text import (
    format_number,
    gradient_formulas,
    loss_formulas,
    phase_formulas,
    update_formulas,
    update_rule_text,
)

_LOSS_NAMES = {"half_squared_error": "half squared error", "squared_error": "squared error",
               "cross_entropy": "cross-entropy"}
_SCALING_NAMES = {"none": "no scaling", "minmax01": "min-max scaling to [0, 1]",
                  "minmax11": "min-max scaling to [-1, 1]", "zscore": "z-score scaling"}
_MD_SPECIAL = "\\`*_[]<>|$"
_TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "%": r"\%",
                "&": r"\&", "#": r"\#", "$": r"\$", "^": r"\^{}", "~": r"\~{}"}


def _md(text: str) -> str:
    """Plain text safe in Markdown (table cells, prose)."""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in text)


def _tex_text(text: str) -> str:
    """Plain text safe inside ``\\text{...}``."""
    return "".join(_TEX_SPECIAL.get(c, c) for c in text)


def _math(block: str) -> str:
    return f"$$\n{block}\n$$"


def _raw(v: float, digits: int) -> str:
    """A value of the data in its own units: whole numbers as they are, others rounded."""
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.{digits}f}"


def _layer_title(trace: StepTrace, layer: int, notation: str) -> str:
    lt = trace.layers[layer]
    n = lt.biases_before.size
    name = Notation(notation, len(trace.layers)).layer_name(layer)
    return f"{name[0].upper()}{name[1:]} ({n} node{'s' if n != 1 else ''}, {lt.activation})"


def _tex(name: Name) -> str:
    return name.base + (f"_{{{name.sub}}}" if name.sub else "") + (f"^{{{name.sup}}}" if name.sup else "")


def _scaling_lines(names: list[str], symbol, raw: np.ndarray, scaler: Scaler,
                   scaled: np.ndarray, digits: int) -> list[str]:
    """LaTeX lines ``x_{[i]} = \\frac{v - min}{max - min} = ... = value`` for one side;
    ``symbol(i)`` names column i (``Notation.input`` or ``Notation.target``)."""
    lines = []
    for i, (name, v) in enumerate(zip(names, raw)):
        lhs = rf"{_tex(symbol(i))} \; (\text{{{_tex_text(name)}}})"
        value = f"{scaled[i]:.{digits}f}"
        a, b = float(scaler.a[i]), float(scaler.b[i])
        span = b - a if scaler.method != "zscore" else b
        if scaler.method == "none":
            lines.append(rf"{lhs} &= {_raw(v, digits)} \quad \text{{(not scaled)}}")
            continue
        top = f"{_raw(v, digits)} - {_paren_neg(_raw(a, digits))}"
        if scaler.method == "zscore":
            bottom = _raw(span, digits) if span != 0 else "1"
            symbolic = r"\frac{v - \text{mean}}{\text{std}}"
        else:
            bottom = f"{_raw(b, digits)} - {_paren_neg(_raw(a, digits))}" if span != 0 else "1"
            symbolic = r"\frac{v - \min}{\max - \min}"
        tail = r" \cdot 2 - 1" if scaler.method == "minmax11" else ""
        note = r" \quad \text{(constant column: span taken as 1)}" if span == 0 else ""
        lines.append(rf"{lhs} &= {symbolic}{tail} = \frac{{{top}}}{{{bottom}}}{tail} = {value}{note}")
    return lines


def _paren_neg(text: str) -> str:
    return f"({text})" if text.startswith("-") else text


def _table(title: str, names: list[str], raw: np.ndarray, scaler: Scaler, scaled: np.ndarray,
           digits: int) -> list[str]:
    """A Markdown table: the raw values, the fitted parameters, the scaled values."""
    labels = ("mean", "std") if scaler.method == "zscore" else ("min", "max")
    rows = [f"| {title} | " + " | ".join(_md(n) for n in names) + " |",
            "|---|" + "---|" * len(names),
            "| raw | " + " | ".join(_raw(v, digits) for v in raw) + " |"]
    if scaler.method != "none":
        rows += [f"| {labels[0]} | " + " | ".join(_raw(v, digits) for v in scaler.a) + " |",
                 f"| {labels[1]} | " + " | ".join(_raw(v, digits) for v in scaler.b) + " |"]
    rows.append("| scaled | " + " | ".join(f"{v:.{digits}f}" for v in scaled) + " |")
    return rows


def _normalisation(trace: StepTrace, project: Project, digits: int, notation: str) -> list[str]:
    data = project.data
    row = trace.rows[0]
    x = np.atleast_2d(trace.input)[0]
    z = np.atleast_2d(trace.target)[0]
    raw_x, raw_z = data.raw_inputs[row], data.raw_targets[row]
    which = (f"data row {row}, the first of the batch's {len(trace.rows)} rows" if trace.is_batch
             else f"data row {row}")
    out = [f"The raw row ({which}, counting from 0 after the header), scaled with the minimum "
           "and maximum (or mean and standard deviation) of each column over the whole dataset.",
           f"Inputs: {_SCALING_NAMES[data.input_scaler.method]}; "
           f"targets: {_SCALING_NAMES[data.target_scaler.method]}.", ""]
    out += _table("inputs", data.inputs, raw_x, data.input_scaler, x, digits) + [""]
    out += _table("targets", data.targets, raw_z, data.target_scaler, z, digits) + [""]
    names = Notation(notation, len(trace.layers))
    lines = (_scaling_lines(data.inputs, names.input, raw_x, data.input_scaler, x, digits)
             + _scaling_lines(data.targets, names.target, raw_z, data.target_scaler, z, digits))
    out += [_math("\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"), ""]
    for warning in data.target_range_warnings(trace.layers[-1].activation):
        out += [f"> **Warning:** {_md(warning)}", ""]
    return out


def _blocks(entries: list[str]) -> list[str]:
    out = []
    for entry in entries:
        out += [_math(entry), ""]
    return out


def _summary(trace: StepTrace) -> list[str]:
    sizes = [str(trace.layers[0].weights_before.shape[1])] + [
        f"{lt.biases_before.size} ({lt.activation})" for lt in trace.layers]
    loss = get_loss(trace.loss_name)
    rate = rf"$\eta = {trace.learning_rate:g}$"
    if trace.momentum:
        rate += rf", momentum $\mu = {trace.momentum:g}$"
    if trace.optimizer.name != "sgd":
        rate += f", optimiser {trace.optimizer.name}"
    if trace.penalty:
        rate += rf", penalty $\lambda_1 = {trace.penalty.l1:g}$, $\lambda_2 = {trace.penalty.l2:g}$"
    if trace.is_batch:
        how = "averaged (mean)" if trace.reduction == "mean" else "summed"
        sample = (f"a batch of {len(trace.rows)} data rows ({_row_list(trace.rows)}); "
                  f"gradients {how} over the rows; formulas shown for the first row")
    else:
        sample = f"data row {trace.rows[0]}"
    return ["# One training step, worked out", "",
            f"- Network: {sizes[0]} inputs → " + " → ".join(sizes[1:]),
            f"- Loss: {_LOSS_NAMES[trace.loss_name]}, ${loss.formula}$",
            f"- Learning rate: {rate}",
            f"- Sample: {sample}",
            "- All values are scaled values. Intermediate numbers are rounded to 4 decimals; "
            "each result is computed from the exact values.", ""]


def _row_list(rows: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f", … ({len(rows) - limit} more)" if len(rows) > limit else "")


def worked_example_markdown(trace: StepTrace, project: Project | None = None, digits: int = 4,
                            max_terms: int = 8, max_entries: int = 64, notation: str = REFERENCE) -> str:
    """The step ``trace`` as Markdown+LaTeX. With a ``project`` that has data, the
    normalisation of the row from the raw data comes first and the output is also
    given in the data's units. Sections the trace has not reached yet are left out.

    ``max_terms`` shortens long sums; ``max_entries`` caps the formulas per layer;
    ``notation`` names the symbols (``mlp_studio.core.notation``).
    """
    n = len(trace.layers)
    last = n - 1
    caps = dict(digits=digits, max_terms=max_terms, max_entries=max_entries, notation=notation)
    s_sym = Notation(notation, n).sum_base
    out = _summary(trace)
    number = count(1)

    def section(title: str) -> str:
        return f"## {next(number)} {title}"

    has_data = project is not None and project.data is not None
    if has_data:
        out += [section("Normalisation"), ""] + _normalisation(trace, project, digits, notation)
    out += [section("Forward pass"), "",
            rf"Each node sums its weighted inputs and its bias, ${s_sym} = \sum_i x_i w_i + b$, "
            "then applies its activation function.", ""]
    for layer in range(n):
        if trace.layers[layer].a is None:
            return _stop(out, "the forward pass")
        formula = get_activation(trace.layers[layer].activation).formula
        out += [f"### {_layer_title(trace, layer, notation)}", "", f"Activation: ${formula}$", ""]
        out += _blocks(phase_formulas(trace, Phase(PHASE_FORWARD, layer), "latex", **caps))
    if has_data:
        scaler = project.data.target_scaler
        y_raw = scaler.inverse(np.atleast_2d(trace.output)[:1])[0]
        z_raw = project.data.raw_targets[trace.rows[0]]
        pairs = ", ".join(f"{_md(name)}: output {y:.{digits}f}, target {_raw(zv, digits)}"
                          for name, y, zv in zip(project.data.targets, y_raw, z_raw))
        out += [f"In the data's own units: {pairs}.", ""]
    out += [section("Loss"), ""] + _blocks(loss_formulas(trace, "latex", digits, max_terms, notation))
    if trace.layers[last].delta is None:
        return _stop(out, "the output delta")
    out += [section("Output delta"), "",
            rf"The error signal $\delta = \partial L / \partial {s_sym}$ of each output node.", ""]
    out += _blocks(phase_formulas(trace, Phase(PHASE_OUTPUT_DELTA, last), "latex", **caps))
    if n > 1:
        out += [section("Hidden deltas"), "",
                "Each hidden node's error signal: its activation's derivative times the "
                "weighted sum of the next layer's deltas.", ""]
    for layer in range(last - 1, -1, -1):
        if trace.layers[layer].delta is None:
            return _stop(out, f"the deltas of the {Notation(notation, n).layer_name(layer)}")
        out += [f"### {_layer_title(trace, layer, notation)}", ""]
        out += _blocks(phase_formulas(trace, Phase(PHASE_HIDDEN_DELTA, layer), "latex", **caps))
    if trace.layers[0].weights_after is None:
        return _stop(out, "the update")
    out += [section("Gradients"), "",
            r"$\nabla L(w) = \delta \cdot a$ (the node's delta times the weight's input) "
            r"and $\nabla L(b) = \delta$.", ""]
    for layer in range(last, -1, -1):
        out += [f"### {_layer_title(trace, layer, notation)}", ""]
        out += _blocks(gradient_formulas(trace, layer, "latex", **caps))
    out += [section("Updates"), "",
            f"{update_rule_text(trace)}, and $\\eta = {trace.learning_rate:g}$.", ""]
    for layer in range(last, -1, -1):
        out += [f"### {_layer_title(trace, layer, notation)}", ""]
        out += _blocks(update_formulas(trace, layer, "latex", **caps))
    out += [section("Loss before and after"), "",
            "The loss on the same " + ("batch" if trace.is_batch else "sample")
            + " with the weights before and after the update.", ""]
    before, after = trace.loss_before, trace.loss_after
    lines = [rf"L_{{\text{{before}}}} &= {format_number(before, digits=digits)}",
             rf"L_{{\text{{after}}}} &= {format_number(after, digits=digits)}",
             rf"L_{{\text{{after}}}} - L_{{\text{{before}}}} &= {format_number(after - before, digits=digits)}"]
    out += [_math("\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"), ""]
    return "\n".join(out)


def _stop(out: list[str], what: str) -> str:
    return "\n".join(out + [f"*The step has not reached {what} yet.*", ""])
