"""Lesson files: reading with errors that say where, the headless check, the bundled lessons."""

import copy
import json
import math
from pathlib import Path

import pytest

from mlp_studio.cli import main
from mlp_studio.core.address import Address
from mlp_studio.core.lesson import Action, LabSetup, LessonRunner
from mlp_studio.errors import MLPError
from mlp_studio.io.lesson_file import (
    BUNDLED_LESSONS,
    bundled_lesson_path,
    check_lesson,
    lesson_from_dict,
    lesson_values,
    load_lesson,
)
from mlp_studio.io.project_file import load_project, project_to_dict

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
BUNDLED = [bundled_lesson_path(name) for name in BUNDLED_LESSONS]


def _sigmoid(s):
    return 1 / (1 + math.exp(-s))


def _lesson(steps):
    project = project_to_dict(load_project(RESOURCES / "reference.mlp.json"))
    return {"format": "mlp-studio-lesson", "version": 1, "title": "t", "project": project, "steps": steps}


def test_four_bundled_lessons_pass_the_check_on_the_command_line(capsys):
    assert len(BUNDLED) >= 4
    assert sorted(p.name for p in (RESOURCES / "lessons").glob("*.mlp-lesson.json")) == sorted(BUNDLED_LESSONS)
    for path in BUNDLED:
        assert main(["lesson", str(path), "--check"]) == 0, capsys.readouterr().err
        assert "all" in capsys.readouterr().out


def test_reference_lesson_questions_match_the_reference_document():
    lesson = load_lesson(RESOURCES / "lessons" / "reference-2-3-1.mlp-lesson.json")
    answers = {q.path: q.answer for q in (s.question for s in lesson.steps) if q is not None}
    assert answers["layers.0.a.1"] == 0.6225 and answers["layers.0.a.2"] == 0.8176  # the document's
    assert answers["layers.1.a.0"] == 0.5030
    y = _sigmoid(0.5 * _sigmoid(-1) - 1.0 * _sigmoid(0.5) + 0.5)  # by hand, scaled target z = 1
    assert answers["layers.1.delta.0"] == pytest.approx(y * (1 - y) * (y - 1), abs=5e-5)


def test_a_wrong_answer_names_the_step(tmp_path, capsys):
    data = _lesson([{"text": "intro"},
                    {"text": "a", "action": {"do": "forward", "row": 0},
                     "question": {"ask": "a?", "path": "layers.0.a.1", "answer": 0.7}}])
    path = tmp_path / "bad.mlp-lesson.json"
    path.write_text(json.dumps(data))
    assert main(["lesson", str(path), "--check"]) == 2
    err = capsys.readouterr().err
    assert "step 2" in err and "0.7" in err and "0.622459" in err


def test_a_question_on_a_value_the_step_has_not_reached_fails():
    lesson = lesson_from_dict(_lesson([{"text": "x", "action": {"do": "forward"},
                                        "question": {"ask": "d?", "path": "layers.1.delta.0"}}]))
    [failure] = check_lesson(lesson)
    assert failure.index == 0 and "layers.1.delta" in failure.message


def test_an_action_that_fails_stops_the_check_and_names_its_step():
    lesson = lesson_from_dict(_lesson([{"text": "x", "action": {"do": "update", "row": 9}},
                                       {"text": "y", "action": {"do": "epoch"}}]))
    [failure] = check_lesson(lesson)
    assert str(failure).startswith("step 1: update: row 9 is out of range")


