"""Step traces: every number of one backpropagation update, as independent copies.

``step_trace`` takes a whole update at once; ``PhasedStep`` takes the same
update one sub-step at a time (forward through each layer, output delta, each
hidden delta, update) so a view can show each part as it happens. Both use the
training loop's own kernels (``Workspace``), so the numbers are the same.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

import numpy as np

from mlp_studio.core.network import Layer, Network
from mlp_studio.core.optimizers import Optimizer, OptimizerState, Penalty
from mlp_studio.core.workspace import Workspace, reduce_total
from mlp_studio.errors import MLPError


@dataclass
class LayerTrace:
    """Everything about one layer in one step. Per-sample arrays have shape (n,)
    for a single sample and (rows, n) for a batch."""

    activation: str
    weights_before: np.ndarray
    biases_before: np.ndarray
    s: np.ndarray | None = None
    a: np.ndarray | None = None
    delta: np.ndarray | None = None
    grad_weights: np.ndarray | None = None
    grad_biases: np.ndarray | None = None
    weights_after: np.ndarray | None = None
    biases_after: np.ndarray | None = None
    sensitivity_weights: np.ndarray | None = None
    sensitivity_biases: np.ndarray | None = None
    penalty_gradient: np.ndarray | None = None  # the penalty's part of grad_weights (reduced)


@dataclass
class StepTrace:
    """One update on one sample or one batch (scaled units)."""

    input: np.ndarray
    target: np.ndarray
    learning_rate: float
    reduction: str
    loss_name: str
    rows: list[int]
    layers: list[LayerTrace]
    output: np.ndarray | None = None
    loss_before: float | None = None  # the data loss; the penalty is ``penalty_before``
    loss_after: float | None = None
    optimizer: Optimizer = field(default_factory=Optimizer)
    penalty: Penalty = field(default_factory=Penalty)
    penalty_before: float = 0.0  # the penalty at the weights before, reduced like the loss
    state_before: OptimizerState | None = None  # the optimiser's state before and after
    state_after: OptimizerState | None = None
    step_rate: float | None = None  # the rate applied (Adam's bias-corrected one)
    extra: dict = field(default_factory=dict)

    @property
    def is_batch(self) -> bool:
        return len(self.rows) != 1

    @property
    def momentum(self) -> float:
        """The momentum of an sgd or nesterov step (0 for the other optimisers)."""
        return self.optimizer.momentum if self.optimizer.name in ("sgd", "nesterov") else 0.0

    def network_after(self) -> Network:
        """A new network holding the weights and biases after the update (a finished trace)."""
        if any(lt.weights_after is None for lt in self.layers):
            raise MLPError("the step has not reached its update yet")
        return Network(self.layers[0].weights_before.shape[1],
                       [Layer(lt.weights_after.copy(), lt.biases_after.copy(), lt.activation)
                        for lt in self.layers])


PHASE_FORWARD = "forward"
PHASE_OUTPUT_DELTA = "output_delta"
PHASE_HIDDEN_DELTA = "hidden_delta"
PHASE_UPDATE = "update"


@dataclass(frozen=True)
class Phase:
    """A sub-step: ``kind`` is one of the PHASE_* names, ``layer`` the layer it concerns."""

    kind: str
    layer: int

    @property
    def label(self) -> str:
        return {
            PHASE_FORWARD: f"Forward through layer {self.layer}",
            PHASE_OUTPUT_DELTA: "Output delta",
            PHASE_HIDDEN_DELTA: f"Hidden delta, layer {self.layer}",
            PHASE_UPDATE: "Update weights and biases",
        }[self.kind]


def phases_for(n_layers: int) -> list[Phase]:
    """The sub-steps of one update of a network with ``n_layers`` layers, in order."""
    return (
        [Phase(PHASE_FORWARD, i) for i in range(n_layers)]
        + [Phase(PHASE_OUTPUT_DELTA, n_layers - 1)]
        + [Phase(PHASE_HIDDEN_DELTA, i) for i in range(n_layers - 2, -1, -1)]
        + [Phase(PHASE_UPDATE, n_layers - 1)]
    )


def _rows_view(arr: np.ndarray, single: bool) -> np.ndarray:
    return arr[0].copy() if single else arr.copy()


class PhasedStep:
    """One update of ``net`` (changed in place at the update phase), taken phase by phase.

    ``x``, ``z`` are 2-D (rows, n). ``trace`` fills in as phases run; it holds
    copies only. ``optimizer`` and ``penalty`` are the update's rules (default: plain SGD,
    no penalty); ``state`` the optimiser's state carried from the previous step (None:
    before the first update).
    """

    def __init__(
        self,
        net: Network,
        x: np.ndarray,
        z: np.ndarray,
        loss: str,
        learning_rate: float,
        reduction: str = "mean",
        rows: list[int] | None = None,
        optimizer: Optimizer | None = None,
        penalty: Penalty | None = None,
        state: OptimizerState | None = None,
    ) -> None:
        x = np.atleast_2d(np.asarray(x, dtype=net.dtype))
        z = np.atleast_2d(np.asarray(z, dtype=net.dtype))
        self.net = net
        self.z = z
        self.single = x.shape[0] == 1
        self.ws = Workspace(net, loss, x.shape[0], optimizer, penalty)
        self.ws.load(x)
        self.ws.set_optimizer_state(state)
        self.phases = phases_for(len(net.layers))
        self.position = 0
        self.trace = StepTrace(
            input=_rows_view(x, self.single), target=_rows_view(z, self.single),
            learning_rate=learning_rate, reduction=reduction, loss_name=loss,
            rows=list(rows) if rows is not None else list(range(x.shape[0])),
            layers=[LayerTrace(l.activation, l.weights.copy(), l.biases.copy()) for l in net.layers],
            optimizer=self.ws.optimizer, penalty=self.ws.penalty_rule,
            penalty_before=reduce_total(self.ws.penalty(), x.shape[0], reduction),
            state_before=self.ws.optimizer_state(),
        )

    @classmethod
    def for_config(cls, net: Network, x: np.ndarray, z: np.ndarray, loss: str, config,
                   n_rows: int, rows: list[int] | None = None,
                   state: OptimizerState | None = None) -> "PhasedStep":
        """The step a ``TrainingConfig`` takes: its optimiser and penalty, and its schedule's
        rate for the epoch ``state`` is in (over ``n_rows`` rows an epoch)."""
        return cls(net, x, z, loss, config.next_rate(state, n_rows), config.batch_reduction, rows, config.optimizer_rule(),
                   config.penalty_rule(), state)

    @property
    def done(self) -> bool:
        return self.position >= len(self.phases)

    @property
    def next_phase(self) -> Phase | None:
        return None if self.done else self.phases[self.position]

    @property
    def state(self) -> OptimizerState:
        """A copy of the optimiser's state (after the update, once it has run)."""
        return self.ws.optimizer_state()

    def advance(self) -> Phase:
        """Run the next sub-step and record its numbers in ``trace``."""
        phase = self.phases[self.position]
        ws, tr, one = self.ws, self.trace, self.single
        lt = tr.layers[phase.layer]
        if phase.kind == PHASE_FORWARD:
            ws.forward_layer(phase.layer)
            lt.s, lt.a = _rows_view(ws.s(phase.layer), one), _rows_view(ws.a(phase.layer), one)
            if phase.layer == len(self.net.layers) - 1:
                tr.output = lt.a.copy()
                tr.loss_before = ws.reduced_loss(self.z, tr.reduction)
        elif phase.kind == PHASE_OUTPUT_DELTA:
            ws.output_delta(self.z)
            lt.delta = _rows_view(ws.delta(phase.layer), one)
        elif phase.kind == PHASE_HIDDEN_DELTA:
            ws.hidden_delta(phase.layer)
            lt.delta = _rows_view(ws.delta(phase.layer), one)
        else:
            self._update()
        self.position += 1
        return phase

    def _update(self) -> None:
        ws, tr = self.ws, self.trace
        ws.gradients(tr.reduction)
        for lt, gw, gb in zip(tr.layers, ws.grad_w, ws.grad_b):
            lt.grad_weights, lt.grad_biases = gw.copy(), gb.copy()
        if tr.penalty:
            scale = 1.0 / ws.rows if tr.reduction == "mean" else 1.0
            parts = [np.zeros_like(lt.weights_before) for lt in tr.layers]
            tr.penalty.add_gradient([lt.weights_before for lt in tr.layers], parts, scale,
                                    [np.empty_like(p) for p in parts])
            for lt, part in zip(tr.layers, parts):
                lt.penalty_gradient = part
        tr.step_rate = tr.optimizer.step_rate(tr.learning_rate, ws.state.steps + 1)
        ws.update(tr.learning_rate)
        tr.state_after = ws.optimizer_state()
        for lt, layer in zip(tr.layers, self.net.layers):
            lt.weights_after, lt.biases_after = layer.weights.copy(), layer.biases.copy()
        after = Workspace(self.net, tr.loss_name, ws.rows)
        after.forward(ws.x)
        tr.loss_after = after.reduced_loss(self.z, tr.reduction)

    def copy(self) -> PhasedStep:
        """This step at the same sub-step, independent: advancing one leaves the other as it is."""
        twin = copy.copy(self)
        twin.net = self.net.copy()
        twin.ws = self.ws.copy(twin.net)
        twin.trace = replace(self.trace, layers=[replace(lt) for lt in self.trace.layers],
                             extra=dict(self.trace.extra))
        return twin

    def run(self) -> StepTrace:
        """Run all remaining sub-steps; return the finished trace."""
        while not self.done:
            self.advance()
        return self.trace


