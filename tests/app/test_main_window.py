"""Main window: title and modified mark, undo/redo through the menu and keys, files,
recent files, close prompt, window layout, canvas PNG, run_app."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from mlp_studio.app.shell.main_window import MainWindow, settings
from mlp_studio.app.editor.network_canvas import negative_colour, positive_colour
from mlp_studio.io.project_file import load_project, project_to_dict
from tests.core.reference_net import HIDDEN_W, reference_network

Save, Discard, Cancel = (QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard,
                         QMessageBox.StandardButton.Cancel)


def test_opens_on_the_reference_example(window):
    doc = window.document
    assert doc.project.network.equals(reference_network())
    assert doc.project.data.raw_targets[:, 0].tolist() == [91, 82, 80, 68]
    assert window.windowTitle() == "reference.mlp.json (example)[*] — MLP Studio"
    assert not window.isWindowModified()


def test_modified_mark_follows_the_undo_stack(window):
    doc = window.document
    doc.set_bias(0, 0, 0.25)
    assert window.isWindowModified()
    window.undo_action.trigger()
    assert not window.isWindowModified() and doc.project.network.layers[0].biases[0] == 0.5


def test_undo_redo_keyboard_shortcuts(window, qtbot):
    doc = window.document
    doc.set_weight(0, 0, 1, 2.0)
    window.activateWindow()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.project.network.layers[0].weights[0, 1] == HIDDEN_W[0][1]
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert doc.project.network.layers[0].weights[0, 1] == 2.0


def test_save_as_and_reopen_round_trip(window, tmp_path, monkeypatch):
    doc = window.document
    doc.set_weight(1, 0, 2, -0.375)
    target = tmp_path / "mine"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.save()  # untitled example: Save asks for a name, adds the suffix
    saved = tmp_path / "mine.mlp.json"
    assert saved.exists() and doc.path == saved
    assert window.windowTitle() == "mine.mlp.json[*] — MLP Studio" and not window.isWindowModified()
    assert project_to_dict(load_project(saved)) == project_to_dict(doc.project)
    assert window.recent_files() == [str(saved.resolve())]
    doc.set_weight(1, 0, 2, 5.0)
    window.save()  # has a path now: no dialog
    assert load_project(saved).network.layers[1].weights[0, 2] == 5.0

    other = MainWindow(type(doc)())
    assert other.open_path(saved)
    assert project_to_dict(other.document.project) == project_to_dict(doc.project)
    assert other.document.project.network.equals(doc.project.network)
    assert [a.text() for a in other.recent_menu.actions()] == [str(saved.resolve())]
    other.close()


def test_open_a_damaged_project_shows_the_error_and_keeps_the_document(window, tmp_path, dialogs):
    bad = tmp_path / "bad.mlp.json"
    bad.write_text('{"format": "mlp-studio-project", "version": 1, "network": ', encoding="utf-8")
    before = project_to_dict(window.document.project)
    assert not window.open_path(bad)
    kind, title, text = dialogs.shown[-1]
    assert kind == "warning" and "bad.mlp.json" in text
    assert project_to_dict(window.document.project) == before
    assert window.windowTitle().startswith("reference.mlp.json")


def test_close_prompt_cancel_save_discard(window, tmp_path, dialogs):
    doc = window.document
    doc.set_bias(1, 0, 1.5)
    dialogs.answers = [Cancel]
    assert not window.close()
    assert window.isVisible() and dialogs.shown[-1][1] == "Unsaved changes"
    doc.path = tmp_path / "kept.mlp.json"
    dialogs.answers = [Save]
    assert window.close()
    assert load_project(tmp_path / "kept.mlp.json").network.layers[1].biases[0] == 1.5


def test_discard_closes_without_writing(window, tmp_path, dialogs):
    window.document.path = tmp_path / "never.mlp.json"
    window.document.set_bias(1, 0, 1.5)
    dialogs.answers = [Discard]
    assert window.close()
    assert not (tmp_path / "never.mlp.json").exists()


def test_new_and_open_example_ask_first(window, dialogs):
    doc = window.document
    doc.set_bias(1, 0, 1.5)
    dialogs.answers = [Cancel]
    window.new_file()
    assert doc.project.network.layers[1].biases[0] == 1.5
    dialogs.answers = [Discard]
    window.open_example("xor.mlp.json")
    assert window.windowTitle() == "xor.mlp.json (example)[*] — MLP Studio"
    assert doc.project.data.n_rows == 4 and doc.undo_stack.count() == 0
    window.new_file()
    assert doc.project.network.sizes == [2, 3, 1] and doc.project.data is None


def test_geometry_and_dock_layout_are_restored(window, qtbot, isolated_settings):
    window.data_dock.hide()
    window.resize(1300, 700)
    assert window.close()
    assert (isolated_settings / "mlp-studio.ini").exists()
    store = settings()
    assert store.format() == QSettings.Format.IniFormat and store.value("geometry") is not None
    again = MainWindow(window.document)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert not again.data_dock.isVisible() and again.inspector_dock.isVisible()
    # (the offscreen screen is 800 px wide, so only the height comes back exactly)
    assert again.size().height() == 700


def test_export_canvas_png(window, tmp_path):
    path = tmp_path / "net.png"
    window.write_canvas_png(path)
    image = QImage(str(path))
    assert not image.isNull() and image.width() > 400
    assert image.pixelColor(0, 0).name() == "#ffffff"  # white around the drawing
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 3)
               for y in range(0, image.height(), 3)}
    assert {positive_colour().name(), negative_colour().name()} <= colours  # both kinds of edge are drawn


def test_dropping_a_project_file_opens_it(window, tmp_path, qtbot):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    from mlp_studio.io.project_file import save_project
    from mlp_studio.io.resources import resource_path

    path = tmp_path / "moons.mlp.json"
    save_project(load_project(resource_path("two_moons.mlp.json")), path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.document.path == path and window.document.project.data.n_rows > 4


def test_run_app_opens_the_example_and_returns(qapp, monkeypatch):
    from mlp_studio.app.shell import main

    seen = {}

    def close_soon():
        win = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        seen["title"] = win.windowTitle()
        seen["docks"] = sorted(d.objectName() for d in win.findChildren(type(win.data_dock)))
        win.close()

    QTimer.singleShot(300, close_soon)
    assert main.run_app([]) == 0
    assert seen["title"].startswith("reference.mlp.json (example)")
    assert {"inspector_dock", "data_dock", "training_dock"} <= set(seen["docks"])


def test_a_missing_recent_file_is_dropped_from_the_list(window, tmp_path, dialogs):
    from mlp_studio.io.project_file import save_project

    path = tmp_path / "gone.mlp.json"
    save_project(window.document.project, path)
    assert window.open_path(path)
    assert window.recent_files() == [str(path.resolve())]
    path.unlink()
    window.recent_menu.actions()[0].trigger()
    assert "gone.mlp.json" in dialogs.texts("warning")[-1]
    assert window.recent_files() == [] and not window.recent_menu.isEnabled()
