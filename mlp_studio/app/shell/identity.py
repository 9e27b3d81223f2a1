"""Who the app is to the desktop: the names behind its settings file, data folder, launcher
entry, window class and file types.

- settings: ``~/.config/mlp-studio.conf`` (Linux), registry ``HKCU\\Software\\mlp-studio``
  (Windows), ``~/Library/Preferences/com.mlp-studio.plist`` (macOS);
- data (recovery files, the log): ``~/.local/share/mlp-studio`` (Linux),
  ``%APPDATA%\\mlp-studio`` (Windows), ``~/Library/Application Support/mlp-studio`` (macOS);
- the desktop entry ``mlp-studio.desktop`` (Wayland matches the window to it) and the X11
  window class ``mlp-studio`` (its ``StartupWMClass``);
- the MIME types of ``resources/mlp-studio.xml``.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication

APP_NAME = "mlp-studio"
DISPLAY_NAME = "MLP Studio"
#: the project's host (github.com/mlp-studio); the macOS identifiers in
#: packaging/bundle_config.py are its reverse, io.github.mlp-studio
ORGANIZATION_DOMAIN = "mlp-studio.github.io"
DESKTOP_FILE_NAME = "mlp-studio"
PROJECT_MIME_TYPE = "application/x-mlp-studio-project"
LESSON_MIME_TYPE = "application/x-mlp-studio-lesson"


def apply_identity(app: QGuiApplication) -> None:
    """Name the application. No organisation name: it would add a folder level to the data path."""
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(DISPLAY_NAME)
    app.setOrganizationName("")
    app.setOrganizationDomain(ORGANIZATION_DOMAIN)
    app.setDesktopFileName(DESKTOP_FILE_NAME)


def settings() -> QSettings:
    """The app's settings: one file named after the app (in the default format, so tests and
    the self-test can redirect it)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, APP_NAME)