def forward_trace(net: Network, x: np.ndarray, z: np.ndarray, loss: str, learning_rate: float,
                  reduction: str = "mean", rows: list[int] | None = None) -> StepTrace:
    """The forward phases of a step only (s, a, output, loss): ``net`` is not changed."""
    step = PhasedStep(net, x, z, loss, learning_rate, reduction, rows)
    while step.next_phase is not None and step.next_phase.kind == PHASE_FORWARD:
        step.advance()
    return step.trace


def step_trace(
    net: Network,
    x: np.ndarray,
    z: np.ndarray,
    loss: str,
    learning_rate: float,
    reduction: str = "mean",
    rows: list[int] | None = None,
    optimizer: Optimizer | None = None,
    with_sensitivity: bool = True,
    penalty: Penalty | None = None,
    state: OptimizerState | None = None,
) -> StepTrace:
    """One full update of a copy of ``net`` (``net`` itself is left as it was), traced.

    The weights after the update are in the trace (``trace.network_after()``).
    With one sample and ``with_sensitivity``, also fills each layer's
    sensitivity: d output_0 / d parameter, at the weights before the update.
    """
    sens = sensitivity(net, x, output=0) if with_sensitivity and np.atleast_2d(x).shape[0] == 1 else None
    trace = PhasedStep(net.copy(), x, z, loss, learning_rate, reduction, rows, optimizer, penalty,
                       state).run()
    if sens is not None:
        for lt, (sw, sb) in zip(trace.layers, sens):
            lt.sensitivity_weights, lt.sensitivity_biases = sw, sb
    return trace


