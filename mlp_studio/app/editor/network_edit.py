"""Structure edits of a network, as new networks (the document pushes them as undo steps).

Positions count columns of nodes: 0 is the inputs, ``p`` >= 1 is layer ``p - 1``.
Weights that a structure change makes meaningless (a layer whose inputs changed)
are drawn fresh with the chosen initialiser and seed; every other number is kept.
No Qt here.
"""

from __future__ import annotations

import numpy as np

from mlp_studio.core.initializers import init_layer
from mlp_studio.core.network import Layer, Network
from mlp_studio.errors import MLPError


def _fresh(n_in: int, n_out: int, activation: str, initializer: str, seed: int) -> Layer:
    w, b = init_layer(initializer, n_in, n_out, np.random.default_rng(seed))
    return Layer(w, b, activation)


def reinitialise(net: Network, initializer: str, seed: int) -> Network:
    """Same shape and activations, all weights and biases drawn afresh."""
    return Network.create(net.sizes, [l.activation for l in net.layers], initializer, seed)


def add_layer(net: Network, position: int, n_nodes: int, activation: str,
              initializer: str = "uniform", seed: int = 0) -> Network:
    """Insert a hidden layer of ``n_nodes`` as column ``position`` (1 .. number of layers)."""
    if not 1 <= position <= len(net.layers):
        raise MLPError(f"a hidden layer goes between the inputs and the outputs "
                       f"(position 1 to {len(net.layers)}), not at {position}")
    if n_nodes < 1:
        raise MLPError("a layer needs at least one node")
    layers = [l.copy() for l in net.layers]
    n_in = net.sizes[position - 1]
    after = layers[position - 1]
    layers[position - 1] = _fresh(n_nodes, after.n_out, after.activation, initializer, seed + 1)
    layers.insert(position - 1, _fresh(n_in, n_nodes, activation, initializer, seed))
    return Network(net.n_inputs, layers)


def remove_layer(net: Network, layer: int, initializer: str = "uniform", seed: int = 0) -> Network:
    """Remove hidden layer ``layer``; the next layer is re-initialised for its new inputs."""
    if not 0 <= layer < len(net.layers) - 1:
        raise MLPError("only a hidden layer can be removed; the output layer follows the data")
    layers = [l.copy() for l in net.layers]
    nxt = layers[layer + 1]
    layers[layer + 1] = _fresh(net.sizes[layer], nxt.n_out, nxt.activation, initializer, seed)
    del layers[layer]
    return Network(net.n_inputs, layers)


def add_node(net: Network, position: int, initializer: str = "uniform", seed: int = 0) -> Network:
    """Add one node at the end of column ``position``; its new weights are drawn fresh."""
    sizes = net.sizes
    if not 0 <= position < len(sizes):
        raise MLPError(f"no column {position}; the network has columns 0 to {len(sizes) - 1}")
    rng = np.random.default_rng(seed)
    layers = [l.copy() for l in net.layers]
    if position > 0:  # a new row (its incoming weights and bias) in the layer of this column
        l = layers[position - 1]
        w, b = init_layer(initializer, l.n_in, 1, rng)
        layers[position - 1] = Layer(np.vstack([l.weights, w]), np.append(l.biases, b), l.activation)
    if position < len(sizes) - 1:  # a new column (its outgoing weights) in the next layer
        l = layers[position]
        w, _ = init_layer(initializer, 1, l.n_out, rng)
        layers[position] = Layer(np.hstack([l.weights, w]), l.biases, l.activation)
    return Network(net.n_inputs + (position == 0), layers)


def remove_node(net: Network, position: int, node: int) -> Network:
    """Remove node ``node`` of column ``position`` and all its edges."""
    sizes = net.sizes
    if not 0 <= position < len(sizes) or not 0 <= node < sizes[position]:
        raise MLPError(f"no node {node} in column {position}")
    if sizes[position] == 1:
        raise MLPError("the last node of a column cannot be removed; remove the layer instead")
    layers = [l.copy() for l in net.layers]
    if position > 0:
        l = layers[position - 1]
        layers[position - 1] = Layer(np.delete(l.weights, node, axis=0), np.delete(l.biases, node),
                                     l.activation)
    if position < len(sizes) - 1:
        l = layers[position]
        layers[position] = Layer(np.delete(l.weights, node, axis=1), l.biases, l.activation)
    return Network(net.n_inputs - (position == 0), layers)


def resize_io(net: Network, n_inputs: int, n_outputs: int, initializer: str = "uniform",
              seed: int = 0) -> Network:
    """The network with ``n_inputs`` inputs and ``n_outputs`` outputs; a layer whose
    shape changes is re-initialised, the others are kept."""
    layers = [l.copy() for l in net.layers]
    if n_inputs != net.n_inputs:
        first = layers[0]
        n_out = n_outputs if len(layers) == 1 else first.n_out
        layers[0] = _fresh(n_inputs, n_out, first.activation, initializer, seed)
    last = layers[-1]
    if last.n_out != n_outputs or last.n_in != (n_inputs if len(layers) == 1 else last.n_in):
        n_in = n_inputs if len(layers) == 1 else last.n_in
        layers[-1] = _fresh(n_in, n_outputs, last.activation, initializer, seed + 1)
    return Network(n_inputs, layers)
