"""MLP Studio: see how a multi-layer perceptron learns.

``import mlp_studio as ms`` gives the Python API (``ms.create_network``, ``ms.train``, ...;
see docs/api.md). Its names are loaded on first use, so starting the app or the command
line does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import Any

DISTRIBUTION = "mlp-studio"


def _version() -> str:
    """The version, read from the installed package's metadata: pyproject.toml is the one
    place it is written, and the PyInstaller bundle carries the package's metadata too.
    Looked up on first use: importing importlib.metadata costs start-up."""
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # a source tree on sys.path, never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()["__version__"] = version = _version()
        return version
    api = importlib.import_module("mlp_studio.api")
    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'mlp_studio' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "__version__", *importlib.import_module("mlp_studio.api").__all__])
