"""Project files (``*.mlp.json``): network, loss, data with fitted scaling, training settings.

Format version 1::

    {"format": "mlp-studio-project", "version": 1,
     "network": {"inputs": 2, "layers": [
        {"activation": "sigmoid", "weights": [[-0.5, -1.0], ...], "biases": [0.5, ...]}, ...]},
     "loss": "half_squared_error",
     "data": {"columns": ["I0", "I1", "Z0"], "rows": [[70, 98, 91], ...],
              "inputs": ["I0", "I1"], "targets": ["Z0"],
              "scaling": {"inputs": {"method": "minmax01", "min": [25, 67], "max": [70, 98]},
                          "targets": "minmax01"}},
     "training": {"learning_rate": 0.1, "mode": "online", ...}}

``weights[layer][node][input]``. ``data``, ``training`` and ``history`` may be absent;
missing training keys take the defaults of :class:`TrainingConfig`. A scaling
is either a method name (fitted on the rows when loaded) or an object with the
method and its fitted ``min``/``max`` (min-max) or ``mean``/``std`` (z-score),
which is what a save writes, so a saved project reproduces exactly. Numbers
are written with Python's shortest round-trip ``repr``: a load after a save
gives the same float64 values bit for bit.

``data.derived`` (optional) lists columns computed from the others, e.g. ``[{"name": "x1x2",
"expression": "x1*x2"}]``: they are not among ``columns``/``rows`` but computed again on
load and appended after them, in order (``core.derived``).

``history`` is the session's timeline: ``{"current": 2, "entries": [{"label":
"Update row 0", "network": {...}}, ...]}``, each entry the network after that
point (a network object as above) and ``current`` the entry the project is at.

Loading only parses JSON (never executes anything), caps the file size and
nesting, and checks every key, type and shape; errors name the JSON path,
e.g. ``network.layers[1].weights[0]: expected 3 numbers, got 2``.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, fields
from typing import Any

import numpy as np

from mlp_studio.core.activations import ACTIVATIONS
from mlp_studio.core.dataset import Dataset
from mlp_studio.core.derived import DerivedColumn, with_derived
from mlp_studio.core.losses import LOSSES, check_pairing
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.project import Project
from mlp_studio.core.scaling import SCALINGS, Scaler
from mlp_studio.core.timeline import History, HistoryEntry
from mlp_studio.core.optimizers import OPTIMIZERS, SCHEDULES
from mlp_studio.core.training import MODES, TrainingConfig
from mlp_studio.core.workspace import REDUCTIONS
from mlp_studio.errors import SHOWN_CHARS, MLPError, shown
from mlp_studio.io.bounded_read import read_bytes_bounded
from mlp_studio.io.atomic import write_bytes_atomic

FORMAT = "mlp-studio-project"
VERSION = 1
SUFFIX = ".mlp.json"
MAX_PROJECT_BYTES = 50 * 2**20

_SCALER_KEYS = {"minmax01": ("min", "max"), "minmax11": ("min", "max"), "zscore": ("mean", "std"),
                "none": ()}


# ----------------------------------------------------------------------------- saving

def project_to_dict(project: Project) -> dict:
    """The JSON-ready dict of ``project`` (format version 1)."""
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "network": _network_to_dict(project.network, "network"),
        "loss": project.loss,
    }
    if project.data is not None:
        d = project.data
        base = d.n_base_columns
        out["data"] = {
            "columns": list(d.columns[:base]),
            "rows": [[_compact(v) for v in row] for row in d.values[:, :base].tolist()],
            **({"derived": [{"name": c.name, "expression": c.expression} for c in d.derived]}
               if d.derived else {}),
            "inputs": list(d.inputs),
            "targets": list(d.targets),
            "scaling": {"inputs": _scaler_to_dict(d.input_scaler),
                        "targets": _scaler_to_dict(d.target_scaler)},
        }
    defaults = asdict(TrainingConfig())
    out["training"] = {k: v.item() if isinstance(v, np.generic) else v
                       for k, v in asdict(project.training).items()
                       if k not in _UPDATE_RULE_KEYS or v != defaults[k]}
    if project.history is not None:
        out["history"] = {"current": project.history.current, "entries": [
            {"label": e.label, "network": _network_to_dict(e.network, f"history.entries[{i}].network")}
            for i, e in enumerate(project.history.entries)]}
    return out


def _network_to_dict(net: Network, where: str) -> dict:
    for i, layer in enumerate(net.layers):
        if not (np.isfinite(layer.weights).all() and np.isfinite(layer.biases).all()):
            raise MLPError("the layer has NaN or infinite weights and cannot be saved",
                           where=f"{where}.layers[{i}]")
    return {"inputs": net.n_inputs, "layers": [
        {"activation": layer.activation,
         "weights": np.asarray(layer.weights, np.float64).tolist(),
         "biases": np.asarray(layer.biases, np.float64).tolist()}
        for layer in net.layers]}


def dumps_project(project: Project) -> str:
    """The file text of ``project``."""
    return format_json(project_to_dict(project)) + "\n"


def save_project(project: Project, path: str | os.PathLike) -> None:
    """Write ``project`` to ``path`` atomically (the old file survives a failed save).

    A project larger than a project file may be (:data:`MAX_PROJECT_BYTES`) is
    refused rather than written as a file that could not be opened again.
    """
    try:
        data = dumps_project(project).encode("utf-8")
    except ValueError as exc:  # a non-finite number the checks above did not name
        raise MLPError(f"the project holds a number JSON cannot store (NaN or infinite): {exc}",
                       where=str(path)) from exc
    if len(data) > MAX_PROJECT_BYTES:
        rows = project.data.n_rows if project.data is not None else 0
        raise MLPError(f"the project would be {len(data) / 2**20:.0f} MB, over the "
                       f"{MAX_PROJECT_BYTES // 2**20} MB a project file may have (its data has "
                       f"{rows} rows); keep such data in a CSV file", where=str(path))
    write_bytes_atomic(path, data)


def _compact(v: float) -> int | float:
    """Whole numbers as integers (``70`` rather than ``70.0``); exact either way."""
    if v.is_integer() and abs(v) < 2**53 and not (v == 0 and math.copysign(1.0, v) < 0):
        return int(v)
    return v


def _scaler_to_dict(scaler: Scaler) -> dict:
    keys = _SCALER_KEYS[scaler.method]
    out: dict[str, Any] = {"method": scaler.method}
    if keys:
        out[keys[0]] = np.asarray(scaler.a, np.float64).tolist()
        out[keys[1]] = np.asarray(scaler.b, np.float64).tolist()
    return out


def format_json(value: Any, depth: int = 0) -> str:
    """JSON text with objects indented and each list of numbers on one line."""
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(k)}: {format_json(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(v, (list, dict)) for v in value):
        return "[\n" + ",\n".join(inner + format_json(v, depth + 1) for v in value) + "\n" + pad + "]"
    return json.dumps(value, allow_nan=False, ensure_ascii=False)


# ----------------------------------------------------------------------------- loading

def load_project(path: str | os.PathLike) -> Project:
    """Read and check a project file; every problem is an MLPError naming where."""
    return project_from_dict(read_json(path), str(path))


def loads_project(text: str, source: str = "") -> Project:
    """Parse project-file text (see :func:`load_project`)."""
    return project_from_dict(parse_json(text, source), source)


def read_json(path: str | os.PathLike, max_bytes: int = MAX_PROJECT_BYTES) -> Any:
    """Parsed JSON of a file of at most ``max_bytes`` (checked before reading)."""
    source = str(path)
    data = read_bytes_bounded(source, max_bytes)
    if len(data) > max_bytes:
        raise MLPError(f"the file is too large (over {max_bytes / 2**20:.0f} MB)", where=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise MLPError(f"not a JSON text file: line {line} has the byte 0x{data[exc.start]:02X}, "
                       f"which is not UTF-8", where=source) from None
    return parse_json(text, source)


def parse_json(text: str, source: str = "") -> Any:
    """Parsed JSON; damaged, truncated or too deeply nested text is an MLPError."""
    where = source or None
    if not text.strip():
        raise MLPError("the file is empty", where=where)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        loc = f"line {exc.lineno}, column {exc.colno}"
        raise MLPError(f"not valid JSON (the file may be damaged or cut short): {exc.msg}",
                       where=f"{source}, {loc}" if source else loc) from None
    except _DuplicateKey as exc:
        key = str(exc)[:40]
        raise MLPError(f"the key {shown(key)} appears twice in one object", where=where) from None
    except RecursionError:
        raise MLPError("the JSON is nested too deeply", where=where) from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise MLPError(f"not valid JSON: {exc}", where=where) from None


def project_from_dict(data: Any, source: str = "") -> Project:
    """Check ``data`` (parsed JSON) and build the project; errors name the JSON path."""
    return JsonChecker(source).project(data)


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _kind(value: Any) -> str:
    """A short name of a JSON value's type for messages (never its possibly huge repr)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


