"""The Help menu and its About box: MLP Studio's version and licence, and every component
it is built on with its version and licence (the packaged app also points to the folder
of licence texts it carries)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QIcon
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDialog, QDialogButtonBox, QHeaderView,
                               QLabel, QMainWindow, QMenu, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

if TYPE_CHECKING:
    from mlp_studio.app.shell.components import Component

#: the folder of licence texts inside a packaged build (packaging/collect_licences.py)
LICENCE_FOLDER_NAME = "licenses"
TAGLINE = "See how a multi-layer perceptron learns: draw it, step it, train it."


def bundled_licence_folder() -> Path | None:
    """The packaged app's folder of licence texts; None when running from an installed package."""
    bundle = getattr(sys, "_MEIPASS", None)
    folder = Path(bundle, LICENCE_FOLDER_NAME) if bundle else None
    return folder if folder is not None and folder.is_dir() else None


class AboutDialog(QDialog):
    """Help > About MLP Studio."""

    COLUMNS = ("Component", "Version", "Licence")

    def __init__(self, parent: QWidget | None = None, parts: list[Component] | None = None) -> None:
        from mlp_studio.app.shell.components import components  # reads metadata: not at start-up

        super().__init__(parent)
        self.setWindowTitle("About MLP Studio")
        self.parts = components() if parts is None else parts
        own = self.parts[0]
        self.header = QLabel(f"<h2>MLP Studio {own.version}</h2><p>{TAGLINE}</p>"
                        f"<p>Licensed under the {own.licence} licence. Built with:</p>")
        self.header.setWordWrap(True)
        self.table = QTableWidget(len(self.parts) - 1, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, part in enumerate(self.parts[1:]):
            for column, text in enumerate((part.name, part.version, part.licence)):
                item = QTableWidgetItem(text)
                if part.url:
                    item.setToolTip(part.url)
                self.table.setItem(row, column, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        folder = bundled_licence_folder()
        footer = QLabel(
            f'The licence texts are in <a href="{QUrl.fromLocalFile(str(folder)).toString()}">{folder}</a>.'
            if folder else "Each component's licence text comes with its installed package.")
        footer.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        footer.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        footer.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.table)
        layout.addWidget(footer)
        layout.addWidget(buttons)
        self.resize(660, 440)

    def rows(self) -> list[tuple[str, str, str]]:
        """The table as shown: (component, version, licence) per row."""
        return [tuple(self.table.item(row, column).text() for column in range(len(self.COLUMNS)))
                for row in range(self.table.rowCount())]


def install_help_menu(window: QMainWindow) -> QMenu:
    """End the Help menu with About MLP Studio and About Qt (making the menu, last in the
    menu bar, if no panel has made it yet); other entries go above them."""
    menu = next((m for m in window.menuBar().findChildren(QMenu) if m.title().replace("&", "") == "Help"),
                None)
    if menu is None:
        menu = window.menuBar().addMenu("&Help")
    elif menu.actions():
        menu.addSeparator()
    about = QAction("&About MLP Studio", window)
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.setToolTip("The version of MLP Studio and the licences of the libraries it uses")
    about.triggered.connect(lambda: show_about(window))
    about_qt = QAction("About &Qt", window)
    about_qt.setMenuRole(QAction.MenuRole.AboutQtRole)
    about_qt.setToolTip("The version and licence of Qt")
    about_qt.triggered.connect(QApplication.aboutQt)
    menu.addActions([about, about_qt])
    return menu


def show_about(parent: QWidget) -> AboutDialog:
    dialog = AboutDialog(parent)
    dialog.setWindowIcon(QIcon(QApplication.windowIcon()))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