def sensitivity(net: Network, x: np.ndarray, output: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """d y_output / d parameter for one sample: per layer (d/dW, d/db), same shapes as W, b.

    The output delta is dy_k/ds (one-hot through the activation's Jacobian),
    then propagated back like any delta.
    """
    x = np.atleast_2d(np.asarray(x, dtype=net.dtype))[:1]
    ws = Workspace(net, "half_squared_error" if net.layers[-1].activation != "softmax"
                   else "cross_entropy", 1)
    y = ws.forward(x)
    last = len(net.layers) - 1
    d = ws.delta(last)
    if net.layers[-1].activation == "softmax":
        d[0] = -y[0, output] * y[0]
        d[0, output] += y[0, output]
    else:
        ws.activations[last].derivative(ws.s(last), y, d)
        mask = np.zeros_like(d)
        mask[0, output] = 1.0
        d *= mask
    for i in range(last - 1, -1, -1):
        ws.hidden_delta(i)
    ws.gradients("sum")
    return [(gw.copy(), gb.copy()) for gw, gb in zip(ws.grad_w, ws.grad_b)]


TRACE_QUANTITIES = ("s", "a", "delta", "grad_weights", "grad_biases", "weights_after", "biases_after")



def sensitivity_for(trace: StepTrace, output: int) -> StepTrace:
    """A copy of a one-row ``trace`` whose sensitivities are d y_output / d parameter,
    for the weights before the step (the trace's ``weights_before``)."""
    net = Network(trace.layers[0].weights_before.shape[1],
                  [Layer(lt.weights_before, lt.biases_before, lt.activation) for lt in trace.layers])
    pairs = sensitivity(net, trace.input, output)
    return replace(trace, layers=[replace(lt, sensitivity_weights=w, sensitivity_biases=b)
                                  for lt, (w, b) in zip(trace.layers, pairs)])

def first_non_finite(trace: StepTrace) -> str | None:
    """Where the first NaN or infinity of a step appeared, in computation order, or None.

    E.g. ``"layer 1, node 0: s is inf"``; the order is the forward pass, then the
    deltas from the output back, then the gradients and updated parameters.
    """
    n = len(trace.layers)
    order = [(i, q) for i in range(n) for q in ("s", "a")]
    order += [(i, "delta") for i in range(n - 1, -1, -1)]
    order += [(i, q) for i in range(n) for q in TRACE_QUANTITIES[3:]]
    for i, quantity in order:
        values = getattr(trace.layers[i], quantity)
        if values is None:
            continue
        values = np.asarray(values)
        bad = np.argwhere(~np.isfinite(values))
        if bad.size:
            index = tuple(int(k) for k in bad[0])
            is_matrix = quantity in ("grad_weights", "weights_after")
            node = index[-2] if is_matrix else index[-1]
            detail = f", input {index[-1]}" if is_matrix else ""
            return f"layer {i}, node {node}{detail}: {quantity} is {values[index]}"
    return None
