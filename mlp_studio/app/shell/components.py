"""What MLP Studio is made of, with versions and licences, for the About box and for the
licence texts a packaged build carries (``packaging/collect_licences.py``).

Versions and licences come from each installed distribution's metadata (the PyInstaller
bundle carries that metadata); Qt and Python, which are not Python distributions, from Qt
and the interpreter.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from mlp_studio import DISTRIBUTION


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str
    url: str
    distribution: str | None = None  # the Python distribution its files and licence come from


#: Python distributions in the bundle, in the order the About box lists them
DISTRIBUTIONS = (
    ("MLP Studio", DISTRIBUTION),
    ("PySide6 (Qt for Python)", "PySide6-Essentials"),
    ("Shiboken6", "shiboken6"),
    ("pyqtgraph", "pyqtgraph"),
    ("NumPy", "numpy"),
)
#: Qt as the PySide6 wheels ship it: used under the LGPL (its other options are commercial
#: or GPL), with the LGPL's text and its GPL base in packaging/licenses/
QT_LICENCE = "LGPL-3.0-only"
PYTHON_LICENCE = "PSF-2.0"


def licence_of(dist: metadata.Distribution) -> str:
    """The distribution's licence: its SPDX expression, else its short licence field."""
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 80:
        return text
    classifiers = [c.rsplit(" :: ", 1)[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return " / ".join(classifiers) or "see its licence file"


def _url_of(dist: metadata.Distribution) -> str:
    urls = dict(entry.split(", ", 1) for entry in dist.metadata.get_all("Project-URL") or [] if ", " in entry)
    lowered = {key.lower(): value for key, value in urls.items()}
    return lowered.get("homepage") or lowered.get("source") or dist.metadata.get("Home-page") or ""


#: a library a wheel ships inside it, as NumPy's licence file records it ("Name: OpenBLAS",
#: later "License: BSD-3-Clause")
_SHIPPED_RECORD = re.compile(r"^Name: *(?P<name>.+?) *$(?:(?!^Name:).)*?^License: *(?P<licence>.+?) *$",
                             re.MULTILINE | re.DOTALL)


LICENCE_FILE_NAMES = ("LICENSE", "LICENCE", "COPYING")


def main_licence_file(dist: metadata.Distribution) -> Path | None:
    """The distribution's own licence file: in its metadata folder or that folder's licenses/."""
    for file in dist.files or []:
        folder, *inner = file.parts
        if (folder.endswith(".dist-info") and inner[:-1] in ([], ["licenses"])
                and file.name.upper().startswith(LICENCE_FILE_NAMES)):
            return Path(dist.locate_file(file))
    return None


def shipped_libraries(name: str, dist: metadata.Distribution) -> list[Component]:
    """The libraries a wheel carries inside it, as its licence file lists them."""
    file = main_licence_file(dist)
    if file is None:
        return []
    text = file.read_text(encoding="utf-8", errors="replace")
    return [Component(f"{m['name']} (in {name})", "", m["licence"], "", dist.metadata["Name"])
            for m in _SHIPPED_RECORD.finditer(text)]


def components() -> list[Component]:
    """MLP Studio and every component it is built on, as installed (or bundled)."""
    from PySide6.QtCore import qVersion

    found = []
    for name, dist_name in DISTRIBUTIONS:
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            found.append(Component(name, "not installed", "unknown", "", dist_name))
            continue
        found.append(Component(name, dist.version, licence_of(dist), _url_of(dist), dist_name))
        found += shipped_libraries(name, dist)
    found.insert(1, Component("Qt", qVersion(), QT_LICENCE, "https://www.qt.io/"))
    python = ".".join(map(str, sys.version_info[:3]))
    found.append(Component("Python", python, PYTHON_LICENCE, "https://www.python.org/"))
    return found
