"""The Python API (`import mlp_studio as ms`): its names, a step that leaves its input as it
was, training with a per-epoch callback, datasets, and no Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mlp_studio as ms
from mlp_studio import api
from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path

from tests.core.reference_net import ROWS


def test_every_documented_name_is_there_and_the_core_classes_import_from_core():
    from mlp_studio.core import Network, Project  # noqa: F401 - the import is the test

    for name in api.__all__:
        assert getattr(ms, name) is getattr(api, name)
    assert ms.Network is Network and ms.Project is Project
    assert set(api.__all__) <= set(dir(ms))
    with pytest.raises(AttributeError):
        ms.no_such_name  # noqa: B018
    assert (Path(ms.__file__).parent / "py.typed").is_file()


def test_importing_the_api_core_and_io_never_imports_qt():
    code = ("import sys, pkgutil, importlib, mlp_studio as ms, mlp_studio.core, mlp_studio.io\n"
            "ms.create_network([2, 2, 1])\n"
            "for m in pkgutil.iter_modules(mlp_studio.io.__path__):\n"
            "    importlib.import_module('mlp_studio.io.' + m.name)\n"
            "import mlp_studio.api\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'))\n"
            "print(bad)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_step_leaves_the_project_as_it_was_and_matches_the_reference():
    project = ms.load_project(resource_path(EXAMPLE_PROJECT))
    before = project.network.copy()
    trace = ms.step(project, row=0)
    assert project.network.equals(before)
    # reference document: row 0 scales to (1, 1); hidden a = 0.2689, 0.6225, 0.8176; y = 0.5030
    np.testing.assert_allclose(trace.layers[0].a, [0.2689, 0.6225, 0.8176], atol=5e-5)
    y = trace.output[0]
    assert y == pytest.approx(0.5030, abs=1e-4)
    after = trace.network_after()
    # output weights: w - 0.1 * delta * a_hidden, delta = y (1 - y) (y - 1)
    expected = before.layers[1].weights - 0.1 * y * (1 - y) * (y - 1.0) * trace.layers[0].a
    np.testing.assert_allclose(after.layers[1].weights, expected, rtol=1e-14)


def test_train_calls_back_every_epoch_and_leaves_the_project_alone():
    project = ms.load_project(resource_path(EXAMPLE_PROJECT))
    before = project.network.copy()
    seen = []
    result = ms.train(project, epochs=5, on_epoch=lambda epoch, loss: seen.append((epoch, loss)))
    assert [e for e, _ in seen] == [1, 2, 3, 4, 5]
    assert [l for _, l in seen] == result.losses
    assert project.network.equals(before) and not result.network.equals(before)
    # one epoch by traced steps, row by row, is the first epoch of training
    net = before.copy()
    for r in range(4):
        net = ms.step_trace(net, project.data.X[r:r + 1], project.data.Z[r:r + 1],
                            project.loss, 0.1).network_after()
    again = ms.train(project, epochs=1)
    for trained, stepped in zip(again.network.layers, net.layers):
        np.testing.assert_allclose(trained.weights, stepped.weights, rtol=1e-12)


def test_datasets_from_arrays_and_csv_scale_like_the_reference(tmp_path):
    rows = np.array(ROWS, dtype=float)
    data = ms.dataset_from_arrays(rows[:, :2], rows[:, 2], ["I0", "I1"], ["Z0"])
    # min-max [0, 1]: I0 in [25, 70], I1 in [67, 98], Z0 in [68, 91]
    np.testing.assert_allclose(data.X[1], [(50 - 25) / 45, (85 - 67) / 31])
    np.testing.assert_allclose(data.Z[:, 0], (rows[:, 2] - 68) / 23)
    csv = tmp_path / "r.csv"
    csv.write_text("I0,I1,Z0\n" + "\n".join(",".join(map(str, r)) for r in ROWS) + "\n")
    from_csv = ms.dataset_from_csv(csv)
    assert from_csv.inputs == ["I0", "I1"] and from_csv.targets == ["Z0"]
    np.testing.assert_array_equal(from_csv.X, data.X)
    with pytest.raises(ms.MLPError, match="same number of rows"):
        ms.dataset_from_arrays(rows[:, :2], rows[:3, 2])


def test_predict_and_gradcheck_of_the_example():
    project = ms.load_project(resource_path(EXAMPLE_PROJECT))
    out = ms.predict(project, [[70, 98]])
    y = ms.step(project, 0).output[0]
    assert out[0, 0] == pytest.approx(68 + y * 23, rel=1e-12)
    assert max(ms.gradcheck(project)) < 1e-6
