"""Generated teaching data: deterministic, shaped as documented, with the stated noise."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.core.generators import CLASS_KINDS, KINDS, PLANE, generate
from mlp_studio.errors import MLPError


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_rows_other_seed_other_rows(kind):
    a, b, c = generate(kind, 300, 0.1, seed=4), generate(kind, 300, 0.1, seed=4), generate(kind, 300, 0.1, seed=5)
    assert np.array_equal(a.inputs, b.inputs) and np.array_equal(a.target, b.target)
    assert not np.array_equal(a.inputs, c.inputs)


@pytest.mark.parametrize("kind", CLASS_KINDS)
def test_class_noise_moves_the_same_points_by_the_stated_deviation(kind):
    clean, noisy = generate(kind, 20_000, 0.0, seed=1), generate(kind, 20_000, 0.3, seed=1)
    assert np.array_equal(clean.target, noisy.target)
    moved = noisy.inputs - clean.inputs
    # 40,000 draws: the sample deviation is within 2% of 0.3 and the mean near 0
    assert moved.std() == pytest.approx(0.3, rel=0.02) and abs(moved.mean()) < 0.01


@pytest.mark.parametrize("kind", ["sine", "plane"])
def test_regression_noise_is_added_to_the_target(kind):
    clean, noisy = generate(kind, 20_000, 0.0, seed=2), generate(kind, 20_000, 0.25, seed=2)
    assert np.array_equal(clean.inputs, noisy.inputs)
    assert (noisy.target - clean.target).std() == pytest.approx(0.25, rel=0.02)


def test_regression_targets_follow_their_functions():
    sine = generate("sine", 500, seed=3)
    assert sine.input_names == ("x",) and np.allclose(sine.target, np.sin(sine.inputs[:, 0]))
    plane = generate("plane", 500, seed=3)
    x1, x2 = plane.inputs.T
    assert np.allclose(plane.target, PLANE[0] * x1 + PLANE[1] * x2 + PLANE[2])


def test_clean_class_points_obey_their_rule():
    circle = generate("circle", 2000, seed=0)
    radius = np.hypot(*circle.inputs.T)
    assert (radius[circle.target == 1] <= 0.5).all() and (radius[circle.target == 0] >= 0.7).all()
    xor = generate("xor", 2000, seed=0)
    assert np.array_equal(xor.target == 1, xor.inputs[:, 0] * xor.inputs[:, 1] < 0)
    moons = generate("moons", 2000, seed=0)
    upper = moons.inputs[moons.target == 0]
    lower = moons.inputs[moons.target == 1]
    assert np.allclose(np.hypot(*upper.T), 1.0) and (upper[:, 1] >= 0).all()
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0) and (lower[:, 1] <= 0.5).all()
    spiral = generate("spiral", 3000, seed=0, classes=3)
    assert set(spiral.target) == {0.0, 1.0, 2.0} and np.hypot(*spiral.inputs.T).max() <= 1.0


def test_gaussian_classes_sit_around_their_centres_and_are_balanced():
    data = generate("gaussians", 30_000, seed=0, classes=3)
    counts = np.bincount(data.target.astype(int))
    assert counts.tolist() == [10_000] * 3
    for k in range(3):
        centre = data.inputs[data.target == k].mean(axis=0)
        angle = 2 * np.pi * k / 3
        assert centre == pytest.approx([2 * np.cos(angle), 2 * np.sin(angle)], abs=0.02)
    assert data.class_names == ("A", "B", "C")


@pytest.mark.parametrize("kwargs, message", [
    ({"kind": "blobs", "rows": 10}, "unknown kind"),
    ({"kind": "xor", "rows": 1}, "rows must be"),
    ({"kind": "xor", "rows": 10, "noise": -1.0}, "noise must be"),
    ({"kind": "xor", "rows": 10, "noise": float("nan")}, "noise must be"),
    ({"kind": "xor", "rows": 10, "classes": 3}, "two classes"),
    ({"kind": "spiral", "rows": 10, "classes": 11}, "classes must be"),
])
def test_bad_settings_are_refused_with_a_reason(kwargs, message):
    with pytest.raises(MLPError, match=message):
        generate(**kwargs)
