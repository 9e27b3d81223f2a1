""""Output [box]": which of a network's outputs a view shows (hidden with one output)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget


class OutputChooser(QWidget):
    """A label and a box of output names; ``chosen`` when the user picks another."""

    chosen = Signal()

    def __init__(self, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QComboBox()
        self.box.setToolTip(tooltip)
        self.box.activated.connect(lambda _i: self.chosen.emit())
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 0)
        row.addWidget(QLabel("Output"))
        row.addWidget(self.box, 1)

    @property
    def index(self) -> int:
        """The output shown."""
        return max(self.box.currentIndex(), 0)

    def offer(self, names: list[str]) -> int:
        """Offer ``names`` (the choice is kept while they stay the same); the index chosen."""
        if [self.box.itemText(i) for i in range(self.box.count())] != names:
            chosen = self.index
            self.box.clear()
            self.box.addItems(names)
            self.box.setCurrentIndex(min(chosen, len(names) - 1))
        self.setVisible(len(names) > 1)
        return self.index
