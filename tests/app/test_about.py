"""Help > About MLP Studio: the version and every component with its licence."""

from __future__ import annotations

from importlib import metadata

import numpy
import pyqtgraph
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication

from mlp_studio.app.shell.about import AboutDialog


def _about_from_menu(window, qtbot) -> AboutDialog:
    help_menu = window.menuBar().actions()[-1]
    assert help_menu.text() == "&Help"
    [about] = [a for a in help_menu.menu().actions() if a.text() == "&About MLP Studio"]
    about.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AboutDialog))
    qtbot.addWidget(dialog)
    return dialog


def test_about_box_lists_each_component_with_its_licence(window, qtbot):
    dialog = _about_from_menu(window, qtbot)
    rows = {name: (version, licence) for name, version, licence in dialog.rows()}
    assert rows["Qt"] == (qVersion(), "LGPL-3.0-only")
    version, licence = rows["PySide6 (Qt for Python)"]
    assert version == metadata.version("PySide6-Essentials") and licence.startswith("LGPL-3.0-only")
    assert rows["pyqtgraph"] == (pyqtgraph.__version__, "MIT")
    assert rows["NumPy"][0] == numpy.__version__ and rows["NumPy"][1].startswith("BSD-3-Clause")
    assert rows["Python"][1] == "PSF-2.0"
    header = dialog.header.text()
    assert f"MLP Studio {metadata.version('mlp-studio')}" in header and "MIT licence" in header


def test_libraries_inside_the_numpy_wheel_are_listed(window, qtbot):
    """NumPy's Linux wheel carries OpenBLAS and the GCC runtime (its licence file says so)."""
    shipped = [f for f in metadata.distribution("numpy").files if "openblas" in str(f)]
    rows = dict((name, licence) for name, _, licence in _about_from_menu(window, qtbot).rows())
    if shipped:
        assert rows["OpenBLAS (in NumPy)"] == "BSD-3-Clause"
        assert rows["GCC runtime library (in NumPy)"] == "GPL-3.0-or-later WITH GCC-exception-3.1"
