"""The main window: canvas in the middle, docks around it, File/Edit/View menus.

It creates every panel and wires them to the document and to each other here,
explicitly; panels are put in docks with ``add_dock``. Window geometry and the
dock layout are saved in QSettings on close and restored when the window is
first shown (after every dock has been added).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QFrame, QLabel, QMainWindow, QMessageBox,
                               QScrollArea, QWidget)

from mlp_studio.app.data.data_panel import DataPanel
from mlp_studio.app.data.generator_dialog import new_from_generator
from mlp_studio.app.document.document import Document
from mlp_studio.app.editor.edit_actions import EditActions
from mlp_studio.app.editor.inspector import Inspector
from mlp_studio.app.editor.network_canvas import NetworkCanvas
from mlp_studio.app.shell.about import install_help_menu
from mlp_studio.app.shell.identity import settings
from mlp_studio.app.shell.interop_menu import InteropMenus
from mlp_studio.app.shell.presenter import Presenter
from mlp_studio.app.stepping.step_views import StepViews
from mlp_studio.app.teaching.teaching_views import install_teaching_views
from mlp_studio.app.training.training_panel import TrainingPanel
from mlp_studio.app.widgets.appearance import colour_text
from mlp_studio.core.project import Project
from mlp_studio.errors import MLPError
from mlp_studio.io.lesson_file import is_lesson_path

MAX_RECENT = 8
DEFAULT_SIZE = (1280, 800)
PROJECT_FILTER = "MLP Studio project (*.mlp.json);;JSON (*.json);;All files (*)"
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
#: docks shown as tabs of one another until the user arranges them (first one in front)
DEFAULT_TABS = (("dock_math", "training_dock"),
                ("data_dock", "dock_layer_strips", "dock_output_surface", "dock_sensitivity",
                 "dock_neuron_maps"))
#: default sizes at 1280x800: the right column is the inspector (it scrolls) over
#: the math panel and the training panel (tabs: the math panel's formulas and the loss
#: plot get the rest of the column's height); the bottom tabs hold data and step plots
RIGHT_SHARE, RIGHT_WIDTH = 0.42, (400, 640)      # of the width, within (min, max) pixels
BOTTOM_SHARE, BOTTOM_HEIGHT = 0.28, (190, 300)   # of the height
INSPECTOR_SHARE = 0.36  # the inspector's most, of the height: its content, unless that is more


class MainWindow(QMainWindow):
    """The window of one document."""

    #: emitted before the document is replaced (New, Open, a lesson, an import) and when the
    #: window closes: a lesson under way ends here (a training run cannot be going then:
    #: replacing the project is refused while it runs, and closing stops it first)
    stopping_work = Signal()

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setObjectName("main_window")
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                            | QMainWindow.DockOption.AllowTabbedDocks)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.canvas = NetworkCanvas(document, self)
        self.setCentralWidget(self.canvas)
        self.edit_actions = EditActions(document, self)
        self.inspector = Inspector(document, self.edit_actions)
        self.data_panel = DataPanel(document)
        self._make_menus()
        # The inspector scrolls: a selection's fields do not push the math panel down.
        inspector_scroll = QScrollArea()
        inspector_scroll.setWidget(self.inspector)
        inspector_scroll.setWidgetResizable(True)
        inspector_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.inspector_dock = self.add_dock(inspector_scroll, "Inspector",
                                            Qt.DockWidgetArea.RightDockWidgetArea, "inspector_dock")
        self.data_dock = self.add_dock(self.data_panel, "Data",
                                       Qt.DockWidgetArea.BottomDockWidgetArea, "data_dock")
        self.data_panel.csv_loaded.connect(
            lambda path: self.statusBar().showMessage(f"Read {path}", 5000))
        self.step_views = StepViews(self, document, self.add_dock)
        self.step_controller = self.step_views.controller
        self.training_panel = TrainingPanel(document, self.statusBar())
        self.add_dock(self.training_panel, "Training", Qt.DockWidgetArea.RightDockWidgetArea,
                      "training_dock")
        self.step_controller.background_epoch = self.training_panel.session.run_one_epoch
        install_teaching_views(self, document)
        self.presenter = Presenter(self, self.step_views.docks["math"],
                                   self.step_controller.act_substep, self.undo_action)
        self.view_menu.insertAction(self.view_menu.actions()[4], self.presenter.action)
        self.help_menu = install_help_menu(self)
        document.file_changed.connect(self._update_title)
        self.lock_note = QLabel()  # why edits are locked now (a training run), in the status bar
        colour_text(self.lock_note, "warning")
        self.statusBar().addPermanentWidget(self.lock_note)
        document.edit_lock_changed.connect(self._show_lock)
        self._show_lock()
        self._layout_restored = False
        self._update_title()
        self._update_recent_menu()
        self.resize(*DEFAULT_SIZE)

    # ------------------------------------------------------------------ docks
    def add_dock(self, widget: QWidget, title: str, area: Qt.DockWidgetArea,
                 object_name: str) -> QDockWidget:
        """Put ``widget`` in a dock (``object_name`` keys the saved layout); View menu lists it."""
        dock = QDockWidget(title, self)
        dock.setObjectName(object_name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        dock.toggleViewAction().setToolTip(f"Show or hide the {title} panel")
        self.view_menu.addAction(dock.toggleViewAction())
        return dock

    # ------------------------------------------------------------------ menus
    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        new = self._action(file_menu, "&New", self.new_file, QKeySequence.StandardKey.New,
                            "Start a new project (a 2-3-1 network, no data)")
        open_ = self._action(file_menu, "&Open…", self.open_file, QKeySequence.StandardKey.Open,
                             "Open a project file (*.mlp.json)")
        examples = file_menu.addMenu("Open &Example")
        from mlp_studio.io.resources import EXAMPLE_PROJECTS

        for name in EXAMPLE_PROJECTS:
            self._action(examples, name.removesuffix(".mlp.json"),
                         lambda _=False, n=name: self.open_example(n),
                         tip=f"Open the bundled example {name} as an untitled copy")
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        open_csv = self._action(file_menu, "Open &CSV…", self.data_panel.choose_csv, "Ctrl+Shift+O",
                                "Read a CSV file as the training data")
        generate = self._action(file_menu, "New from &Generator…",
                                lambda: new_from_generator(self.data_panel, self),
                                tip="Make a teaching data set (moons, circle, xor, spiral, …) with a noise slider")
        #: what replaces the project or its data: off while edits are locked
        self.project_actions = [new, open_, examples.menuAction(), self.recent_menu.menuAction(),
                                open_csv, generate]
        file_menu.addSeparator()
        self._action(file_menu, "&Save", self.save, QKeySequence.StandardKey.Save, "Save the project")
        self._action(file_menu, "Save &As…", self.save_as, QKeySequence.StandardKey.SaveAs,
                     "Save the project under a new name")
        self._action(file_menu, "Export Canvas as &PNG…", self.export_canvas_png,
                     tip="Write the network drawing as a PNG image")
        self.interop_menus = InteropMenus(self, file_menu)
        self.file_menu = file_menu
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit, "Close MLP Studio")

        edit = bar.addMenu("&Edit")
        # Qt keeps their text and state; triggering them goes through the document's lock
        stack = self.document.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.undo_action.setToolTip("Undo the last edit or step (Ctrl+Z)")
        self.redo_action.setToolTip("Redo what Undo took back (Ctrl+Shift+Z)")
        for act, slot in ((self.undo_action, self.document.undo), (self.redo_action, self.document.redo)):
            act.triggered.disconnect()  # from the stack's own undo/redo
            act.triggered.connect(lambda _=False, do=slot: self._guarded(do))
            edit.addAction(act)
        edit.addSeparator()
        for act in self.edit_actions.actions:
            edit.addAction(act)
        edit.addSeparator()
        self._action(edit, "&Preferences…", self.show_preferences, QKeySequence.StandardKey.Preferences,
                     "Text size, weight colours, light or dark, decimals, notation")
        self.edit_menu = edit

        view = bar.addMenu("&View")
        self._action(view, "Zoom &In", self.canvas.zoom_in, [QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")],
                     "Enlarge the network drawing")
        self._action(view, "Zoom &Out", self.canvas.zoom_out, "Ctrl+-", "Shrink the network drawing")
        self._action(view, "&Fit to Window", self.canvas.fit_to_window, "Ctrl+0",
                     "Fit the whole network into the canvas")
        view.addSeparator()
        self.view_menu = view

        tools = bar.addMenu("&Tools")
        self._action(tools, "&Gradient-Descent Lab", self.show_minimize_lab, "Ctrl+L",
                     "Minimise a function step by step: gradient descent, momentum, Newton")
        self._action(tools, "&Loss Landscape", self.show_loss_landscape, "Ctrl+Shift+L",
                     "The network's own loss over two of its weights, along the gradient, and its Hessian")
        self._tool_windows: dict[str, QWidget] = {}

    def _tool_window(self, key: str, make: Callable[[], QWidget], title: str, size: tuple[int, int]) -> QWidget:
        """Show the tool window ``key``, made by ``make`` the first time (lazily: tools are not
        needed at start-up)."""
        window = self._tool_windows.get(key)
        if window is None:
            window = make()
            window.setParent(self, Qt.WindowType.Window)
            window.setWindowTitle(f"{title} — MLP Studio")
            window.resize(*size)
            self._tool_windows[key] = window
        window.show()
        window.raise_()
        return window

    def show_preferences(self) -> None:
        from mlp_studio.app.widgets.preferences_dialog import PreferencesDialog

        PreferencesDialog(self).exec()

    def show_minimize_lab(self) -> QWidget:
        """The gradient-descent lab window."""
        from mlp_studio.app.lab.minimize_lab import MinimizeLab

        return self._tool_window("lab", MinimizeLab, "Gradient-Descent Lab", (1200, 780))

    def show_loss_landscape(self) -> QWidget:
        """The loss landscape window of the open network."""
        from mlp_studio.app.lab.loss_landscape_view import LossLandscapeView

        return self._tool_window("landscape", lambda: LossLandscapeView(self.document), "Loss Landscape",
                                 (1100, 760))

    # ------------------------------------------------------------------ lock
    def _guarded(self, change) -> None:
        """Run a document change; a refusal (e.g. edits locked) shows in the status bar."""
        try:
            change()
        except MLPError as exc:
            self.statusBar().showMessage(str(exc), 5000)

    def _show_lock(self) -> None:
        locked, stack = self.document.edit_lock, self.document.undo_stack
        self.lock_note.setText(locked or "")
        self.lock_note.setVisible(locked is not None)
        for act in self.project_actions:
            act.setEnabled(locked is None)
        self.undo_action.setEnabled(locked is None and stack.canUndo())
        self.redo_action.setEnabled(locked is None and stack.canRedo())

    def refuse_while_locked(self) -> bool:
        """True (and the reason in the status bar) when the project cannot be replaced now."""
        if self.document.edit_lock is None:
            return False
        self.statusBar().showMessage(self.document.edit_lock, 5000)
        return True

    # ------------------------------------------------------------------ title
    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.document.display_name}[*] — MLP Studio")
        self.setWindowModified(self.document.is_modified)

    # ------------------------------------------------------------------ files
    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False when the user cancels (or saving failed)."""
        if not self.document.is_modified:
            return True
        doc = self.document
        question = (f"Save the changes to {doc.display_name}?" if doc.path is not None else
                    f"{doc.display_name} is not saved in a file yet. Save it as a new project file?")
        answer = QMessageBox.question(
            self, "Unsaved changes", question,
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_file(self) -> None:
        if not self.refuse_while_locked() and self.maybe_save():
            self.stopping_work.emit()
            self.document.new_project()

    def open_file(self) -> None:
        start = str(self.document.path.parent) if self.document.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open project", start, PROJECT_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        """Open a project file, or a lesson file (``*.mlp-lesson.json``) in the Lesson panel,
        after the unsaved-changes prompt; errors in a dialog."""
        if is_lesson_path(path):
            return self.teaching_views.open_lesson(path) is not None
        if self.refuse_while_locked() or not self.maybe_save():
            return False
        self.stopping_work.emit()
        try:
            self.document.open(path)
        except MLPError as exc:
            self.show_open_error(path, exc)
            return False
        self._add_recent(Path(path))
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def show_open_error(self, path: str | Path, exc: MLPError) -> None:
        """Say why ``path`` could not be opened; a file that is gone leaves the recent list."""
        kind = "lesson" if is_lesson_path(path) else "project"
        QMessageBox.warning(self, f"Could not open the {kind}", str(exc))
        if not Path(path).exists():
            self._remove_recent(Path(path))

    def open_example(self, name: str) -> bool:
        """Open a bundled example as an untitled copy (Save asks where to put it)."""
        from mlp_studio.io.project_file import load_project
        from mlp_studio.io.resources import resource_path

        return self.open_untitled(lambda: load_project(resource_path(name)),
                                  "Could not open the example", f"{name} (example)")

    def open_untitled(self, load: Callable[[], Project], failure: str, name: str) -> bool:
        """Open what ``load`` reads as an untitled project called ``name``, after the
        unsaved-changes prompt; its MLPError shows in a dialog titled ``failure``."""
        if self.refuse_while_locked() or not self.maybe_save():
            return False
        try:
            project = load()
        except MLPError as exc:
            QMessageBox.warning(self, failure, str(exc))
            return False
        self.stopping_work.emit()
        self.document.new_project(project, name=name)
        return True

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        start = str(self.document.path) if self.document.path else self.document.display_name.split(" ")[0]
        path, _ = QFileDialog.getSaveFileName(self, "Save project as", start, PROJECT_FILTER)
        if not path:
            return False
        if not path.endswith(".json"):
            path += ".mlp.json"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
        except (MLPError, OSError) as exc:
            QMessageBox.warning(self, "Could not save", str(exc))
            return False
        self._add_recent(path)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def export_canvas_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export canvas", "network.png", "PNG image (*.png)")
        if path:
            self.write_canvas_png(path if path.lower().endswith(".png") else path + ".png")

    def write_canvas_png(self, path: str | Path) -> None:
        """Write the canvas as a PNG file (atomically)."""
        from mlp_studio.io.atomic import write_bytes_atomic

        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.canvas.render_image().save(buffer, "PNG")
        buffer.close()
        try:
            write_bytes_atomic(path, bytes(data.data()))
        except OSError as exc:
            QMessageBox.warning(self, "Could not export", f"{path}: {exc.strerror or exc}")

    # ------------------------------------------------------------ recent files
    def recent_files(self) -> list[str]:
        value = settings().value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def _add_recent(self, path: Path) -> None:
        path_text = str(Path(path).resolve())
        files = [path_text] + [f for f in self.recent_files() if f != path_text]
        settings().setValue("recent_files", files[:MAX_RECENT])
        self._update_recent_menu()

    def _remove_recent(self, path: Path) -> None:
        path_text = str(Path(path).resolve())
        settings().setValue("recent_files", [f for f in self.recent_files() if f != path_text])
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for f in files:
            self._action(self.recent_menu, f, lambda _=False, p=f: self.open_path(p))
        self.recent_menu.setEnabled(bool(files))

    # ------------------------------------------------------------- drag & drop
    @staticmethod
    def _dropped_path(event) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        path = Path(urls[0].toLocalFile())
        return path if path.suffix.lower() in CSV_SUFFIXES + (".json",) else None

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        path = self._dropped_path(event)
        if path is None:
            return
        event.acceptProposedAction()
        if self.refuse_while_locked():
            return
        if path.suffix.lower() in CSV_SUFFIXES:
            self.data_panel.load_csv(path)
        else:
            self.open_path(path)

    # ------------------------------------------------------------ window state
    def setVisible(self, visible: bool) -> None:  # noqa: N802
        """Lay the docks out before the first show: Qt fits a window to the minimum size of
        its docks as they stand then (side by side, untabbed: wider than a laptop's screen)."""
        if visible:
            self.restore_layout()
        super().setVisible(visible)

    def restore_layout(self) -> None:
        """Restore the saved geometry and dock layout (once; after all docks are added),
        or lay the docks out by default."""
        if not self._layout_restored:
            self._layout_restored = True
            size = self.size()  # the default, or the size the caller gave before showing
            store = settings()
            geometry, state = store.value("geometry"), store.value("window_state")
            if not (isinstance(state, QByteArray) and self.restoreState(state)):
                self._default_layout()
            self.layout().activate()  # minimum size of the tabbed docks, not of all stacked
            if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
                self.resize(size)

    def _default_layout(self) -> None:
        """Tab the docks of each DEFAULT_TABS group together, the first one in front."""
        for group in DEFAULT_TABS:
            docks = [d for d in (self.findChild(QDockWidget, name) for name in group) if d is not None]
            for dock in docks[1:]:
                self.tabifyDockWidget(docks[0], dock)
            if docks:
                docks[0].raise_()
        width, height = self.width(), self.height()
        right = int(min(max(RIGHT_SHARE * width, RIGHT_WIDTH[0]), RIGHT_WIDTH[1]))
        bottom = int(min(max(BOTTOM_SHARE * height, BOTTOM_HEIGHT[0]), BOTTOM_HEIGHT[1]))
        self.resizeDocks([self.inspector_dock], [right], Qt.Orientation.Horizontal)
        self.resizeDocks([self.data_dock], [bottom], Qt.Orientation.Vertical)
        below = [d for d in self.findChildren(QDockWidget)
                 if self.dockWidgetArea(d) == Qt.DockWidgetArea.RightDockWidgetArea
                 and d is not self.inspector_dock and not d.isHidden()]
        if below:  # the math panel's tab group: it needs the room more than the inspector
            inspector = min(self.inspector.sizeHint().height() + 8, int(INSPECTOR_SHARE * height))
            rest = height - inspector - 100  # menus, bars, titles
            self.resizeDocks([self.inspector_dock, below[0]], [inspector, rest], Qt.Orientation.Vertical)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # a run stops first, so the unsaved-changes prompt offers to save its result
        self.training_panel.session.shutdown()
        if not self.maybe_save():
            event.ignore()
            return
        self.stopping_work.emit()
        self.data_panel.shutdown()
        store = settings()
        store.setValue("geometry", self.saveGeometry())
        store.setValue("window_state", self.saveState())
        event.accept()
