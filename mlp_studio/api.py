"""The Python API: what a script or a notebook needs, as ``import mlp_studio as ms``.

Every name here is documented in docs/api.md. Nothing here imports Qt; the
exporters import their optional libraries (onnx, scikit-learn) only when called.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Callable, Sequence

import numpy as np

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.evaluation import holdout_split
from mlp_studio.core.gradcheck import gradient_check
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.project import Project
from mlp_studio.core.trace import StepTrace, step_trace
from mlp_studio.core.training import Trainer, TrainingConfig, TrainResult
from mlp_studio.errors import MLPError
from mlp_studio.io.csv_table import read_csv
from mlp_studio.io.project_file import load_project, save_project

__all__ = [
    "Dataset", "Layer", "MLPError", "Network", "Project", "StepTrace", "TrainResult",
    "TrainingConfig", "create_network", "dataset_from_arrays", "dataset_from_csv",
    "export_onnx", "export_pytorch", "from_sklearn", "gradcheck", "import_onnx",
    "load_project", "predict", "save_project", "step", "step_trace", "to_sklearn", "train",
]

#: rows used by :func:`gradcheck` (finite differences cost two passes per parameter)
GRADCHECK_ROWS = 32


def create_network(sizes: Sequence[int], activations: Sequence[str] | str = "sigmoid",
                   initializer: str = "uniform", seed: int = 0) -> Network:
    """A network with ``sizes`` = [inputs, hidden..., outputs] and seeded initial weights."""
    return Network.create(list(sizes), activations if isinstance(activations, str)
                          else list(activations), initializer, seed)


def dataset_from_arrays(inputs: Any, targets: Any, input_names: Sequence[str] | None = None,
                        target_names: Sequence[str] | None = None,
                        input_scaling: str = "minmax01", target_scaling: str = "minmax01") -> Dataset:
    """A dataset from arrays of raw inputs (rows, n) and targets (rows, m); the columns are
    named ``x0, x1, ...`` and ``z0, ...`` unless names are given. The scalers are fitted here."""
    x = np.asarray(inputs, dtype=np.float64)
    z = np.asarray(targets, dtype=np.float64)
    x = x.reshape(-1, 1) if x.ndim == 1 else x
    z = z.reshape(-1, 1) if z.ndim == 1 else z
    if x.ndim != 2 or z.ndim != 2 or x.shape[0] != z.shape[0]:
        raise MLPError(f"inputs {x.shape} and targets {z.shape} need the same number of rows")
    xn = list(input_names) if input_names is not None else [f"x{i}" for i in range(x.shape[1])]
    zn = list(target_names) if target_names is not None else [f"z{j}" for j in range(z.shape[1])]
    if len(xn) != x.shape[1] or len(zn) != z.shape[1]:
        raise MLPError(f"{len(xn)} input names for {x.shape[1]} columns, "
                       f"{len(zn)} target names for {z.shape[1]} columns")
    return Dataset(xn + zn, np.hstack([x, z]), xn, zn, input_scaling, target_scaling)


def dataset_from_csv(path: str | os.PathLike, inputs: Sequence[str] | None = None,
                     targets: Sequence[str] | None = None, input_scaling: str = "minmax01",
                     target_scaling: str = "minmax01") -> Dataset:
    """A dataset from a CSV file (read as the app reads it). By default the last column
    (or the last class column's 0/1 columns) is the target and every other column an input."""
    table = read_csv(path)
    chosen_targets = list(targets) if targets is not None else table.default_targets
    chosen_inputs = (list(inputs) if inputs is not None
                     else [c for c in table.columns if c not in chosen_targets])
    return Dataset(table.columns, table.values, chosen_inputs, chosen_targets,
                   input_scaling, target_scaling, source=str(path))


def step(project: Project, row: int | None = None) -> StepTrace:
    """One traced update on ``row`` (None: the mode's first batch); ``project`` is unchanged.

    The trace holds every number (``s``, ``a``, ``delta``, gradients, weights before and
    after); ``trace.network_after()`` is the network after the update.
    """
    return project.step(row)


def predict(project: Project, raw_inputs: Any) -> np.ndarray:
    """Outputs in the targets' own units for rows of raw inputs (as ``mlp-studio predict``)."""
    return project.predict(raw_inputs)


def train(project: Project, epochs: int | None = None,
          on_epoch: Callable[[int, float], None] | None = None) -> TrainResult:
    """Train a copy of the project's network with its settings (held-out rows left out, as in
    the app); ``on_epoch(epoch, loss)`` is called after every epoch. ``project`` is unchanged:
    the trained network is ``result.network``."""
    if project.data is None:
        raise MLPError("load a dataset before training")
    project.validate()
    data, cfg = project.data, project.training
    rows, _ = holdout_split(data.n_rows, cfg.holdout, cfg.seed)
    trainer = Trainer(project.network.copy(), data.X[rows], data.Z[rows], project.loss, replace(cfg))
    return trainer.train(epochs, on_epoch)


def gradcheck(project: Project, rows: int = GRADCHECK_ROWS) -> list[float]:
    """Per layer, the largest relative difference between backpropagation's gradients and
    central finite differences on the first ``rows`` rows (about 1e-7 or less is right)."""
    if project.data is None:
        raise MLPError("the project has no data")
    n = min(rows, project.data.n_rows)
    return gradient_check(project.network, project.data.X[:n], project.data.Z[:n], project.loss,
                          project.training.batch_reduction)


def export_pytorch(project: Project, path: str | os.PathLike) -> None:
    """Write a standalone PyTorch script of the project (see docs/interop.md)."""
    from mlp_studio.io.pytorch_export import write_pytorch_script

    write_pytorch_script(project, path)


def export_onnx(project: Project, path: str | os.PathLike, scaling: bool = True,
                dtype: str = "float32") -> None:
    """Write the network as an ONNX model; with ``scaling`` its inputs and outputs are in
    the data's units (needs the ``onnx`` package)."""
    from mlp_studio.io.onnx_export import write_onnx

    write_onnx(project, path, scaling=scaling, dtype=dtype)


def import_onnx(path: str | os.PathLike) -> Project:
    """A project from an ONNX model of an MLP (needs the ``onnx`` package)."""
    from mlp_studio.io.onnx_import import load_onnx_project

    return load_onnx_project(path)


def from_sklearn(estimator: Any) -> Project:
    """A project from a fitted scikit-learn MLPRegressor or MLPClassifier."""
    from mlp_studio.io.sklearn_convert import from_sklearn as convert

    return convert(estimator)


def to_sklearn(project: Project) -> Any:
    """A fitted scikit-learn MLPRegressor or MLPClassifier with the project's network."""
    from mlp_studio.io.sklearn_convert import to_sklearn as convert

    return convert(project)
