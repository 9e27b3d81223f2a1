"""Bundled files (example projects, datasets, icons), found the same way from a
source checkout, an installed package and a PyInstaller bundle.

The files live in the top-level ``resources/`` folder, installed as the
package ``mlp_studio.resources``.
"""

from __future__ import annotations

import sys
from importlib import resources as _importlib_resources
from pathlib import Path

from mlp_studio.errors import MLPError, shown

EXAMPLE_PROJECT = "reference.mlp.json"
EXAMPLE_PROJECTS = ("reference.mlp.json", "xor.mlp.json", "two_moons.mlp.json",
                    "noisy_sine.mlp.json", "overfitting_moons.mlp.json")


def _candidates(name: str) -> list[Path]:
    found = []
    try:
        found.append(Path(str(_importlib_resources.files("mlp_studio.resources") / name)))
    except (ModuleNotFoundError, TypeError):
        pass
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found += [Path(bundle) / "mlp_studio" / "resources" / name, Path(bundle) / "resources" / name]
    found.append(Path(__file__).resolve().parents[2] / "resources" / name)
    return found


def resource_path(name: str) -> Path:
    """The path of the bundled file ``name``; MLPError if it is not there."""
    if not name or Path(name).is_absolute() or ".." in Path(name).parts:
        raise MLPError(f"not a resource name: {shown(name)}")
    for path in _candidates(name):
        if path.is_file():
            return path
    raise MLPError(f"the bundled file {shown(name)} is missing from this installation")
