"""Lessons in the window: each bundled lesson walked end to end, Back undoes, answers scored."""

import pytest

from mlp_studio.core.quiz import is_close_enough
from mlp_studio.io.lesson_file import BUNDLED_LESSONS, bundled_lesson_path


def _walk(qtbot, views, session, dialogs, answer_right=True):
    """Answer every question (with the value itself, or a wrong one) and press Next to the end."""
    panel = views.lesson_panel
    seen = []
    while True:
        qtbot.waitUntil(lambda: not session.busy, timeout=60000)
        step = session.step
        if step.question is not None:
            assert panel.question.isVisible() and panel.check_button.isEnabled()
            if not session.action_done:
                assert not panel.next_button.isEnabled()  # the action waits for the prediction
            guess = step.question.answer if step.question.answer is not None else 0.123456
            panel.answer_edit.setText(f"{guess if answer_right else guess + 1:g}")
            panel.check_button.click()
            qtbot.waitUntil(lambda: session.revealed, timeout=60000)
            assert "The value is" in panel.result.text()
        seen.append(session.index)
        assert panel.progress.text() == f"{session.index + 1} of {len(session.lesson.steps)}"
        if session.index + 1 == len(session.lesson.steps):
            break
        panel.next_button.click()
    assert not dialogs.texts("warning"), dialogs.texts("warning")
    return seen


@pytest.mark.parametrize("name", BUNDLED_LESSONS)
def test_each_bundled_lesson_walks_to_the_end_with_every_answer_right(qtbot, window, dialogs, name):
    views = window.teaching_views
    session = views.open_lesson(bundled_lesson_path(name))
    assert views.lesson_dock.isVisible() and window.document.display_name.endswith("(lesson)")
    seen = _walk(qtbot, views, session, dialogs)
    assert seen == list(range(len(session.lesson.steps)))
    questions_with_answers = sum(s.question is not None and s.question.answer is not None
                                 for s in session.lesson.steps)
    assert session.score.right == questions_with_answers
    assert session.score.asked == sum(s.question is not None for s in session.lesson.steps)


def test_reference_lesson_puts_the_reference_numbers_in_the_document_and_back_undoes(qtbot, window, dialogs):
    views = window.teaching_views
    doc = window.document
    session = views.open_lesson(bundled_lesson_path("reference-2-3-1.mlp-lesson.json"))
    panel = views.lesson_panel
    panel.next_button.click()  # step 2: the question waits for a prediction
    panel.answer_edit.setText("1")
    panel.check_button.click()
    assert doc.trace is not None and doc.revealed == 1  # one sub-step: the hidden layer
    assert doc.trace.layers[0].a[1] == pytest.approx(0.6224593, abs=1e-7)
    assert "Right" in panel.result.text()
    for _ in range(8):  # to the update step: its question waits
        if session.step.question is not None and not session.revealed:
            panel.answer_edit.setText("0")
            panel.check_button.click()
        panel.next_button.click()
    assert session.step.action is not None and session.step.action.kind == "update"
    before_undo = doc.undo_stack.index()
    w_before = doc.project.network.layers[1].weights[0, 1]
    panel.answer_edit.setText("-0.0773")
    panel.check_button.click()
    assert "Right" in panel.result.text()
    assert doc.undo_stack.index() == before_undo + 1
    assert doc.project.network.layers[1].weights[0, 1] == pytest.approx(-0.9922663, abs=1e-7)
    assert w_before == -1.0
    panel.next_button.click()
    panel.back_button.click()  # back to the update step: nothing undone yet (its action stays)
    panel.back_button.click()  # undoes the update step and shows the step before
    assert doc.project.network.layers[1].weights[0, 1] == -1.0
    assert doc.undo_stack.index() == before_undo
    assert views.marks.keys  # the step's highlight is marked on the canvas


def test_a_wrong_prediction_is_not_scored_right(qtbot, window, dialogs):
    views = window.teaching_views
    session = views.open_lesson(bundled_lesson_path("xor-2-2-1.mlp-lesson.json"))
    _walk(qtbot, views, session, dialogs, answer_right=False)
    assert session.score.asked > 0 and session.score.right == 0
    assert "Not quite" in views.lesson_panel.result.text() or session.step.question is None


def test_lab_lesson_opens_the_lab_on_its_function(qtbot, window, dialogs):
    views = window.teaching_views
    session = views.open_lesson(bundled_lesson_path("gradient-descent-two-minima.mlp-lesson.json"))
    views.lesson_panel.answer_edit.setText("34")
    views.lesson_panel.check_button.click()
    lab = window.show_minimize_lab()
    assert "3*x**4" in lab.function_edit.text() and lab.start_point() == [2.0]
    assert is_close_enough(34.0, lab.minimizer.last.f)
    assert session.score.text == "1 of 1 right"
    lab.close()


def test_a_broken_lesson_file_is_a_dialog_and_the_document_stays(qtbot, window, dialogs, tmp_path):
    path = tmp_path / "bad.mlp-lesson.json"
    path.write_text('{"format": "mlp-studio-lesson", "version": 1}')
    name = window.document.display_name
    assert window.teaching_views.open_lesson(path) is None
    assert "missing key" in dialogs.texts("warning")[0]
    assert window.document.display_name == name
