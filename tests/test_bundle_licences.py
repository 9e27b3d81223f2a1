"""The licence texts a packaged build carries, the Debian copyright and changelog, and
the macOS Info.plist entries."""

from __future__ import annotations

import importlib.util
import plistlib
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def _module(name: str):
    sys.path.insert(0, str(PACKAGING))
    try:
        spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(PACKAGING))


def test_every_component_gets_its_licence_texts(tmp_path):
    folder = _module("collect_licences").collect(tmp_path / "licenses")
    text = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8", errors="replace")
            for p in folder.rglob("*") if p.is_file()}
    assert "Permission is hereby granted" in text["MLP-Studio/LICENSE"]
    for qt in ("Qt", "PySide6", "Shiboken6"):
        assert "GNU LESSER GENERAL PUBLIC LICENSE" in text[f"{qt}/LGPL-3.0.txt"]
        assert "GNU GENERAL PUBLIC LICENSE" in text[f"{qt}/GPL-3.0.txt"]
    assert "Permission is hereby granted" in text["pyqtgraph/LICENSE.txt"]
    assert "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2" in text["Python/LICENSE.txt"]
    numpy_licence = text["NumPy/LICENSE.txt"]
    assert "NumPy Developers" in numpy_licence
    if "libscipy_openblas" in numpy_licence:  # the wheel's bundled libraries, as it lists them
        assert "Name: OpenBLAS" in numpy_licence and "GCC RUNTIME LIBRARY EXCEPTION" in numpy_licence
    index = text["README.txt"]
    for line in ("MLP Studio ", "Qt ", "PySide6 (Qt for Python) ", "pyqtgraph ", "NumPy ", "Python "):
        assert re.search(rf"^{re.escape(line)}\S+: \S", index, re.MULTILINE), line


def test_debian_changelog_names_the_current_version():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    first = (PACKAGING / "debian" / "changelog").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(f"mlp-studio ({version}) ")


def test_debian_copyright_defines_every_licence_it_uses():
    text = (PACKAGING / "debian" / "copyright").read_text(encoding="utf-8")
    assert text.startswith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/")
    paragraphs = text.split("\n\n")
    used = {name.strip() for p in paragraphs if p.startswith("Files:")
            for line in p.splitlines() if line.startswith("License:")
            for name in line.removeprefix("License:").split(" and ")}
    defined = {p.splitlines()[0].removeprefix("License:").strip() for p in paragraphs if p.startswith("License:")}
    assert used <= defined and {"Expat", "LGPL-3", "BSD-3-clause", "PSF-2"} <= used


def test_macos_plist_needs_macos_13_and_declares_and_opens_its_types():
    plist = _module("bundle_config").macos_info_plist("1.2.3")
    plistlib.loads(plistlib.dumps(plist))  # a valid property list
    assert plist["LSMinimumSystemVersion"] == "13.0" and plist["CFBundleShortVersionString"] == "1.2.3"
    exported = {t["UTTypeIdentifier"]: t for t in plist["UTExportedTypeDeclarations"]}
    project = exported["io.github.mlp-studio.project"]
    assert project["UTTypeTagSpecification"]["public.mime-type"] == ["application/x-mlp-studio-project"]
    assert project["UTTypeConformsTo"] == ["public.json"]
    owner = [d for d in plist["CFBundleDocumentTypes"] if d["LSHandlerRank"] == "Owner"]
    assert [d["LSItemContentTypes"] for d in owner] == [["io.github.mlp-studio.project"],
                                                         ["io.github.mlp-studio.lesson"]]
