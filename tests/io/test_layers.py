"""Layering: nothing in mlp_studio/core or mlp_studio/io imports Qt or pyqtgraph, and
imports only go app -> io -> core (checked by parsing every module's imports)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mlp_studio"
QT = {"PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "qtpy"}
NOT_ALLOWED = {"core": QT | {"mlp_studio.io", "mlp_studio.app", "mlp_studio.cli"},
               "io": QT | {"mlp_studio.app", "mlp_studio.cli"}}


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) of every import in ``source`` (a module of ``package``),
    relative imports made absolute."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found += [(node.lineno, base)] + [(node.lineno, f"{base}.{a.name}") for a in node.names]
    return found


def _blocked(module: str, banned: set[str]) -> bool:
    return any(module == b or module.startswith(b + ".") for b in banned)


@pytest.mark.parametrize("layer", sorted(NOT_ALLOWED))
def test_layer_imports(layer):
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files
    bad = []
    for f in files:
        package = ".".join(f.relative_to(PACKAGE.parent).parts[:-1])
        bad += [f"{f.relative_to(PACKAGE.parent)}:{line}: {mod}"
                for line, mod in imported_modules(f.read_text(encoding="utf-8"), package)
                if _blocked(mod, NOT_ALLOWED[layer])]
    assert not bad, "forbidden imports:\n" + "\n".join(bad)


def test_the_checker_sees_every_import_form():
    sample = ("import PySide6.QtCore\nfrom pyqtgraph import PlotWidget\n"
              "def f():\n    from ..app import main\n")
    mods = [m for _, m in imported_modules(sample, "mlp_studio.io")]
    assert "PySide6.QtCore" in mods and "pyqtgraph" in mods and "mlp_studio.app" in mods
    assert all(_blocked(m, NOT_ALLOWED["io"]) for m in ("PySide6.QtCore", "pyqtgraph", "mlp_studio.app.shell.main"))


APP = PACKAGE / "app"


def test_no_app_package_imports_the_shell_and_nothing_imports_benchmarks():
    bad = []
    for f in sorted(PACKAGE.rglob("*.py")):
        package = ".".join(f.relative_to(PACKAGE.parent).parts[:-1])
        shell_banned = package.startswith("mlp_studio.app") and not package.startswith("mlp_studio.app.shell")
        for line, mod in imported_modules(f.read_text(encoding="utf-8"), package):
            if _blocked(mod, {"benchmarks"}) or (shell_banned and _blocked(mod, {"mlp_studio.app.shell"})):
                bad.append(f"{f.relative_to(PACKAGE.parent)}:{line}: {mod}")
    assert not bad, "forbidden imports:\n" + "\n".join(bad)


def test_app_is_grouped_in_documented_packages():
    loose = [f.name for f in APP.glob("*.py") if f.name != "__init__.py"]
    assert not loose, f"modules outside a package in app/: {loose}"
    for package in (p for p in APP.iterdir() if p.is_dir() and p.name != "__pycache__"):
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc.lower(), f"app/{package.name} does not say what it may import"
