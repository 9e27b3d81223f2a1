"""The output activation and loss that fit a dataset's targets, for a new network.

Class targets (see :func:`mlp_studio.core.evaluation.class_kind`) still in [0, 1]
after scaling get the textbook pairs: one 0/1 column a sigmoid output with binary
cross-entropy, one-hot columns a softmax output with categorical cross-entropy.
Other targets get half squared error and the first of sigmoid, tanh and identity
whose range holds every scaled target (min-max [0, 1] gives the reference
document's sigmoid output, min-max [-1, 1] tanh, z-score or none identity).
Whatever the caller gives is kept; only the missing part is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlp_studio.core.activations import get_activation
from mlp_studio.core.dataset import Dataset
from mlp_studio.core.evaluation import ONE_HOT, class_kind
from mlp_studio.errors import shown

SQUARED_LOSS = "half_squared_error"
CLASS_LOSS = "cross_entropy"
REGRESSION_OUTPUTS = ("sigmoid", "tanh", "identity")


@dataclass(frozen=True)
class OutputChoice:
    """An output activation and loss; ``reason`` says in a sentence why they fit."""

    activation: str
    loss: str
    reason: str


def _within(values: np.ndarray, activation: str) -> bool:
    lo, hi = get_activation(activation).value_range
    return bool(((values >= lo) & (values <= hi)).all())


def _regression_output(Z: np.ndarray) -> str:
    return next(a for a in REGRESSION_OUTPUTS if _within(Z, a))


def _default(data: Dataset) -> OutputChoice:
    kind = class_kind(data.raw_targets)
    if kind is not None and _within(data.Z, "sigmoid"):
        if kind == ONE_HOT:
            return OutputChoice("softmax", CLASS_LOSS,
                                f"the {len(data.targets)} targets are one-hot classes")
        return OutputChoice("sigmoid", CLASS_LOSS, f"the target {shown(data.targets[0])} is a 0/1 class")
    activation = _regression_output(data.Z)
    lo, hi = float(data.Z.min()), float(data.Z.max())
    return OutputChoice(activation, SQUARED_LOSS,
                        f"the scaled targets lie in [{lo:.3g}, {hi:.3g}], within the range of "
                        f"{activation}")


def fitting_output(data: Dataset, activation: str | None = None,
                   loss: str | None = None) -> OutputChoice:
    """The output activation and loss for ``data``'s targets, keeping the ones given.

    Whether a given pair works is :func:`mlp_studio.core.losses.check_pairing`'s to say.
    """
    if activation is not None and loss is not None:
        return OutputChoice(activation, loss, "as given")
    default = _default(data)
    if activation is None and loss is None:
        return default
    if activation is not None:
        get_activation(activation)
        if activation == default.activation:
            return OutputChoice(activation, default.loss, default.reason)
        chosen = CLASS_LOSS if activation == "softmax" else SQUARED_LOSS
        return OutputChoice(activation, chosen, f"{chosen} is the loss a {activation} output pairs with")
    if loss == default.loss:
        return OutputChoice(default.activation, loss, default.reason)
    if loss == CLASS_LOSS:
        chosen = "softmax" if len(data.targets) > 1 else "sigmoid"
        return OutputChoice(chosen, loss, f"{loss} needs a {chosen} output "
                                          f"for {len(data.targets)} target(s)")
    chosen = _regression_output(data.Z)
    return OutputChoice(chosen, loss, f"a {chosen} output reaches every scaled target")

