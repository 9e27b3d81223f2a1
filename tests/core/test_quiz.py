"""Quiz: which value is asked, the tolerance, the running score."""

import math

import numpy as np
import pytest

from mlp_studio.core.quiz import Score, is_close_enough, number_at, question_for, tolerance, value_at
from mlp_studio.core.trace import phases_for
from mlp_studio.errors import MLPError

A_H1 = 1 / (1 + math.exp(-0.5))  # the reference example's hidden node 1: sigma(0.5) = 0.622459...


def test_right_rounded_and_wrong_answers_against_the_reference_activation():
    assert is_close_enough(A_H1, A_H1)
    assert is_close_enough(0.6225, A_H1)  # rounded to 4 decimals
    assert is_close_enough(0.62, A_H1)  # 0.4 % off: inside 1 %
    assert not is_close_enough(0.61, A_H1)  # 2 % off
    assert not is_close_enough(0.5, A_H1)


def test_the_looser_of_one_percent_and_four_decimals_applies():
    assert tolerance(-22.56) == pytest.approx(0.2256)  # large values: 1 %
    assert tolerance(0.0012) == pytest.approx(0.00005)  # small values: the 4th decimal
    assert is_close_enough(-0.0122, -0.012214006779)  # 4-decimal rounding of the hidden delta
    assert is_close_enough(-0.0123, -0.012214006779)  # 0.7 % off
    assert not is_close_enough(-0.0124, -0.012214006779)  # 1.5 % off
    assert is_close_enough(-22.4, -22.56) and not is_close_enough(-22.2, -22.56)
    assert is_close_enough(0.0, 0.00004) and not is_close_enough(0.0001, -0.00002)


def test_running_score_counts_right_answers():
    score = Score()
    grades = [score.record(a, A_H1) for a in (0.6225, 0.7, A_H1)]
    assert [g.right for g in grades] == [True, False, True]
    assert (score.right, score.asked, score.text) == (2, 3, "2 of 3 right")


def test_value_at_reads_dicts_lists_arrays_and_attributes():
    values = {"layers": [{"a": [0.1, 0.2]}], "grid": np.array([[1.0, 2.0]])}
    assert number_at(values, "layers.0.a.1") == 0.2
    assert number_at(values, "grid.0.1") == 2.0
    with pytest.raises(MLPError, match="no value at 'layers.1'"):
        value_at(values, "layers.1.a.0")
    with pytest.raises(MLPError, match="a list, not one number"):
        number_at(values, "layers.0.a")


@pytest.mark.parametrize("seed", range(20))
def test_each_phase_asks_a_value_that_phase_reveals(seed):
    rng = np.random.default_rng(seed)
    sizes = [2, 3, 1]
    for phase in phases_for(2):
        q = question_for(phase, sizes, rng)
        parts = q.path.split(".")
        assert parts[0] == "layers"
        layer, key = int(parts[2 - 1]), parts[2]
        expected = {"forward": {"a"}, "output_delta": {"delta"}, "hidden_delta": {"delta"},
                    "update": {"grad_weights", "grad_biases", "weights_after", "biases_after"}}[phase.kind]
        assert key in expected
        if phase.kind != "update":
            assert layer == phase.layer
        node = int(parts[3])
        assert node < sizes[layer + 1]
        if len(parts) == 5:
            assert int(parts[4]) < sizes[layer]
