"""Collect the licence texts of MLP Studio and of everything a packaged build bundles.

``collect(dest)`` fills ``dest`` (the spec bundles it as ``licenses/``) with one folder per
component: the licence files each installed distribution ships (NumPy's lists the
libraries its wheel carries: OpenBLAS, LAPACK, the GCC runtime), Python's LICENSE.txt from
the interpreter that builds the bundle, and the LGPL-3.0 (with the GPL-3.0 it builds on)
for Qt, PySide6 and Shiboken6, whose wheels ship no licence file. ``README.txt`` lists
every component with its version and licence, as the About box shows them.

    python packaging/collect_licences.py DEST
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import sysconfig
from importlib import metadata
from pathlib import Path, PurePosixPath

from mlp_studio.app.shell.components import DISTRIBUTIONS, components

HERE = Path(__file__).resolve().parent
LGPL_TEXTS = (HERE / "licenses" / "LGPL-3.0.txt", HERE / "licenses" / "GPL-3.0.txt")
#: distributions whose wheels carry no licence file: the Qt licence texts stand for them
QT_DISTRIBUTIONS = {"PySide6-Essentials", "shiboken6"}


def folder_name(component: str) -> str:
    """A component's folder: its name without spaces or brackets (``PySide6``)."""
    return re.sub(r"[^A-Za-z0-9.+-]+", "-", component.split(" (")[0]).strip("-")


def is_licence_file(name: str) -> bool:
    lowered = name.lower()
    return "licen" in lowered or lowered.startswith(("copying", "notice"))


def distribution_licence_files(dist: metadata.Distribution) -> list[tuple[Path, PurePosixPath]]:
    """(file, path to give it) for each licence file of the distribution, each text once;
    files of the metadata folder lose that folder (``numpy-2.4.dist-info/licenses/``)."""
    found, seen = [], set()
    for file in dist.files or []:
        if not is_licence_file(file.name):
            continue
        source = Path(dist.locate_file(file))
        if not source.is_file():
            continue
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        parts = file.parts
        if parts[0].endswith(".dist-info"):
            parts = parts[2:] if parts[1:2] == ("licenses",) else parts[1:]
        found.append((source, PurePosixPath(*parts)))
    return found


def python_licence_file() -> Path:
    """The building interpreter's LICENSE.txt (in its standard library folder, or beside
    python.exe on Windows)."""
    for folder in (Path(sysconfig.get_path("stdlib")), Path(sys.base_prefix)):
        if (folder / "LICENSE.txt").is_file():
            return folder / "LICENSE.txt"
    raise SystemExit(f"collect_licences: Python's LICENSE.txt not found under {sys.base_prefix}")


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def collect(dest: Path) -> Path:
    """Fill ``dest`` (emptied first) and return it; exits if a component has no licence text."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for text in LGPL_TEXTS:
        _copy(text, dest / "Qt" / text.name)
    for name, dist_name in DISTRIBUTIONS:
        files = distribution_licence_files(metadata.distribution(dist_name))
        if not files and dist_name in QT_DISTRIBUTIONS:
            files = [(text, PurePosixPath(text.name)) for text in LGPL_TEXTS]
        if not files:
            raise SystemExit(f"collect_licences: {dist_name} ships no licence file")
        for source, relative in files:
            _copy(source, dest / folder_name(name) / relative)
    _copy(python_licence_file(), dest / "Python" / "LICENSE.txt")
    lines = ["MLP Studio and the components this build contains, with their licences.",
             "Each folder here holds the licence texts of one component.", ""]
    for part in components():
        version = f" {part.version}" if part.version else ""
        lines.append(f"{part.name}{version}: {part.licence}" + (f"  <{part.url}>" if part.url else ""))
    (dest / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python packaging/collect_licences.py DEST")
    folder = collect(Path(sys.argv[1]))
    print("\n".join(str(p.relative_to(folder)) for p in sorted(folder.rglob("*")) if p.is_file()))
