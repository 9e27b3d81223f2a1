"""Exercise sheets: per variant a project, the sheet with blanks, the answer key with every
formula filled in, and ``answers.json`` whose paths address ``mlp-studio trace --json``.

``answers.json``: ``{"project": "<file name>", "row": 0, "answers": [{"label": "a[0][1]",
"path": "layers.0.a.1", "value": 0.6225...}, ...]}`` (values exact, not rounded).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlp_studio.core.activations import get_activation
from mlp_studio.core.exercise import exercise_project
from mlp_studio.core.losses import get_loss
from mlp_studio.core.project import Project
from mlp_studio.core.quiz import number_at
from mlp_studio.core.trace import step_trace
from mlp_studio.io.atomic import write_text_atomic
from mlp_studio.io.markdown_latex import markdown_to_latex
from mlp_studio.io.project_file import dumps_project
from mlp_studio.io.trace_json import trace_to_dict
from mlp_studio.io.worked_example import worked_example_markdown

FORMATS = ("markdown", "latex")
PROJECT_NAME = "exercise.mlp.json"
ROW = 0
#: a layer with more weights than this asks one weight per node (the others follow the same rule)
ALL_WEIGHTS_UP_TO = 9


@dataclass(frozen=True)
class Blank:
    label: str
    path: str
    what: str


def blanks(project: Project) -> list[Blank]:
    """The values a sheet asks for: every node's s, a and delta, gradients and new values
    of its bias and weights (one weight per node in a wide layer), and the loss."""
    out: list[Blank] = []
    net = project.network
    for i, layer in enumerate(net.layers):
        for j in range(layer.n_out):
            out.append(Blank(f"s[{i}][{j}]", f"layers.{i}.s.{j}", f"weighted sum of node {j}, layer {i}"))
            out.append(Blank(f"a[{i}][{j}]", f"layers.{i}.a.{j}", f"activation of node {j}, layer {i}"))
    out.append(Blank("L", "loss_before", "loss of the row"))
    for i in range(len(net.layers) - 1, -1, -1):
        for j in range(net.layers[i].n_out):
            out.append(Blank(f"delta[{i}][{j}]", f"layers.{i}.delta.{j}", f"delta of node {j}, layer {i}"))
    for i, layer in enumerate(net.layers):
        every = layer.weights.size <= ALL_WEIGHTS_UP_TO
        for j in range(layer.n_out):
            inputs = range(layer.n_in) if every else [j % layer.n_in]
            for k in inputs:
                out.append(Blank(f"dL/dw[{i}][{j}][{k}]", f"layers.{i}.grad_weights.{j}.{k}",
                                 f"gradient of weight w[{i}][{j}][{k}]"))
            out.append(Blank(f"dL/db[{i}][{j}]", f"layers.{i}.grad_biases.{j}", f"gradient of bias b[{i}][{j}]"))
            for k in inputs:
                out.append(Blank(f"w[{i}][{j}][{k}] new", f"layers.{i}.weights_after.{j}.{k}",
                                 f"weight w[{i}][{j}][{k}] after the update"))
            out.append(Blank(f"b[{i}][{j}] new", f"layers.{i}.biases_after.{j}", f"bias b[{i}][{j}] after the update"))
    return out


def _num(v: float) -> str:
    return f"{v:g}"


def _sheet_head(project: Project, title: str) -> list[str]:
    net, data = project.network, project.data
    acts = {layer.activation for layer in net.layers}
    lines = [f"# {title}", "",
             f"- Network: {' → '.join(map(str, net.sizes))} ({', '.join(sorted(acts))})",
             f"- Loss: ${get_loss(project.loss).formula}$",
             f"- Learning rate: $\\eta = {_num(project.training.learning_rate)}$",
             "- Notation: w[l][j][i] is the weight into node j of layer l from input i (layer 0 is the "
             "first layer after the inputs), b[l][j] its bias, s the weighted sum, a the activation, "
             "delta = dL/ds.", ""]
    for act in sorted(acts):
        lines += [f"Activation {act}: ${get_activation(act).formula}$", ""]
    lines += ["## The row", "", "| " + " | ".join(data.columns) + " |",
              "|" + "---|" * len(data.columns), "| " + " | ".join(_num(v) for v in data.values[ROW]) + " |", ""]
    lines += ["## The weights and biases", ""]
    for i, layer in enumerate(net.layers):
        lines += [f"Layer {i}:", "", "| node | " + " | ".join(f"w from input {k}" for k in range(layer.n_in))
                  + " | bias |", "|" + "---|" * (layer.n_in + 2)]
        lines += [f"| {j} | " + " | ".join(_num(v) for v in layer.weights[j]) + f" | {_num(layer.biases[j])} |"
                  for j in range(layer.n_out)]
        lines.append("")
    return lines


def exercise_markdown(project: Project, title: str) -> str:
    """The sheet: the network, the row and a table of blanks to fill in."""
    lines = _sheet_head(project, title)
    lines += ["## Fill in", "", "Take one training step on the row: forward pass, loss, deltas, "
              "gradients, update. Give 4 decimals.", "", "| # | value | meaning | your answer |",
              "|---|---|---|---|"]
    lines += [f"| {n} | {b.label} | {b.what} | |" for n, b in enumerate(blanks(project), 1)]
    return "\n".join(lines) + "\n"


def answers_markdown(project: Project, trace, title: str, values: dict) -> str:
    """The key: every blank's value, then the whole step with each formula filled in."""
    lines = [f"# {title}: answers", "", "| # | value | answer |", "|---|---|---|"]
    lines += [f"| {n} | {b.label} | {number_at(values, b.path):.4f} |" for n, b in enumerate(blanks(project), 1)]
    return "\n".join(lines) + "\n\n" + worked_example_markdown(trace, project)


def answers_json(project: Project, values: dict) -> dict:
    return {"project": PROJECT_NAME, "row": ROW,
            "answers": [{"label": b.label, "path": b.path, "value": number_at(values, b.path)}
                        for b in blanks(project)]}


def write_exercises(out: str | Path, seed: int, sizes: list[int], activation: str, loss: str,
                    count: int, fmt: str = "markdown") -> list[Path]:
    """Write ``count`` variants into ``out``/variant-N/; returns their folders."""
    out = Path(out)
    folders = []
    for variant in range(1, count + 1):
        project = exercise_project(seed, variant, sizes, activation, loss)
        data = project.data
        trace = step_trace(project.network.copy(), data.X[[ROW]], data.Z[[ROW]], project.loss,
                           project.training.learning_rate, project.training.batch_reduction, rows=[ROW])
        values = trace_to_dict(project, trace)
        title = f"Exercise {variant} (seed {seed})"
        folder = out / f"variant-{variant}"
        folder.mkdir(parents=True, exist_ok=True)
        write_text_atomic(folder / PROJECT_NAME, dumps_project(project))
        sheet, key = exercise_markdown(project, title), answers_markdown(project, trace, title, values)
        if fmt == "latex":
            write_text_atomic(folder / "exercise.tex", markdown_to_latex(sheet))
            write_text_atomic(folder / "answers.tex", markdown_to_latex(key))
        write_text_atomic(folder / "exercise.md", sheet)
        write_text_atomic(folder / "answers.md", key)
        write_text_atomic(folder / "answers.json", json.dumps(answers_json(project, values), indent=1) + "\n")
        folders.append(folder)
    return folders
