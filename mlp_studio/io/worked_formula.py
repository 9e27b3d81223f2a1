"""The worked formula of one value of a step, by its trace path (``layers.0.a.1``), for the
quiz's reveal: the same text the Math panel shows for that node or parameter."""

from __future__ import annotations

from mlp_studio.core.trace import (
    PHASE_FORWARD,
    PHASE_HIDDEN_DELTA,
    PHASE_OUTPUT_DELTA,
    Phase,
    StepTrace,
)
from mlp_studio.io.formula_text import gradient_formulas, loss_formulas, phase_formulas, update_formulas


def worked_formula(trace: StepTrace, path: str, style: str = "html") -> str | None:
    """The formula that gives the value at ``path``, or None for a path without one."""
    parts = path.split(".")
    try:
        if parts == ["loss_before"]:
            return loss_formulas(trace, style)[0]
        if parts[0] != "layers" or len(parts) < 4:
            return None
        layer, key, node = int(parts[1]), parts[2], int(parts[3])
        last = len(trace.layers) - 1
        if key in ("s", "a"):
            return phase_formulas(trace, Phase(PHASE_FORWARD, layer), style)[node]
        if key == "delta":
            kind = PHASE_OUTPUT_DELTA if layer == last else PHASE_HIDDEN_DELTA
            return phase_formulas(trace, Phase(kind, layer), style)[node]
        n_in = trace.layers[layer].weights_before.shape[1]
        entry = node * (n_in + 1) + (int(parts[4]) if "weights" in key else n_in)
        formulas = gradient_formulas if key.startswith("grad") else update_formulas
        return formulas(trace, layer, style)[entry]
    except (ValueError, IndexError, TypeError):
        return None
