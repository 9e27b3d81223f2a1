"""The reference author's Go tool format: its weights file and its min/max file.

``REFERENCE_TOOL_WEIGHTS`` is the reference 2-3-1 network laid out as the tool
writes it (``json.MarshalIndent`` of hiddenWeights/hiddenBias/outputWeights/
outputBias), with the initial weights printed in the reference document.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.network import Network
from mlp_studio.errors import MLPError
from mlp_studio.io.reference_format import (
    load_reference_scalers, load_reference_weights, minmax_to_reference, network_from_reference,
    network_to_reference, project_from_reference, save_reference_minmax, save_reference_weights,
    scalers_from_reference)

REFERENCE_TOOL_WEIGHTS = """{
  "hiddenWeights": [
    [
      [
        -0.5,
        -1.0
      ],
      [
        -0.5,
        0.5
      ],
      [
        1.0,
        0.0
      ]
    ]
  ],
  "hiddenBias": [
    [
      0.5,
      0.5,
      0.5
    ]
  ],
  "outputWeights": [
    [
      0.5,
      -1.0,
      0.0
    ]
  ],
  "outputBias": [
    0.5
  ]
}"""

# min/max of the reference document's dataset: I0 in [25, 70], I1 in [67, 98], Z0 in [68, 91].
REFERENCE_MINMAX = {"minInput": [25, 67], "maxInput": [70, 98], "minOutput": [68], "maxOutput": [91]}
ROWS = np.array([[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]], float)


def test_import_reference_weights_and_forward_pass(tmp_path):
    path = tmp_path / "trained-weights-biases.json"
    path.write_text(REFERENCE_TOOL_WEIGHTS)
    net = load_reference_weights(path)
    assert net.sizes == [2, 3, 1]
    assert [l.activation for l in net.layers] == ["sigmoid", "sigmoid"]
    assert net.layers[0].weights.tolist() == [[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]]
    assert net.layers[1].biases.tolist() == [0.5]
    # The reference document's forward pass for (1, 1): y = 0.5030.
    assert net.forward(np.array([1.0, 1.0]))[0] == pytest.approx(0.5030, abs=5e-5)


def test_export_is_the_tools_layout_and_round_trips(tmp_path):
    net = network_from_reference(json.loads(REFERENCE_TOOL_WEIGHTS))
    assert network_to_reference(net) == json.loads(REFERENCE_TOOL_WEIGHTS)
    deep = Network.create([3, 4, 5, 2], "tanh", seed=3)
    path = tmp_path / "w.json"
    save_reference_weights(deep, path)
    saved = json.loads(path.read_text())
    assert [len(saved["hiddenWeights"][0]), len(saved["hiddenWeights"][0][0])] == [4, 3]
    assert [len(saved["hiddenWeights"][1]), len(saved["hiddenWeights"][1][0])] == [5, 4]
    assert [len(saved["outputWeights"]), len(saved["outputWeights"][0])] == [2, 5]
    assert load_reference_weights(path, activation="tanh").equals(deep)


@pytest.mark.parametrize("sizes, acts, fragment", [
    ([2, 1], ["sigmoid"], "at least one hidden layer"),
    ([2, 3, 1], ["tanh", "sigmoid"], "one activation"),
    ([2, 3, 1], ["relu", "relu"], "sigmoid or tanh"),
    ([2, 3, 1], ["sigmoid", "identity"], "this network has sigmoid, identity"),
])
def test_networks_the_tool_cannot_run_are_refused(sizes, acts, fragment):
    with pytest.raises(MLPError, match=fragment):
        network_to_reference(Network.create(sizes, acts))


def test_minmax_export_and_import(tmp_path):
    data = Dataset(["I0", "I1", "Z0"], ROWS, ["I0", "I1"], ["Z0"])
    assert minmax_to_reference(data) == REFERENCE_MINMAX
    path = tmp_path / "minmax.json"
    save_reference_minmax(data, path)
    x_scaler, z_scaler = load_reference_scalers(path, 2, 1)
    # 65 -> (65 - 25) / (70 - 25) = 0.8888 (the reference document's table)
    assert x_scaler.transform(np.array([[65.0, 67.0]]))[0].tolist() == pytest.approx([40 / 45, 0.0])
    x11, _ = scalers_from_reference(REFERENCE_MINMAX, 2, 1, "minmax11")
    # [-1, 1] table: 85 -> 0.1613; for 50 the document prints -0.1111, a sign slip:
    # (50 - 25) / (70 - 25) * 2 - 1 = +0.1111.
    np.testing.assert_allclose(x11.transform(np.array([[50.0, 85.0]]))[0], [0.1111, 0.1613], atol=1e-4)


def test_minmax_needs_one_minmax_method():
    data = Dataset(["I0", "I1", "Z0"], ROWS, ["I0", "I1"], ["Z0"], input_scaling="zscore")
    with pytest.raises(MLPError, match="one min-max method"):
        minmax_to_reference(data)


@pytest.mark.parametrize("change, where, fragment", [
    ({"hiddenWeights": []}, "hiddenWeights", "one entry per hidden layer"),
    ({"hiddenBias": [[0.5, 0.5, 0.5], [1]]}, "hiddenBias", "1 hidden layers"),
    ({"outputWeights": [[0.5, -1.0]]}, "outputWeights[0]", "expected 3 numbers, got 2"),
    ({"outputBias": [0.5, 1]}, "outputBias", "expected 1 numbers, got 2"),
    ({"hiddenBias": [[0.5, "x", 0.5]]}, "hiddenBias[0][1]", "got a string"),
    ({"weights": 1}, "weights", "unknown key"),
])
def test_bad_weight_files_name_the_key(change, where, fragment):
    data = dict(json.loads(REFERENCE_TOOL_WEIGHTS), **change)
    with pytest.raises(MLPError) as info:
        network_from_reference(data, source="w.json")
    assert info.value.where == f"w.json: {where}"
    assert fragment in info.value.message


def test_bad_minmax_files():
    with pytest.raises(MLPError, match="expected 2 numbers, got 1"):
        scalers_from_reference(dict(REFERENCE_MINMAX, minInput=[1]), 2, 1)
    with pytest.raises(MLPError, match="larger than max"):
        scalers_from_reference(dict(REFERENCE_MINMAX, minOutput=[100]), 2, 1)
    with pytest.raises(MLPError, match="missing key 'maxOutput'"):
        scalers_from_reference({k: v for k, v in REFERENCE_MINMAX.items() if k != "maxOutput"}, 2, 1)


def test_project_from_the_tools_three_files(tmp_path):
    (tmp_path / "w.json").write_text(REFERENCE_TOOL_WEIGHTS)
    (tmp_path / "minmax.json").write_text(json.dumps(dict(REFERENCE_MINMAX, minInput=[0, 67])))
    # The tool's CSV style: spaced, no newline at the end.
    (tmp_path / "training-dataset.csv").write_text(
        "i0,  i1,  z0\n70,  98,  91\n50,  85,  82\n65,  67,  80\n25,  95,  68")
    fitted = project_from_reference(tmp_path / "w.json", csv_path=tmp_path / "training-dataset.csv")
    # The reference document's [0, 1] table for I0: 1.0, 0.5555, 0.8888, 0.0
    np.testing.assert_allclose(fitted.data.X[:, 0], [1.0, 0.5555, 0.8888, 0.0], atol=1e-4)
    assert fitted.loss == "half_squared_error" and fitted.data.targets == ["z0"]
    stored = project_from_reference(tmp_path / "w.json", tmp_path / "minmax.json",
                                    tmp_path / "training-dataset.csv")
    # The min/max file wins over the data: I0 in [0, 70], so 50 -> 50 / 70.
    assert stored.data.X[1, 0] == pytest.approx(50 / 70, rel=1e-15)
    with pytest.raises(MLPError, match="needs the training CSV"):
        project_from_reference(tmp_path / "w.json", tmp_path / "minmax.json")
    (tmp_path / "narrow.csv").write_text("i0,  i1\n1,  2\n")
    with pytest.raises(MLPError, match="2 input and 1 target columns"):
        project_from_reference(tmp_path / "w.json", csv_path=tmp_path / "narrow.csv")
