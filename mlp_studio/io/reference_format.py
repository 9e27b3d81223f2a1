"""Import and export of the reference author's own tool format.

The tool is JeffDeCola's Go package ``my-go-packages/neural-networks/mlp``
(used by ``my-neural-networks/mlp-regression-example`` and
``mlp-classification-example``). It writes two JSON files:

- trained weights and biases (``SaveWeightsBiasesToJSON``)::

      {"hiddenWeights": [[[w, ...], ...], ...],   # [hiddenLayer][hiddenNode][input]
       "hiddenBias":    [[b, ...], ...],          # [hiddenLayer][hiddenNode]
       "outputWeights": [[w, ...], ...],          # [outputNode][lastHiddenNode]
       "outputBias":    [b, ...]}                 # [outputNode]

- min/max of the training data (``SaveMinMaxValuesToJSON``)::

      {"minInput": [...], "maxInput": [...], "minOutput": [...], "maxOutput": [...]}

Its networks have at least one hidden layer and one activation, ``sigmoid`` or
``tanh``, for every layer (output included); its ``mean-squared-error`` is our
``half_squared_error``; its ``NormalizeMethod`` ``zero-to-one`` /
``minus-one-to-one`` is our ``minmax01`` / ``minmax11`` (one method for inputs
and outputs). The weights file does not record the activation, so an import
is told which one. One difference: for a constant column (min = max) the tool
uses 0.5 (``zero-to-one``) or 0 (``minus-one-to-one``) where MLP Studio uses
the column's offset, 0 or -1.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.project import Project
from mlp_studio.core.scaling import Scaler
from mlp_studio.errors import MLPError, shown
from mlp_studio.io.atomic import write_text_atomic
from mlp_studio.io.csv_table import class_column, read_csv
from mlp_studio.io.project_file import JsonChecker, format_json, read_json

ACTIVATIONS = ("sigmoid", "tanh")
NORMALIZE_METHODS = {"minmax01": "zero-to-one", "minmax11": "minus-one-to-one"}
WEIGHT_KEYS = ("hiddenWeights", "hiddenBias", "outputWeights", "outputBias")
MINMAX_KEYS = ("minInput", "maxInput", "minOutput", "maxOutput")


# ----------------------------------------------------------------------------- export

def check_exportable(net: Network) -> None:
    """Raise MLPError unless the reference tool can run ``net``."""
    if len(net.layers) < 2:
        raise MLPError("the reference tool needs at least one hidden layer; this network has none")
    acts = {layer.activation for layer in net.layers}
    if len(acts) != 1 or not acts <= set(ACTIVATIONS):
        names = ", ".join(layer.activation for layer in net.layers)
        raise MLPError("the reference tool uses one activation, sigmoid or tanh, for every layer "
                       f"(output included); this network has {names}")


def network_to_reference(net: Network) -> dict:
    """The trained-weights JSON dict of ``net`` (see :func:`check_exportable`)."""
    check_exportable(net)
    hidden, output = net.layers[:-1], net.layers[-1]
    return {
        "hiddenWeights": [np.asarray(l.weights, np.float64).tolist() for l in hidden],
        "hiddenBias": [np.asarray(l.biases, np.float64).tolist() for l in hidden],
        "outputWeights": np.asarray(output.weights, np.float64).tolist(),
        "outputBias": np.asarray(output.biases, np.float64).tolist(),
    }


def minmax_to_reference(data: Dataset) -> dict:
    """The min/max JSON dict of ``data``'s fitted scalers (min-max scaling, one method)."""
    methods = {data.input_scaler.method, data.target_scaler.method}
    if len(methods) != 1 or not methods <= set(NORMALIZE_METHODS):
        raise MLPError("the reference tool normalises inputs and targets with one min-max "
                       f"method; this data uses {data.input_scaler.method} for inputs and "
                       f"{data.target_scaler.method} for targets")
    return {
        "minInput": np.asarray(data.input_scaler.a, np.float64).tolist(),
        "maxInput": np.asarray(data.input_scaler.b, np.float64).tolist(),
        "minOutput": np.asarray(data.target_scaler.a, np.float64).tolist(),
        "maxOutput": np.asarray(data.target_scaler.b, np.float64).tolist(),
    }


def save_reference_weights(net: Network, path: str | os.PathLike) -> None:
    write_text_atomic(path, format_json(network_to_reference(net)) + "\n")


def save_reference_minmax(data: Dataset, path: str | os.PathLike) -> None:
    write_text_atomic(path, format_json(minmax_to_reference(data)) + "\n")


# ----------------------------------------------------------------------------- import

