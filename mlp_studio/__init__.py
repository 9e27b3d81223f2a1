"""MLP Studio: see how a multi-layer perceptron learns."""

from __future__ import annotations

DISTRIBUTION = "mlp-studio"


def __getattr__(name: str) -> str:
    """``__version__``, read on first use from the installed package's metadata.

    pyproject.toml is the one place the version is written; the PyInstaller bundle carries
    the package's metadata too. Looked up lazily: importing importlib.metadata costs start-up.
    """
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import metadata

    try:
        version = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # a source tree on sys.path, never installed
        version = "0+unknown"
    globals()["__version__"] = version
    return version
