"""Property tests: valid projects round-trip bit for bit; arbitrary input only ever
raises MLPError from the loaders."""

from __future__ import annotations

import json
import os
import tempfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.project import Project
from mlp_studio.core.scaling import SCALINGS
from mlp_studio.core.training import MODES, TrainingConfig
from mlp_studio.errors import MLPError
from mlp_studio.io.csv_table import read_csv
from mlp_studio.io.project_file import (
    dumps_project, load_project, loads_project, project_from_dict, project_to_dict)

FLOATS = st.floats(allow_nan=False, allow_infinity=False, width=64)
PLAIN = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")


def _matrix(draw, rows: int, cols: int) -> np.ndarray:
    return np.array(draw(st.lists(st.lists(FLOATS, min_size=cols, max_size=cols),
                                  min_size=rows, max_size=rows)), dtype=np.float64).reshape(rows, cols)


@st.composite
def projects(draw) -> Project:
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    softmax = sizes[-1] >= 2 and draw(st.booleans())
    acts = [draw(st.sampled_from(PLAIN)) for _ in sizes[1:]]
    if softmax:
        acts[-1] = "softmax"
    layers = [Layer(_matrix(draw, n_out, n_in), _matrix(draw, 1, n_out)[0], act)
              for n_in, n_out, act in zip(sizes[:-1], sizes[1:], acts)]
    net = Network(sizes[0], layers)
    loss = "cross_entropy" if softmax else draw(st.sampled_from(["half_squared_error", "squared_error"]))
    data = None
    if draw(st.booleans()):
        n_cols = sizes[0] + sizes[-1]
        columns = [f"c{j}" for j in range(n_cols)]
        small = st.floats(-1e6, 1e6, allow_nan=False, width=64)
        values = np.array(draw(st.lists(st.lists(small, min_size=n_cols, max_size=n_cols),
                                        min_size=1, max_size=6)))
        data = Dataset(columns, values, columns[:sizes[0]], columns[sizes[0]:],
                       input_scaling=draw(st.sampled_from(SCALINGS)),
                       target_scaling=draw(st.sampled_from(SCALINGS)))
    training = TrainingConfig(
        learning_rate=draw(st.floats(1e-6, 10.0)), mode=draw(st.sampled_from(MODES)),
        batch_size=draw(st.integers(1, 64)), batch_reduction=draw(st.sampled_from(["mean", "sum"])),
        epochs=draw(st.none() | st.integers(0, 10**6)), shuffle=draw(st.booleans()),
        seed=draw(st.integers(0, 2**32)), momentum=draw(st.floats(0.0, 0.99)),
        target_loss=draw(st.none() | st.floats(0.0, 1.0)), patience=draw(st.none() | st.integers(1, 99)))
    return Project(net, loss, data, training)


def _bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a, dtype=np.float64).tobytes()


@settings(max_examples=150, deadline=None)
@given(projects())
def test_valid_projects_round_trip_bit_for_bit(project):
    again = loads_project(dumps_project(project))
    assert again.network.sizes == project.network.sizes
    for a, b in zip(again.network.layers, project.network.layers):
        assert a.activation == b.activation
        assert _bits(a.weights) == _bits(b.weights) and _bits(a.biases) == _bits(b.biases)
    assert again.loss == project.loss and again.training == project.training
    if project.data is None:
        assert again.data is None
    else:
        assert _bits(again.data.values) == _bits(project.data.values)
        for s, t in ((again.data.input_scaler, project.data.input_scaler),
                     (again.data.target_scaler, project.data.target_scaler)):
            assert s.method == t.method
            if s.method != "none":
                assert _bits(s.a) == _bits(t.a) and _bits(s.b) == _bits(t.b)
        assert _bits(again.data.X) == _bits(project.data.X)
        assert _bits(again.data.Z) == _bits(project.data.Z)
    assert project_to_dict(again) == project_to_dict(project)


_TMP = tempfile.mkdtemp(prefix="mlp-io-fuzz-")


def _file(data: bytes) -> str:
    path = os.path.join(_TMP, "fuzz")
    with open(path, "wb") as f:
        f.write(data)
    return path


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_random_bytes_only_raise_mlp_error(data):
    path = _file(data)
    for loader in (load_project, read_csv):
        try:
            loader(path)
        except MLPError:
            pass


CSV_ALPHABET = st.sampled_from(list("0123456789.,;\t \"-+eEnaifNI\n\r\x00é_x"))


@settings(max_examples=300, deadline=None)
@given(st.text(CSV_ALPHABET, max_size=120))
def test_csv_like_text_loads_or_raises_mlp_error(text):
    try:
        table = read_csv(_file(("a,b\n" + text).encode()))
    except MLPError:
        return
    assert table.values.shape[1] == len(table.columns)
    assert np.isfinite(table.values).all()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)

EXAMPLE = {"format": "mlp-studio-project", "version": 1,
           "network": {"inputs": 1, "layers": [{"activation": "sigmoid", "weights": [[1.0]],
                                                "biases": [0.0]}]},
           "loss": "half_squared_error",
           "data": {"columns": ["x", "y"], "rows": [[1, 2]], "inputs": ["x"], "targets": ["y"],
                    "scaling": {"inputs": "none"}},
           "training": {"epochs": 3}}
PLACES = [(), ("network",), ("network", "layers"), ("network", "layers", 0),
          ("network", "layers", 0, "weights"), ("data",), ("data", "rows"), ("data", "scaling"),
          ("training",)]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PLACES), st.text(max_size=12), JSON)
def test_any_json_in_any_place_only_raises_mlp_error(place, key, value):
    d = json.loads(json.dumps(EXAMPLE))
    target = d
    for k in place:
        target = target[k]
    if isinstance(target, list):
        target[0] = value
    else:
        target[key] = value
    project_from_dict(json.loads(json.dumps(EXAMPLE)))  # the unchanged example loads
    try:
        project_from_dict(d)
    except MLPError:
        pass