@pytest.mark.parametrize("change, where, what", [
    (lambda d: d.update(format="x"), "format", "not an MLP Studio lesson"),
    (lambda d: d.update(version=2), "version", "lesson version 1"),
    (lambda d: d["steps"][0].update(action={"do": "jump"}), "steps[0].action.do", "unknown value 'jump'"),
    (lambda d: d["steps"][0].update(highlight=["w[0][5][0]"]), "steps[0].highlight[0]", "has no w[0][5][0]"),
    (lambda d: d["steps"][0].update(highlight=["weight 3"]), "steps[0].highlight[0]", "names no parameter"),
    (lambda d: d["steps"][0].update(question={"ask": "?"}), "steps[0].question", "missing key 'path'"),
    (lambda d: d["steps"][0].update(action={"do": "run", "count": 0}), "steps[0].action.count", "at least 1"),
    (lambda d: d["project"]["network"]["layers"][0].update(biases=[1]), "project: network.layers[0].biases",
     "expected 3 numbers"),
    (lambda d: d.update(steps=[]), "steps", "non-empty"),
])
def test_file_errors_say_where(tmp_path, change, where, what):
    data = _lesson([{"text": "x"}])
    change(data)
    path = tmp_path / "l.mlp-lesson.json"
    path.write_text(json.dumps(data))
    with pytest.raises(MLPError) as err:
        load_lesson(path)
    assert err.value.where.startswith(str(path)) and where in err.value.where
    assert what in err.value.message


def test_runner_sub_steps_then_updates_the_project_like_the_reference_document():
    project = load_project(RESOURCES / "reference.mlp.json")
    runner = LessonRunner(project)
    runner.apply(Action("sub_step", row=0))
    assert lesson_values(runner)["layers"][0]["a"][1] == pytest.approx(_sigmoid(0.5))
    assert lesson_values(runner)["layers"][1]["a"] is None
    runner.apply(Action("update"))
    v = lesson_values(runner)
    a_h1, d_o = _sigmoid(0.5), v["layers"][1]["delta"][0]
    assert v["layers"][1]["weights_after"][0][1] == pytest.approx(-1.0 - 0.1 * d_o * a_h1)
    assert project.network.layers[1].weights[0, 1] == pytest.approx(-1.0 - 0.1 * d_o * a_h1)


def test_runner_set_select_and_settings():
    project = load_project(RESOURCES / "reference.mlp.json")
    runner = LessonRunner(project)
    runner.apply(Action("set", target="w[0][2][1]", value=0.25))
    assert project.network.layers[0].weights[2, 1] == 0.25
    runner.apply(Action("select", target="node[0][2]"))
    assert runner.selection == Address("node", (0, 2))
    runner.apply(Action("set", target="batch_reduction", value="sum"))
    assert project.training.batch_reduction == "sum"
    for bad in (Action("set", target="mode", value="fast"), Action("set", target="node[0][0]", value=1.0),
                Action("set", target="learning_rate", value="big"), Action("select", target="b[2][0]")):
        with pytest.raises(MLPError):
            runner.apply(bad)


def test_runner_lab_follows_the_gradient_descent_rule():
    runner = LessonRunner(load_project(RESOURCES / "reference.mlp.json"))
    runner.apply(Action("open_lab", lab=LabSetup("x**2 + y**2", (3.0, 4.0), 0.1, 2)))
    lab = lesson_values(runner)["lab"]
    assert lab["x"] == pytest.approx([1.92, 2.56])  # the reference document's table
    assert lab["f"] == pytest.approx(1.92 ** 2 + 2.56 ** 2) and lab["iterations"] == 2


def test_epoch_and_run_report_epoch_losses():
    project = load_project(RESOURCES / "reference.mlp.json")
    runner = LessonRunner(project)
    runner.apply(Action("run", count=3))
    assert len(runner.epoch_losses) == 3 and runner.epoch_losses[2] < runner.epoch_losses[0]


def test_runner_snapshot_restores_a_sub_step_under_way_and_the_weights():
    project = load_project(RESOURCES / "reference.mlp.json")
    runner = LessonRunner(project)
    runner.apply(Action("sub_step", row=0))
    state = runner.snapshot()
    assert runner.revealed == 1
    runner.apply(Action("update"))
    assert runner.revealed == 5 and runner.project.network.layers[1].weights[0, 1] != -1.0
    runner.restore(state)
    assert runner.revealed == 1 and runner.project.network.layers[1].weights[0, 1] == -1.0
    runner.apply(Action("sub_step"))  # carries on from the restored sub-step: the output layer
    assert lesson_values(runner)["layers"][1]["a"][0] == pytest.approx(0.5030, abs=5e-5)
