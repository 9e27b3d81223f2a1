"""A frame that holds a plot at the largest size, centred, whose view box has a given
shape: a plot kept to its data's aspect ratio then fills its view box with the data, and
the space the shape leaves over stays outside the plot instead of under an axis that runs
over nothing."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRect, QSize, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

SLACK = 2  # pixels: a placement this close to the last is kept (axes' widths jitter with their labels)


class AspectFrame(QWidget):
    """Holds ``plot``; ``set_aspect(width / height)`` of its view box in pixels (None: fill)."""

    def __init__(self, plot: pg.PlotWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = plot
        plot.setParent(self)
        self.aspect: float | None = None
        # the axes and colour bar take what they need of the plot: the view box's size says
        # how much that is, and places the plot again when it changes (after the plot's own
        # resizing is over: placing it from inside that would nest its resize events)
        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(0)
        self._again.timeout.connect(self._place)
        plot.getPlotItem().vb.sigResized.connect(lambda _vb: self._again.start())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.plot.sizeHint()  # the frame wants the room the plot alone would

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.plot.minimumSizeHint()

    def set_aspect(self, aspect: float | None) -> None:
        self.aspect = aspect
        self._place()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        width, height = self.width(), self.height()
        target = QRect(0, 0, width, height)
        if self.aspect:
            item = self.plot.getPlotItem()
            extra_w = item.width() - item.vb.width()  # the axes and any colour bar
            extra_h = item.height() - item.vb.height()
            inner_w, inner_h = max(width - extra_w, 1.0), max(height - extra_h, 1.0)
            if inner_w > inner_h * self.aspect:
                inner_w = inner_h * self.aspect
            else:
                inner_h = inner_w / self.aspect
            w, h = min(width, round(inner_w + extra_w)), min(height, round(inner_h + extra_h))
            target = QRect((width - w) // 2, (height - h) // 2, w, h)
        now = self.plot.geometry()
        if max(abs(a - b) for a, b in zip(target.getRect(), now.getRect())) > SLACK or not self.aspect:
            self.plot.setGeometry(target)
