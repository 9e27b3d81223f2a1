"""Edit > Preferences: font scale, palette, light/dark, decimals shown, notation."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox,
                               QVBoxLayout, QWidget)

from mlp_studio.app.widgets.appearance import FONT_SCALES, PALETTES, THEMES, Preferences, appearance
from mlp_studio.core.notation import NOTATIONS


def _choice(options: dict[str, str], current: str) -> QComboBox:
    box = QComboBox()
    for key, text in options.items():
        box.addItem(text, key)
    box.setCurrentIndex(max(0, list(options).index(current) if current in options else 0))
    return box


class PreferencesDialog(QDialog):
    """Shows the preferences in force; OK stores and applies the ones chosen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences — MLP Studio")
        prefs = appearance().prefs
        scales = {f"{s:g}": f"{round(s * 100)} %" for s in FONT_SCALES}
        self.font_scale = _choice(scales, f"{prefs.font_scale:g}")
        self.palette = _choice(PALETTES, prefs.palette)
        self.theme = _choice(THEMES, prefs.theme)
        self.decimals = QSpinBox()
        self.decimals.setRange(1, 8)
        self.decimals.setValue(prefs.decimals)
        self.notation = _choice(NOTATIONS, prefs.notation)
        form = QFormLayout()
        form.addRow("Text size", self.font_scale)
        form.addRow("Weight colours", self.palette)
        form.addRow("Light or dark", self.theme)
        form.addRow("Decimals shown", self.decimals)
        form.addRow("Notation", self.notation)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def chosen(self) -> Preferences:
        return Preferences(font_scale=float(self.font_scale.currentData()),
                           palette=self.palette.currentData(), theme=self.theme.currentData(),
                           decimals=self.decimals.value(), notation=self.notation.currentData())

    def accept(self) -> None:  # noqa: D102 - Qt's name
        appearance().set_preferences(self.chosen())
        super().accept()
