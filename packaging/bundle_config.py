"""What the PyInstaller bundle holds: data files, excluded modules, dropped Qt files.

Imported by ``mlp_studio.spec`` and by the tests (it needs no PyInstaller).
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
RESOURCES_DEST = "mlp_studio/resources"

# Python packages the app never imports at run time; some are installed in developers'
# environments (tests, benchmarks) and would otherwise be pulled in by optional imports.
EXCLUDED_MODULES = [
    "tests", "pytest", "_pytest", "pytestqt", "hypothesis",
    "torch", "sklearn", "scipy", "matplotlib", "pandas", "IPython", "jupyter_rfb",
    "numba", "cupy", "h5py", "OpenGL", "tkinter", "PIL",
    "PyQt5", "PyQt6", "PySide2",
    "pyqtgraph.examples", "pyqtgraph.opengl", "pyqtgraph.jupyter", "pyqtgraph.canvas",
    "pyqtgraph.flowchart",
    # Qt modules the app does not use (PySide6-Essentials ships several of them).
    *(f"PySide6.{name}" for name in (
        "QtQml", "QtQuick", "QtQuickControls2", "QtQuickWidgets", "QtQuickTest", "QtQuick3D",
        "QtDesigner", "QtHelp", "QtSql", "QtUiTools", "QtXml", "QtConcurrent", "QtNetwork",
        "QtDBus", "QtPrintSupport", "QtPdf", "QtPdfWidgets", "QtCharts", "QtDataVisualization",
        "QtGraphs", "QtGraphsWidgets", "QtMultimedia", "QtMultimediaWidgets", "QtSpatialAudio",
        "QtWebEngineCore", "QtWebEngineWidgets", "QtWebEngineQuick", "QtWebChannel",
        "QtWebSockets", "QtWebView", "QtHttpServer", "QtNetworkAuth", "Qt3DCore", "Qt3DRender",
        "Qt3DInput", "Qt3DLogic", "Qt3DAnimation", "Qt3DExtras", "QtBluetooth", "QtNfc",
        "QtPositioning", "QtLocation", "QtSensors", "QtSerialPort", "QtSerialBus",
        "QtRemoteObjects", "QtScxml", "QtStateMachine", "QtTextToSpeech", "QtAxContainer")),
]

# Files (bundle-relative, "/"-separated) that the hooks collect but the app does not need:
# Qt's own translations (the UI is English), plugins for embedded platforms, QML, SQL,
# printing, networking and PDF, and the Qt libraries only those plugins load; and the build
# machine's C++ runtime, which must not shadow a newer system one that the system's OpenGL
# drivers need (every Linux desktop has libstdc++; the .deb depends on it).
DROPPED_FILES = [
    "*/Qt/translations/*", "*/Qt6/translations/*", "*/translations/qt*.qm",
    "*/plugins/platforms/*qeglfs*", "*/plugins/platforms/*qlinuxfb*",
    "*/plugins/platforms/*qvnc*", "*/plugins/platforms/*qminimalegl*",
    "*/plugins/platforms/*qvkkhrdisplay*", "*/plugins/egldeviceintegrations/*",
    "*/plugins/generic/*", "*/plugins/qmltooling/*", "*/plugins/qmllint/*",
    "*/plugins/designer/*", "*/plugins/sqldrivers/*", "*/plugins/printsupport/*",
    "*/plugins/networkinformation/*", "*/plugins/tls/*", "*/plugins/imageformats/*qpdf*",
    "*/plugins/imageformats/*qtiff*",
    "*/plugins/platforminputcontexts/*qtvirtualkeyboard*",
    # the GTK theme plugin works only with the system's GTK; the copies of cairo, pango etc.
    # that it drags in could clash with that GTK
    "*/plugins/platformthemes/*qgtk3*", "*libgtk-3*", "*libgdk-3*", "*libatk-*", "*libatk-bridge*",
    "*libcairo*", "*libpango*", "*libgdk_pixbuf*", "*libthai*", "*libdatrie*", "*libpixman*",
    "*libfribidi*", "*libepoxy*",
    "*/qml/*",
    "*libQt6Qml*", "*libQt6Quick*", "*libQt6Pdf*", "*libQt6VirtualKeyboard*",
    "*libQt6Network*", "*libQt6Sql*", "*libQt6PrintSupport*", "*libQt6Designer*",
    "*libQt6EglFS*", "*libQt6EglFs*", "*libQt6FbSupport*", "*libQt6InputSupport*", "*libQt6KmsSupport*",
    "libstdc++.so*", "libgcc_s.so*",
]


def resource_patterns(root: Path = ROOT) -> list[str]:
    """The package-data patterns of ``mlp_studio.resources`` in pyproject.toml."""
    with open(root / "pyproject.toml", "rb") as f:
        config = tomllib.load(f)
    return list(config["tool"]["setuptools"]["package-data"]["mlp_studio.resources"])


def resource_datas(root: Path = ROOT) -> list[tuple[str, str]]:
    """PyInstaller ``datas``: the resource files that pyproject's package-data patterns
    select (as setuptools globs them), each with its folder inside the bundle, where
    ``importlib.resources`` finds it as in an installed wheel."""
    folder = root / "resources"
    files = {path for pattern in resource_patterns(root) for path in folder.glob(pattern)
             if path.is_file()}
    return [(str(path), str(PurePosixPath(RESOURCES_DEST, *path.relative_to(folder).parent.parts)))
            for path in sorted(files)]


def keep_in_bundle(dest_name: str) -> bool:
    """False for a collected file on the ``DROPPED_FILES`` list."""
    name = dest_name.replace("\\", "/")
    return not any(fnmatch.fnmatch(name, pattern) for pattern in DROPPED_FILES)


#: macOS: PySide6-Essentials 6.10's wheels need macOS 13 or newer
MACOS_MINIMUM = "13.0"
#: identifiers under io.github.mlp-studio, the reverse of the project's host (github.com/mlp-studio)
MACOS_BUNDLE_ID = "io.github.mlp-studio.MLPStudio"
_MACOS_TYPES = (  # (UTI, description, extension, MIME type)
    ("io.github.mlp-studio.project", "MLP Studio project", "mlp.json", "application/x-mlp-studio-project"),
    ("io.github.mlp-studio.lesson", "MLP Studio lesson", "mlp-lesson.json", "application/x-mlp-studio-lesson"),
)


def macos_info_plist(version: str) -> dict:
    """Info.plist entries of ``MLP Studio.app``: version, minimum macOS, file types.

    The app declares its own types (conforming to JSON) and opens them: projects and lessons. Launch Services
    matches only the last extension ("json") of a name, so the app also offers itself,
    never as the default, for every JSON file (the Finder's "Open With").
    """
    return {
        "CFBundleDisplayName": "MLP Studio",
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "LSMinimumSystemVersion": MACOS_MINIMUM,
        "LSApplicationCategoryType": "public.app-category.education",
        "NSHighResolutionCapable": True,
        "NSHumanReadableCopyright": "MLP Studio developers; MIT licence",
        "UTExportedTypeDeclarations": [
            {"UTTypeIdentifier": uti, "UTTypeDescription": description,
             "UTTypeConformsTo": ["public.json"],
             "UTTypeTagSpecification": {"public.filename-extension": [extension],
                                        "public.mime-type": [mime]}}
            for uti, description, extension, mime in _MACOS_TYPES],
        "CFBundleDocumentTypes": [
            *({"CFBundleTypeName": description, "CFBundleTypeRole": "Editor", "LSHandlerRank": "Owner",
               "LSItemContentTypes": [uti]} for uti, description, _, _ in _MACOS_TYPES),
            {"CFBundleTypeName": "JSON", "CFBundleTypeRole": "Viewer", "LSHandlerRank": "Alternate",
             "LSItemContentTypes": ["public.json"]},
        ],
    }