def network_from_reference(data: Any, activation: str = "sigmoid", source: str = "") -> Network:
    """A network from the trained-weights dict; ``activation`` is the tool's setting.

    Min/max keys in the same object are allowed (and ignored here).
    """
    check = JsonChecker(source)
    if activation not in ACTIVATIONS:
        raise MLPError(f"the reference tool's activation is sigmoid or tanh, not {shown(activation)}")
    data = check.obj(data, "", WEIGHT_KEYS, MINMAX_KEYS)
    hw, hb = data["hiddenWeights"], data["hiddenBias"]
    if not isinstance(hw, list) or not hw:
        raise check.fail("hiddenWeights", "expected a list with one entry per hidden layer")
    if not isinstance(hb, list) or len(hb) != len(hw):
        raise check.fail("hiddenBias", f"expected a list of {len(hw)} hidden layers' biases, "
                         f"as in hiddenWeights")
    first = hw[0][0] if isinstance(hw[0], list) and hw[0] else None
    if not isinstance(first, list) or not first:
        raise check.fail("hiddenWeights[0][0]", "expected the first node's list of input weights")
    n_prev = n_inputs = len(first)
    layers = []
    parts = [(f"hiddenWeights[{i}]", w, f"hiddenBias[{i}]", b) for i, (w, b) in enumerate(zip(hw, hb))]
    parts.append(("outputWeights", data["outputWeights"], "outputBias", data["outputBias"]))
    for w_path, w, b_path, b in parts:
        weights = check.matrix(w, w_path, n_prev)
        biases = check.numbers(b, b_path, weights.shape[0])
        layers.append(Layer(weights, biases, activation))
        n_prev = weights.shape[0]
    return Network(n_inputs, layers)


def scalers_from_reference(data: Any, n_inputs: int, n_outputs: int, method: str = "minmax01",
                           source: str = "") -> tuple[Scaler, Scaler]:
    """Input and target scalers from the min/max dict; ``method`` is minmax01 or minmax11."""
    if method not in NORMALIZE_METHODS:
        raise MLPError(f"the reference tool's normalisation is minmax01 or minmax11, not {shown(method)}")
    check = JsonChecker(source)
    data = check.obj(data, "", MINMAX_KEYS, WEIGHT_KEYS)
    lo_in = check.numbers(data["minInput"], "minInput", n_inputs)
    hi_in = check.numbers(data["maxInput"], "maxInput", n_inputs)
    lo_out = check.numbers(data["minOutput"], "minOutput", n_outputs)
    hi_out = check.numbers(data["maxOutput"], "maxOutput", n_outputs)
    for key, lo, hi in (("minInput", lo_in, hi_in), ("minOutput", lo_out, hi_out)):
        bad = np.flatnonzero(lo > hi)
        if bad.size:
            j = int(bad[0])
            raise check.fail(f"{key}[{j}]", f"min {lo[j]} is larger than max {hi[j]}")
    return Scaler(method, lo_in, hi_in), Scaler(method, lo_out, hi_out)


def load_reference_weights(path: str | os.PathLike, activation: str = "sigmoid") -> Network:
    return network_from_reference(read_json(path), activation, str(path))


def load_reference_scalers(path: str | os.PathLike, n_inputs: int, n_outputs: int,
                           method: str = "minmax01") -> tuple[Scaler, Scaler]:
    return scalers_from_reference(read_json(path), n_inputs, n_outputs, method, str(path))


def _check_classes_fit(table, n_in: int, n_out: int) -> None:
    """MLPError when a class column's 0/1 columns would be split between the network's
    inputs, its outputs and the columns it does not use (a class silently dropped)."""
    position = {c: k for k, c in enumerate(table.columns)}
    for column, names in table.classes.items():
        sides = {min(2, (position[class_column(column, n)] >= n_in)
                     + (position[class_column(column, n)] >= n_in + n_out)) for n in names}
        if len(sides) > 1:
            raise MLPError(f"the column {shown(column)} holds {len(names)} classes, one 0/1 column "
                           f"each, but the network ({n_in} inputs, {n_out} outputs) would take "
                           f"only some of them: give it one input or output per class",
                           where=table.path)


def project_from_reference(weights_path: str | os.PathLike,
                           minmax_path: str | os.PathLike | None = None,
                           csv_path: str | os.PathLike | None = None,
                           activation: str = "sigmoid", method: str = "minmax01") -> Project:
    """A project from the tool's files: its weights and, optionally, its min/max file and
    its training CSV (input columns first, then the targets, as the tool reads them).

    Without a min/max file the scaling is fitted on the CSV, as the tool's
    ``calculate`` setting does. The loss is the tool's (``half_squared_error``).
    """
    net = load_reference_weights(weights_path, activation)
    data = None
    if csv_path is not None:
        table = read_csv(csv_path)
        n_in, n_out = net.n_inputs, net.n_outputs
        if len(table.columns) < n_in + n_out:
            raise MLPError(f"the network needs {n_in} input and {n_out} target columns, the file "
                           f"has {len(table.columns)}", where=table.path)
        _check_classes_fit(table, n_in, n_out)
        scalers = (None, None)
        if minmax_path is not None:
            scalers = load_reference_scalers(minmax_path, n_in, n_out, method)
        data = Dataset(table.columns, table.values, table.columns[:n_in],
                       table.columns[n_in:n_in + n_out], method, method, *scalers,
                       source=table.path)
    elif minmax_path is not None:
        raise MLPError("a min/max file needs the training CSV it describes")
    project = Project(net, "half_squared_error", data)
    project.validate()
    return project
