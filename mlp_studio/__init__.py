"""MLP Studio: see how a multi-layer perceptron learns.

``import mlp_studio as ms`` gives the Python API (``ms.create_network``, ``ms.train``, ...;
see docs/api.md). Its names are loaded on first use, so starting the app or the command
line does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    api = importlib.import_module("mlp_studio.api")
    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'mlp_studio' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *importlib.import_module("mlp_studio.api").__all__])
