"""The timeline under the canvas: a slider over the undo history (every step, update, epoch,
run and edit) that scrubs back and forth, and a comparison of two points of it.

The networks after each point are recorded as the history grows, so two points
compare without moving the document. A project opened with a saved ``history``
scrubs that history instead (display only) until the first new edit. With
File > Save Timeline with Project on, saving writes the history into the file.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QLabel, QPushButton, QSlider, QTableWidget,
                               QTableWidgetItem, QToolBar, QVBoxLayout, QWidget)

from mlp_studio.app.widgets.appearance import follow_font
from mlp_studio.core.network import Network
from mlp_studio.core.timeline import History, HistoryEntry, ParameterChange, compare_networks
from mlp_studio.errors import MLPError

START_LABEL = "Start"
MARKED, LABELLED = 12, 4  # changes ringed on the canvas, and of those labelled with the change
MAX_POINTS = 5000


class TimelineRecorder(QObject):
    """The (label, network) of every point of the document's undo history; ``changed``
    fires when points are added or the current point moves."""

    changed = Signal()

    def __init__(self, document, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else document)
        self.doc = document
        self.save_with_project = False
        self.saved: History | None = None  # a history opened with the project
        self._shown = 0  # the point of a saved history shown
        self._networks: dict[int, Network] = {}
        document.undo_stack.indexChanged.connect(self._on_index)
        document.project_replaced.connect(self._on_replaced)
        self._on_replaced()

    @property
    def live(self) -> bool:
        """True when scrubbing the undo history, False when scrubbing a saved history."""
        return self.saved is None or self.doc.undo_stack.count() > 0

    def _on_replaced(self) -> None:
        self.saved = self.doc.project.history
        self._shown = self.saved.current if self.saved is not None else 0
        self._networks = {0: self.doc.project.network.copy()}
        self._sync()

    def _on_index(self, index: int) -> None:
        stack = self.doc.undo_stack
        if not shiboken6.isValid(stack):  # the window is closing
            return
        for k in [k for k in self._networks if k > stack.count()]:
            del self._networks[k]  # a new edit after Undo dropped the redo points
        if len(self._networks) < MAX_POINTS or index in self._networks:
            self._networks[index] = self.doc.project.network.copy()
        self._sync()

    def set_save_with_project(self, on: bool) -> None:
        """Whether saving the project writes the timeline into it."""
        self.save_with_project = on
        self._sync()

    def _sync(self) -> None:
        """Keep the project's history section as File > Save Timeline with Project says."""
        if self.save_with_project:
            self.doc.project.history = self.history()
        elif self.saved is None:
            self.doc.project.history = None  # a history opened with the project stays
        self.changed.emit()

    # -------------------------------------------------------------- points
    @property
    def count(self) -> int:
        return len(self.saved.entries) if not self.live else self.doc.undo_stack.count() + 1

    @property
    def current(self) -> int:
        return self._shown if not self.live else self.doc.undo_stack.index()

    def label(self, point: int) -> str:
        if not self.live:
            return self.saved.entries[point].label
        return START_LABEL if point == 0 else self.doc.undo_stack.text(point - 1)

    def network(self, point: int) -> Network | None:
        """The network at ``point`` (None if not recorded: older than the kept history)."""
        if not self.live:
            return self.saved.entries[point].network
        return self._networks.get(point)

    def history(self) -> History:
        if not self.live:
            return self.saved
        points = [k for k in range(self.count) if self.network(k) is not None]
        return History([HistoryEntry(self.label(k), self.network(k)) for k in points],
                       points.index(self.current) if self.current in points else len(points) - 1)

    def go_to(self, point: int) -> None:
        """Scrub: the undo history moves to ``point``; a saved history is shown (not changed)."""
        if self.live:
            self.doc.undo_stack.setIndex(point)
        else:
            self._shown = point
            self.doc.show_snapshot(None if point == self.saved.current else self.saved.entries[point].network)
            self.changed.emit()

    def compare(self, a: int, b: int) -> list[ParameterChange]:
        before, after = self.network(a), self.network(b)
        if before is None or after is None:
            raise MLPError("that point is older than the history kept")
        return compare_networks(before, after)


