"""Soak: many step/undo/redo cycles without growing memory (issue 9)."""

import gc
import os
import sys

import numpy as np
import pytest

from mlp_studio.app.document.document import Document
from mlp_studio.app.stepping.controller import StepController
from mlp_studio.io.project_file import load_project
from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path

CYCLES = 10_000


def _resident_bytes() -> int:
    """Resident set size from /proc (no tracing overhead, so 10,000 cycles stay quick)."""
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")

def test_step_undo_redo_cycles_do_not_grow_memory(qapp):
    doc = Document()
    doc.new_project(load_project(resource_path(EXAMPLE_PROJECT)))
    controller = StepController(doc)
    start = doc.project.network.copy()
    stack = doc.undo_stack

    def cycle() -> None:
        controller.step_update()  # one full step: a new undo command
        stack.undo()
        stack.redo()
        stack.undo()  # back where we were; the next step discards this redo branch

    for _ in range(1000):  # warm caches and the allocator before measuring
        cycle()
    base = _resident_bytes()
    for _ in range(CYCLES):
        cycle()
    grown = _resident_bytes() - base
    assert stack.count() == 1 and stack.index() == 0
    assert doc.project.network.equals(start)
    # Keeping even one 2-3-1 network (about 1 kB) per cycle would grow by about 10 MB.
    assert grown < 2 * 1024 * 1024, f"memory grew by {grown} bytes over {CYCLES} cycles"
    controller.step_update()
    assert not doc.project.network.equals(start)
    assert np.isfinite(doc.project.network.layers[0].weights).all()
