"""Lesson files (``*.mlp-lesson.json``): a project and the steps that walk a student through it.

Format version 1 (documented with an example in docs/file-formats.md)::

    {"format": "mlp-studio-lesson", "version": 1, "title": "...", "summary": "...",
     "project": { ...a project file's object... },
     "steps": [{"text": "Markdown", "action": {"do": "forward", "row": 0},
                "highlight": ["w[0][1][0]", "node[0][1]"],
                "question": {"ask": "...", "path": "layers.0.a.1", "answer": 0.6225}}]}

Errors name the JSON path, e.g. ``steps[3].action.do: unknown value 'jump'``.
:func:`check_lesson` runs every action headless and checks every question.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from mlp_studio.core.lesson import (
    ACTIONS,
    SETTINGS,
    Action,
    Address,
    LabSetup,
    Lesson,
    LessonQuestion,
    LessonRunner,
    LessonStep,
)
from mlp_studio.core.quiz import is_close_enough, number_at
from mlp_studio.errors import MLPError
from mlp_studio.io.project_file import JsonChecker, read_json
from mlp_studio.io.resources import resource_path
from mlp_studio.io.trace_json import trace_to_dict

FORMAT = "mlp-studio-lesson"
VERSION = 1
SUFFIX = ".mlp-lesson.json"
MAX_LESSON_BYTES = 5 * 2**20
MAX_TEXT = 4000
#: the bundled lessons (in resources/lessons/), in teaching order
BUNDLED_LESSONS = ("reference-2-3-1.mlp-lesson.json", "xor-2-2-1.mlp-lesson.json",
                   "regression-batch.mlp-lesson.json", "gradient-descent-two-minima.mlp-lesson.json")

#: the keys each action may have besides ``do``
_ACTION_KEYS = {
    "forward": ("row",), "sub_step": ("row",), "update": ("row",), "epoch": (),
    "run": ("count",), "select": ("target",), "set": ("target", "value"),
    "open_lab": ("function", "x0", "eta", "steps"),
}


def is_lesson_path(path: str | os.PathLike) -> bool:
    """Whether ``path`` names a lesson file (by its suffix, as the desktop's file types do)."""
    return os.fspath(path).lower().endswith(SUFFIX)


def load_lesson(path: str | os.PathLike) -> Lesson:
    """Read and check a lesson file; every problem is an MLPError naming where."""
    return lesson_from_dict(read_json(path, MAX_LESSON_BYTES), str(path))


def bundled_lesson_path(name: str):
    """The path of the bundled lesson ``name`` (one of BUNDLED_LESSONS)."""
    return resource_path(f"lessons/{name}")


def lesson_from_dict(data: Any, source: str = "") -> Lesson:
    return _LessonChecker(source).lesson(data)


class _LessonChecker(JsonChecker):
    def lesson(self, data: Any) -> Lesson:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise self.fail("format", f"not an MLP Studio lesson: expected \"format\": \"{FORMAT}\"")
        version = data.get("version")
        if version != VERSION:
            raise self.fail("version", f"this MLP Studio reads lesson version {VERSION}, "
                                       f"the file has {version!r}")
        self.obj(data, "", ("format", "version", "title", "project", "steps"), ("summary",))
        title = self.text(data["title"], "title")
        summary = self.text(data.get("summary", ""), "summary")
        project = JsonChecker(f"{self.source}: project" if self.source else "project").project(
            data["project"])
        steps_value = data["steps"]
        if not isinstance(steps_value, list) or not steps_value:
            raise self.fail("steps", "expected a non-empty list of steps")
        steps = [self.step(item, f"steps[{i}]", project.network) for i, item in enumerate(steps_value)]
        return Lesson(title, project, steps, summary)

    def text(self, value: Any, path: str) -> str:
        text = self.string(value, path)
        if len(text) > MAX_TEXT:
            raise self.fail(path, f"the text has {len(text)} characters; keep it under {MAX_TEXT}")
        return text

    def step(self, value: Any, path: str, net) -> LessonStep:
        value = self.obj(value, path, ("text",), ("action", "highlight", "question"))
        text = self.text(value["text"], f"{path}.text")
        if not text.strip():
            raise self.fail(f"{path}.text", "a step needs some text")
        action = None if value.get("action") is None else self.action(value["action"], f"{path}.action")
        highlight_value = value.get("highlight", [])
        if not isinstance(highlight_value, list):
            raise self.fail(f"{path}.highlight", "expected a list of names like \"w[0][1][0]\"")
        highlight = tuple(self.address(item, f"{path}.highlight[{i}]", net)
                          for i, item in enumerate(highlight_value))
        question = None if value.get("question") is None else self.question(
            value["question"], f"{path}.question")
        return LessonStep(text, action, highlight, question)

    def address(self, value: Any, path: str, net) -> Address:
        try:
            address = Address.parse(self.string(value, path))
            address.check(net)
        except MLPError as exc:
            raise self.wrap(path, exc) from None
        return address

    def action(self, value: Any, path: str) -> Action:
        if not isinstance(value, dict):
            raise self.fail(path, "expected an object like {\"do\": \"forward\"}")
        kind = self.string(value.get("do"), f"{path}.do", ACTIONS)
        self.obj(value, path, ("do",), _ACTION_KEYS[kind])
        if kind == "open_lab":
            self.obj(value, path, ("do", "function", "x0"), _ACTION_KEYS[kind])
            x0 = tuple(self.numbers(value["x0"], f"{path}.x0").tolist())
            eta = self.number(value.get("eta", 0.1), f"{path}.eta")
            steps = self.integer(value.get("steps", 0), f"{path}.steps", 0)
            return Action(kind, lab=LabSetup(self.string(value["function"], f"{path}.function"),
                                             x0, eta, steps))
        if kind in ("select", "set"):
            self.obj(value, path, ("do", "target") + (("value",) if kind == "set" else ()))
            target = self.string(value["target"], f"{path}.target")
            item = value.get("value")
            if kind == "set" and not (target in SETTINGS and SETTINGS[target] is not None):
                item = self.number(item, f"{path}.value")
            return Action(kind, target=target, value=item)
        row = None if value.get("row") is None else self.integer(value["row"], f"{path}.row", 0)
        count = self.integer(value.get("count", 1), f"{path}.count", 1)
        return Action(kind, row=row, count=count)

    def question(self, value: Any, path: str) -> LessonQuestion:
        value = self.obj(value, path, ("ask", "path"), ("answer",))
        answer = None if value.get("answer") is None else self.number(value["answer"], f"{path}.answer")
        return LessonQuestion(self.text(value["ask"], f"{path}.ask"),
                              self.string(value["path"], f"{path}.path"), answer)


def lesson_values(runner: LessonRunner) -> dict:
    """What the lesson's questions can ask about after an action: the step trace's JSON
    form (as ``mlp-studio trace --json``), ``epoch_losses`` after epochs, ``outputs`` (the
    network's output for every data row, scaled) and ``lab`` (the lab's current point)."""
    project = runner.project
    out: dict[str, Any] = {}
    if runner.trace is not None:
        out.update(trace_to_dict(project, runner.trace))
    if runner.epoch_losses:
        out["epoch_losses"] = list(runner.epoch_losses)
    if project.data is not None:
        out["outputs"] = project.network.forward(project.data.X).tolist()
    if runner.lab is not None:
        out["lab"] = runner.lab.values
    return out


@dataclass(frozen=True)
class StepFailure:
    """Why step ``index`` (0-based) of a lesson fails."""

    index: int
    message: str

    def __str__(self) -> str:
        return f"step {self.index + 1}: {self.message}"


def check_lesson(lesson: Lesson) -> list[StepFailure]:
    """Run every action on a copy of the lesson's project, then check each question:
    its path names one number, equal to the stated answer (quiz tolerance) if there is one.
    The first action that fails stops the run (later steps depend on it)."""
    runner = LessonRunner(lesson.project.copy())
    failures = []
    for i, step in enumerate(lesson.steps):
        try:
            if step.action is not None:
                runner.apply(step.action)
        except MLPError as exc:
            return failures + [StepFailure(i, f"{step.action.kind}: {exc}")]
        q = step.question
        if q is None:
            continue
        try:
            value = number_at(lesson_values(runner), q.path)
        except MLPError as exc:
            failures.append(StepFailure(i, f"the question's {exc}"))
            continue
        if q.answer is not None and not is_close_enough(q.answer, value):
            failures.append(StepFailure(
                i, f"the question's answer {q.answer:g} is not the trace's {value:.6g} at {q.path}"))
    return failures