class TimelineStrip(QToolBar):
    """The slider, the point's label, and A/B marks with Compare."""

    compared = Signal(list)

    def __init__(self, recorder: TimelineRecorder, parent: QWidget | None = None) -> None:
        super().__init__("Timeline", parent)
        self.setObjectName("timeline_strip")
        self.toggleViewAction().setToolTip("Show or hide the timeline")
        self.recorder = recorder
        self.point_a: int | None = None
        self.point_b: int | None = None
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Scrub through every step, update, epoch, run and edit of this session")
        self.slider.setMinimumWidth(260)
        self.slider.valueChanged.connect(self._scrub)
        self.where = QLabel("")
        self.where.setMinimumWidth(220)
        self.where.setToolTip("The point of the timeline shown")
        self.a_button = QPushButton("Mark A")
        self.a_button.setToolTip("Remember this point as A, the point to compare from")
        self.a_button.clicked.connect(lambda: self._mark("a"))
        self.b_button = QPushButton("Mark B")
        self.b_button.setToolTip("Remember this point as B, the point to compare with A")
        self.b_button.clicked.connect(lambda: self._mark("b"))
        self.compare_button = QPushButton("Compare A → B")
        self.compare_button.setToolTip("List the weights and biases that changed from A to B, "
                                       "largest change first, and mark them on the canvas")
        self.compare_button.clicked.connect(self.compare)
        self.addWidget(QLabel(" Timeline "))
        self.addWidget(self.slider)
        self.addWidget(self.where)
        for w in (self.a_button, self.b_button, self.compare_button):
            self.addWidget(w)
        follow_font(self)
        recorder.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        r = self.recorder
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(r.count - 1, 0))
        self.slider.setValue(r.current)
        self.slider.blockSignals(False)
        point = self.slider.value()
        marks = "".join(f"  {n}={p}" for n, p in (("A", self.point_a), ("B", self.point_b)) if p is not None)
        self.where.setText(f"{point} of {r.count - 1}: {r.label(point)}{marks}")
        self.compare_button.setEnabled(None not in (self.point_a, self.point_b))

    def _scrub(self, point: int) -> None:
        self.recorder.go_to(point)
        self.refresh()

    def _mark(self, which: str) -> None:
        setattr(self, f"point_{which}", self.slider.value())
        self.refresh()

    def compare(self) -> list[ParameterChange]:
        if None in (self.point_a, self.point_b):
            return []
        changes = self.recorder.compare(self.point_a, self.point_b)
        self.compared.emit(changes)
        return changes


class CompareView(QWidget):
    """The table of a comparison (largest change first) and a switch for the canvas marks."""

    def __init__(self, marks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline_compare")
        self.marks = marks
        self.changes: list[ParameterChange] = []
        self.summary = QLabel("Mark two points of the timeline (A and B), then Compare.")
        self.summary.setWordWrap(True)
        self.show_marks = QCheckBox("Mark the changes on the canvas")
        self.show_marks.setToolTip("Ring the changed weights and biases on the network canvas")
        self.show_marks.setChecked(True)
        self.show_marks.toggled.connect(self._mark)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["parameter", "at A", "at B", "change"])
        self.table.setToolTip("Parameters that changed between A and B, largest change first")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.show_marks)
        layout.addWidget(self.table, 1)
        follow_font(self)

    def show_changes(self, changes: list[ParameterChange]) -> None:
        self.changes = changes
        self.summary.setText(f"{len(changes)} parameter{'s' if len(changes) != 1 else ''} changed"
                             + (f"; the largest, {changes[0].address}, by {changes[0].change:+.4g}"
                                if changes else ""))
        self.table.setRowCount(len(changes))
        for r, c in enumerate(changes):
            for col, text in enumerate((str(c.address), f"{c.before:.6g}", f"{c.after:.6g}",
                                        f"{c.change:+.4g}")):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, col, item)
        self.table.resizeColumnsToContents()
        self._mark()

    def _mark(self) -> None:
        if self.show_marks.isChecked():
            top = self.changes[:MARKED]  # the largest: a canvas full of rings says nothing
            self.marks.show([c.address for c in top],
                            [f"{c.change:+.3g}" if k < LABELLED else "" for k, c in enumerate(top)])
        else:
            self.marks.clear()
