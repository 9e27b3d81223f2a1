"""Preallocated buffers and the kernels of one update: forward, deltas, gradients, update.

The step-through trace and ``epoch_runner.NumpyRunner`` run these same kernels (the
forward one is ``Layer.forward_into``, which ``Network.forward`` runs too), so on one
machine a traced update and a trained one on the same rows give the same numbers, bit for
bit. Online training of tiny networks takes ``small_net``'s plain-Python path instead,
which agrees to 1e-12 relative, not bit for bit.
"""

from __future__ import annotations

import copy

import numpy as np

from mlp_studio.core.activations import get_activation
from mlp_studio.core.losses import check_pairing, get_loss
from mlp_studio.core.network import Network
from mlp_studio.core.optimizers import LayerArrays, Optimizer, OptimizerState, Penalty
from mlp_studio.errors import MLPError, shown

REDUCTIONS = ("mean", "sum")



def reduce_total(total: float, rows: int, reduction: str) -> float:
    """A loss summed over ``rows`` samples, averaged (``mean``) or kept (``sum``)."""
    return total / rows if reduction == "mean" else total


class Workspace:
    """Buffers for batches of up to ``capacity`` rows of one network's shape.

    ``s[i]``, ``a[i]``, ``delta[i]`` hold the weighted sums, activations and
    dLoss/ds of layer ``i`` for the current batch (the first ``rows`` rows);
    ``grad_w[i]``, ``grad_b[i]`` the reduced gradients. ``_back[i]`` is scratch: delta_{i+1} W_{i+1}
    in ``hidden_delta``, then the reduced delta in ``gradients``. ``optimizer`` and
    ``penalty`` (default: plain SGD, none) are the update's rules; ``state`` the optimiser's.
    """

    def __init__(self, net: Network, loss: str, capacity: int, optimizer: Optimizer | None = None,
                 penalty: Penalty | None = None) -> None:
        check_pairing(loss, net.layers[-1].activation, net.n_outputs)
        if capacity < 1:
            raise MLPError("a batch needs at least one row")
        self.net = net
        self.loss = get_loss(loss)
        self.capacity = capacity
        dt = net.dtype
        sizes = [l.n_out for l in net.layers]
        self._s = [np.empty((capacity, n), dt) for n in sizes]
        self._a = [np.empty((capacity, n), dt) for n in sizes]
        self._delta = [np.empty((capacity, n), dt) for n in sizes]
        self._back = [np.empty((capacity, n), dt) for n in sizes]
        self._terms = np.empty((capacity, sizes[-1]), dt)
        self.grad_w = [np.empty_like(l.weights) for l in net.layers]
        self.grad_b = [np.empty_like(l.biases) for l in net.layers]
        self.activations = [get_activation(l.activation) for l in net.layers]
        self.optimizer = optimizer if optimizer is not None else Optimizer()
        self.penalty_rule = penalty if penalty is not None else Penalty()
        self._scratch = ([np.empty_like(l.weights) for l in net.layers],
                         [np.empty_like(l.biases) for l in net.layers])
        self.state = self.optimizer.new_state(*self._params())
        self.x: np.ndarray = np.empty((0, net.n_inputs), dt)
        self._views(0)

    def _views(self, rows: int) -> None:
        """Views of the first ``rows`` rows of every buffer, made once per batch size."""
        self.rows = rows
        self._sv = [b[:rows] for b in self._s]
        self._av = [b[:rows] for b in self._a]
        self._dv = [b[:rows] for b in self._delta]
        self._bv = [b[:rows] for b in self._back]
        self._tv = self._terms[:rows]

    # Views of the current batch.
    def s(self, i: int) -> np.ndarray:
        return self._sv[i]

    def a(self, i: int) -> np.ndarray:
        return self._av[i]

    def delta(self, i: int) -> np.ndarray:
        return self._dv[i]

    def a_prev(self, i: int) -> np.ndarray:
        return self.x if i == 0 else self._av[i - 1]

    @property
    def output(self) -> np.ndarray:
        return self.a(len(self.net.layers) - 1)

    # Forward.
    def load(self, x: np.ndarray) -> None:
        """Set the batch inputs (rows, n_inputs); no copy is made."""
        if x.shape[0] > self.capacity:
            raise MLPError(f"batch of {x.shape[0]} rows exceeds the buffer of {self.capacity}")
        self.x = x
        if x.shape[0] != self.rows:
            self._views(x.shape[0])

    def forward_layer(self, i: int) -> None:
        self.net.layers[i].forward_into(self.a_prev(i), self._sv[i], self._av[i])

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.load(x)
        for i in range(len(self.net.layers)):
            self.forward_layer(i)
        return self.output

    def total_loss(self, z: np.ndarray) -> float:
        """The current batch's per-sample losses, summed."""
        return self.loss.total(self.output, z, self._tv)

    def reduced_loss(self, z: np.ndarray, reduction: str) -> float:
        """The current batch's loss, averaged or summed over its rows."""
        return reduce_total(self.total_loss(z), self.rows, reduction)

    # Backward.
    def output_delta(self, z: np.ndarray) -> None:
        last = len(self.net.layers) - 1
        self.loss.output_delta(self.output, z, self.s(last), self.net.layers[last].activation,
                               self.delta(last))

    def hidden_delta(self, i: int) -> None:
        """delta_i = f_i'(s_i) * (delta_{i+1} W_{i+1})."""
        back, d = self._bv[i], self._dv[i]
        np.matmul(self._dv[i + 1], self.net.layers[i + 1].weights, out=back)
        self.activations[i].derivative(self._sv[i], self._av[i], d)
        d *= back

    def backward(self, z: np.ndarray) -> None:
        self.output_delta(z)
        for i in range(len(self.net.layers) - 2, -1, -1):
            self.hidden_delta(i)

    def gradients(self, reduction: str) -> None:
        """grad_W = delta^T a_prev and grad_b = sum of delta, summed or averaged over rows,
        plus the penalty's gradient on the weights (averaged the same way).

        Averaging scales the (small) delta before the products, not the gradients after.
        """
        if reduction not in REDUCTIONS:
            raise MLPError(f"unknown batch_reduction {shown(reduction)}; choose mean or sum")
        scale = 1.0 / self.rows if reduction == "mean" else 1.0
        for i in range(len(self.net.layers)):
            d = self._dv[i]
            if scale != 1.0:
                d = np.multiply(d, scale, out=self._bv[i])
            np.matmul(d.T, self.a_prev(i), out=self.grad_w[i])
            np.add.reduce(d, axis=0, out=self.grad_b[i])
        if self.penalty_rule:
            self.penalty_rule.add_gradient([l.weights for l in self.net.layers], self.grad_w, scale,
                                           self._scratch[0])

    def penalty(self) -> float:
        """The weight penalty at the current weights, before any division by rows (0 without one)."""
        return self.penalty_rule.value([l.weights for l in self.net.layers]) if self.penalty_rule else 0.0

    def optimizer_state(self) -> OptimizerState:
        """A copy of the optimiser's state (see ``optimizers.OptimizerState``)."""
        return self.state.copy()

    def copy(self, net: Network) -> "Workspace":
        """This workspace for ``net`` (this one's network or an equal copy), with copies of
        its buffers, gradients and optimiser state: working on either leaves the other as it is."""
        twin = copy.copy(self)
        twin.net = net
        for name in ("_s", "_a", "_delta", "_back", "grad_w", "grad_b"):
            setattr(twin, name, [b.copy() for b in getattr(self, name)])
        twin._terms = self._terms.copy()
        twin.state = self.state.copy()
        twin._views(self.rows)
        return twin

    def set_optimizer_state(self, state: OptimizerState | None) -> None:
        """Carry on from ``state`` (copied); None: the state before the first update."""
        self.state = self.optimizer.adopt(state, self._params())

    def _params(self) -> LayerArrays:
        layers = self.net.layers
        return [l.weights for l in layers], [l.biases for l in layers]

    def update(self, learning_rate: float) -> None:
        """One step of the optimiser on every weight and bias, in place.

        Overwrites the gradient buffers. The rates are used as Python floats, so a
        float32 network is updated in float32.
        """
        self.optimizer.update(self._params(), (self.grad_w, self.grad_b), self.state,
                              float(learning_rate), self._scratch)
