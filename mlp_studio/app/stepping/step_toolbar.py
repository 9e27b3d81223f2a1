"""The step toolbar: the controller's actions, the row spin box, the batch
toggle and a label with the current sub-step."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QLabel, QSizePolicy, QSpinBox, QToolBar, QWidget

from mlp_studio.app.stepping.controller import StepController
from mlp_studio.app.widgets.appearance import follow_font
from mlp_studio.errors import MLPError

STATUS_MIN_WIDTH = 200


class StepToolBar(QToolBar):
    """Forward · Sub-step · Update · Epoch | Row [n] Batch | Reset | status."""

    def __init__(self, controller: StepController, parent: QWidget | None = None) -> None:
        super().__init__("Step", parent)
        self.setObjectName("step_toolbar")
        self.toggleViewAction().setToolTip("Show or hide the step toolbar")
        self.controller = controller
        self.doc = controller.doc
        c = controller
        for act in (c.act_forward, c.act_substep, c.act_update, c.act_epoch):
            self.addAction(act)
        self.addSeparator()
        self.addWidget(QLabel(" Row "))
        self.row_box = QSpinBox()
        self.row_box.setObjectName("step_row")
        self.row_box.setToolTip("The data row the next step uses (Alt+Up / Alt+Down)")
        self.row_box.valueChanged.connect(self._row_edited)
        self.addWidget(self.row_box)
        self.addAction(c.act_batch)
        self.addSeparator()
        self.addAction(c.act_reset)
        self.addSeparator()
        self.status = QLabel()
        self.status.setObjectName("step_status")
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.status.setMinimumWidth(STATUS_MIN_WIDTH)  # a long line is cut, not sent to the overflow menu
        self.status.setContentsMargins(8, 0, 8, 0)
        self.addWidget(self.status)
        follow_font(self)
        for signal in (self.doc.row_changed, self.doc.data_changed, self.doc.trace_changed):
            signal.connect(self.refresh)
        controller.changed.connect(self.refresh)
        self.refresh()

    def _row_edited(self, row: int) -> None:
        try:
            self.controller.set_row(row)
        except MLPError as exc:  # no data or out of range: show it, keep the document's row
            self.status.setText(str(exc))
            self.refresh()

    def refresh(self) -> None:
        data = self.doc.project.data
        with QSignalBlocker(self.row_box):
            self.row_box.setRange(0, max(0, (data.n_rows - 1) if data is not None else 0))
            self.row_box.setValue(self.doc.selected_row)
        self.row_box.setEnabled(data is not None and not self.controller.use_batch)
        self.status.setText(self.controller.status_text())
