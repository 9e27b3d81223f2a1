"""Evaluation: hold-out split, dataset loss, class detection, accuracy and confusion matrix."""

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.evaluation import (
    BINARY, ONE_HOT, Evaluator, class_kind, classes, confusion_matrix, dataset_loss, evaluate, holdout_split)
from mlp_studio.core.network import Layer, Network
from mlp_studio.errors import MLPError


def identity_net(w: float, b: float) -> Network:
    """One input, one identity output: y = w x + b."""
    return Network(1, [Layer(np.array([[w]]), np.array([b]), "identity")])


def test_holdout_split_is_seeded_disjoint_and_sized():
    train, val = holdout_split(10, 0.3, seed=7)
    assert len(val) == 3 and len(train) == 7
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(10))
    again = holdout_split(10, 0.3, seed=7)
    assert np.array_equal(again[1], val)
    perm = np.random.default_rng(7).permutation(10)  # the documented draw
    assert sorted(perm[:3].tolist()) == val.tolist()
    assert len(holdout_split(10, 0.0, 1)[1]) == 0
    assert len(holdout_split(2, 0.9, 1)[0]) == 1  # one row always stays for training
    with pytest.raises(MLPError):
        holdout_split(10, 1.0, 0)


def test_dataset_loss_by_hand():
    net = identity_net(2.0, 1.0)  # y = 2x + 1
    X = np.array([[0.0], [1.0], [2.0]])
    Z = np.array([[1.0], [2.0], [7.0]])  # errors 0, 1, -2
    # half squared error: (0 + 0.5 + 2) / 3 rows; sum: 2.5; squared error mean: 5/3
    assert dataset_loss(net, X, Z, "half_squared_error") == pytest.approx(2.5 / 3, rel=1e-15)
    assert dataset_loss(net, X, Z, "half_squared_error", "sum") == pytest.approx(2.5, rel=1e-15)
    assert dataset_loss(net, X, Z, "squared_error") == pytest.approx(5.0 / 3, rel=1e-15)


def test_class_kind():
    assert class_kind(np.array([[0.0], [1.0], [1.0]])) == BINARY
    assert class_kind(np.array([[1.0, 0, 0], [0, 0, 1.0]])) == ONE_HOT
    assert class_kind(np.array([[1.0, 1.0], [0, 1.0]])) is None  # two 1s in a row
    assert class_kind(np.array([[0.5], [1.0]])) is None
    assert class_kind(np.array([[3.2], [1.0]])) is None


def test_classes_threshold_and_argmax():
    assert classes(np.array([[0.49], [0.5], [0.9], [-1.0]]), BINARY).tolist() == [0, 1, 1, 0]
    assert classes(np.array([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1]]), ONE_HOT).tolist() == [1, 0]


def test_confusion_matrix_by_hand_and_against_sklearn():
    true = np.array([0, 0, 1, 2, 2, 2])
    pred = np.array([0, 1, 1, 2, 0, 2])
    m = confusion_matrix(true, pred, 3)
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    rng = np.random.default_rng(3)
    t, p = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    assert np.array_equal(confusion_matrix(t, p, 4), sk_confusion(t, p, labels=range(4)))


def test_evaluate_binary_in_target_units():
    # Targets 0/1 scaled to [-1, 1]; the identity output y = x is read back in 0/1 units,
    # so the threshold 0.5 there is 0.0 in scaled units.
    x = np.array([-0.9, -0.2, 0.1, 0.6, -0.5])
    z = np.array([0.0, 1.0, 1.0, 1.0, 0.0])
    ds = Dataset(["x", "z"], np.c_[x, z], ["x"], ["z"], input_scaling="none", target_scaling="minmax11")
    ev = evaluate(identity_net(1.0, 0.0), ds, "half_squared_error")
    # predicted: -0.9->0, -0.2->0 (wrong), 0.1->1, 0.6->1, -0.5->0
    assert ev.kind == BINARY
    assert ev.accuracy == pytest.approx(4 / 5)
    assert ev.confusion.tolist() == [[2, 0], [1, 2]]
    errors = x - (2 * z - 1)
    assert ev.loss == pytest.approx(0.5 * np.mean(errors ** 2), rel=1e-14)
    rows = np.array([0, 3])
    assert Evaluator(ds, "half_squared_error", rows).loss_of(identity_net(1.0, 0.0)) == \
        pytest.approx(0.5 * np.mean(errors[rows] ** 2), rel=1e-14)
    sub = evaluate(identity_net(1.0, 0.0), ds, "half_squared_error", rows=np.array([1, 2]))
    assert sub.rows == 2 and sub.accuracy == pytest.approx(0.5) and sub.confusion.tolist() == [[0, 0], [1, 1]]


def test_evaluate_one_hot_argmax_and_regression():
    # Two inputs copied to two softmax outputs: the larger input wins.
    net = Network(2, [Layer(np.eye(2), np.zeros(2), "softmax")])
    values = np.array([[0.9, 0.1, 1, 0], [0.2, 0.8, 1, 0], [0.3, 0.4, 0, 1]])
    ds = Dataset(["a", "b", "c0", "c1"], values, ["a", "b"], ["c0", "c1"],
                 input_scaling="none", target_scaling="none")
    ev = evaluate(net, ds, "cross_entropy")
    assert ev.kind == ONE_HOT and ev.accuracy == pytest.approx(2 / 3)
    assert ev.confusion.tolist() == [[1, 1], [0, 1]]
    reg = Dataset(["x", "y"], np.array([[0.0, 0.3], [1.0, 2.0]]), ["x"], ["y"])
    assert evaluate(identity_net(1.0, 0.0), reg, "half_squared_error").accuracy is None
