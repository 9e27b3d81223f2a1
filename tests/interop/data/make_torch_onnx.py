"""Writes the torch.onnx.export fixtures that tests/interop/test_onnx.py reads (needs torch and
onnxscript): `python tests/interop/data/make_torch_onnx.py`."""

import json
from pathlib import Path

import torch
from torch import nn

HERE = Path(__file__).parent


def main() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.LeakyReLU(0.01), nn.Linear(5, 4), nn.Tanh(),
                          nn.Linear(4, 4), nn.Sigmoid(), nn.Linear(4, 3), nn.ReLU(),
                          nn.Linear(3, 2), nn.Softmax(dim=-1))
    x = torch.linspace(-2.0, 2.0, 18).reshape(6, 3)
    torch.onnx.export(model, (x,), HERE / "torch_sequential_legacy.onnx", dynamo=False,
                      input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "n"}})
    torch.onnx.export(model, (x,), HERE / "torch_sequential_dynamo.onnx", dynamo=True,
                      input_names=["x"], output_names=["y"], external_data=False)
    with torch.no_grad():
        y = model(x)
    (HERE / "torch_sequential.json").write_text(json.dumps({
        "sizes": [3, 5, 4, 4, 3, 2],
        "activations": ["leaky_relu", "tanh", "sigmoid", "relu", "softmax"],
        "x": x.tolist(), "y": y.tolist()}, indent=1) + "\n")


if __name__ == "__main__":
    main()
