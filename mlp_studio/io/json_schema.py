"""JSON Schemas (draft 2020-12) of project and lesson files, built from the code's own tables.

The schemas are shipped as ``resources/mlp-studio-project.schema.json`` and
``resources/mlp-studio-lesson.schema.json`` for editors and other tools; the
tests check that the shipped files are what :func:`project_schema` and
:func:`lesson_schema` build (``python -m mlp_studio.io.json_schema`` rewrites
them). A schema checks the structure, names and types; the checkers in
``project_file`` and ``lesson_file`` also check what a schema cannot say (that
weight rows have as many numbers as the layer has inputs, that the loss suits the
output layer, that a lesson's actions run).
"""

from __future__ import annotations

import json
import sys
import typing
from dataclasses import fields
from pathlib import Path
from typing import Any

from mlp_studio.core.activations import ACTIVATIONS
from mlp_studio.core.lesson import ACTIONS
from mlp_studio.core.losses import LOSSES
from mlp_studio.core.scaling import SCALINGS
from mlp_studio.core.training import TrainingConfig
from mlp_studio.io import lesson_file, project_file
from mlp_studio.io.atomic import write_text_atomic

DRAFT = "https://json-schema.org/draft/2020-12/schema"
PROJECT_SCHEMA = "mlp-studio-project.schema.json"
LESSON_SCHEMA = "mlp-studio-lesson.schema.json"

_NUMBERS = {"type": "array", "minItems": 1, "items": {"type": "number"}}
_NAMES = {"type": "array", "uniqueItems": True,
          "items": {"type": "string", "minLength": 1, "pattern": r"\S"}}
_CHOICES = project_file._CHOICES  # training keys with a fixed set of values
_JSON_TYPES = {float: "number", int: "integer", bool: "boolean", str: "string", type(None): "null"}


def _closed(required: list[str], properties: dict, **extra: Any) -> dict:
    return {"type": "object", "required": required, "additionalProperties": False,
            "properties": properties, **extra}


def _training_properties() -> dict:
    """One property per TrainingConfig field, its JSON type from the field's annotation."""
    hints = typing.get_type_hints(TrainingConfig)
    out = {}
    for f in fields(TrainingConfig):
        kinds = typing.get_args(hints[f.name]) or (hints[f.name],)
        prop: dict[str, Any] = {"type": [_JSON_TYPES[k] for k in kinds] if len(kinds) > 1
                                else _JSON_TYPES[kinds[0]]}
        if f.name in _CHOICES:
            prop["enum"] = list(_CHOICES[f.name])
        out[f.name] = prop
    return out


def _scaler() -> dict:
    fitted = []
    for method, keys in project_file._SCALER_KEYS.items():
        props: dict[str, Any] = {"method": {"const": method}}
        props.update({k: _NUMBERS for k in keys})
        if method == "zscore":
            props["std"] = {**_NUMBERS, "items": {"type": "number", "minimum": 0}}
        fitted.append(_closed(["method", *keys], props))
    return {"oneOf": [{"enum": list(SCALINGS)}, *fitted]}


def project_schema() -> dict:
    """The JSON Schema of a project file (format version ``project_file.VERSION``)."""
    network = _closed(["inputs", "layers"], {
        "inputs": {"type": "integer", "minimum": 1},
        "layers": {"type": "array", "minItems": 1, "items": _closed(
            ["activation", "weights", "biases"], {
                "activation": {"enum": list(ACTIVATIONS)},
                "weights": {"type": "array", "minItems": 1, "items": _NUMBERS},
                "biases": _NUMBERS})}})
    data = _closed(["columns", "rows", "inputs", "targets"], {
        "columns": {**_NAMES, "minItems": 1},
        "rows": {"type": "array", "minItems": 1, "items": _NUMBERS},
        "inputs": {**_NAMES, "minItems": 1},
        "targets": {**_NAMES, "minItems": 1},
        "scaling": _closed([], {"inputs": {"$ref": "#/$defs/scaler"},
                                "targets": {"$ref": "#/$defs/scaler"}})})
    history = _closed(["current", "entries"], {
        "current": {"type": "integer", "minimum": 0},
        "entries": {"type": "array", "minItems": 1, "items": _closed(
            ["label", "network"], {"label": {"type": "string"}, "network": {"$ref": "#/$defs/network"}})}})
    return {
        "$schema": DRAFT,
        "title": f"MLP Studio project file (format version {project_file.VERSION})",
        **_closed(["format", "version", "network", "loss"], {
            "format": {"const": project_file.FORMAT},
            "version": {"const": project_file.VERSION},
            "network": {"$ref": "#/$defs/network"},
            "loss": {"enum": list(LOSSES)},
            "data": {"anyOf": [{"type": "null"}, data]},
            "training": _closed([], _training_properties()),
            "history": {"anyOf": [{"type": "null"}, history]}}),
        "$defs": {"network": network, "scaler": _scaler()},
    }


def lesson_schema() -> dict:
    """The JSON Schema of a lesson file (format version ``lesson_file.VERSION``)."""
    text = {"type": "string", "maxLength": lesson_file.MAX_TEXT}
    project = {k: v for k, v in project_schema().items() if k not in ("$schema", "title")}
    project_defs = project.pop("$defs")  # the project's own references resolve in this file
    actions = []
    for kind in ACTIONS:
        keys = lesson_file._ACTION_KEYS[kind]
        required = {"open_lab": ["function", "x0"], "select": ["target"],
                    "set": ["target", "value"]}.get(kind, [])
        props: dict[str, Any] = {"do": {"const": kind}}
        types = {"row": {"type": ["integer", "null"], "minimum": 0},
                 "count": {"type": "integer", "minimum": 1}, "target": {"type": "string"},
                 "value": {"type": ["number", "string"]}, "function": {"type": "string"},
                 "x0": _NUMBERS, "eta": {"type": "number"}, "steps": {"type": "integer", "minimum": 0}}
        props.update({k: types[k] for k in keys})
        actions.append(_closed(["do", *required], props))
    step = _closed(["text"], {
        "text": {**text, "pattern": r"\S"},
        "action": {"anyOf": [{"type": "null"}, {"oneOf": actions}]},
        "highlight": {"type": "array", "items": {"type": "string"}},
        "question": {"anyOf": [{"type": "null"}, _closed(["ask", "path"], {
            "ask": text, "path": {"type": "string"}, "answer": {"type": ["number", "null"]}})]}})
    return {
        "$schema": DRAFT,
        "title": f"MLP Studio lesson file (format version {lesson_file.VERSION})",
        **_closed(["format", "version", "title", "project", "steps"], {
            "format": {"const": lesson_file.FORMAT},
            "version": {"const": lesson_file.VERSION},
            "title": text,
            "summary": text,
            "project": {"$ref": "#/$defs/project"},
            "steps": {"type": "array", "minItems": 1, "items": step}}),
        "$defs": {"project": project, **project_defs},
    }


def schema_text(schema: dict) -> str:
    return json.dumps(schema, indent=2) + "\n"


def write_schemas(folder: Path) -> None:
    """Write both schemas into ``folder`` (the repository's resources/)."""
    write_text_atomic(folder / PROJECT_SCHEMA, schema_text(project_schema()))
    write_text_atomic(folder / LESSON_SCHEMA, schema_text(lesson_schema()))


if __name__ == "__main__":
    write_schemas(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "resources")
