"""The bundled overfitting example: noisy moons and a 2-16-16-1 network that learns the
training rows' noise, so the held-out loss falls and then rises; early stopping (patience on
the held-out loss) stops near its best."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mlp_studio.core.generators import generate
from mlp_studio.core.network import Network
from mlp_studio.core.training import STOP_PLATEAU
from mlp_studio.core.training_run import RunSpec, run_training
from mlp_studio.io.project_file import load_project
from mlp_studio.io.resources import resource_path
from tests.core.test_training_run import Script


@pytest.fixture(scope="module")
def project():
    return load_project(resource_path("overfitting_moons.mlp.json"))


def test_the_example_is_generated_moons_and_a_seeded_network(project):
    moons = generate("moons", 100, 0.3, seed=5)  # `mlp-studio generate moons --rows 100 --noise 0.3 --seed 5`
    assert np.allclose(project.data.raw_inputs, moons.inputs, atol=5e-7)
    assert np.array_equal(project.data.raw_targets[:, 0], moons.target)
    assert project.network.equals(Network.create([2, 16, 16, 1], ["tanh", "tanh", "sigmoid"], "xavier", 1))
    assert project.training.holdout == 0.4 and project.training.patience is None


def _losses(project, config):
    snaps = []
    result = run_training(1, RunSpec(project.network, project.data, project.loss, config, config.epochs),
                          snaps.append, Script(seen=snaps))
    return result, np.concatenate([s.train_loss for s in snaps]), np.concatenate([s.val_loss for s in snaps])


def test_the_held_out_loss_falls_then_rises_while_the_training_loss_keeps_falling(project):
    _, train, val = _losses(project, project.training)
    best = int(np.argmin(val))
    assert 200 < best < len(val) - 1000
    assert val[-1] > 1.5 * val[best] and train[-1] < 0.25 * train[best]


def test_early_stopping_watches_the_held_out_loss_and_needs_enough_patience(project):
    _, _, full_val = _losses(project, project.training)
    best = int(np.argmin(full_val))
    result, _, val = _losses(project, replace(project.training, patience=500))
    assert result.stop.code == STOP_PLATEAU and "held-out" in result.stop.message
    assert result.epochs == best + 1 + 500  # the same run to the best epoch, then 500 without a new best
    assert np.array_equal(val, full_val[:result.epochs])
    assert val[-1] < 1.15 * full_val[best] < full_val[-1]
    # the held-out loss first dips at about epoch 25 and rises for over 400 epochs before it
    # falls to its best: with too little patience the run stops at that first dip
    short, _, _ = _losses(project, replace(project.training, patience=200))
    assert short.epochs < 300
