"""The overfitting example's screenshot: ``overfitting_moons`` trained as it comes, then
(after Undo, from the same initial weights) with an L2 penalty, both runs on one loss plot
(log scale), the Inspector closed so the training dock has the height.

``QT_QPA_PLATFORM=offscreen python docs/screenshots/take_overfitting.py OUT.png [WIDTH HEIGHT]``
(settings go to a temporary folder, so a developer's saved layout does not change the picture).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace

L2 = 0.3


def main() -> int:
    out = sys.argv[1]
    width, height = (int(v) for v in sys.argv[2:4]) if len(sys.argv) >= 4 else (1280, 800)
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDockWidget

    app = QApplication(sys.argv[:1])
    from mlp_studio.app.shell.main import _initial_document
    from mlp_studio.app.shell.main_window import MainWindow

    window = MainWindow(_initial_document([]))
    window.resize(width, height)
    window.show()
    window.open_example("overfitting_moons.mlp.json")
    panel, doc = window.training_panel, window.document
    for name in ("training_dock", "dock_output_surface"):
        window.findChild(QDockWidget, name).raise_()
    window.inspector_dock.close()  # the training dock gets the height
    panel.plot.accuracy_box.setChecked(False)  # the losses only, on a log axis: the gap shows
    panel.plot.set_log(True)
    panel.speed.setValue(panel.speed.maximum())  # the picture, not the pace, is wanted here
    runs = ["plain", "l2"]

    def next_run() -> None:
        if panel.session.is_active:
            QTimer.singleShot(100, next_run)
            return
        if not runs:
            QTimer.singleShot(800, shoot)
            return
        if runs.pop(0) == "l2":
            doc.undo()  # back to the initial weights: the same start, now with the penalty
            doc.set_training(replace(doc.project.training, l2=L2), f"Set L2 to {L2:g}")
        panel.start(None)
        QTimer.singleShot(300, next_run)

    def shoot() -> None:
        window.grab().save(out)
        panel.session.shutdown()
        os._exit(0)  # the screenshot is all that is wanted: no save prompt, no clean-up

    QTimer.singleShot(700, next_run)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
