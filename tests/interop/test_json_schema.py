"""The shipped JSON Schemas: built from the code's tables, every bundled file valid, and the
hand-written checkers rejecting the same broken files as the schemas."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from mlp_studio.errors import MLPError
from mlp_studio.io import json_schema
from mlp_studio.io.lesson_file import BUNDLED_LESSONS, bundled_lesson_path, lesson_from_dict
from mlp_studio.io.project_file import project_from_dict
from mlp_studio.io.resources import EXAMPLE_PROJECTS, resource_path

Validator = jsonschema.Draft202012Validator


def shipped(name: str) -> dict:
    return json.loads(resource_path(name).read_text(encoding="utf-8"))


PROJECT = Validator(shipped(json_schema.PROJECT_SCHEMA))
LESSON = Validator(shipped(json_schema.LESSON_SCHEMA))


def test_the_shipped_schemas_are_what_the_code_builds_and_are_valid_schemas():
    assert shipped(json_schema.PROJECT_SCHEMA) == json_schema.project_schema(), \
        "run: python -m mlp_studio.io.json_schema"
    assert shipped(json_schema.LESSON_SCHEMA) == json_schema.lesson_schema(), \
        "run: python -m mlp_studio.io.json_schema"
    Validator.check_schema(json_schema.project_schema())
    Validator.check_schema(json_schema.lesson_schema())


@pytest.mark.parametrize("name", EXAMPLE_PROJECTS)
def test_every_bundled_project_validates(name):
    data = shipped(name)
    assert not list(PROJECT.iter_errors(data))
    project_from_dict(data, name)


@pytest.mark.parametrize("name", BUNDLED_LESSONS)
def test_every_bundled_lesson_validates(name):
    data = json.loads(bundled_lesson_path(name).read_text(encoding="utf-8"))
    assert not list(LESSON.iter_errors(data))
    lesson_from_dict(data, name)


def _set(data: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(data)
    target = out
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


DELETE = object()

# (what is broken, path in the reference project, new value): both must reject
BROKEN_PROJECTS = [
    ("not our format", ("format",), "something-else"),
    ("a newer version", ("version",), 2),
    ("no network", ("network",), DELETE),
    ("an unknown top-level key", ("extra",), 1),
    ("an unknown loss", ("loss",), "hinge"),
    ("no inputs", ("network", "inputs"), 0),
    ("inputs as text", ("network", "inputs"), "2"),
    ("no layers", ("network", "layers"), []),
    ("an unknown activation", ("network", "layers", 0, "activation"), "swish"),
    ("a weight as text", ("network", "layers", 0, "weights", 0, 1), "0.5"),
    ("biases missing", ("network", "layers", 1, "biases"), DELETE),
    ("a layer key unknown", ("network", "layers", 1, "dropout"), 0.5),
    ("an empty column name", ("data", "columns", 0), ""),
    ("a column named twice", ("data", "columns", 1), "I0"),
    ("no rows", ("data", "rows"), []),
    ("no targets", ("data", "targets"), []),
    ("an unknown scaling", ("data", "scaling", "inputs"), "log"),
    ("a negative std", ("data", "scaling", "targets"), {"method": "zscore", "mean": [80], "std": [-1]}),
    ("a min-max scaler without max", ("data", "scaling", "targets"), {"method": "minmax01", "min": [68]}),
    ("an unknown training mode", ("training", "mode"), "stochastic"),
    ("a learning rate as text", ("training", "learning_rate"), "fast"),
    ("shuffle as a number", ("training", "shuffle"), 1),
    ("an unknown training key", ("training", "warmup"), 3),
    ("a history without entries", ("history",), {"current": 0, "entries": []}),
]

# Checked by the hand-written checker only: what a JSON Schema cannot say.
BEYOND_THE_SCHEMA = [
    ("a weight row of the wrong length", ("network", "layers", 0, "weights", 0), [0.5]),
    ("an output activation that does not suit the loss", ("network", "layers", 1, "activation"),
     "softmax"),
    ("softmax on a hidden layer", ("network", "layers", 0, "activation"), "softmax"),
    ("a target that is not a column", ("data", "targets"), ["Z9"]),
]


def reference() -> dict:
    return shipped("reference.mlp.json")


@pytest.mark.parametrize("what, path, value", BROKEN_PROJECTS, ids=[b[0] for b in BROKEN_PROJECTS])
def test_checker_and_schema_both_reject_a_broken_project(what, path, value):
    data = _set(reference(), path, value)
    assert list(PROJECT.iter_errors(data)), f"the schema accepts {what}"
    with pytest.raises(MLPError):
        project_from_dict(data, "broken.mlp.json")


@pytest.mark.parametrize("what, path, value", BEYOND_THE_SCHEMA, ids=[b[0] for b in BEYOND_THE_SCHEMA])
def test_what_only_the_checker_sees(what, path, value):
    data = _set(reference(), path, value)
    assert not list(PROJECT.iter_errors(data))
    with pytest.raises(MLPError):
        project_from_dict(data, "broken.mlp.json")


def lesson() -> dict:
    return json.loads(bundled_lesson_path(BUNDLED_LESSONS[0]).read_text(encoding="utf-8"))


BROKEN_LESSONS = [
    ("not a lesson", ("format",), "mlp-studio-project"),
    ("another version", ("version",), 2),
    ("no steps", ("steps",), []),
    ("no title", ("title",), DELETE),
    ("a step without text", ("steps", 0, "text"), "  "),
    ("an unknown action", ("steps", 0, "action"), {"do": "jump"}),
    ("an action key unknown", ("steps", 0, "action"), {"do": "epoch", "row": 1}),
    ("a question without a path", ("steps", 0, "question"), {"ask": "What is y?"}),
    ("a broken inline project", ("project", "network", "inputs"), 0),
    ("an unknown lesson key", ("author",), "someone"),
]


@pytest.mark.parametrize("what, path, value", BROKEN_LESSONS, ids=[b[0] for b in BROKEN_LESSONS])
def test_checker_and_schema_both_reject_a_broken_lesson(what, path, value):
    data = _set(lesson(), path, value)
    assert list(LESSON.iter_errors(data)), f"the schema accepts {what}"
    with pytest.raises(MLPError):
        lesson_from_dict(data, "broken.mlp-lesson.json")
