"""File > Export (a PyTorch script, an ONNX model) and File > Import (an ONNX model)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from mlp_studio.errors import MLPError


class InteropMenus:
    """Adds the Export and Import submenus to ``file_menu`` of ``window`` (the main window).

    Each action takes a path (for tests and scripts) or asks for one in a file dialog;
    errors show in a dialog and leave the open project as it was.
    """

    def __init__(self, window, file_menu) -> None:
        self.window = window
        export = file_menu.addMenu("E&xport")
        self.export_pytorch_action = export.addAction("&PyTorch Script…", lambda: self.export_pytorch())
        self.export_onnx_action = export.addAction("&ONNX Model…", lambda: self.export_onnx())
        self.export_onnx_action.setToolTip("The network as an ONNX model, for onnxruntime and other tools")
        self.export_pytorch_action.setToolTip("A standalone Python file (torch and numpy) that "
                                              "predicts and trains, also under torchrun")
        imports = file_menu.addMenu("&Import")
        self.import_onnx_action = imports.addAction("&ONNX Model…", lambda: self.import_onnx())
        self.import_onnx_action.setToolTip("Open an ONNX model of a plain MLP as a new project")

    def _save_path(self, title: str, suffix: str, filter_text: str) -> Path | None:
        doc_path = self.window.document.path
        start = (doc_path.with_name(doc_path.name.removesuffix(".mlp.json") + suffix)
                 if doc_path else Path(f"model{suffix}"))
        path, _ = QFileDialog.getSaveFileName(self.window, title, str(start), filter_text)
        return Path(path) if path else None

    def _export(self, path: Path | None, write, title: str, suffix: str, filter_text: str) -> bool:
        path = path or self._save_path(title, suffix, filter_text)
        if path is None:
            return False
        try:
            write(self.window.document.project, path)
        except MLPError as exc:
            QMessageBox.warning(self.window, "Could not export", str(exc))
            return False
        except OSError as exc:
            QMessageBox.warning(self.window, "Could not export", f"{path}: {exc.strerror or exc}")
            return False
        self.window.statusBar().showMessage(f"Exported {path}", 5000)
        return True

    def export_pytorch(self, path: str | Path | None = None) -> bool:
        from mlp_studio.io.pytorch_export import write_pytorch_script

        return self._export(Path(path) if path else None, write_pytorch_script,
                            "Export PyTorch script", ".py", "Python script (*.py)")

    def export_onnx(self, path: str | Path | None = None) -> bool:
        from mlp_studio.io.onnx_export import write_onnx

        return self._export(Path(path) if path else None, write_onnx,
                            "Export ONNX model", ".onnx", "ONNX model (*.onnx)")

    def import_onnx(self, path: str | Path | None = None) -> bool:
        """Open an ONNX model as a new, untitled project (after the unsaved-changes prompt)."""
        from mlp_studio.io.onnx_import import load_onnx_project

        window = self.window
        if window.refuse_while_locked():
            return False
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(window, "Import ONNX model", "", "ONNX model (*.onnx)")
            if not chosen:
                return False
            path = chosen
        return window.open_untitled(lambda: load_onnx_project(path), "Could not import the model",
                                    f"{Path(path).name} (imported)")
