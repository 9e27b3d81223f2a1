"""The desktop entry, the MIME types and the package metadata that installers rely on."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
PROJECT_TYPE = "application/x-mlp-studio-project"
LESSON_TYPE = "application/x-mlp-studio-lesson"


def _desktop_entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(RESOURCES / "mlp-studio.desktop", encoding="utf-8")
    return dict(parser["Desktop Entry"])


def _mime_globs() -> dict[str, list[str]]:
    root = ET.parse(RESOURCES / "mlp-studio.xml").getroot()
    return {t.get("type"): [g.get("pattern") for g in t.iter(f"{MIME_NS}glob")]
            for t in root.iter(f"{MIME_NS}mime-type")}


def test_mime_types_have_their_own_globs():
    assert _mime_globs() == {PROJECT_TYPE: ["*.mlp.json"], LESSON_TYPE: ["*.mlp-lesson.json"]}


def test_desktop_entry_opens_its_own_type_and_names_the_window_class():
    entry = _desktop_entry()
    mime_types = [t for t in entry["MimeType"].split(";") if t]
    # never application/json: that would claim every JSON file
    assert mime_types == [PROJECT_TYPE, LESSON_TYPE] and set(mime_types) == set(_mime_globs())
    assert entry["Exec"] == "mlp-studio %f" and entry["Terminal"] == "false"
    assert entry["StartupWMClass"] == "mlp-studio" and entry["Icon"] == "mlp-studio"


def test_identity_matches_the_desktop_entry_and_the_mime_file():
    from mlp_studio.app.shell import identity

    assert (RESOURCES / f"{identity.DESKTOP_FILE_NAME}.desktop").is_file()
    assert identity.APP_NAME == _desktop_entry()["StartupWMClass"]  # Qt's X11 window class
    assert {identity.PROJECT_MIME_TYPE, identity.LESSON_MIME_TYPE} == set(_mime_globs())


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_entry_is_valid():
    done = subprocess.run(["desktop-file-validate", str(RESOURCES / "mlp-studio.desktop")],
                          capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


@pytest.fixture
def mime_home(tmp_path):
    """A data folder holding only our MIME package, compiled by update-mime-database."""
    if shutil.which("update-mime-database") is None:
        pytest.skip("shared-mime-info not installed")
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(RESOURCES / "mlp-studio.xml", packages)
    subprocess.run(["update-mime-database", str(tmp_path / "mime")], check=True, capture_output=True)
    for name in ("x.mlp.json", "x.mlp-lesson.json", "x.json"):
        (tmp_path / name).write_text('{"format": "mlp-studio"}\n', encoding="utf-8")
    return tmp_path


def test_qt_sees_the_registered_types(mime_home):
    """Qt (the app's file dialogs) reads the compiled database like any desktop does."""
    env = {**os.environ, "XDG_DATA_HOME": str(mime_home), "XDG_DATA_DIRS": f"{mime_home}:/usr/share"}
    code = ("import sys; from PySide6.QtCore import QMimeDatabase; db = QMimeDatabase()\n"
            "for name in sys.argv[1:]: print(db.mimeTypeForFile(name).name())")
    names = [str(mime_home / n) for n in ("x.mlp.json", "x.mlp-lesson.json", "x.json")]
    done = subprocess.run([sys.executable, "-c", code, *names], env=env, capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == [PROJECT_TYPE, LESSON_TYPE, "application/json"]


@pytest.mark.skipif(shutil.which("xdg-mime") is None, reason="xdg-utils not installed")
def test_xdg_mime_gives_the_project_type(mime_home):
    env = {**os.environ, "XDG_DATA_HOME": str(mime_home), "XDG_DATA_DIRS": f"{mime_home}:/usr/share"}
    for name, expected in (("x.mlp.json", PROJECT_TYPE), ("x.json", "application/json")):
        done = subprocess.run(["xdg-mime", "query", "filetype", str(mime_home / name)], env=env,
                              capture_output=True, text=True, check=True)
        assert done.stdout.strip() == expected


def test_package_metadata():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert {"Homepage", "Source", "Issues"} <= set(project["urls"])
    assert project["keywords"] and any(c.startswith("Topic :: Education") for c in project["classifiers"])
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # SPDX field instead
    assert "version" in project  # the one place it is written


def test_only_the_package_marker_is_python_in_resources():
    """The wheel ships resources/ as a package: developer scripts live elsewhere."""
    assert sorted(p.name for p in RESOURCES.glob("*.py")) == ["__init__.py"]


def test_version_comes_from_the_installed_metadata():
    from importlib import metadata

    import mlp_studio

    assert mlp_studio.__version__ == metadata.version("mlp-studio")
    assert "__version__ =" not in (ROOT / "mlp_studio" / "__init__.py").read_text(encoding="utf-8")
