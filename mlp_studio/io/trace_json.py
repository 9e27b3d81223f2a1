"""The JSON form of a step trace, as `mlp-studio trace --json` prints it.

Paths into it (dot-separated keys and 0-based indices, e.g. ``layers.0.a.1``)
name single values: lesson questions and exercise answer keys use them.
"""

from __future__ import annotations

import numpy as np

from mlp_studio.core.project import Project
from mlp_studio.core.trace import StepTrace


def _lists(arr: np.ndarray | None):
    return None if arr is None else np.asarray(arr).tolist()


def trace_to_dict(project: Project, trace: StepTrace) -> dict:
    """The CLI's JSON form of a step trace (scaled values plus the data's own units)."""
    data = project.data
    rows = np.array(trace.rows)
    output = np.atleast_2d(trace.output)
    out = {
        "rows": trace.rows,
        "loss": project.loss,
        "learning_rate": trace.learning_rate,
        "batch_reduction": trace.reduction,
        "loss_before": trace.loss_before,
        "loss_after": trace.loss_after,
        "input": _lists(trace.input),
        "target": _lists(trace.target),
        "input_raw": _lists(data.raw_inputs[rows][0] if len(rows) == 1 else data.raw_inputs[rows]),
        "target_raw": _lists(data.raw_targets[rows][0] if len(rows) == 1 else data.raw_targets[rows]),
        "output": _lists(trace.output),
        "output_raw": None if trace.output is None else _lists(
            data.target_scaler.inverse(output)[0] if len(rows) == 1
            else data.target_scaler.inverse(output)),
        "layers": [],
    }
    for lt in trace.layers:
        out["layers"].append({
            "activation": lt.activation,
            **{key: _lists(getattr(lt, key)) for key in (
                "s", "a", "delta", "grad_weights", "grad_biases", "weights_before",
                "weights_after", "biases_before", "biases_after",
                "sensitivity_weights", "sensitivity_biases")},
        })
    return out
