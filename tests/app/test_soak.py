"""Soak: step/undo/redo cycles do not grow memory.

tracemalloc counts every Python and NumPy allocation still held after the cycles, so 300
cycles catch a leak of one 2-3-1 network (about 1 kB) per cycle; a second test shows
the measurement does catch such a leak.
"""

from __future__ import annotations

import gc
import tracemalloc
from typing import Callable

import numpy as np
import pytest

from mlp_studio.app.document.document import Document
from mlp_studio.app.stepping.controller import StepController
from mlp_studio.io.project_file import load_project
from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path

CYCLES = 300
LIMIT = 100 * 1024  # a 1 kB-per-cycle leak holds about 300 kB after CYCLES


def held_after(cycle: Callable[[], None], cycles: int = CYCLES) -> int:
    """Bytes still allocated after ``cycles`` calls of ``cycle`` (after a warm-up)."""
    for _ in range(50):  # caches, the allocator, lazily built tables
        cycle()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(cycles):
            cycle()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


@pytest.fixture
def stepping(qapp):
    doc = Document()
    doc.new_project(load_project(resource_path(EXAMPLE_PROJECT)))
    controller = StepController(doc)
    stack = doc.undo_stack

    def cycle() -> None:
        controller.step_update()  # one full step: a new undo command
        stack.undo()
        stack.redo()
        stack.undo()  # back where we were; the next step discards this redo branch

    return doc, controller, cycle


def test_step_undo_redo_cycles_do_not_grow_memory(stepping):
    doc, controller, cycle = stepping
    start = doc.project.network.copy()
    grown = held_after(cycle)
    assert doc.undo_stack.count() == 1 and doc.undo_stack.index() == 0
    assert doc.project.network.equals(start)
    assert grown < LIMIT, f"{grown} bytes still held after {CYCLES} cycles"
    controller.step_update()
    assert not doc.project.network.equals(start)
    assert np.isfinite(doc.project.network.layers[0].weights).all()


def test_the_measurement_catches_a_network_kept_per_cycle(stepping):
    doc, _, cycle = stepping
    kept = []

    def leaky() -> None:
        cycle()
        kept.append(doc.project.network.copy())  # about 1 kB of arrays and objects

    assert held_after(leaky) > LIMIT
