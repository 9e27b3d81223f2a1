"""Every action and input control of the main window says what it does in a tooltip."""

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QSlider, QTabBar,
                               QToolButton)

INPUTS = (QLineEdit, QAbstractSpinBox, QComboBox, QSlider, QAbstractButton)


def _qt_internal(widget) -> bool:
    """Buttons Qt makes itself (dock title buttons, toolbar extension, tab scrolling)."""
    return widget.objectName().startswith("qt_") or isinstance(widget.parentWidget(), QTabBar)


def missing_tooltips(window) -> list[str]:
    missing = []
    for act in window.findChildren(QAction):
        if act.isSeparator() or not act.text() or act.menu() is not None:
            continue
        plain = act.text().replace("&", "").strip()
        if act.toolTip().strip() in ("", plain, plain.rstrip("…").strip()):  # Qt's default: the text
            missing.append(f"action {plain!r}")
    for widget in (w for cls in INPUTS for w in window.findChildren(cls)):
        if _qt_internal(widget) or isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)):
            continue
        if isinstance(widget, QToolButton) and widget.defaultAction() is not None:
            continue  # shows its action's tooltip
        if not widget.toolTip().strip():
            text = widget.text() if hasattr(widget, "text") else ""
            missing.append(f"{type(widget).__name__} {text!r} in {type(widget.parentWidget()).__name__}")
    return missing


def test_every_action_and_input_control_has_a_tooltip(qtbot, window):
    from mlp_studio.io.lesson_file import bundled_lesson_path

    window.teaching_views.act_quiz.trigger()
    window.teaching_views.open_lesson(bundled_lesson_path("reference-2-3-1.mlp-lesson.json"))
    assert missing_tooltips(window) == []


def test_the_check_finds_a_control_without_a_tooltip(qtbot, window):
    box = QLineEdit(window.data_panel)
    action = QAction("Do something", window)
    assert "QLineEdit '' in DataPanel" in missing_tooltips(window)
    assert "action 'Do something'" in missing_tooltips(window)
    box.setToolTip("says what it does")
    action.setToolTip("Does something useful")
    assert missing_tooltips(window) == []
