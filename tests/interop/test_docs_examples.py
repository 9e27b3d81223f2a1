"""The API documentation and the example notebook run: every code block of docs/api.md (its
printed output where the page shows it) and every code cell of docs/examples/*.ipynb."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"```python\n(.*?)```(?:\n\nprints\n\n```text\n(.*?)```)?", re.S)


def run(source: str, namespace: dict, name: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, name, "exec"), namespace)  # noqa: S102 - our own documentation
    return out.getvalue()


def test_api_page_examples_run_and_print_what_the_page_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = BLOCK.findall((DOCS / "api.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    namespace: dict = {}
    checked = 0
    for i, (code, expected) in enumerate(blocks):
        printed = run(code, namespace, f"docs/api.md block {i}")
        if expected:
            assert printed == expected
            checked += 1
    assert checked >= 1


NOTEBOOKS = sorted((DOCS / "examples").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_code_cells_run_in_order(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert cells
    namespace: dict = {}
    shown = []
    for i, cell in enumerate(cells):
        shown.append(run_cell("".join(cell["source"]), namespace, f"{path.name} cell {i}"))
    # what a cell ending in a network or project shows: its SVG
    drawn = [value for value in shown if hasattr(value, "_repr_svg_")]
    assert drawn and all(value._repr_svg_().startswith("<svg") for value in drawn)
    assert namespace["losses"][-1] < namespace["losses"][0]


def run_cell(source: str, namespace: dict, name: str):
    """Run a cell as Jupyter does; the value of its last line when that is an expression."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, name, "exec"), namespace)  # noqa: S102 - our own notebook
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), name, "eval"), namespace)  # noqa: S307