class JsonChecker:
    """Checks of parsed JSON against a schema; ``source`` (the file) prefixes every
    error's location, followed by the JSON path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> MLPError:
        where = f"{self.source}: {path}" if self.source and path else (self.source or path)
        return MLPError(message, where=where or None)

    # --- primitives

    def obj(self, value: Any, path: str, required: tuple[str, ...],
            optional: tuple[str, ...] = ()) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object, got {_kind(value)}")
        for key in value:
            if key not in required and key not in optional:
                known = ", ".join(sorted(required + optional))
                raise self.fail(_join(path, key[:SHOWN_CHARS]), f"unknown key {shown(key)} (known keys: {known})")
        for key in required:
            if key not in value:
                raise self.fail(path, f"missing key {shown(key)}")
        return value

    def string(self, value: Any, path: str, choices: Any = None) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected a string, got {_kind(value)}")
        if choices is not None and value not in choices:
            raise self.fail(path, f"unknown value {shown(value)}; choose one of {', '.join(choices)}")
        return value

    def number(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(path, f"expected a number, got {_kind(value)}")
        try:
            x = float(value)
        except OverflowError:
            x = math.inf
        if math.isnan(x):
            raise self.fail(path, "expected a number, got NaN")
        if math.isinf(x):
            raise self.fail(path, "the number is too large (not finite)")
        return x

    def integer(self, value: Any, path: str, minimum: int) -> int:
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            got = value if isinstance(value, float) else _kind(value)
            raise self.fail(path, f"expected a whole number, got {got}")
        if value < minimum:
            raise self.fail(path, f"expected a whole number of at least {minimum}, got {value}")
        return value

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"expected true or false, got {_kind(value)}")
        return value

    def numbers(self, value: Any, path: str, n: int | None = None) -> np.ndarray:
        """A list of ``n`` finite numbers (any length >= 1 when ``n`` is None)."""
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list of numbers, got {_kind(value)}")
        if n is not None and len(value) != n:
            raise self.fail(path, f"expected {n} numbers, got {len(value)}")
        if not value:
            raise self.fail(path, "expected at least one number, got an empty list")
        return np.array([self.number(v, f"{path}[{i}]") for i, v in enumerate(value)])

    def matrix(self, value: Any, path: str, n_cols: int) -> np.ndarray:
        """A non-empty list of rows of ``n_cols`` finite numbers, checked fast when all is well."""
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list of lists of numbers, got {_kind(value)}")
        if not value:
            raise self.fail(path, "expected at least one row, got an empty list")
        if all(type(row) is list and len(row) == n_cols
               and all(type(v) is float or type(v) is int for v in row) for row in value):
            try:
                out = np.array(value, dtype=np.float64)
            except OverflowError:
                out = None
            if out is not None and np.isfinite(out).all():
                return out.reshape(len(value), n_cols)
        return np.array([self.numbers(row, f"{path}[{i}]", n_cols) for i, row in enumerate(value)])

    def names(self, value: Any, path: str) -> list[str]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list of names, got {_kind(value)}")
        out = [self.string(v, f"{path}[{i}]") for i, v in enumerate(value)]
        for i, name in enumerate(out):
            if not name.strip():
                raise self.fail(f"{path}[{i}]", "a name cannot be empty")
            if out.index(name) != i:
                raise self.fail(f"{path}[{i}]", f"{shown(name)} appears twice")
        return out

    def wrap(self, path: str, exc: MLPError) -> MLPError:
        return self.fail(path, exc.message if exc.where is None else f"{exc.where}: {exc.message}")

    # --- sections

    def project(self, data: Any) -> Project:
        if not isinstance(data, dict):
            raise self.fail("", f"not a project file: expected a JSON object, got {_kind(data)}")
        if data.get("format") != FORMAT:
            raise self.fail("format", f"not an MLP Studio project: expected \"format\": \"{FORMAT}\"")
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int):
            raise self.fail("version", f"expected a whole-number format version, got {_kind(version)}")
        if version > VERSION:
            raise self.fail("version", f"made by a newer MLP Studio (file format version {version}; "
                                       f"this one reads version {VERSION}): please upgrade")
        if version < 1:
            raise self.fail("version", f"unknown file format version {version}")
        self.obj(data, "", ("format", "version", "network", "loss"), ("data", "training", "history"))
        network = self.network(data["network"], "network")
        loss = self.string(data["loss"], "loss", LOSSES)
        try:
            check_pairing(loss, network.layers[-1].activation, network.n_outputs)
        except MLPError as exc:
            raise self.wrap("loss", exc) from None
        dataset = None if data.get("data") is None else self.dataset(data["data"], "data")
        training = self.training(data.get("training", {}), "training")
        history = None if data.get("history") is None else self.history(data["history"], "history")
        project = Project(network, loss, dataset, training, history)
        try:
            project.validate()
        except MLPError as exc:
            raise self.wrap("data", exc) from None
        return project

    def history(self, value: Any, path: str) -> History:
        value = self.obj(value, path, ("current", "entries"))
        items = value["entries"]
        if not isinstance(items, list) or not items:
            raise self.fail(f"{path}.entries", "expected a non-empty list of entries")
        entries = []
        for i, item in enumerate(items):
            ep = f"{path}.entries[{i}]"
            item = self.obj(item, ep, ("label", "network"))
            entries.append(HistoryEntry(self.string(item["label"], f"{ep}.label"),
                                        self.network(item["network"], f"{ep}.network")))
        current = self.integer(value["current"], f"{path}.current", 0)
        if current >= len(entries):
            raise self.fail(f"{path}.current", f"expected an entry index from 0 to {len(entries) - 1}, "
                                               f"got {current}")
        return History(entries, current)

    def network(self, value: Any, path: str) -> Network:
        value = self.obj(value, path, ("inputs", "layers"))
        n_prev = self.integer(value["inputs"], f"{path}.inputs", 1)
        layers_value = value["layers"]
        if not isinstance(layers_value, list) or not layers_value:
            raise self.fail(f"{path}.layers", "expected a non-empty list of layers, got "
                            + ("an empty list" if layers_value == [] else _kind(layers_value)))
        layers = []
        for i, item in enumerate(layers_value):
            lp = f"{path}.layers[{i}]"
            item = self.obj(item, lp, ("activation", "weights", "biases"))
            act = self.string(item["activation"], f"{lp}.activation", ACTIVATIONS)
            if act == "softmax" and i != len(layers_value) - 1:
                raise self.fail(f"{lp}.activation", "softmax is allowed on the output layer only")
            weights = self.matrix(item["weights"], f"{lp}.weights", n_prev)
            biases = self.numbers(item["biases"], f"{lp}.biases", weights.shape[0])
            layers.append(Layer(weights, biases, act))
            n_prev = weights.shape[0]
        try:
            return Network(layers[0].n_in, layers)
        except MLPError as exc:
            raise self.wrap(path, exc) from None

    def dataset(self, value: Any, path: str) -> Dataset:
        value = self.obj(value, path, ("columns", "rows", "inputs", "targets"), ("scaling", "derived"))
        columns = self.names(value["columns"], f"{path}.columns")
        if not columns:
            raise self.fail(f"{path}.columns", "expected at least one column name")
        rows = self.matrix(value["rows"], f"{path}.rows", len(columns))
        derived = self.derived(value.get("derived", []), f"{path}.derived")
        try:
            columns, rows = with_derived(columns, rows, derived)
        except MLPError as exc:
            raise self.wrap(f"{path}.derived", exc) from None
        chosen = {}
        for key in ("inputs", "targets"):
            names = self.names(value[key], f"{path}.{key}")
            if not names:
                raise self.fail(f"{path}.{key}", "choose at least one column")
            for i, name in enumerate(names):
                if name not in columns:
                    raise self.fail(f"{path}.{key}[{i}]", f"no column named {shown(name)}")
            chosen[key] = names
        scaling = self.obj(value.get("scaling", {}), f"{path}.scaling", (), ("inputs", "targets"))
        methods, scalers = {}, {}
        for key in ("inputs", "targets"):
            methods[key], scalers[key] = self.scaler(
                scaling.get(key, "minmax01"), f"{path}.scaling.{key}", len(chosen[key]))
        try:
            return Dataset(columns, rows, chosen["inputs"], chosen["targets"],
                           input_scaling=methods["inputs"], target_scaling=methods["targets"],
                           input_scaler=scalers["inputs"], target_scaler=scalers["targets"],
                           derived=derived)
        except MLPError as exc:
            raise self.wrap(path, exc) from None

    def derived(self, value: Any, path: str) -> tuple[DerivedColumn, ...]:
        """Derived columns: a list of {"name", "expression"}."""
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list of derived columns, got {_kind(value)}")
        out = []
        for i, item in enumerate(value):
            item = self.obj(item, f"{path}[{i}]", ("name", "expression"))
            out.append(DerivedColumn(self.string(item["name"], f"{path}[{i}].name"),
                                     self.string(item["expression"], f"{path}[{i}].expression")))
        return tuple(out)

    def scaler(self, value: Any, path: str, n: int) -> tuple[str, Scaler | None]:
        """A method name (fitted later on the rows) or an object with fitted parameters."""
        if isinstance(value, str):
            return self.string(value, path, SCALINGS), None
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a scaling name or object, got {_kind(value)}")
        method = self.string(value.get("method"), f"{path}.method", SCALINGS)
        keys = _SCALER_KEYS[method]
        self.obj(value, path, ("method",) + keys)
        if not keys:
            return method, Scaler(method, np.zeros(n), np.ones(n))
        a = self.numbers(value[keys[0]], f"{path}.{keys[0]}", n)
        b = self.numbers(value[keys[1]], f"{path}.{keys[1]}", n)
        for j in range(n):
            if method == "zscore" and b[j] < 0:
                raise self.fail(f"{path}.std[{j}]", f"a standard deviation cannot be negative ({b[j]})")
            if method != "zscore" and a[j] > b[j]:
                raise self.fail(f"{path}.min[{j}]", f"min {a[j]} is larger than max {b[j]}")
        return method, Scaler(method, a, b)

    def training(self, value: Any, path: str) -> TrainingConfig:
        keys = tuple(f.name for f in fields(TrainingConfig))
        value = self.obj(value, path, (), keys)
        kw: dict[str, Any] = {}
        for key, item in value.items():
            p = f"{path}.{key}"
            if key in _CHOICES:
                kw[key] = self.string(item, p, _CHOICES[key])
            elif key == "shuffle":
                kw[key] = self.boolean(item, p)
            elif key in _NUMBERS:
                kw[key] = self.number(item, p)
            elif key == "target_loss":
                kw[key] = None if item is None else self.number(item, p)
            elif key in ("epochs", "patience"):
                kw[key] = None if item is None else self.integer(item, p, 0)
            else:  # batch_size, seed, step_epochs
                kw[key] = self.integer(item, p, 0)
        config = TrainingConfig(**kw)
        try:
            config.validate()
        except MLPError as exc:
            raise self.wrap(path, exc) from None
        return config


#: the optimiser's, penalties' and schedule's keys: saved only when not at their defaults
_UPDATE_RULE_KEYS = ("optimizer", "beta1", "beta2", "epsilon", "rho", "l1", "l2", "schedule",
                     "power_t", "gamma", "step_epochs")
#: training keys with a fixed set of values, and those that are any number
_CHOICES = {"mode": MODES, "batch_reduction": REDUCTIONS, "optimizer": OPTIMIZERS, "schedule": SCHEDULES}
_NUMBERS = ("learning_rate", "momentum", "holdout", "beta1", "beta2", "epsilon", "rho", "l1", "l2",
            "power_t", "gamma")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
