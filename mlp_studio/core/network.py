"""The network: n inputs, then layers, each with weights, biases and an activation.

Notation as in the reference document: ``weights[layer][node][input]``,
``biases[layer][node]``; layer 0 is the first layer after the inputs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from mlp_studio.core.activations import get_activation
from mlp_studio.core.initializers import init_layer
from mlp_studio.errors import MLPError


@dataclass
class Layer:
    """One layer: ``weights`` (n_out, n_in), ``biases`` (n_out,), an activation name."""

    weights: np.ndarray
    biases: np.ndarray
    activation: str = "sigmoid"

    @property
    def n_in(self) -> int:
        return self.weights.shape[1]

    @property
    def n_out(self) -> int:
        return self.weights.shape[0]

    def copy(self) -> "Layer":
        return Layer(self.weights.copy(), self.biases.copy(), self.activation)

    def forward_into(self, a_prev: np.ndarray, s: np.ndarray, a: np.ndarray) -> None:
        """The layer's forward kernel: ``s = a_prev W^T + b`` and ``a = f(s)``, written into
        ``s`` and ``a`` (shaped like ``a_prev`` with ``n_out`` columns)."""
        np.matmul(a_prev, self.weights.T, out=s)
        s += self.biases
        get_activation(self.activation).forward(s, a)


@dataclass
class Network:
    """A multi-layer perceptron. Arrays are owned by the network; use ``copy()``."""

    n_inputs: int
    layers: list[Layer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.validate()

    @classmethod
    def create(
        cls,
        sizes: list[int],
        activations: list[str] | str = "sigmoid",
        initializer: str = "uniform",
        seed: int = 0,
        dtype: type = np.float64,
    ) -> "Network":
        """A network with ``sizes`` = [inputs, hidden..., outputs], seeded initial weights."""
        if len(sizes) < 2:
            raise MLPError("a network needs an input size and at least one layer size")
        if isinstance(activations, str):
            activations = [activations] * (len(sizes) - 1)
        if len(activations) != len(sizes) - 1:
            raise MLPError(f"expected {len(sizes) - 1} activations, got {len(activations)}")
        rng = np.random.default_rng(seed)
        layers = []
        for n_in, n_out, act in zip(sizes[:-1], sizes[1:], activations):
            w, b = init_layer(initializer, n_in, n_out, rng)
            layers.append(Layer(w.astype(dtype), b.astype(dtype), act))
        return cls(sizes[0], layers)

    def validate(self) -> None:
        """Check shapes, activations and finiteness; raise MLPError naming the layer."""
        if self.n_inputs < 1:
            raise MLPError("a network needs at least one input")
        if not self.layers:
            raise MLPError("a network needs at least one layer")
        n_prev = self.n_inputs
        for i, layer in enumerate(self.layers):
            where = f"layer {i}"
            get_activation(layer.activation)
            if layer.activation == "softmax" and i != len(self.layers) - 1:
                raise MLPError("softmax is allowed on the output layer only", where=where)
            if layer.weights.ndim != 2 or layer.weights.shape[1] != n_prev:
                raise MLPError(
                    f"weights should have shape ({layer.weights.shape[0]}, {n_prev}), "
                    f"got {layer.weights.shape}", where=where)
            if layer.biases.shape != (layer.weights.shape[0],):
                raise MLPError(
                    f"expected {layer.weights.shape[0]} biases, got {layer.biases.size}", where=where)
            if layer.n_out < 1:
                raise MLPError("a layer needs at least one node", where=where)
            n_prev = layer.n_out

    @property
    def sizes(self) -> list[int]:
        return [self.n_inputs] + [layer.n_out for layer in self.layers]

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].n_out

    @property
    def dtype(self) -> np.dtype:
        return self.layers[0].weights.dtype

    @property
    def n_parameters(self) -> int:
        return sum(layer.weights.size + layer.biases.size for layer in self.layers)

    def copy(self) -> "Network":
        return Network(self.n_inputs, [layer.copy() for layer in self.layers])

    def astype(self, dtype: type) -> "Network":
        """A copy whose arrays have ``dtype`` (float32 for speed, float64 for stepping)."""
        return Network(self.n_inputs, [
            Layer(l.weights.astype(dtype), l.biases.astype(dtype), l.activation) for l in self.layers
        ])

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Outputs for inputs ``x`` of shape (n_inputs,) or (batch, n_inputs)."""
        a = np.asarray(x, dtype=self.dtype)
        for layer in self.layers:
            shape = a.shape[:-1] + (layer.n_out,)
            s, out = np.empty(shape, self.dtype), np.empty(shape, self.dtype)
            layer.forward_into(a, s, out)
            a = out
        return a

    def check_fits(self, n_inputs: int, n_outputs: int) -> None:
        """Raise MLPError unless the data has ``n_inputs`` input and ``n_outputs`` target columns."""
        if n_inputs != self.n_inputs or n_outputs != self.n_outputs:
            raise MLPError(
                f"the network has {self.n_inputs} inputs and {self.n_outputs} outputs but the data "
                f"has {n_inputs} input and {n_outputs} target columns")

    def _repr_svg_(self) -> str:
        """The network drawn as on the canvas, with its weights (Jupyter shows this)."""
        from mlp_studio.core.network_svg import network_svg

        return network_svg(self)

    def is_finite(self) -> bool:
        return all(np.isfinite(l.weights).all() and np.isfinite(l.biases).all() for l in self.layers)

    def fingerprint(self) -> bytes:
        """A digest of shape, activations and every number: equal networks, equal digests."""
        h = hashlib.blake2b(digest_size=16)
        h.update(repr(self.sizes).encode())
        for layer in self.layers:
            h.update(layer.activation.encode())
            h.update(np.ascontiguousarray(layer.weights).tobytes())
            h.update(np.ascontiguousarray(layer.biases).tobytes())
        return h.digest()

    def equals(self, other: "Network") -> bool:
        """Exactly the same shape, activations and numbers."""
        return self.sizes == other.sizes and all(
            a.activation == b.activation
            and np.array_equal(a.weights, b.weights)
            and np.array_equal(a.biases, b.biases)
            for a, b in zip(self.layers, other.layers)
        )
