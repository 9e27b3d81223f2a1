"""Panels are wired explicitly in the main window against typed interfaces: no module of
the app looks another part up by name on the document or the window."""

from __future__ import annotations

import ast
from pathlib import Path

import mlp_studio.app

APP = Path(mlp_studio.app.__file__).parent
NAMES = ("doc", "document", "window", "self.doc", "self.document", "self.window")


def lookups_by_name(source: str) -> list[str]:
    """``getattr``/``hasattr``/``setattr`` calls on the document or a window, as source text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr", "setattr") and node.args
                and ast.unparse(node.args[0]) in NAMES):
            found.append(ast.unparse(node))
    return found


def test_the_check_sees_a_lookup_by_name():
    assert lookups_by_name("panel = getattr(self.window, 'training_panel', None)") == [
        "getattr(self.window, 'training_panel', None)"]
    assert lookups_by_name("x = getattr(config, field)") == []


def test_no_panel_finds_another_by_name_on_the_document_or_the_window():
    found = {str(path.relative_to(APP)): hits for path in sorted(APP.rglob("*.py"))
             if (hits := lookups_by_name(path.read_text(encoding="utf-8")))}
    assert found == {}
