"""Predict, then reveal: which value to ask before a sub-step shows it, how close an
answer must be, and the running score.

A question names its value by a path into a step trace, the same dot-separated
keys and 0-based indices as ``mlp-studio trace --json`` (``layers.0.a.1`` is
the activation of node 1 of layer 0). An answer counts when it is within 1 %
of the value or equals the value rounded to 4 decimals, whichever is looser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlp_studio.core.trace import (
    PHASE_FORWARD,
    PHASE_HIDDEN_DELTA,
    PHASE_OUTPUT_DELTA,
    Phase,
)
from mlp_studio.errors import MLPError

RELATIVE_TOLERANCE = 0.01
DECIMALS = 4


def value_at(values: Any, path: str) -> Any:
    """The item of ``values`` (nested dicts, lists, arrays or objects with attributes)
    at the dot-separated ``path``; MLPError saying which part is missing."""
    current = values
    done: list[str] = []
    for part in path.split("."):
        try:
            if part.lstrip("-").isdigit():
                current = current[int(part)]
            elif isinstance(current, dict):
                current = current[part]
            else:
                current = getattr(current, part)
        except (KeyError, IndexError, TypeError, AttributeError):
            current = None
        if current is None:
            raise MLPError(f"no value at {'.'.join(done + [part])!r}", where=path)
        done.append(part)
    return current


def number_at(values: Any, path: str) -> float:
    """The single number at ``path`` (see :func:`value_at`)."""
    item = value_at(values, path)
    if np.ndim(item) != 0:
        raise MLPError("the path names a list, not one number; add its index", where=path)
    return float(item)


def tolerance(value: float) -> float:
    """How far an answer may be from ``value``: 1 % of it, or the 4-decimal rounding
    error (half a unit in the 4th decimal), whichever is larger."""
    return max(RELATIVE_TOLERANCE * abs(value), 0.5 * 10.0 ** -DECIMALS)


def is_close_enough(answer: float, value: float) -> bool:
    """Whether ``answer`` counts as right for ``value`` (see :func:`tolerance`)."""
    if not (math.isfinite(answer) and math.isfinite(value)):
        return answer == value
    slack = 1e-12 * max(1.0, abs(value))  # a typed 4-decimal rounding stays right in binary
    return abs(answer - value) <= tolerance(value) + slack


@dataclass(frozen=True)
class Question:
    """A value to predict: ``label`` for the student, ``path`` into the step trace."""

    label: str
    path: str


@dataclass(frozen=True)
class Grade:
    answer: float
    value: float
    right: bool


@dataclass
class Score:
    """The running score of a session."""

    asked: int = 0
    right: int = 0

    def record(self, answer: float, value: float) -> Grade:
        grade = Grade(answer, value, is_close_enough(answer, value))
        self.asked += 1
        self.right += grade.right
        return grade

    @property
    def text(self) -> str:
        return f"{self.right} of {self.asked} right"


def question_for(phase: Phase, sizes: list[int], rng: np.random.Generator) -> Question:
    """A value the sub-step ``phase`` of a network of ``sizes`` reveals, chosen with ``rng``:
    an activation (forward), a delta (output or hidden delta), or for the update a
    gradient or an updated weight or bias."""
    layer = phase.layer
    n_out = sizes[layer + 1]
    node = int(rng.integers(n_out))
    if phase.kind == PHASE_FORWARD:
        return Question(f"activation a of node {node} in layer {layer}", f"layers.{layer}.a.{node}")
    if phase.kind in (PHASE_OUTPUT_DELTA, PHASE_HIDDEN_DELTA):
        return Question(f"delta of node {node} in layer {layer}", f"layers.{layer}.delta.{node}")
    layer = int(rng.integers(len(sizes) - 1))
    node = int(rng.integers(sizes[layer + 1]))
    inp = int(rng.integers(sizes[layer] + 1))  # the last choice is the bias
    what = int(rng.integers(2))
    if inp == sizes[layer]:
        key, label = ("grad_biases", "gradient dL/db") if what == 0 else ("biases_after", "new bias")
        return Question(f"{label} of node {node} in layer {layer}", f"layers.{layer}.{key}.{node}")
    key, label = ("grad_weights", "gradient dL/dw") if what == 0 else ("weights_after", "new weight")
    return Question(f"{label} of node {node} in layer {layer} from input {inp}",
                    f"layers.{layer}.{key}.{node}.{inp}")
