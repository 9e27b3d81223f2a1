"""Quiz me, the timeline (scrub, compare, saved history), help and F1, gradient check, new exercise."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mlp_studio.core.quiz import is_close_enough


def _value(trace, path):
    from mlp_studio.core.quiz import number_at

    return number_at(trace, path)


def test_quiz_asks_before_each_sub_step_and_scores_right_rounded_and_wrong(qtbot, window):
    views = window.teaching_views
    views.act_quiz.trigger()
    assert views.quiz_dock.isVisible()
    quiz = views.quiz_panel
    assert "Forward through layer 0" in quiz.prompt.text()
    q = quiz.current
    assert q.path.startswith("layers.0.a.")
    node = int(q.path.split(".")[-1])
    s = [-1.0, 0.5, 1.5][node]  # the reference example's hidden sums on row 0
    exact = 1 / (1 + np.exp(-s))
    quiz.answer_edit.setText(f"{exact:.4f}")  # rounded to 4 decimals
    quiz.check_button.click()
    assert "Right" in quiz.result.text() and f"{exact:.4f}" in quiz.result.text()
    assert window.document.revealed == 1
    assert "Forward through layer 1" in quiz.prompt.text()
    quiz.answer_edit.setText("0.9")  # the output is 0.5030: wrong
    quiz.check_button.click()
    assert "Not quite" in quiz.result.text()
    path = quiz.current.path  # the output delta
    assert path == "layers.1.delta.0"
    quiz.answer_edit.setText("-0.1242")
    quiz.check_button.click()
    assert is_close_enough(-0.1242, _value(window.document.trace, path))
    assert quiz.score.text == "2 of 3 right" and "2 of 3" in quiz.score_label.text()


def _steps(window, n):
    for _ in range(n):
        window.step_controller.step_update()


def test_timeline_scrubs_the_undo_history_and_compares_two_points(qtbot, window):
    views = window.teaching_views
    doc, strip = window.document, views.strip
    start = doc.project.network.copy()
    _steps(window, 3)
    after = [doc.project.network.copy()]
    assert strip.slider.maximum() == 3 and strip.slider.value() == 3
    strip.slider.setValue(1)  # scrub back: two updates undone
    assert doc.undo_stack.index() == 1
    assert "1 of 3" in strip.where.text()
    strip.slider.setValue(0)
    assert doc.project.network.equals(start)
    strip.a_button.click()
    strip.slider.setValue(3)
    assert doc.project.network.equals(after[0])
    strip.b_button.click()
    changes = strip.compare()
    table = views.compare_view.table
    assert views.compare_dock.isVisible() and table.rowCount() == len(changes) == 13
    diffs = [abs(c.change) for c in changes]
    assert diffs == sorted(diffs, reverse=True)
    first = changes[0]
    layer, *idx = first.address.index
    arr = start.layers[layer].weights if first.address.kind == "w" else start.layers[layer].biases
    arr_after = after[0].layers[layer].weights if first.address.kind == "w" else after[0].layers[layer].biases
    assert first.before == arr[tuple(idx)] and first.after == arr_after[tuple(idx)]
    assert table.item(0, 0).text() == str(first.address)
    assert set(views.marks.keys) and views.marks.marks[0][0] == first.address
    views.compare_view.show_marks.setChecked(False)
    assert views.marks.keys == []


def test_saved_timeline_round_trips_and_scrubs_without_changing_the_project(qtbot, window, tmp_path):
    views = window.teaching_views
    doc = window.document
    views.act_save_timeline.setChecked(True)
    _steps(window, 2)
    path = tmp_path / "session.mlp.json"
    window._save_to(path)
    saved = json.loads(path.read_text())["history"]
    assert saved["current"] == 2 and len(saved["entries"]) == 3
    assert saved["entries"][0]["label"] == "Start"
    window.open_path(path)
    strip = views.strip
    assert not views.recorder.live and strip.slider.maximum() == 2
    end = doc.project.network.copy()
    strip.slider.setValue(0)
    assert doc.network is not doc.project.network  # shown, not changed
    assert doc.project.network.equals(end) and doc.undo_stack.count() == 0
    assert doc.network.layers[0].weights[0, 0] == -0.5  # the reference example's start


def test_help_menu_guide_shortcuts_and_f1_for_the_focused_panel(qtbot, window):
    from mlp_studio.app.teaching.help import topic_of

    views = window.teaching_views
    help_menu = views.help.menu
    texts = [a.text().replace("&", "") for a in help_menu.actions()]
    assert "MLP Studio Guide" in texts and "Keyboard Shortcuts" in texts
    assert views.help.act_context.shortcut().toString() == "F1"
    assert topic_of(views.quiz_panel.answer_edit) == "quiz"
    assert topic_of(window.canvas, window.canvas) == "canvas"
    assert topic_of(views.lesson_panel.text) == "lesson"
    guide = views.help.show_guide("timeline")
    assert "Compare" in guide.browser.toPlainText() and "Lessons" in guide.browser.toPlainText()
    shortcuts = views.help.show_shortcuts()
    rows = {shortcuts.table.item(r, 0).text(): shortcuts.table.item(r, 1).text()
            for r in range(shortcuts.table.rowCount())}
    assert rows["Forward"] == "F10" and rows["Help for This Panel"] == "F1"
    shortcuts.close()
    guide.close()


def test_gradient_check_dialog_names_each_layers_worst_parameter(qtbot, window):
    dialog = window.teaching_views.gradient_check()
    with qtbot.waitSignal(dialog.finished_check, timeout=60000):
        pass
    assert dialog.table.rowCount() == 2
    assert max(dialog.result.max_relative_difference) < 1e-6
    assert dialog.table.item(0, 2).text().startswith(("w[0]", "b[0]"))
    assert dialog.table.item(1, 2).text().startswith(("w[1]", "b[1]"))
    assert "agree" in dialog.summary.text()
    dialog.close()


def test_new_exercise_dialog_writes_the_sheets_and_opens_the_first(qtbot, window, tmp_path, monkeypatch):
    from mlp_studio.app.teaching.exercise_dialog import ExerciseDialog

    def fill_and_write(dialog):
        dialog.seed.setValue(5)
        dialog.count.setValue(2)
        dialog.out.setText(str(tmp_path / "sheets"))
        return dialog.write()

    monkeypatch.setattr(ExerciseDialog, "exec", fill_and_write)
    window.teaching_views.new_exercise()
    assert (tmp_path / "sheets/variant-2/answers.json").is_file()
    assert window.document.path == tmp_path / "sheets/variant-1/exercise.mlp.json"


def test_new_exercise_dialog_says_what_is_wrong_and_stays_open(qtbot, dialogs, tmp_path):
    from mlp_studio.app.teaching.exercise_dialog import ExerciseDialog

    dialog = ExerciseDialog()
    qtbot.addWidget(dialog)
    dialog.out.setText(str(tmp_path))
    dialog.layers.setText("2,x")
    assert not dialog.write()
    assert "sizes separated by commas" in dialogs.texts("warning")[0]
    assert dialog.folders == []
