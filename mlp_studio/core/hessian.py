"""The exact Hessian of the training loss for small networks, by Pearlmutter's R-operator.

For a direction V (one value per parameter), R{.} = d/dr (.)(theta + r V) at r = 0 is carried
through the forward pass and backpropagation:

    R s_l     = R a_{l-1} W_l^T + a_{l-1} V_l^T + Vb_l          (R a_0 = 0: inputs are data)
    R a_l     = f'(s_l) R s_l
    R delta_l = f''(s_l) R s_l (delta_{l+1} W_{l+1}) + f'(s_l) (R delta_{l+1} W_{l+1} + delta_{l+1} V_{l+1})
    R grad W_l = R delta_l^T a_{l-1} + delta_l^T R a_{l-1},   R grad b_l = sum of R delta_l

and R grad = H V. The Hessian's columns are H e_k for every parameter k. At the output,
cross-entropy with sigmoid or softmax has delta = y - z, so R delta = R y; squared errors
have delta = c f'(s)(y - z), so R delta = c (f''(s) R s (y - z) + f'(s) R y).
ReLU's second derivative is taken as 0 (it is, except at the kink).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlp_studio.core.activations import LEAKY_SLOPE
from mlp_studio.core.loss_landscape import Objective, flat, flat_gradients, with_flat
from mlp_studio.core.workspace import Workspace
from mlp_studio.errors import MLPError

MAX_PARAMETERS = 200
#: a Hessian whose condition number exceeds this is treated as singular (float64 keeps ~16 digits)
SINGULAR_CONDITION = 1e12


def _first_second(activation: str, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f'(s) and f''(s) from the activation a = f(s) (elementwise activations only)."""
    if activation == "sigmoid":
        d1 = a * (1.0 - a)
        return d1, d1 * (1.0 - 2.0 * a)
    if activation == "tanh":
        d1 = 1.0 - a * a
        return d1, -2.0 * a * d1
    zero = np.zeros_like(a)
    if activation == "identity":
        return np.ones_like(a), zero
    if activation == "relu":
        return (a > 0).astype(a.dtype), zero
    if activation == "leaky_relu":
        return np.where(a > 0, 1.0, LEAKY_SLOPE), zero
    raise MLPError(f"the Hessian is not available for a {activation} hidden layer")


def hessian(objective: Objective) -> np.ndarray:
    """The (P, P) Hessian of ``objective``'s loss at its network's parameters."""
    net = objective.net.astype(np.float64)
    if net.n_parameters > MAX_PARAMETERS:
        raise MLPError(f"the Hessian is shown for networks of up to {MAX_PARAMETERS} parameters; "
                       f"this one has {net.n_parameters}")
    x, z = np.asarray(objective.x, np.float64), np.asarray(objective.z, np.float64)
    ws = Workspace(net, objective.loss, x.shape[0])
    ws.forward(x)
    ws.backward(z)
    last = len(net.layers) - 1
    a_prev = [x] + [ws.a(i).copy() for i in range(last)]
    acts = [ws.a(i).copy() for i in range(last + 1)]
    deltas = [ws.delta(i).copy() for i in range(last + 1)]
    derivs = [_first_second(l.activation, acts[i]) for i, l in enumerate(net.layers[:-1])]
    scale = 1.0 / x.shape[0] if objective.reduction == "mean" else 1.0
    columns = []
    for k in range(net.n_parameters):
        direction = with_flat(net, np.eye(1, net.n_parameters, k)[0])
        r_grads = _r_gradients(net, direction, a_prev, acts, deltas, derivs, z, objective.loss)
        columns.append(scale * flat_gradients(r_grads))
    h = np.array(columns).T
    return 0.5 * (h + h.T)  # exact up to rounding; symmetric by construction of the maths


def _r_gradients(net, direction, a_prev, acts, deltas, derivs, z, loss):
    """R{grad W_l}, R{grad b_l} (unreduced) for one direction (a network-shaped V)."""
    last = len(net.layers) - 1
    r_a_prev = [np.zeros_like(a_prev[0])]
    r_s = []
    for i, (layer, v) in enumerate(zip(net.layers, direction.layers)):
        rs = r_a_prev[i] @ layer.weights.T + a_prev[i] @ v.weights.T + v.biases
        r_s.append(rs)
        if i < last:
            r_a_prev.append(derivs[i][0] * rs)
    r_delta = [None] * (last + 1)
    r_delta[last] = _output_r_delta(net.layers[last].activation, acts[last], r_s[last], z, loss)
    for i in range(last - 1, -1, -1):
        d1, d2 = derivs[i]
        w_next, v_next = net.layers[i + 1].weights, direction.layers[i + 1].weights
        back = deltas[i + 1] @ w_next
        r_delta[i] = d2 * r_s[i] * back + d1 * (r_delta[i + 1] @ w_next + deltas[i + 1] @ v_next)
    return [(r_delta[i].T @ a_prev[i] + deltas[i].T @ r_a_prev[i], r_delta[i].sum(axis=0))
            for i in range(last + 1)]


def _output_r_delta(activation: str, y: np.ndarray, r_s: np.ndarray, z: np.ndarray, loss: str):
    if activation == "softmax":  # paired with cross-entropy: delta = y - z
        return y * (r_s - np.sum(y * r_s, axis=1, keepdims=True))
    d1, d2 = _first_second(activation, y)
    if loss == "cross_entropy":
        return d1 * r_s
    c = 2.0 if loss == "squared_error" else 1.0
    return c * (d2 * r_s * (y - z) + d1 * d1 * r_s)


@dataclass(frozen=True)
class HessianReport:
    """The Hessian at the current parameters, its eigenvalues (ascending) and what they say."""

    matrix: np.ndarray
    eigenvalues: np.ndarray
    gradient: np.ndarray

    @property
    def condition_number(self) -> float:
        """|lambda| largest over smallest; inf when an eigenvalue is zero."""
        magnitudes = np.abs(self.eigenvalues)
        smallest = magnitudes.min()
        return float("inf") if smallest == 0.0 else float(magnitudes.max() / smallest)

    @property
    def positive_definite(self) -> bool:
        return bool(self.eigenvalues[0] > 0)

    @property
    def singular(self) -> bool:
        return self.condition_number > SINGULAR_CONDITION

    def newton_step(self) -> np.ndarray:
        """The Newton step -H^-1 g; a clear error where H is singular."""
        if self.singular:
            raise MLPError(f"the Hessian is singular here (condition number {self.condition_number:.3g}): "
                           "Newton's step is not defined; some direction has no curvature")
        return -np.linalg.solve(self.matrix, self.gradient)


def hessian_report(objective: Objective) -> HessianReport:
    matrix = hessian(objective)
    gradient = objective.gradient(flat(objective.net))
    return HessianReport(matrix, np.linalg.eigvalsh(matrix), gradient)
